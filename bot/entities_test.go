package bot

import (
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/delegatedesk/delegatedesk/internal/tghtml"
)

func TestEntityHTML(t *testing.T) {
	e := func(typ models.MessageEntityType, off, n int) models.MessageEntity {
		return models.MessageEntity{Type: typ, Offset: off, Length: n}
	}
	tests := []struct {
		name, text string
		entities   []models.MessageEntity
		want       string
	}{
		{"typed HTML is kept", "<b>Bus</b> at 10", nil, "<b>Bus</b> at 10"},
		{"links Telegram finds are no formatting", "https://x.org/?a=1&b=2", []models.MessageEntity{e(models.MessageEntityTypeURL, 0, 22)}, "https://x.org/?a=1&amp;b=2"},
		{"plain text with an ampersand", "Bus & lunch", nil, "Bus &amp; lunch"},
		{"broken HTML stays, to be refused", "<b>Bus", nil, "<b>Bus"},
		{"formatting escapes the rest", "Bus <soon> & Gate 2", []models.MessageEntity{e(models.MessageEntityTypeBold, 0, 3)}, "<b>Bus</b> &lt;soon&gt; &amp; Gate 2"},
		{"nested", "Bus now", []models.MessageEntity{e(models.MessageEntityTypeBold, 0, 7), e(models.MessageEntityTypeItalic, 4, 3)}, "<b>Bus <i>now</i></b>"},
		{"same span", "Bus", []models.MessageEntity{e(models.MessageEntityTypeBold, 0, 3), e(models.MessageEntityTypeUnderline, 0, 3)}, "<b><u>Bus</u></b>"},
		// Offsets count UTF-16 units: the emoji is two.
		{"after an emoji", "🚌 Автобус в 10:00", []models.MessageEntity{e(models.MessageEntityTypeBold, 3, 7)}, "🚌 <b>Автобус</b> в 10:00"},
		{"Khmer", "ឡានក្រុង ១០:០០", []models.MessageEntity{e(models.MessageEntityTypeBold, 0, 8)}, "<b>ឡានក្រុង</b> ១០:០០"},
		{"link", "Map", []models.MessageEntity{{Type: models.MessageEntityTypeTextLink, Offset: 0, Length: 3, URL: `https://x.org/?a=1&b="2"`}}, `<a href="https://x.org/?a=1&amp;b=&#34;2&#34;">Map</a>`},
		{"pre with language", "x := 1", []models.MessageEntity{{Type: models.MessageEntityTypePre, Offset: 0, Length: 6, Language: "go"}}, `<pre><code class="language-go">x := 1</code></pre>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := entityHTML(tt.text, tt.entities)
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if tt.entities != nil && got != tt.text {
				if _, _, err := tghtml.Parse(got); err != nil {
					t.Errorf("Telegram would refuse %s: %v", got, err)
				}
			}
		})
	}
}
