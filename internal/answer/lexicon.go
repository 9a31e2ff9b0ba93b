package answer

import (
	"unicode/utf8"
)

// Match qualities: how sure a word match is.
const (
	exactMatch     = 1.0
	suffixMatch    = 0.9  // the question's word is the entry plus an ending ("автобуса")
	endingMatch    = 0.85 // the two differ in the last letters ("безопасности", "безопасность")
	truncatedMatch = 0.8  // the question's word is the start of the entry ("кибер")
	typoMatch      = 0.7  // one letter added, dropped, changed or swapped
	shortStemMatch = 0.75 // a three-letter entry with an ending of up to two letters
)

// lexicon finds the entries whose key a question's word matches exactly, as
// an inflected form, truncated, or with a typo, by map look-ups only.
type lexicon struct {
	exact    map[string][]int32
	prefixes map[string][]int32 // every prefix of at least minStem letters
	deletes  map[string][]int32 // every key with one letter deleted, for typos
	keys     []string
}

// minStem is the shortest stem (in runeLen units) matched by prefix.
const minStem = 4

// minTypo is the shortest word in which a typo is forgiven.
const minTypo = 6

func newLexicon() *lexicon {
	return &lexicon{exact: map[string][]int32{}, prefixes: map[string][]int32{}, deletes: map[string][]int32{}}
}

// add indexes key as entry id and returns id.
func (l *lexicon) add(key string) int32 {
	id := int32(len(l.keys))
	l.keys = append(l.keys, key)
	l.exact[key] = append(l.exact[key], id)
	if runeLen(key) > maxWord {
		return id
	}
	pl := 0
	for i, r := range key {
		if i > 0 && pl >= minStem {
			l.prefixes[key[:i]] = append(l.prefixes[key[:i]], id)
		}
		pl += runeLen(string(r))
	}
	if runeLen(key) >= minTypo {
		for _, d := range deletions(key) {
			l.deletes[d] = append(l.deletes[d], id)
		}
	}
	return id
}

// maxWord is the longest word (in runeLen units) matched other than exactly.
const maxWord = 40

// prefixMatches notes the entries matched through p, the first pl letters
// of a word of n letters.
func (l *lexicon) prefixMatches(p string, pl, n int, note func([]int32, float64), set func(int32, float64)) {
	// An entry that is a prefix of the word: the word has an ending.
	note(l.exact[p], suffixMatch)
	// An entry that shares all but the word's last letters and is at most
	// two letters longer than that: a changed ending.
	if pl >= n-2 {
		for _, id := range l.prefixes[p] {
			if runeLen(l.keys[id])-pl <= 2 {
				set(id, endingMatch)
			}
		}
	}
}

type hit struct {
	id      int32
	quality float64
}

// lookup returns the entries that the word w matches, each once, with the
// best quality.
func (l *lexicon) lookup(w string) []hit {
	// Hits are few: a slice searched linearly beats a map.
	var out []hit
	set := func(id int32, q float64) {
		for i := range out {
			if out[i].id == id {
				out[i].quality = max(out[i].quality, q)
				return
			}
		}
		out = append(out, hit{id, q})
	}
	get := func(id int32) float64 {
		for _, h := range out {
			if h.id == id {
				return h.quality
			}
		}
		return 0
	}
	note := func(ids []int32, q float64) {
		for _, id := range ids {
			set(id, q)
		}
	}
	note(l.exact[w], exactMatch)
	n := runeLen(w)
	if n > maxWord {
		return out // no word is that long: a paste, not a question
	}
	pl := 0 // runeLen of w[:i], kept as i advances
	for i, r := range w {
		p := w[:i]
		if i > 0 && pl == 3 && n <= 5 {
			// A three-letter stem with a short ending: Turkic "gün" in "günün".
			note(l.exact[p], shortStemMatch)
		}
		if i > 0 && pl >= minStem {
			l.prefixMatches(p, pl, n, note, set)
		}
		pl += runeLen(string(r))
	}
	if n >= minStem+1 {
		note(l.prefixes[w], truncatedMatch)
	}
	if n >= minTypo {
		for _, d := range append(deletions(w), w) {
			for _, id := range l.deletes[d] {
				if get(id) == 0 && damerau1(w, l.keys[id]) {
					set(id, typoMatch)
				}
			}
		}
		for _, d := range deletions(w) {
			for _, id := range l.exact[d] {
				if get(id) == 0 {
					set(id, typoMatch) // a letter too many
				}
			}
		}
	}
	return out
}

// deletions returns w with each of its letters deleted in turn.
func deletions(w string) []string {
	out := make([]string, 0, utf8.RuneCountInString(w))
	for i, r := range w {
		out = append(out, w[:i]+w[i+utf8.RuneLen(r):])
	}
	return out
}

// damerau1 reports whether a and b differ by at most one insertion,
// deletion, substitution or transposition of adjacent letters.
func damerau1(a, b string) bool {
	x, y := []rune(a), []rune(b)
	if len(x) < len(y) {
		x, y = y, x
	}
	if len(x)-len(y) > 1 {
		return false
	}
	i := 0
	for i < len(y) && x[i] == y[i] {
		i++
	}
	if i == len(y) {
		return true
	}
	if len(x) == len(y) {
		if string(x[i+1:]) == string(y[i+1:]) {
			return true // substitution
		}
		return i+1 < len(x) && x[i] == y[i+1] && x[i+1] == y[i] && string(x[i+2:]) == string(y[i+2:])
	}
	return string(x[i+1:]) == string(y[i:]) // deletion
}
