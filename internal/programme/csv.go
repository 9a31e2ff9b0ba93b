package programme

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// CSV columns of a sessions file. Title and description come once per
// language: title_en, title_ru, description_ko… Columns may come in any
// order; unknown ones are an error.
var csvColumns = []string{"id", "start", "end", "venue", "kind", "speakers", "groups", "cancelled"}

// ParseSessionsCSV reads a CSV of sessions — the whole list of the event's
// sessions — and returns base with its sessions replaced, checked like a
// programme file. A session already in base keeps what the file has no
// column for (other languages, keywords…). Problems name the row
// ("sessions[3]" is the fourth data row, on line 5) and column.
func ParseSessionsCSV(data []byte, base *Programme) (*Programme, error) {
	if !utf8.Valid(data) {
		return nil, &InvalidError{[]Problem{{Code: ProblemSyntax, Value: "the file is not UTF-8 text"}}}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, &InvalidError{[]Problem{{Code: ProblemSyntax, Value: "the file is empty"}}}
	}
	if err != nil {
		return nil, &InvalidError{[]Problem{csvProblem(err)}}
	}
	var problems []Problem
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		name, lang, perLang := strings.Cut(h, "_")
		switch {
		case slices.Contains(csvColumns, h):
		case perLang && (name == "title" || name == "description") && slices.Contains(Languages, normalizeLang(lang)):
		default:
			problems = append(problems, Problem{Path: "header", Line: 1, Code: ProblemUnknownField, Value: h})
		}
		if _, twice := col[h]; twice {
			problems = append(problems, Problem{Path: "header", Line: 1, Code: ProblemDuplicateID, Value: h})
		}
		col[h] = i
	}
	for _, required := range []string{"id", "start", "end"} {
		if _, ok := col[required]; !ok {
			problems = append(problems, Problem{Path: "header." + required, Line: 1, Code: ProblemRequired})
		}
	}
	if len(problems) > 0 {
		return nil, &InvalidError{problems}
	}
	doc := toFile(base)
	existing := map[string]fileSession{}
	for _, s := range doc.Sessions {
		existing[s.ID] = s
	}
	doc.Sessions = nil
	has := func(name string) bool { _, ok := col[name]; return ok }
	for row := 0; ; row++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &InvalidError{[]Problem{csvProblem(err)}}
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		s := existing[get("id")]
		s.ID, s.Start, s.End = get("id"), get("start"), get("end")
		if has("venue") {
			s.Venue = get("venue")
		}
		if has("kind") {
			s.Kind = get("kind")
		}
		if has("speakers") {
			s.Speakers = splitList(get("speakers"), ";")
		}
		if has("groups") {
			s.Groups = splitList(get("groups"), ",")
		}
		if has("cancelled") {
			switch strings.ToLower(get("cancelled")) {
			case "yes", "true":
				s.Cancelled = true
			case "no", "false", "":
				s.Cancelled = false
			default:
				problems = append(problems, Problem{Path: fmt.Sprintf("sessions[%d].cancelled", row), Line: row + 2, Code: ProblemBadValue, Value: get("cancelled")})
			}
		}
		s.Title, s.Description = cloneTextMap(s.Title), cloneTextMap(s.Description)
		for h := range col {
			name, lang, ok := strings.Cut(h, "_")
			if !ok {
				continue
			}
			lang = normalizeLang(lang)
			var t Text
			switch name {
			case "title":
				t = s.Title
			case "description":
				t = s.Description
			default:
				continue
			}
			if v := get(h); v != "" {
				t[lang] = v
			} else {
				delete(t, lang)
			}
		}
		doc.Sessions = append(doc.Sessions, s)
	}
	if len(problems) > 0 {
		return nil, &InvalidError{problems}
	}
	p, problems := doc.toProgramme(nil)
	for i := range problems {
		// sessions[i] is on line i+2: one header line, lines count from 1.
		var row int
		if _, err := fmt.Sscanf(problems[i].Path, "sessions[%d]", &row); err == nil {
			problems[i].Line = row + 2
		}
	}
	if len(problems) > 0 {
		return nil, &InvalidError{problems}
	}
	p.Normalize()
	return p, nil
}

func cloneTextMap(t Text) Text {
	out := Text{}
	for k, v := range t {
		out[k] = v
	}
	return out
}

func splitList(s, sep string) []string {
	var out []string
	for _, v := range strings.Split(s, sep) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func csvProblem(err error) Problem {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return Problem{Line: pe.Line, Code: ProblemSyntax, Value: pe.Err.Error()}
	}
	return Problem{Code: ProblemSyntax, Value: err.Error()}
}
