package answer

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// script is the writing system of a run of letters.
type script uint8

const (
	scriptOther script = iota
	scriptLatin
	scriptCyrillic
	scriptHangul
	scriptGeorgian
	scriptArmenian
	scriptBengali
	scriptKhmer
	scriptLao
	scriptDigit
)

func scriptOf(r rune) script {
	switch {
	case r >= '0' && r <= '9':
		return scriptDigit
	case unicode.Is(unicode.Latin, r):
		return scriptLatin
	case unicode.Is(unicode.Cyrillic, r):
		return scriptCyrillic
	case unicode.Is(unicode.Hangul, r):
		return scriptHangul
	case unicode.Is(unicode.Georgian, r):
		return scriptGeorgian
	case unicode.Is(unicode.Armenian, r):
		return scriptArmenian
	case unicode.Is(unicode.Bengali, r):
		return scriptBengali
	case unicode.Is(unicode.Khmer, r):
		return scriptKhmer
	case unicode.Is(unicode.Lao, r):
		return scriptLao
	}
	return scriptOther
}

// spaceless reports whether words of the script are matched inside longer
// runs: Khmer and Lao put no spaces between words, and Korean glues particles
// to words and is often typed without spaces.
func (s script) spaceless() bool {
	return s == scriptHangul || s == scriptKhmer || s == scriptLao
}

// fold maps letters that phone keyboards make hard to type to the plain
// letters people type instead, so that both spellings meet.
var fold = map[rune]string{
	// Kazakh, Kyrgyz, Tajik, Uzbek Cyrillic, Mongolian
	'ә': "а", 'ғ': "г", 'қ': "к", 'ң': "н", 'ө': "о", 'ұ': "у", 'ү': "у", 'һ': "х", 'і': "и",
	'ҷ': "ч", 'ӣ': "и", 'ӯ': "у", 'ҳ': "х", 'ў': "у", 'ё': "е", 'й': "и", 'ъ': "", 'ь': "",
	// Azerbaijani, Uzbek Latin, Turkish-style letters
	'ə': "e", 'ğ': "g", 'ı': "i", 'ş': "s", 'ç': "c",
	// apostrophes of Uzbek oʻ, gʻ and tutuq belgisi, and of English
	'ʻ': "", 'ʼ': "", '’': "", '‘': "", '\'': "", '`': "",
	// Armenian question, exclamation and emphasis marks sit inside words
	'՞': "", '՜': "", '՛': "",
	// Lao tone marks, often left out when typing fast
	'\u0EC8': "", '\u0EC9': "", '\u0ECA': "", '\u0ECB': "",
}

// normalize folds text for matching: compatibility forms, case, the
// letters above and the accents of Latin and Cyrillic letters.
func normalize(s string) string {
	s = norm.NFKD.String(s)
	var b strings.Builder
	b.Grow(len(s))
	var last script
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) && (last == scriptLatin || last == scriptCyrillic) {
			continue // é → e, й → и: accents people leave out
		}
		r = unicode.ToLower(r)
		if d, ok := asciiDigit(r); ok {
			b.WriteRune(d)
			continue
		}
		if f, ok := fold[r]; ok {
			b.WriteString(f)
			continue
		}
		if sc := scriptOf(r); sc != scriptOther {
			last = sc
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// digitZeros are the zeros of the decimal digits people of the supported
// languages may type: Bengali, Khmer, Lao, Mongolian, Arabic-Indic.
var digitZeros = []rune{0x09E6, 0x17E0, 0x0ED0, 0x1810, 0x0660, 0x06F0}

// asciiDigit turns a native digit ("១៤", "১৪") into an ASCII one.
func asciiDigit(r rune) (rune, bool) {
	for _, z := range digitZeros {
		if r >= z && r <= z+9 {
			return '0' + (r - z), true
		}
	}
	return 0, false
}

// token is a word of normalized text.
type token struct {
	text   string // normalized
	key    string // for Latin and Cyrillic: a Latin sound-alike key
	script script
}

// tokenize splits normalized text into words at spaces, punctuation and
// changes of script ("AIлекция" is two words).
func tokenize(s string) []token {
	var out []token
	start, cur := -1, scriptOther
	flush := func(end int) {
		if start >= 0 {
			w := s[start:end]
			out = append(out, token{text: w, key: soundKey(w, cur), script: cur})
		}
		start = -1
	}
	for i, r := range s {
		isMark := unicode.In(r, unicode.Mn, unicode.Mc)
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || isMark) {
			flush(i)
			continue
		}
		if isMark {
			if start < 0 {
				start = i
			}
			continue // a vowel sign belongs to the letter before it
		}
		sc := scriptOf(r)
		if start >= 0 && sc != cur {
			flush(i)
		}
		if start < 0 {
			start, cur = i, sc
		}
	}
	flush(len(s))
	return out
}

// toLatin transliterates Cyrillic, Georgian and Armenian letters the way
// people type them on a Latin keyboard ("xval", "vaghy", "gde").
var toLatin = map[rune]string{
	// Georgian
	'ა': "a", 'ბ': "b", 'გ': "g", 'დ': "d", 'ე': "e", 'ვ': "v", 'ზ': "z", 'თ': "t", 'ი': "i",
	'კ': "k", 'ლ': "l", 'მ': "m", 'ნ': "n", 'ო': "o", 'პ': "p", 'ჟ': "zh", 'რ': "r", 'ს': "s",
	'ტ': "t", 'უ': "u", 'ფ': "p", 'ქ': "k", 'ღ': "gh", 'ყ': "q", 'შ': "sh", 'ჩ': "ch", 'ც': "ts",
	'ძ': "dz", 'წ': "ts", 'ჭ': "ch", 'ხ': "kh", 'ჯ': "j", 'ჰ': "h",
	// Armenian
	'ա': "a", 'բ': "b", 'գ': "g", 'դ': "d", 'ե': "e", 'զ': "z", 'է': "e", 'ը': "y", 'թ': "t",
	'ժ': "zh", 'ի': "i", 'լ': "l", 'խ': "kh", 'ծ': "ts", 'կ': "k", 'հ': "h", 'ձ': "dz", 'ղ': "gh",
	'ճ': "ch", 'մ': "m", 'յ': "y", 'ն': "n", 'շ': "sh", 'ո': "o", 'չ': "ch", 'պ': "p", 'ջ': "j",
	'ռ': "r", 'ս': "s", 'վ': "v", 'տ': "t", 'ր': "r", 'ց': "ts", 'ւ': "v", 'փ': "p", 'ք': "k",
	'և': "ev", 'օ': "o", 'ֆ': "f",
}

var cyrillicLatin = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ж': "zh", 'з': "z", 'и': "i",
	'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
	'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ы': "y",
	'э': "e", 'ю': "yu", 'я': "ya", 'ј': "j",
}

// soundKeyRules merge the spellings that transliterations of one sound
// take ("дж", "j", "zh"; "х", "kh", "h", "x"), applied in order.
var soundKeyRules = strings.NewReplacer(
	"shch", "s", "sch", "s", "dzh", "j", "zh", "j", "kh", "h", "ts", "c", "ch", "c", "sh", "s",
	"ph", "f", "x", "h", "w", "v", "y", "i", "q", "k",
)

// soundKey returns a Latin key under which a Latin, Cyrillic, Georgian or
// Armenian word and its transliterations meet ("сэджон" and "sejong", "где"
// and "gde", "ხვალ" and "xval"); words of other scripts are their own key.
func soundKey(w string, sc script) string {
	switch sc {
	case scriptLatin, scriptCyrillic, scriptGeorgian, scriptArmenian:
	default:
		return w
	}
	var b strings.Builder
	for _, r := range w {
		if l, ok := cyrillicLatin[r]; ok {
			b.WriteString(l)
		} else if l, ok := toLatin[r]; ok {
			b.WriteString(l)
		} else {
			b.WriteRune(r)
		}
	}
	k := soundKeyRules.Replace(b.String())
	// Doubled letters are often typed single.
	var out strings.Builder
	var prev rune
	for _, r := range k {
		if r != prev {
			out.WriteRune(r)
		}
		prev = r
	}
	return out.String()
}

// runeLen counts a word's letters, a Korean syllable as two: it carries as
// much as two letters of an alphabet, and the length rules below should
// treat "버스" like "bus".
func runeLen(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Hangul, r) {
			n += 2
		} else {
			n++
		}
	}
	return n
}
