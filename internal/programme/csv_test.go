package programme

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

const csvSessions = `id,start,end,venue,kind,title_en,title_ru,speakers,groups
opening,2030-05-06T09:00,2030-05-06T09:30,hall,ceremony,Opening,Открытие,,
talk,2030-05-07T10:00,2030-05-07T11:30,hall,lecture,"Talk, extended",Доклад,Dr. Kim; Dr. Lee,A
`

func TestParseSessionsCSV(t *testing.T) {
	base := small(t)
	p, err := ParseSessionsCSV([]byte(csvSessions), base)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Sessions) != 2 {
		t.Fatalf("%d sessions", len(p.Sessions))
	}
	talk, _ := p.Session("talk")
	if talk.Title["en"] != "Talk, extended" || talk.Title["ru"] != "Доклад" || len(talk.Speakers) != 2 || talk.Groups[0] != "A" {
		t.Errorf("talk %+v", talk)
	}
	c := Diff(base, p)
	if len(c.Sessions.Removed) != 1 || c.Sessions.Removed[0] != "lunch" || len(c.Venues.Changed) != 0 {
		t.Errorf("changes %+v", c)
	}
}

func TestParseSessionsCSVProblems(t *testing.T) {
	tests := []struct {
		name, data string
		want       Problem
	}{
		{"unknown column", "id,start,end,room\n", Problem{Path: "header", Line: 1, Code: ProblemUnknownField, Value: "room"}},
		{"missing column", "id,start\n", Problem{Path: "header.end", Line: 1, Code: ProblemRequired}},
		{"bad time on row 2", csvSessions + "x,soon,2030-05-06T10:00,hall,other,X,,,\n", Problem{Path: "sessions[2].start", Line: 4, Code: ProblemBadTime, Value: "soon"}},
		{"unknown venue", strings.Replace(csvSessions, ",hall,lecture", ",mars,lecture", 1), Problem{Path: "sessions[1].venue", Line: 3, Code: ProblemUnknownVenue, Value: "mars"}},
		{"bare quote", "id,start,end\n\"x,1,2\n", Problem{Code: ProblemSyntax}},
		{"not UTF-8", "id,start,end\n\xff,1,2\n", Problem{Code: ProblemSyntax}},
		{"byte order mark", "\ufeffid,start,end,room\n", Problem{Path: "header", Line: 1, Code: ProblemUnknownField, Value: "room"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSessionsCSV([]byte(tt.data), small(t))
			var inv *InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("got %v", err)
			}
			for _, p := range inv.Problems {
				if p.Code == tt.want.Code && p.Path == tt.want.Path && (tt.want.Line == 0 || p.Line == tt.want.Line) && (tt.want.Value == "" || p.Value == tt.want.Value) {
					return
				}
			}
			t.Errorf("problems %v, want %v", inv.Problems, tt.want)
		})
	}
}

func TestParseSessionsCSVLarge(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,start,end,venue,kind,title_en\n")
	for i := range 10000 {
		fmt.Fprintf(&b, "s%d,2030-05-06T%02d:%02d,2030-05-06T%02d:%02d,hall,lecture,Session %d\n", i, 8+i%10, 0, 8+i%10, 30, i)
	}
	base := small(t)
	base.Materials = nil // they name sessions the file replaces
	p, err := ParseSessionsCSV([]byte(b.String()), base)
	if err != nil || len(p.Sessions) != 10000 {
		t.Fatalf("10,000 rows: %v", err)
	}
}

func FuzzParseSessionsCSV(f *testing.F) {
	f.Add([]byte(csvSessions))
	f.Add([]byte("id,start,end\n"))
	base, err := Parse(readFileF(f, "testdata/small.yaml"), YAML)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseSessionsCSV(data, base)
		if err == nil {
			if _, err := Encode(p, YAML); err != nil {
				t.Fatal(err)
			}
		} else if !errors.As(err, new(*InvalidError)) {
			t.Fatalf("not an InvalidError: %v", err)
		}
	})
}

// TestCSVKeepsWhatItLacks: a session already there keeps the languages and
// fields the file has no column for.
func TestCSVKeepsWhatItLacks(t *testing.T) {
	base := small(t)
	for i := range base.Sessions {
		if base.Sessions[i].ID == "talk" {
			base.Sessions[i].Title = Text{"en": "Talk", "ko": "강연"}
			base.Sessions[i].Keywords = Keywords{"en": {"keynote"}}
		}
	}
	p, err := ParseSessionsCSV([]byte("id,start,end,title_en\ntalk,2030-05-07T10:00,2030-05-07T11:00,New talk\nopening,2030-05-06T09:00,2030-05-06T09:30,Opening\n"), base)
	if err != nil {
		t.Fatal(err)
	}
	talk, _ := p.Session("talk")
	if talk.Title["en"] != "New talk" || talk.Title["ko"] != "강연" || talk.Venue != "hall" || len(talk.Keywords["en"]) != 1 || len(talk.Speakers) != 1 {
		t.Errorf("talk %+v", talk)
	}
	_, err = ParseSessionsCSV([]byte("id,start,end,cancelled\ntalk,2030-05-07T10:00,2030-05-07T11:00,1\n"), base)
	var inv *InvalidError
	if !errors.As(err, &inv) || inv.Problems[0].Code != ProblemBadValue {
		t.Errorf("cancelled=1: %v", err)
	}
}
