package answer

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Part is a part of a day a question may ask about.
type Part uint8

// Parts of a day.
const (
	AllDay Part = iota
	Morning
	Afternoon
	Evening
	AfterLunch
)

// query is what a question says, in the vocabulary's terms.
type query struct {
	toks     []token
	cues     map[string]float64
	concepts map[string]float64
	// conceptSpan: the tokens each concept covers
	conceptTokens map[string][]int
	// names are the words written as names (capitalised inside the
	// sentence, or in capitals): unknown, they are an unknown subject.
	names map[string]bool
	// cueToken marks tokens that are question words, times and the like
	// rather than the subject; cueOf names the cue.
	cueToken []bool
	cueOf    []string
	// uncovered counts, in a spaceless run, the letters no term explains;
	// residual is the run without its question words, times and grammar.
	uncovered []int
	residual  []string
	langVotes map[string]float64

	day    time.Time
	hasDay bool
	// explicitDay: the day was named by date, weekday or number, not as
	// "today" or "tomorrow".
	explicitDay bool
	part        Part
}

var (
	isoDate     = regexp.MustCompile(`\b(20\d\d)-(\d{1,2})-(\d{1,2})\b`)
	numericDate = regexp.MustCompile(`\b(\d{1,2})\s*([./])\s*(\d{1,2})\b`)
	koreanDate  = regexp.MustCompile(`(?:(\d{1,2})\s*월\s*)?(\d{1,2})\s*일(?:\s*차)?`)
	number      = regexp.MustCompile(`^\d{1,2}$`)
)

func (v *Vocabulary) analyze(question string, days []time.Time, now time.Time) *query {
	question = clipQuestion(question)
	text := normalize(question)
	q := &query{
		names:         names(question),
		toks:          tokenize(text),
		cues:          map[string]float64{},
		concepts:      map[string]float64{},
		conceptTokens: map[string][]int{},
		langVotes:     map[string]float64{},
	}
	q.cueToken = make([]bool, len(q.toks))
	q.cueOf = make([]string, len(q.toks))
	matches := v.bestMatches(v.find(q.toks, true))
	q.uncovered, q.residual = v.uncovered(q.toks, matches)
	// How well a concept covers each token: a word that names a concept
	// ("lecture") is the subject even if it also looks like a cue
	// ("lecturer").
	conceptQ := make([]float64, len(q.toks))
	for _, m := range matches {
		if v.terms[m.term].kind == conceptTerm {
			for i := m.start; i < m.end; i++ {
				conceptQ[i] = max(conceptQ[i], m.quality)
			}
		}
	}
	q.voteLanguages(v, matches)
	for _, m := range matches {
		t := v.terms[m.term]
		if t.kind == cueTerm {
			if m.quality <= conceptQ[m.start] {
				continue
			}
			if t.name != "stop" {
				q.cues[t.name] = max(q.cues[t.name], m.quality)
			}
			for i := m.start; i < m.end; i++ {
				// A spaceless run holds the subject too: only its concepts
				// and letters say what it is about.
				if !q.toks[i].script.spaceless() {
					q.cueToken[i] = true
					q.cueOf[i] = t.name
				}
			}
			continue
		}
		q.concepts[t.name] = max(q.concepts[t.name], m.quality)
		for i := m.start; i < m.end; i++ {
			q.conceptTokens[t.name] = append(q.conceptTokens[t.name], i)
		}
	}
	// A word read as a question word ("dastur", programme) does not also
	// name a concept.
	for c, toks := range q.conceptTokens {
		if !slices.ContainsFunc(toks, func(i int) bool { return !q.cueToken[i] }) {
			delete(q.concepts, c)
			delete(q.conceptTokens, c)
		}
	}
	for i, tk := range q.toks {
		if tk.script == scriptDigit {
			q.cueToken[i] = true // numbers are dates, days and times here
		}
	}
	q.resolveDay(text, days, now)
	switch {
	case q.cues["after_lunch"] > 0:
		q.part = AfterLunch
	case q.cues["morning"] > 0:
		q.part = Morning
	case q.cues["afternoon"] > 0:
		q.part = Afternoon
	case q.cues["evening"] > 0:
		q.part = Evening
	}
	return q
}

// maxQuestion bounds the work one message can cause: a question is short,
// and a pasted page is read only as far as a question would go.
const maxQuestion = 300

func clipQuestion(s string) string {
	if utf8.RuneCountInString(s) <= maxQuestion {
		return s
	}
	return string([]rune(s)[:maxQuestion])
}

// voteLanguages lets every word of the question vote once for the
// languages whose terms it matches, shared among them ("wifi" is in every
// language and says little), by the languages' own scripts only: a
// transliterated match says nothing of the language.
func (q *query) voteLanguages(v *Vocabulary, matches []termMatch) {
	perToken := make([]map[string]float64, len(q.toks))
	for _, m := range matches {
		t := &v.terms[m.term]
		if t.script != q.toks[m.start].script {
			continue
		}
		for i := m.start; i < m.end; i++ {
			if perToken[i] == nil {
				perToken[i] = map[string]float64{}
			}
			perToken[i][t.lang] = max(perToken[i][t.lang], m.quality)
		}
	}
	for _, votes := range perToken {
		for lang, quality := range votes {
			q.langVotes[lang] += quality / float64(len(votes))
		}
	}
}

// names finds the words of a question written as names: in capitals
// ("BTS"), or capitalised after the first word ("Australia").
func names(question string) map[string]bool {
	out := map[string]bool{}
	for i, w := range strings.FieldsFunc(question, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		r := []rune(w)
		caps := len(r) >= 2 && strings.ToUpper(w) == w && strings.ToLower(w) != w
		if caps || i > 0 && unicode.IsUpper(r[0]) {
			for _, t := range tokenize(normalize(w)) {
				out[t.text] = true
			}
		}
	}
	return out
}

// bestMatches drops the weaker readings of a word: a term inside a longer
// one ("çərşənbə" in "çərşənbə axşamı", Tuesday) and, among single words, a
// cue matched less well than another cue ("երեկոյան" is evening exactly and
// yesterday only by its stem).
func (v *Vocabulary) bestMatches(ms []termMatch) []termMatch {
	bestCue := map[int]float64{}
	for _, m := range ms {
		if v.terms[m.term].kind == cueTerm && m.end-m.start == 1 {
			bestCue[m.start] = max(bestCue[m.start], m.quality)
		}
	}
	out := ms[:0:0]
	for _, m := range ms {
		inside := slices.ContainsFunc(ms, func(o termMatch) bool {
			return o.end-o.start > m.end-m.start && o.start <= m.start && m.end <= o.end
		})
		weaker := v.terms[m.term].kind == cueTerm && m.end-m.start == 1 && m.quality < bestCue[m.start]
		if !inside && !weaker {
			out = append(out, m)
		}
	}
	return out
}

// uncovered counts, for each spaceless run, the letters (in runeLen units)
// that no term found in it covers: the part of the question the vocabulary
// cannot explain. residual is each run without its cues, which say nothing
// of the subject.
func (v *Vocabulary) uncovered(toks []token, matches []termMatch) (out []int, residual []string) {
	out = make([]int, len(toks))
	residual = make([]string, len(toks))
	for i, tk := range toks {
		if !tk.script.spaceless() {
			continue
		}
		covered := make([]bool, len(tk.text))
		cue := make([]bool, len(tk.text))
		for _, m := range matches {
			if m.start != i {
				continue
			}
			t := v.terms[m.term]
			term := t.text
			for from := 0; ; {
				j := strings.Index(tk.text[from:], term)
				if j < 0 {
					break
				}
				for k := from + j; k < from+j+len(term); k++ {
					covered[k] = true
					cue[k] = cue[k] || t.kind == cueTerm
				}
				from += j + len(term)
			}
		}
		var res strings.Builder
		for j, r := range tk.text {
			if !covered[j] && !unicode.In(r, unicode.Mn, unicode.Mc) {
				out[i] += runeLen(string(r))
			}
			if !cue[j] {
				res.WriteRune(r)
			}
		}
		residual[i] = res.String()
	}
	return out, residual
}

// resolveDay finds the day a question is about: relative words, weekday
// names, dates in numbers or words, "day 2".
func (q *query) resolveDay(text string, days []time.Time, now time.Time) {
	if len(days) == 0 {
		return
	}
	loc := days[0].Location()
	today := dayOf(now.In(loc))
	set := func(d time.Time) {
		q.day, q.hasDay = d, true
	}
	switch {
	case q.cues["day_after_tomorrow"] > 0:
		set(today.AddDate(0, 0, 2))
	case q.cues["tomorrow"] > 0:
		set(today.AddDate(0, 0, 1))
	case q.cues["yesterday"] > 0:
		set(today.AddDate(0, 0, -1))
	case q.cues["today"] > 0:
		set(today)
	}
	if q.hasDay {
		return
	}
	defer func() {
		// "This afternoon", "tonight": a part of a day alone means today.
		if !q.hasDay && (q.cues["morning"] > 0 || q.cues["afternoon"] > 0 || q.cues["evening"] > 0 || q.cues["after_lunch"] > 0) {
			set(today)
		}
	}()
	if d, ok := explicitDate(text, q, days); ok {
		set(d)
		q.explicitDay = true
		return
	}
	for wd := 1; wd <= 7; wd++ {
		// A weekday read through a typo ("байсан", was, for "баасан",
		// Friday) is too weak to name a day.
		if q.cues["weekday_"+strconv.Itoa(wd)] >= endingMatch {
			if d, ok := weekdayIn(days, today, time.Weekday(wd%7)); ok {
				set(d)
			} else {
				q.hasDay, q.explicitDay = false, true // a weekday the event does not have
			}
			q.explicitDay = true
			return
		}
	}
	// "Day 2", "второй день", "첫째 날": a number or an ordinal with the word
	// for day, or an ordinal word that says it alone ("첫날").
	if q.cues["day"] > 0 || q.cues["first"] == 1 || q.cues["second"] == 1 || q.cues["third"] == 1 || q.cues["last"] == 1 {
		n := 0
		switch {
		case q.cues["first"] > 0:
			n = 1
		case q.cues["second"] > 0:
			n = 2
		case q.cues["third"] > 0:
			n = 3
		case q.cues["last"] > 0:
			n = len(days)
		}
		for _, tk := range q.toks {
			if number.MatchString(tk.text) {
				n, _ = strconv.Atoi(tk.text)
			}
		}
		if n >= 1 && n <= len(days) {
			set(days[n-1])
			q.explicitDay = true
		} else if n > 0 {
			q.explicitDay = true // "day 5" of a three-day event
		}
	}
}

// explicitDate reads a date written with numbers: 2027-04-15, 15.04, 4/15,
// 15 April, 4월 15일.
func explicitDate(text string, q *query, days []time.Time) (time.Time, bool) {
	loc := days[0].Location()
	on := func(y int, m time.Month, d int) (time.Time, bool) {
		if m < 1 || m > 12 || d < 1 || d > 31 {
			return time.Time{}, false
		}
		if y == 0 {
			y = nearestYear(days, m)
		}
		return time.Date(y, m, d, 0, 0, 0, 0, loc), true
	}
	if m := isoDate.FindStringSubmatch(text); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		return on(y, time.Month(mo), d)
	}
	if m := koreanDate.FindStringSubmatch(text); m != nil && !strings.Contains(m[0], "차") {
		d, _ := strconv.Atoi(m[2])
		mo := int(days[0].Month())
		if m[1] != "" {
			mo, _ = strconv.Atoi(m[1])
		}
		return on(0, time.Month(mo), d)
	}
	if m := numericDate.FindStringSubmatch(text); m != nil {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[3])
		// 15.04 and 15/4 put the day first; 4/15 puts the month first,
		// as written in the Philippines and the US.
		if m[2] == "/" && b > 12 || a <= 12 && b > 12 {
			a, b = b, a
		}
		return on(0, time.Month(b), a)
	}
	// A month named next to a number: "15 April", "April 15", "15 апреля".
	for mo := 1; mo <= 12; mo++ {
		if q.cues["month_"+strconv.Itoa(mo)] == 0 {
			continue
		}
		for _, tk := range q.toks {
			if number.MatchString(tk.text) {
				d, _ := strconv.Atoi(tk.text)
				return on(0, time.Month(mo), d)
			}
		}
	}
	return time.Time{}, false
}

func nearestYear(days []time.Time, m time.Month) int {
	for _, d := range days {
		if d.Month() == m {
			return d.Year()
		}
	}
	return days[0].Year()
}

// weekdayIn picks the programme day with that weekday, the first one from
// today on if there are several.
func weekdayIn(days []time.Time, today time.Time, wd time.Weekday) (time.Time, bool) {
	var found []time.Time
	for _, d := range days {
		if d.Weekday() == wd {
			found = append(found, d)
		}
	}
	for _, d := range found {
		if !d.Before(today) {
			return d, true
		}
	}
	if len(found) > 0 {
		return found[len(found)-1], true
	}
	return time.Time{}, false
}

func dayOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}
