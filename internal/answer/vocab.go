package answer

import (
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Languages lists the languages whose vocabulary files are read.
var Languages = []string{"en", "ru", "ko", "kk", "ky", "tg", "uz", "hy", "az", "ka", "bn", "km", "lo", "mn", "fil"}

// vocabFile is one language's file in locales/answers.
type vocabFile struct {
	Cues     map[string][]string `yaml:"cues"`
	Concepts map[string][]string `yaml:"concepts"`
}

type termKind uint8

const (
	cueTerm termKind = iota
	conceptTerm
)

// term is one way of saying a cue or a concept in one language.
type term struct {
	kind   termKind
	name   string // cue key or concept id
	lang   string
	words  []string // keys of the words, for scripts with spaces
	lens   []int    // the words' lengths as written, before transliteration
	text   string   // normalized, spaces removed, for spaceless scripts
	script script
}

// Vocabulary is what the engine knows of words independent of any programme:
// the cues of questions and the concepts of events and digital government,
// in every language. It is read once and shared.
type Vocabulary struct {
	terms []term
	lex   *lexicon
	// entry of lex → the term and the position of the word in it
	entries []termWord
	// spaceless are the terms matched as substrings.
	spaceless []int32
}

type termWord struct {
	term, pos int32
}

// LoadVocabulary reads answers/<code>.yaml of every language from fsys.
func LoadVocabulary(fsys fs.FS) (*Vocabulary, error) { return loadVocabulary(fsys, Languages) }

func loadVocabulary(fsys fs.FS, langs []string) (*Vocabulary, error) {
	v := &Vocabulary{lex: newLexicon()}
	for _, lang := range langs {
		data, err := fs.ReadFile(fsys, "answers/"+lang+".yaml")
		if err != nil {
			return nil, fmt.Errorf("answer: vocabulary: %w", err)
		}
		var f vocabFile
		if err := yaml.Unmarshal(data, &f); err != nil {
			return nil, fmt.Errorf("answer: vocabulary %s: %w", lang, err)
		}
		for _, name := range slices.Sorted(maps.Keys(f.Cues)) {
			v.addTerms(cueTerm, name, lang, f.Cues[name])
		}
		for _, name := range slices.Sorted(maps.Keys(f.Concepts)) {
			v.addTerms(conceptTerm, name, lang, f.Concepts[name])
		}
	}
	return v, nil
}

// extend returns a copy of v that also knows a programme's glossary
// (concept → language → terms).
func (v *Vocabulary) extend(glossary map[string]map[string][]string) *Vocabulary {
	if len(glossary) == 0 {
		return v
	}
	out := &Vocabulary{lex: newLexicon()}
	for _, t := range v.terms {
		out.addTerm(t)
	}
	for _, concept := range slices.Sorted(maps.Keys(glossary)) {
		for _, lang := range slices.Sorted(maps.Keys(glossary[concept])) {
			out.addTerms(conceptTerm, concept, lang, glossary[concept][lang])
		}
	}
	return out
}

func (v *Vocabulary) addTerms(kind termKind, name, lang string, phrases []string) {
	for _, ph := range phrases {
		toks := tokenize(normalize(ph))
		if len(toks) == 0 {
			continue
		}
		t := term{kind: kind, name: name, lang: lang, script: toks[0].script}
		if kind == cueTerm && name != "stop" && len(toks) == 1 && runeLen(toks[0].key) < 3 && toks[0].script != scriptDigit {
			// Two letters ("mi", "am") are some other language's word too
			// often to tell a question's time or intent.
			continue
		}
		if toks[0].script.spaceless() {
			t.text = strings.Join(texts(toks), "")
		} else {
			for _, tk := range toks {
				t.words = append(t.words, tk.key)
				t.lens = append(t.lens, runeLen(tk.text))
			}
		}
		v.addTerm(t)
	}
}

func (v *Vocabulary) addTerm(t term) {
	id := int32(len(v.terms))
	v.terms = append(v.terms, t)
	if t.text != "" {
		v.spaceless = append(v.spaceless, id)
		return
	}
	for pos, w := range t.words {
		e := v.lex.add(w)
		for int(e) >= len(v.entries) {
			v.entries = append(v.entries, termWord{})
		}
		v.entries[e] = termWord{term: id, pos: int32(pos)}
	}
}

func texts(toks []token) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.text
	}
	return out
}

// termMatch is a term found in a question.
type termMatch struct {
	term       int32
	start, end int // the question's tokens it covers, [start, end)
	quality    float64
}

// find returns the terms that occur in the tokens. A term of several words
// must match consecutive tokens; short words must match exactly, so that
// "on" and "am" do not match inside other words. With translit, a word may
// match a term of another script by sound ("xval", ხვალ) if the term is
// long enough not to be chance: questions are typed in transliteration,
// programme texts are not.
func (v *Vocabulary) find(toks []token, translit bool) []termMatch {
	// per token: term id → (position, quality)
	type wordHit struct {
		pos     int32
		quality float64
	}
	perToken := make([]map[int32]wordHit, len(toks))
	for i, tk := range toks {
		if tk.script.spaceless() {
			continue
		}
		for _, h := range v.lex.lookup(tk.key) {
			tw := v.entries[h.id]
			t := &v.terms[tw.term]
			word := t.words[tw.pos]
			if h.quality < exactMatch && runeLen(word) < 3 {
				continue
			}
			if t.script != tk.script && t.script != scriptDigit {
				minLen := 4 // "cas", Armenian lunch, is English "cash" by sound
				if t.kind == cueTerm {
					minLen = 3 // "gde", где
				}
				if !translit || t.lens[tw.pos] < minLen {
					continue
				}
			}
			if perToken[i] == nil {
				perToken[i] = map[int32]wordHit{}
			}
			if old, ok := perToken[i][tw.term]; !ok || h.quality > old.quality {
				perToken[i][tw.term] = wordHit{tw.pos, h.quality}
			}
		}
	}
	var out []termMatch
	for i := range toks {
		for id, wh := range perToken[i] {
			if wh.pos != 0 {
				continue
			}
			t := v.terms[id]
			q, end := wh.quality, i+1
			for j := 1; j < len(t.words); j++ {
				next, ok := perToken[min(i+j, len(toks)-1)][id]
				if i+j >= len(toks) || !ok || next.pos != int32(j) {
					q = 0
					break
				}
				q = min(q, next.quality)
				end = i + j + 1
			}
			if q > 0 {
				out = append(out, termMatch{term: id, start: i, end: end, quality: q})
			}
		}
	}
	// Spaceless runs: look for every spaceless term inside them.
	for i, tk := range toks {
		if !tk.script.spaceless() {
			continue
		}
		for _, id := range v.spaceless {
			if strings.Contains(tk.text, v.terms[id].text) {
				out = append(out, termMatch{term: id, start: i, end: i + 1, quality: exactMatch})
			}
		}
	}
	// Sorted whole, so that equal questions read the same every time.
	slices.SortFunc(out, func(a, b termMatch) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return int(a.term - b.term)
	})
	return out
}
