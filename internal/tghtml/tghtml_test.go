package tghtml

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		in, plain string
		ok        bool
	}{
		{"<b>Lunch</b> &amp; coffee", "Lunch & coffee", true},
		{`<a href="https://x.org/?a=1&amp;b=2">map</a>`, "map", true},
		{"5 &lt; 6", "5 < 6", true},
		{"Сеул · 서울 · ქართული", "Сеул · 서울 · ქართული", true},
		{"<b>bold", "", false},
		{"<b><i>x</b></i>", "", false},
		{"<script>x</script>", "", false},
		{"R&D", "", false},
		{"a < b", "", false},
		{"a > b", "", false},
		{"&nbsp;", "", false},
	}
	for _, tt := range tests {
		plain, _, err := Parse(tt.in)
		if (err == nil) != tt.ok || plain != tt.plain {
			t.Errorf("Parse(%q) = %q, %v; want %q, ok=%v", tt.in, plain, err, tt.plain, tt.ok)
		}
	}
}
