// Package answer understands delegates' free-text questions about a
// programme, in any of the supported languages, without a language model:
// it normalises and transliterates the question, finds question words,
// dates and concepts from a multilingual vocabulary, scores the programme's
// items, and answers only when one of them clearly wins.
package answer

import (
	"github.com/delegatedesk/delegatedesk/internal/programme"
	"maps"
	"slices"
	"sort"
	"time"
	"unicode/utf8"
)

// Outcome says what kind of answer a question got.
type Outcome uint8

// Outcomes.
const (
	// Unknown: nothing in the programme answers the question.
	Unknown Outcome = iota
	// Item: one item answers it (Targets[0]).
	Item
	// Candidates: several items might; Targets lists up to five, best first.
	Candidates
	// Day: the question asks what is on a day (Day, Part); for a part of
	// the day, Targets are its sessions.
	Day
)

// Intent is what the question asks of its subject.
type Intent uint8

// Intents.
const (
	AskWhat Intent = iota
	AskWhen
	AskWhere
	AskWho
	AskMaterials
)

// Target is a programme item.
type Target struct {
	Kind Kind
	ID   string
}

// String writes a target as "session:d1-opening".
func (t Target) String() string {
	return [...]string{"", "session", "venue", "material", "faq"}[t.Kind] + ":" + t.ID
}

// Result is the engine's answer to a question.
type Result struct {
	Outcome Outcome
	Targets []Target
	Day     time.Time
	Part    Part
	Intent  Intent
	// Lang is the language the question is written in, or "" when that is
	// not clear.
	Lang string
}

// Thresholds of the decision, in units of inverse document frequency.
const (
	minScore        = 1.2  // an answer needs at least this much evidence
	minCoverage     = 0.55 // …covering this share of what the question says
	clearMargin     = 0.8  // the runner-up must score below this share of the best
	candidateAt     = 0.6  // candidates score at least this share of the best
	candCoverage    = 0.6  // …and the best covers this share of the question
	maxCand         = 5
	maxPartSessions = 12   // a part of a day fits one message
	unknownWord     = 1.25 // the weight of a word neither the vocabulary nor the programme knows
	unknownName     = 2.5  // …and of such a word written as a name
	whereVenue      = 2.0  // a question of where prefers a venue to what happens there
	// conceptAsWord is how much of a literal word match a match by concept
	// (a synonym, a translation) earns.
	conceptAsWord = 0.7
)

// Answer answers a question asked at instant now.
func (ix *Index) Answer(question string, now time.Time) Result {
	q := ix.vocab.analyze(question, ix.days, now)
	res := Result{Lang: q.language(), Intent: q.intent(), Day: q.day, Part: q.part}
	if q.explicitDay && !slices.ContainsFunc(ix.days, q.day.Equal) {
		// A date, weekday or day number with no sessions: whatever else the
		// question names, it is not on that day.
		return res
	}

	scores, total := ix.score(q)
	ranked := ix.rank(q, scores, now)

	// The evidence itself, before the preferences of rank, must suffice.
	if len(ranked) > 0 && scores[ranked[0].item] >= minScore && scores[ranked[0].item] >= minCoverage*total {
		best := ranked[0].score
		var cands []Target
		for _, r := range ranked {
			if r.score < candidateAt*best || len(cands) == maxCand {
				break
			}
			cands = append(cands, ix.target(r.item))
		}
		if len(ranked) == 1 || ranked[1].score < clearMargin*best {
			res.Outcome, res.Targets = Item, cands[:1]
			return res
		}
		// "Slides from yesterday": several materials of the day asked for
		// are that day's materials.
		if q.intent() == AskMaterials && q.hasDay && ix.allMaterialsOf(cands, q.day) {
			res.Outcome = Day
			return res
		}
		// Several items, none of them clearly meant: offer them only if
		// together they explain the question well.
		if scores[ranked[0].item] >= candCoverage*total {
			res.Outcome, res.Targets = Candidates, cands
			return res
		}
	}
	// No subject: a question about a time.
	switch {
	case q.cues["now"] > 0 && !q.hasDay:
		if cur := ix.prog.Now(now); len(cur) > 0 {
			return ix.sessions(res, cur)
		}
		fallthrough
	case q.cues["next"] > 0 && !q.hasDay:
		if next := ix.prog.Next(now); len(next) > 0 {
			return ix.sessions(res, next)
		}
	case q.hasDay && slices.ContainsFunc(ix.days, q.day.Equal):
		res.Outcome = Day
		if q.part != AllDay {
			// Only that part of the day: its sessions, in order.
			for i := range ix.items {
				it := &ix.items[i]
				if it.kind == KindSession && dayOf(it.start).Equal(q.day) && ix.inPart(it, q.part) && len(res.Targets) < maxPartSessions {
					res.Targets = append(res.Targets, Target{KindSession, it.id})
				}
			}
		}
		return res
	}
	res.Outcome = Unknown
	return res
}

// allMaterialsOf reports whether every target is a material of a session on
// day.
func (ix *Index) allMaterialsOf(ts []Target, day time.Time) bool {
	for _, t := range ts {
		m, ok := ix.prog.Material(t.ID)
		if t.Kind != KindMaterial || !ok {
			return false
		}
		s, ok := ix.prog.Session(m.Session)
		if !ok || !dayOf(s.Start).Equal(day) {
			return false
		}
	}
	return true
}

func (ix *Index) sessions(res Result, ss []programme.Session) Result {
	for _, s := range ss[:min(len(ss), maxCand)] {
		res.Targets = append(res.Targets, Target{KindSession, s.ID})
	}
	res.Outcome = Item
	if len(res.Targets) > 1 {
		res.Outcome = Candidates
	}
	return res
}

func (ix *Index) target(i int32) Target {
	return Target{ix.items[i].kind, ix.items[i].id}
}

// score adds up, for every item, the evidence that the question is about
// it: per word of the question the best match in the item, by concept, by
// word or by letters, weighted by rarity. total is what a perfect match
// would score.
func (ix *Index) score(q *query) (scores map[int32]float64, total float64) {
	scores = map[int32]float64{}
	// The best match per item for the current word, dense: a common
	// concept ("lecture") reaches thousands of items.
	perItem := make([]float64, len(ix.items))
	var touched []int32
	unit := func(weight float64) {
		total += weight
		for _, it := range touched {
			if s := perItem[it]; s > 0 {
				scores[it] += min(s, weight)
				perItem[it] = 0
			}
		}
		touched = touched[:0]
	}
	note := func(it int32, s float64) {
		if perItem[it] == 0 {
			touched = append(touched, it)
		}
		perItem[it] = max(perItem[it], s)
	}

	// Concepts found in spaceless runs are units of their own; in other
	// scripts a concept belongs to the words it covers.
	conceptOf := map[int][]string{}
	for _, c := range slices.Sorted(maps.Keys(q.conceptTokens)) {
		for _, t := range q.conceptTokens[c] {
			conceptOf[t] = append(conceptOf[t], c)
		}
	}
	intent := q.intent()
	for i, tk := range q.toks {
		// "Programme" is a question word, except when the question asks for
		// a document: then it names it ("the programme as a pdf").
		if q.cueToken[i] && !(intent == AskMaterials && q.cueOf[i] == "what") {
			continue
		}
		if tk.script.spaceless() {
			for _, c := range conceptOf[i] {
				w := ix.conceptIDF[c]
				for _, p := range ix.conceptPost[c] {
					note(p.item, q.concepts[c]*p.weight*w)
				}
				unit(w)
			}
			if !ix.scoreGrams(q.residual[i], note, unit) && q.uncovered[i] >= 4 {
				// Words the vocabulary does not know, in a script the
				// programme does not use: a subject we know nothing of.
				unit(unknownWord * float64(q.uncovered[i]) / 6)
			}
			continue
		}
		var weight float64
		for _, h := range ix.words.lookup(tk.key) {
			if h.quality < exactMatch && runeLen(ix.words.keys[h.id]) < 3 {
				continue
			}
			if ix.wordScripts[h.id]&(1<<tk.script) == 0 && runeLen(tk.key) < minCrossScript {
				continue
			}
			w := ix.wordIDF[h.id]
			weight = max(weight, w*h.quality)
			for _, p := range ix.wordPostings[h.id] {
				note(p.item, h.quality*p.weight*w)
			}
		}
		// A concept stands for all its words: an item that says "Отель"
		// answers "mehmonxona" as well as one that says "mehmonxona".
		for _, c := range conceptOf[i] {
			w := max(weight*conceptAsWord, ix.conceptIDF[c])
			weight = max(weight, w)
			for _, p := range ix.conceptPost[c] {
				note(p.item, q.concepts[c]*p.weight*w)
			}
		}
		switch {
		case weight > 0 && utf8.RuneCountInString(tk.text) == 1:
			// A letter ("group B") tells apart, but is no subject alone.
			weight = min(weight, 0.5)
		case weight > 0:
		case q.names[tk.text]:
			weight = unknownName // a name we do not know: not our subject
		case runeLen(tk.text) <= 2:
			weight = 0.2 // a very short unknown word is mostly grammar
		default:
			weight = unknownWord // a subject we know nothing of
		}
		unit(weight)
	}
	return scores, total
}

// scoreGrams scores a run of a spaceless script by the pairs of letters it
// shares with items, as one unit.
func (ix *Index) scoreGrams(text string, note func(int32, float64), unit func(float64)) bool {
	grams := bigrams(text)
	var known float64
	for _, g := range grams {
		known += ix.gramIDF[g]
	}
	if known == 0 {
		return false
	}
	sums := map[int32]float64{}
	for _, g := range grams {
		for _, p := range ix.gramPost[g] {
			sums[p.item] += p.weight * ix.gramIDF[g]
		}
	}
	// A run's letters are worth up to one rare word, shared out by the match.
	worth := min(3, 0.4*float64(runeLen(text)))
	for it, s := range sums {
		note(it, worth*s/known)
	}
	unit(worth)
	return true
}

type ranked struct {
	item  int32
	score float64
}

// rank orders the scored items, adjusting for what the question asks (a
// material, a place, a day) and preferring, among equals, the session
// nearest in time.
func (ix *Index) rank(q *query, scores map[int32]float64, now time.Time) []ranked {
	intent := q.intent()
	// A day without sessions ("tomorrow", a week before the event) says
	// nothing about which session is meant.
	onDay := q.hasDay && slices.ContainsFunc(ix.days, q.day.Equal)
	out := make([]ranked, 0, len(scores))
	for i, s := range scores {
		it := &ix.items[i]
		switch {
		case intent == AskMaterials && it.kind == KindMaterial:
			s *= 1.3
		case intent == AskMaterials:
			s *= 0.7
		case it.kind == KindMaterial:
			s *= 0.9 // a material only when asked for one
		case intent == AskWhere && it.kind == KindVenue:
			s *= whereVenue
		case (intent == AskWhen || intent == AskWho) && it.kind == KindSession:
			s *= 1.2 // times and speakers belong to sessions
		}
		// Length normalization, mild: of two titles that match alike, the
		// shorter is the one the question names.
		s /= 1 + 0.05*float64(max(0, it.titleWords-3))
		if onDay && !it.start.IsZero() && !dayOf(it.start).Equal(q.day) {
			s *= 0.35
		}
		if q.part != AllDay && !it.start.IsZero() && !ix.inPart(it, q.part) {
			s *= 0.6
		}
		out = append(out, ranked{i, s})
	}
	// Only items near the best can be the answer or a candidate.
	var best float64
	for _, r := range out {
		best = max(best, r.score)
	}
	out = slices.DeleteFunc(out, func(r ranked) bool { return r.score < candidateAt*best })
	sort.Slice(out, func(a, b int) bool {
		x, y := out[a], out[b]
		if !nearlyEqual(x.score, y.score) {
			return x.score > y.score
		}
		return ix.sooner(x.item, y.item, now)
	})
	// Items that tie with the best and are the same kind of thing at other
	// times ("Lunch" each day) are one answer: the soonest.
	if len(out) > 1 && nearlyEqual(out[0].score, out[1].score) && ix.sameTitle(out[0].item, out[1].item) {
		kept := out[:1]
		for _, r := range out[1:] {
			if !(nearlyEqual(r.score, out[0].score) && ix.sameTitle(out[0].item, r.item)) {
				kept = append(kept, r)
			}
		}
		out = kept
	}
	return out
}

func nearlyEqual(a, b float64) bool { return a-b < 1e-6 && b-a < 1e-6 }

// sooner orders sessions by how soon they are: today's and upcoming ones
// first, then past ones, latest first.
func (ix *Index) sooner(a, b int32, now time.Time) bool {
	x, y := ix.items[a], ix.items[b]
	if x.start.IsZero() || y.start.IsZero() {
		if x.start.IsZero() && y.start.IsZero() {
			return a < b // the programme's own order
		}
		return !x.start.IsZero()
	}
	today := dayOf(now.In(x.start.Location()))
	xu, yu := !x.end.Before(now) || dayOf(x.start).Equal(today), !y.end.Before(now) || dayOf(y.start).Equal(today)
	if xu != yu {
		return xu
	}
	switch {
	case x.start.Equal(y.start):
		return a < b
	case xu:
		return x.start.Before(y.start)
	}
	return x.start.After(y.start)
}

func (ix *Index) sameTitle(a, b int32) bool {
	x, y := &ix.items[a], &ix.items[b]
	return x.kind == KindSession && y.kind == KindSession && x.title == y.title
}

func (ix *Index) inPart(it *item, p Part) bool {
	h := it.start.Hour()
	switch p {
	case Morning:
		return h < 12
	case Afternoon:
		return h >= 12 && h < 18
	case Evening:
		return h >= 17
	case AfterLunch:
		if end, ok := ix.lunchEnds[dayOf(it.start)]; ok {
			return !it.start.Before(end)
		}
		return h >= 13
	}
	return true
}

// intent reads what the question asks.
func (q *query) intent() Intent {
	switch {
	case q.cues["who"] > 0:
		return AskWho
	case q.cues["materials"] > 0 || q.concepts["slides"] > 0 || q.concepts["photos"] > 0 || q.concepts["video"] > 0 ||
		q.concepts["document"] > 0 || q.concepts["link"] > 0:
		return AskMaterials
	case q.cues["where"] > 0 || q.cues["how"] > 0:
		return AskWhere
	case q.cues["when"] > 0:
		return AskWhen
	}
	return AskWhat
}

// language tells the language of the question: by its script where only
// one supported language uses it, else by the language whose words it
// uses most.
func (q *query) language() string {
	counts := map[script]int{}
	for _, t := range q.toks {
		counts[t.script] += utf8.RuneCountInString(t.text)
	}
	var dominant script
	for s, n := range counts {
		if s != scriptDigit && (dominant == scriptOther || n > counts[dominant]) {
			dominant = s
		}
	}
	switch dominant {
	case scriptHangul:
		return "ko"
	case scriptGeorgian:
		return "ka"
	case scriptArmenian:
		return "hy"
	case scriptBengali:
		return "bn"
	case scriptKhmer:
		return "km"
	case scriptLao:
		return "lo"
	}
	// Latin script may be transliterated Russian ("gde avtobus"), and
	// Uzbek is written in both scripts.
	var best string
	var first, second float64
	for _, l := range slices.Sorted(maps.Keys(q.langVotes)) {
		if scriptOfLang(l) != dominant && dominant != scriptLatin && !(l == "uz" && dominant == scriptCyrillic) {
			continue
		}
		switch v := q.langVotes[l]; {
		case v > first:
			best, first, second = l, v, first
		case v > second:
			second = v
		}
	}
	// Only a clear winner: otherwise the person's own language is better.
	if first < 0.5 || first < 1.5*second {
		return ""
	}
	return best
}

func scriptOfLang(lang string) script {
	switch lang {
	case "ru", "kk", "ky", "tg", "mn":
		return scriptCyrillic
	case "ko":
		return scriptHangul
	case "ka":
		return scriptGeorgian
	case "hy":
		return scriptArmenian
	case "bn":
		return scriptBengali
	case "km":
		return scriptKhmer
	case "lo":
		return scriptLao
	}
	return scriptLatin
}
