package answer

import (
	"math"
	"strings"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/programme"
)

// Kind is the kind of programme item an answer points to.
type Kind uint8

// Item kinds.
const (
	KindSession Kind = iota + 1
	KindVenue
	KindMaterial
	KindFAQ
)

// Field weights: how much a match in one part of an item counts.
const (
	weightTitle    = 1.0
	weightKeyword  = 1.0
	weightSpeaker  = 0.9
	weightParent   = 0.7 // a material's session
	weightCity     = 0.5
	weightKindWord = 1.0  // a lecture is a lecture, whatever its title says
	weightDetail   = 0.35 // descriptions, addresses, answers
	weightPlace    = 0.3  // a session's venue
	weightID       = 0.5
)

type item struct {
	kind  Kind
	id    string
	title string // a session's English title, to tell repeats ("Lunch")
	// titleWords counts the words of the item's English (or first) title:
	// a question that names a short title names it more surely.
	titleWords int
	session    string // the session of a session or material
	start      time.Time
	end        time.Time
	concepts   map[string]float64
	words      map[int32]float64
	grams      map[string]float64
}

type posting struct {
	item   int32
	weight float64
}

// Index answers questions about one programme. It is built when the
// programme changes and is safe for concurrent use.
type Index struct {
	prog  *programme.Programme
	vocab *Vocabulary
	items []item
	days  []time.Time
	// lunchEnds is when each day's midday meal ends, for "after lunch".
	lunchEnds map[time.Time]time.Time

	words        *lexicon
	wordScripts  []uint16 // per word: the scripts it was written in, as bits
	wordPostings [][]posting
	wordIDF      []float64
	conceptIDF   map[string]float64
	conceptPost  map[string][]posting
	gramIDF      map[string]float64
	gramPost     map[string][]posting
}

// Build indexes a programme, with its glossary and keywords.
func Build(p *programme.Programme, v *Vocabulary) *Index {
	ix := &Index{prog: p, vocab: v.extend(p.Glossary), words: newLexicon(), conceptIDF: map[string]float64{},
		conceptPost: map[string][]posting{}, gramIDF: map[string]float64{}, gramPost: map[string][]posting{}}
	for _, s := range p.Sessions {
		it := ix.newItem(KindSession, s.ID, s.Title)
		it.session, it.start, it.end, it.title = s.ID, s.Start, s.End, s.Title.In("en")
		ix.addSessionText(&it, s, 1)
		ix.addConcept(&it, string(s.Kind), weightKindWord)
		for _, g := range s.Groups {
			ix.addText(&it, weightTitle, programme.Text{"en": "group " + g})
		}
		if v, ok := p.Venue(s.Venue); ok {
			ix.addText(&it, weightPlace, v.Name)
			ix.addText(&it, weightPlace, v.City)
		}
		ix.items = append(ix.items, it)
	}
	for _, v := range p.Venues {
		it := ix.newItem(KindVenue, v.ID, v.Name)
		ix.addText(&it, weightTitle, v.Name)
		ix.addText(&it, weightCity, v.City)
		ix.addText(&it, weightDetail, v.Address)
		ix.addText(&it, weightDetail, v.Notes)
		ix.addKeywords(&it, v.Keywords)
		ix.items = append(ix.items, it)
	}
	for _, m := range p.Materials {
		it := ix.newItem(KindMaterial, m.ID, m.Title)
		ix.addText(&it, weightTitle, m.Title)
		ix.addKeywords(&it, m.Keywords)
		ix.addConcept(&it, materialConcept[m.Kind], weightTitle)
		if s, ok := p.Session(m.Session); ok {
			it.session, it.start, it.end = s.ID, s.Start, s.End
			ix.addSessionText(&it, s, weightParent)
		}
		ix.items = append(ix.items, it)
	}
	for _, f := range p.FAQ {
		it := ix.newItem(KindFAQ, f.ID, programme.Text{"en": f.Phrasing("en")})
		for lang, qs := range f.Question {
			for _, q := range qs {
				ix.addText(&it, weightTitle, programme.Text{lang: q})
			}
		}
		ix.addText(&it, weightDetail, f.Answer)
		ix.addKeywords(&it, f.Keywords)
		ix.items = append(ix.items, it)
	}
	ix.days = p.Days()
	ix.lunchEnds = map[time.Time]time.Time{}
	for _, s := range p.Sessions {
		if h := s.Start.Hour(); s.Kind == programme.KindMeal && h >= 11 && h < 15 {
			if _, ok := ix.lunchEnds[dayOf(s.Start)]; !ok {
				ix.lunchEnds[dayOf(s.Start)] = s.End
			}
		}
	}
	ix.finish()
	return ix
}

// materialConcept names the vocabulary concept of each material kind.
var materialConcept = map[programme.MaterialKind]string{
	programme.MaterialSlides:   "slides",
	programme.MaterialPhotos:   "photos",
	programme.MaterialDocument: "document",
	programme.MaterialVideo:    "video",
	programme.MaterialLink:     "link",
}

// newItem starts an item named by title; its id counts as a keyword, since
// people name things by what they are ("hotel", "d2-lunch").
func (ix *Index) newItem(k Kind, id string, title programme.Text) item {
	it := item{kind: k, id: id, concepts: map[string]float64{}, words: map[int32]float64{}, grams: map[string]float64{}}
	for _, tk := range tokenize(normalize(title.In("en"))) {
		if runeLen(tk.text) >= 3 {
			it.titleWords++
		}
	}
	ix.addText(&it, weightID, programme.Text{"en": id})
	return it
}

func (ix *Index) addSessionText(it *item, s programme.Session, scale float64) {
	ix.addText(it, weightTitle*scale, s.Title)
	ix.addKeywords(it, s.Keywords, scale)
	for _, sp := range s.Speakers {
		ix.addText(it, weightSpeaker*scale, programme.Text{"en": sp})
	}
	ix.addText(it, weightDetail*scale, s.Description)
}

func (ix *Index) addKeywords(it *item, kw map[string][]string, scale ...float64) {
	w := weightKeyword
	for _, s := range scale {
		w *= s
	}
	for lang, words := range kw {
		for _, k := range words {
			ix.addText(it, w, programme.Text{lang: k})
		}
	}
}

func (ix *Index) addConcept(it *item, concept string, w float64) {
	if concept != "" && w > it.concepts[concept] {
		it.concepts[concept] = w
	}
}

// addText indexes every translation of a text into an item.
func (ix *Index) addText(it *item, w float64, t programme.Text) {
	for _, s := range t {
		toks := tokenize(normalize(s))
		for _, m := range ix.vocab.find(toks, false) {
			if tm := ix.vocab.terms[m.term]; tm.kind == conceptTerm {
				ix.addConcept(it, tm.name, w*m.quality)
			}
		}
		for _, tk := range toks {
			if tk.script.spaceless() {
				for _, g := range bigrams(tk.text) {
					it.grams[g] = max(it.grams[g], w)
				}
				continue
			}
			if tk.script == scriptDigit && len(tk.text) < 3 {
				continue // "Day 1", "3rd floor": numbers say little
			}
			e := ix.wordEntry(tk.key)
			it.words[e] = max(it.words[e], w)
			ix.wordScripts[e] |= 1 << tk.script
		}
	}
}

func (ix *Index) wordEntry(key string) int32 {
	if ids := ix.words.exact[key]; len(ids) > 0 {
		return ids[0]
	}
	ix.wordScripts = append(ix.wordScripts, 0)
	return ix.words.add(key)
}

// minCrossScript is the shortest word (in runeLen units) that matches a word
// of another script by sound: "кийим" (clothes) is not "Kim".
const minCrossScript = 6

// finish computes postings and inverse document frequencies: a word that
// many items share says little about which one is meant.
func (ix *Index) finish() {
	ix.wordPostings = make([][]posting, len(ix.words.keys))
	for i, it := range ix.items {
		for e, w := range it.words {
			ix.wordPostings[e] = append(ix.wordPostings[e], posting{int32(i), w})
		}
		for c, w := range it.concepts {
			ix.conceptPost[c] = append(ix.conceptPost[c], posting{int32(i), w})
		}
		for g, w := range it.grams {
			ix.gramPost[g] = append(ix.gramPost[g], posting{int32(i), w})
		}
	}
	n := float64(len(ix.items))
	idf := func(df int) float64 { return math.Log(1 + n/float64(df)) }
	ix.wordIDF = make([]float64, len(ix.wordPostings))
	for e, p := range ix.wordPostings {
		ix.wordIDF[e] = idf(len(p))
	}
	for c, p := range ix.conceptPost {
		ix.conceptIDF[c] = idf(len(p))
	}
	for g, p := range ix.gramPost {
		ix.gramIDF[g] = idf(len(p))
	}
}

// bigrams returns the pairs of adjacent letters of a word.
func bigrams(s string) []string {
	r := []rune(strings.ReplaceAll(s, " ", ""))
	if len(r) < 2 {
		return nil
	}
	out := make([]string, 0, len(r)-1)
	for i := 0; i+1 < len(r); i++ {
		out = append(out, string(r[i:i+2]))
	}
	return out
}
