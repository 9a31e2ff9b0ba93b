package programme

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// FileVersion is the version of the programme file format this package reads
// and writes.
const FileVersion = 1

// Format is a programme file's encoding.
type Format string

// Programme file formats.
const (
	YAML Format = "yaml"
	JSON Format = "json"
)

// FormatOf guesses a file's format from its name, defaulting to YAML.
func FormatOf(name string) Format {
	if strings.HasSuffix(strings.ToLower(name), ".json") {
		return JSON
	}
	return YAML
}

// The file shape, field for field. Texts are maps from language code to text.
type fileDoc struct {
	Version   int            `yaml:"version" json:"version"`
	Event     fileEvent      `yaml:"event" json:"event"`
	Venues    []fileVenue    `yaml:"venues,omitempty" json:"venues,omitempty"`
	Sessions  []fileSession  `yaml:"sessions,omitempty" json:"sessions,omitempty"`
	Materials []fileMaterial `yaml:"materials,omitempty" json:"materials,omitempty"`
	FAQ       []fileFAQ      `yaml:"faq,omitempty" json:"faq,omitempty"`
	Glossary  Glossary       `yaml:"glossary,omitempty" json:"glossary,omitempty"`
}

type fileEvent struct {
	Code      string   `yaml:"code" json:"code"`
	Title     Text     `yaml:"title" json:"title"`
	Timezone  string   `yaml:"timezone" json:"timezone"`
	Countries []string `yaml:"countries,omitempty" json:"countries,omitempty"`
	Contacts  Text     `yaml:"contacts,omitempty" json:"contacts,omitempty"`
	DeskHours Text     `yaml:"desk_hours,omitempty" json:"desk_hours,omitempty"`
}

type fileVenue struct {
	ID       string   `yaml:"id" json:"id"`
	Name     Text     `yaml:"name" json:"name"`
	Address  Text     `yaml:"address" json:"address"`
	City     Text     `yaml:"city,omitempty" json:"city,omitempty"`
	Lat      *float64 `yaml:"lat" json:"lat"`
	Lon      *float64 `yaml:"lon" json:"lon"`
	Notes    Text     `yaml:"notes,omitempty" json:"notes,omitempty"`
	Keywords Keywords `yaml:"keywords,omitempty" json:"keywords,omitempty"`
}

type fileSession struct {
	ID          string   `yaml:"id" json:"id"`
	Title       Text     `yaml:"title" json:"title"`
	Description Text     `yaml:"description,omitempty" json:"description,omitempty"`
	Start       string   `yaml:"start" json:"start"`
	End         string   `yaml:"end" json:"end"`
	Venue       string   `yaml:"venue,omitempty" json:"venue,omitempty"`
	Speakers    []string `yaml:"speakers,omitempty" json:"speakers,omitempty"`
	Kind        string   `yaml:"kind" json:"kind"`
	Groups      []string `yaml:"groups,omitempty" json:"groups,omitempty"`
	Keywords    Keywords `yaml:"keywords,omitempty" json:"keywords,omitempty"`
	Cancelled   bool     `yaml:"cancelled,omitempty" json:"cancelled,omitempty"`
}

type fileMaterial struct {
	ID       string   `yaml:"id" json:"id"`
	Title    Text     `yaml:"title" json:"title"`
	Kind     string   `yaml:"kind" json:"kind"`
	Session  string   `yaml:"session,omitempty" json:"session,omitempty"`
	URL      string   `yaml:"url" json:"url"`
	Keywords Keywords `yaml:"keywords,omitempty" json:"keywords,omitempty"`
}

type fileFAQ struct {
	ID       string              `yaml:"id" json:"id"`
	Question map[string][]string `yaml:"question" json:"question"`
	Answer   Text                `yaml:"answer" json:"answer"`
	Keywords Keywords            `yaml:"keywords,omitempty" json:"keywords,omitempty"`
}

// Problem is one thing wrong with a programme file. Code names the rule that
// failed so that callers can explain it in the reader's language; Error gives
// an English explanation.
type Problem struct {
	// Path locates the field, e.g. "sessions[3].venue"; empty for the file as a whole.
	Path string
	// Line is the 1-based line in the file, or 0 where the format gives none.
	Line int
	Code ProblemCode
	// Value is the offending value or, for syntax errors, the parser's message.
	Value string
}

// ProblemCode names a validation rule.
type ProblemCode string

// Validation rules.
const (
	ProblemSyntax          ProblemCode = "syntax"
	ProblemVersion         ProblemCode = "version"
	ProblemRequired        ProblemCode = "required"
	ProblemBadID           ProblemCode = "bad_id"
	ProblemDuplicateID     ProblemCode = "duplicate_id"
	ProblemUnknownVenue    ProblemCode = "unknown_venue"
	ProblemUnknownSession  ProblemCode = "unknown_session"
	ProblemBadTime         ProblemCode = "bad_time"
	ProblemEndBeforeStart  ProblemCode = "end_before_start"
	ProblemUnknownTimezone ProblemCode = "unknown_timezone"
	ProblemUnknownLanguage ProblemCode = "unknown_language"
	ProblemLatitude        ProblemCode = "latitude"
	ProblemLongitude       ProblemCode = "longitude"
	ProblemUnknownKind     ProblemCode = "unknown_kind"
	ProblemBadCountry      ProblemCode = "bad_country"
	ProblemBadURL          ProblemCode = "bad_url"
	ProblemUnknownField    ProblemCode = "unknown_field"
	ProblemBadValue        ProblemCode = "bad_value"
	ProblemOverlap         ProblemCode = "overlap"
)

// ProblemCodes lists every validation rule.
var ProblemCodes = []ProblemCode{
	ProblemSyntax, ProblemVersion, ProblemRequired, ProblemBadID, ProblemDuplicateID,
	ProblemUnknownVenue, ProblemUnknownSession, ProblemBadTime, ProblemEndBeforeStart,
	ProblemUnknownTimezone, ProblemUnknownLanguage, ProblemLatitude, ProblemLongitude,
	ProblemUnknownKind, ProblemBadCountry, ProblemBadURL, ProblemUnknownField, ProblemBadValue, ProblemOverlap,
}

// Error describes the problem for logs; people read it localized (see the
// problem_* messages in locales/).
func (p Problem) Error() string {
	var b strings.Builder
	if p.Path != "" {
		b.WriteString(p.Path + ": ")
	}
	b.WriteString(string(p.Code))
	if p.Value != "" {
		fmt.Fprintf(&b, " %q", p.Value)
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, " (line %d)", p.Line)
	}
	return b.String()
}

// InvalidError lists every problem found in a programme file.
type InvalidError struct{ Problems []Problem }

func (e *InvalidError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Error()
	}
	return fmt.Sprintf("programme: %d problem(s):\n%s", len(e.Problems), strings.Join(lines, "\n"))
}

// Parse reads and validates a programme file. A file with any problem is
// rejected whole with an *InvalidError listing every problem found.
func Parse(data []byte, format Format) (*Programme, error) {
	if format == JSON {
		// Check the JSON grammar first, for its error positions; JSON is
		// YAML too, so the rest is the same for both.
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, &InvalidError{[]Problem{jsonProblem(data, err)}}
		}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &InvalidError{yamlProblems(err)}
	}
	if len(root.Content) == 0 {
		return nil, &InvalidError{[]Problem{{Code: ProblemSyntax, Value: "the file is empty"}}}
	}
	var problems []Problem
	unknownFields(root.Content[0], reflect.TypeOf(fileDoc{}), "", &problems)
	var doc fileDoc
	if err := root.Decode(&doc); err != nil {
		// A wrong type is reported, and the rest is still checked.
		problems = append(problems, yamlProblems(err)...)
	}
	p, problems := doc.toProgramme(problems)
	lines := lineIndex(&root)
	for i := range problems {
		if problems[i].Line == 0 {
			problems[i].Line = lineOf(lines, problems[i].Path)
		}
	}
	if len(problems) > 0 {
		return nil, &InvalidError{problems}
	}
	p.Normalize()
	return p, nil
}

// lineOf finds the line of a path or, for a missing field, of the nearest
// enclosing one.
func lineOf(lines map[string]int, path string) int {
	for path != "" {
		if n, ok := lines[path]; ok {
			return n
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0
}

// unknownFields reports the keys of n that the file format does not have
// (typos such as "titel"), with their lines.
func unknownFields(n *yaml.Node, t reflect.Type, path string, problems *[]Problem) {
	switch t.Kind() {
	case reflect.Pointer:
		unknownFields(n, t.Elem(), path, problems)
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return // a wrong type: decoding reports it
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			f, ok := fieldByTag(t, k.Value)
			if !ok {
				*problems = append(*problems, Problem{Path: p, Line: k.Line, Code: ProblemUnknownField, Value: k.Value})
				continue
			}
			unknownFields(n.Content[i+1], f.Type, p, problems)
		}
	case reflect.Slice:
		if n.Kind == yaml.SequenceNode {
			for i, c := range n.Content {
				unknownFields(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i), problems)
			}
		}
	}
}

func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

var yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)

func yamlProblems(err error) []Problem {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		out := make([]Problem, 0, len(te.Errors))
		for _, e := range te.Errors {
			out = append(out, lineProblem(e))
		}
		return out
	}
	return []Problem{lineProblem(strings.TrimPrefix(err.Error(), "yaml: "))}
}

func lineProblem(msg string) Problem {
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return Problem{Line: n, Code: ProblemSyntax, Value: m[2]}
	}
	return Problem{Code: ProblemSyntax, Value: msg}
}

func jsonProblem(data []byte, err error) Problem {
	var off int64
	var se *json.SyntaxError
	var ue *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &ue):
		off = ue.Offset
	}
	p := Problem{Code: ProblemSyntax, Value: strings.TrimPrefix(err.Error(), "json: ")}
	if off > 0 && off <= int64(len(data)) {
		p.Line = bytes.Count(data[:off], []byte("\n")) + 1
	}
	return p
}

// lineIndex maps field paths ("sessions[3].venue") to the line they stand on.
func lineIndex(root *yaml.Node) map[string]int {
	idx := map[string]int{}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				p := k.Value
				if path != "" {
					p = path + "." + k.Value
				}
				idx[p] = k.Line
				walk(v, p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				idx[p] = c.Line
				walk(c, p)
			}
		}
	}
	walk(root.Content[0], "")
	return idx
}

var (
	idPattern      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,47}$`)
	codePattern    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)
	countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)
	// Telegram's file_ids are long base64url strings.
	fileIDPattern  = regexp.MustCompile(`^[A-Za-z0-9_-]{20,}$`)
	conceptPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_]{0,47}$`)
)

const timeLayout = "2006-01-02T15:04"

func (d *fileDoc) toProgramme(problems []Problem) (*Programme, []Problem) {
	add := func(path string, code ProblemCode, value string) {
		problems = append(problems, Problem{Path: path, Code: code, Value: value})
	}
	if d.Version != FileVersion {
		add("version", ProblemVersion, strconv.Itoa(d.Version))
	}
	checkText := func(path string, t Text, required bool) Text {
		t = normalizeText(t)
		for _, lang := range slices.Sorted(maps.Keys(t)) {
			if !slices.Contains(Languages, lang) {
				add(path+"."+lang, ProblemUnknownLanguage, lang)
			}
		}
		if required && t.In(Fallback) == "" {
			add(path, ProblemRequired, "")
		}
		return t
	}
	checkKeywords := func(path string, kw Keywords) Keywords {
		out := Keywords{}
		for _, lang := range slices.Sorted(maps.Keys(kw)) {
			if !slices.Contains(Languages, normalizeLang(lang)) {
				add(path+"."+lang, ProblemUnknownLanguage, lang)
			}
			if words := nonEmpty(kw[lang]); len(words) > 0 {
				out[normalizeLang(lang)] = append(out[normalizeLang(lang)], words...)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	requireID := func(path, id string, seen map[string]bool) {
		switch {
		case id == "":
			add(path, ProblemRequired, "")
		case !idPattern.MatchString(id):
			add(path, ProblemBadID, id)
		case seen[id]:
			add(path, ProblemDuplicateID, id)
		}
		seen[id] = true
	}

	p := &Programme{}
	e := d.Event
	p.Event.Code = e.Code
	switch {
	case e.Code == "":
		add("event.code", ProblemRequired, "")
	case !codePattern.MatchString(e.Code):
		add("event.code", ProblemBadID, e.Code)
	}
	p.Event.Title = checkText("event.title", e.Title, true)
	p.Event.Contacts = checkText("event.contacts", e.Contacts, false)
	p.Event.DeskHours = checkText("event.desk_hours", e.DeskHours, false)
	p.Event.Timezone = e.Timezone
	loc := time.UTC
	if e.Timezone == "" {
		add("event.timezone", ProblemRequired, "")
	} else if l, err := time.LoadLocation(e.Timezone); err != nil || e.Timezone == "Local" {
		add("event.timezone", ProblemUnknownTimezone, e.Timezone)
	} else {
		loc = l
	}
	for i, c := range e.Countries {
		c = strings.ToUpper(strings.TrimSpace(c))
		if !countryPattern.MatchString(c) {
			add(fmt.Sprintf("event.countries[%d]", i), ProblemBadCountry, e.Countries[i])
		}
		p.Event.Countries = append(p.Event.Countries, c)
	}

	venues := map[string]bool{}
	for i, v := range d.Venues {
		path := fmt.Sprintf("venues[%d]", i)
		requireID(path+".id", v.ID, venues)
		nv := Venue{
			ID:      v.ID,
			Name:    checkText(path+".name", v.Name, true),
			Address: checkText(path+".address", v.Address, true),
			City:    checkText(path+".city", v.City, false),
			Notes:   checkText(path+".notes", v.Notes, false),
		}
		nv.Keywords = checkKeywords(path+".keywords", v.Keywords)
		if v.Lat == nil {
			add(path+".lat", ProblemRequired, "")
		} else if nv.Lat = *v.Lat; math.IsNaN(nv.Lat) || nv.Lat < -90 || nv.Lat > 90 {
			add(path+".lat", ProblemLatitude, formatFloat(nv.Lat))
		}
		if v.Lon == nil {
			add(path+".lon", ProblemRequired, "")
		} else if nv.Lon = *v.Lon; math.IsNaN(nv.Lon) || nv.Lon < -180 || nv.Lon > 180 {
			add(path+".lon", ProblemLongitude, formatFloat(nv.Lon))
		}
		p.Venues = append(p.Venues, nv)
	}

	sessions := map[string]bool{}
	for i, s := range d.Sessions {
		path := fmt.Sprintf("sessions[%d]", i)
		requireID(path+".id", s.ID, sessions)
		ns := Session{
			ID:          s.ID,
			Title:       checkText(path+".title", s.Title, true),
			Description: checkText(path+".description", s.Description, false),
			Venue:       s.Venue,
			Speakers:    nonEmpty(s.Speakers),
			Kind:        Kind(s.Kind),
			Groups:      nonEmpty(s.Groups),
			Keywords:    checkKeywords(path+".keywords", s.Keywords),
			Cancelled:   s.Cancelled,
		}
		if ns.Kind == "" {
			ns.Kind = KindOther
		} else if !slices.Contains(Kinds, ns.Kind) {
			add(path+".kind", ProblemUnknownKind, s.Kind)
		}
		var okStart, okEnd bool
		ns.Start, okStart = parseLocal(path+".start", s.Start, loc, add)
		ns.End, okEnd = parseLocal(path+".end", s.End, loc, add)
		if okStart && okEnd && !ns.End.After(ns.Start) {
			add(path+".end", ProblemEndBeforeStart, s.End)
		}
		if s.Venue != "" && !venues[s.Venue] {
			add(path+".venue", ProblemUnknownVenue, s.Venue)
		}
		p.Sessions = append(p.Sessions, ns)
	}

	materials := map[string]bool{}
	for i, m := range d.Materials {
		path := fmt.Sprintf("materials[%d]", i)
		requireID(path+".id", m.ID, materials)
		nm := Material{
			ID:      m.ID,
			Title:   checkText(path+".title", m.Title, true),
			Kind:    MaterialKind(m.Kind),
			Session: m.Session,
			URL:     strings.TrimSpace(m.URL),
		}
		nm.Keywords = checkKeywords(path+".keywords", m.Keywords)
		if m.Kind == "" {
			add(path+".kind", ProblemRequired, "")
		} else if !slices.Contains(MaterialKinds, nm.Kind) {
			add(path+".kind", ProblemUnknownKind, m.Kind)
		}
		if m.Session != "" && !sessions[m.Session] {
			add(path+".session", ProblemUnknownSession, m.Session)
		}
		switch {
		case nm.URL == "":
			add(path+".url", ProblemRequired, "")
		case !isWebURL(nm.URL) && !fileIDPattern.MatchString(nm.URL):
			add(path+".url", ProblemBadURL, nm.URL)
		}
		p.Materials = append(p.Materials, nm)
	}

	faqs := map[string]bool{}
	for i, f := range d.FAQ {
		path := fmt.Sprintf("faq[%d]", i)
		requireID(path+".id", f.ID, faqs)
		nf := FAQ{ID: f.ID, Question: map[string][]string{}, Answer: checkText(path+".answer", f.Answer, true),
			Keywords: checkKeywords(path+".keywords", f.Keywords)}
		for _, lang := range slices.Sorted(maps.Keys(f.Question)) {
			if !slices.Contains(Languages, normalizeLang(lang)) {
				add(path+".question."+lang, ProblemUnknownLanguage, lang)
			}
			if q := nonEmpty(f.Question[lang]); len(q) > 0 {
				nf.Question[normalizeLang(lang)] = append(nf.Question[normalizeLang(lang)], q...)
			}
		}
		if len(nf.Question) == 0 {
			add(path+".question", ProblemRequired, "")
		}
		p.FAQ = append(p.FAQ, nf)
	}

	for _, concept := range slices.Sorted(maps.Keys(d.Glossary)) {
		path := "glossary." + concept
		if !conceptPattern.MatchString(concept) {
			add(path, ProblemBadID, concept)
		}
		if terms := checkKeywords(path, Keywords(d.Glossary[concept])); terms != nil {
			if p.Glossary == nil {
				p.Glossary = Glossary{}
			}
			p.Glossary[concept] = terms
		} else {
			add(path, ProblemRequired, "")
		}
	}
	return p, problems
}

func parseLocal(path, s string, loc *time.Location, add func(string, ProblemCode, string)) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		add(path, ProblemRequired, "")
		return time.Time{}, false
	}
	for _, layout := range []string{timeLayout, "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	add(path, ProblemBadTime, s)
	return time.Time{}, false
}

func formatLocal(t time.Time) string {
	if t.Second() != 0 {
		return t.Format("2006-01-02T15:04:05")
	}
	return t.Format(timeLayout)
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// normalizeLang maps Telegram's "tl" to the "fil" used everywhere else.
func normalizeLang(lang string) string {
	if lang == "tl" {
		return "fil"
	}
	return lang
}

// normalizeText trims every translation and drops empty ones, so that a
// missing and an empty translation are the same thing.
func normalizeText(t Text) Text {
	out := Text{}
	for lang, s := range t {
		if s = strings.TrimSpace(s); s != "" {
			out[normalizeLang(lang)] = s
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
