package answer

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/delegatedesk/delegatedesk/internal/programme"
	"github.com/delegatedesk/delegatedesk/internal/sample"
	"github.com/delegatedesk/delegatedesk/locales"
)

// holdoutFloor is below the held-out accuracy measured when the set was
// added, by a margin for honest changes elsewhere.
const holdoutFloor = 0.8

var verbose = flag.Bool("eval.v", false, "print every question the engine gets wrong")

type evalCase struct {
	Q    string   `yaml:"q"`
	Want []string `yaml:"want"`
}

// evalNow is when the evaluation questions are asked: day 2 of the sample
// event, on the bus to Sejong.
var evalNow = time.Date(2027, 4, 14, 9, 0, 0, 0, mustLoc("Asia/Seoul"))

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// got renders a result the way the evaluation files write answers.
func got(r Result) string {
	switch r.Outcome {
	case Item, Candidates:
		return r.Targets[0].String()
	case Day:
		return "day:" + r.Day.Format("2006-01-02")
	}
	return "none"
}

// TestEvaluation answers every question of testdata/answers over the sample
// programme and checks top-1 accuracy per language and overall, and that
// questions the programme cannot answer get an honest "don't know".
func TestEvaluation(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/answers/*.yaml")
	var langs []string
	for _, f := range files {
		langs = append(langs, strings.TrimSuffix(filepath.Base(f), ".yaml"))
	}
	if len(langs) == 0 {
		t.Fatal("no evaluation files")
	}
	v, err := loadVocabulary(locales.FS, available(t, langs))
	if err != nil {
		t.Fatal(err)
	}
	p, err := sample.Programme()
	if err != nil {
		t.Fatal(err)
	}
	ix := Build(p, v)

	var table strings.Builder
	fmt.Fprintf(&table, "%-5s %5s %5s %8s %8s\n", "lang", "n", "right", "accuracy", "none ok")
	var all, right, none, noneRight, wrongLang int
	for _, lang := range langs {
		data, err := os.ReadFile("../../testdata/answers/" + lang + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		var cases []evalCase
		if err := yaml.Unmarshal(data, &cases); err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		var r, n, nr int
		for _, c := range cases {
			res := ix.Answer(c.Q, evalNow)
			g := got(res)
			if res.Lang != "" && res.Lang != lang {
				wrongLang++
				if *verbose {
					t.Logf("%s %q: read as %s", lang, c.Q, res.Lang)
				}
			}
			ok := slices.Contains(c.Want, g)
			if ok {
				r++
			} else if *verbose {
				t.Logf("%s %q: got %s, want %v", lang, c.Q, g, c.Want)
			}
			if slices.Contains(c.Want, "none") {
				n++
				if ok {
					nr++
				}
			}
		}
		all, right, none, noneRight = all+len(cases), right+r, none+n, noneRight+nr
		acc := float64(r) / float64(len(cases))
		fmt.Fprintf(&table, "%-5s %5d %5d %7.1f%% %5d/%d\n", lang, len(cases), r, 100*acc, nr, n)
		if acc < 0.8 {
			t.Errorf("%s: accuracy %.1f%% is below 80%%", lang, 100*acc)
		}
	}
	acc := float64(right) / float64(all)
	fmt.Fprintf(&table, "%-5s %5d %5d %7.1f%% %5d/%d\n", "all", all, right, 100*acc, noneRight, none)
	t.Log("\n" + table.String())
	// A question read as another language is answered in it: rarely
	// acceptable. Unclear ("") falls back to the person's own language.
	t.Logf("language of the question mistaken: %d of %d", wrongLang, all)
	if float64(wrongLang) > 0.05*float64(all) {
		t.Errorf("%d questions read as the wrong language", wrongLang)
	}
	if acc < 0.9 {
		t.Errorf("overall accuracy %.1f%% is below 90%%", 100*acc)
	}
	if none > 0 && float64(noneRight) < 0.9*float64(none) {
		t.Errorf("only %d of %d unanswerable questions got an honest \"don't know\"", noneRight, none)
	}
}

// available keeps the languages whose vocabulary file exists.
func available(_ testing.TB, langs []string) []string {
	var out []string
	for _, l := range append([]string{"en"}, langs...) {
		if _, err := fs.Stat(locales.FS, "answers/"+l+".yaml"); err == nil && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// TestHoldout answers questions over a second event that neither the
// engine nor its vocabulary was tuned on, written apart from both: the
// honest measure of how the engine does on programmes it has never seen.
// It fails only on a clear regression.
func TestHoldout(t *testing.T) {
	v, err := LoadVocabulary(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../../testdata/holdout/programme.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := programme.Parse(data, programme.YAML)
	if err != nil {
		t.Fatal(err)
	}
	ix := Build(p, v)
	now := time.Date(2027, 9, 9, 8, 30, 0, 0, mustLoc("Asia/Tashkent"))
	data, err = os.ReadFile("../../testdata/holdout/questions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []evalCase
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	var right, none, noneRight int
	for _, c := range cases {
		g := got(ix.Answer(c.Q, now))
		ok := slices.Contains(c.Want, g)
		if ok {
			right++
		} else if *verbose {
			t.Logf("%q: got %s, want %v", c.Q, g, c.Want)
		}
		if slices.Contains(c.Want, "none") {
			none++
			if ok {
				noneRight++
			}
		}
	}
	acc := float64(right) / float64(len(cases))
	t.Logf("held out: %d of %d right (%.1f%%); %d of %d unanswerable questions declined", right, len(cases), 100*acc, noneRight, none)
	if acc < holdoutFloor {
		t.Errorf("held-out accuracy %.1f%% is below %.0f%%", 100*acc, 100*holdoutFloor)
	}
}
