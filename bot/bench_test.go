package bot

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkReply measures one delegate's command from the moment Telegram
// would deliver it to the moment every reply has been sent: polling, the
// store, rendering and the HTTP round trips to the Bot API stand-in.
func BenchmarkReply(b *testing.B) {
	for _, cmd := range []string{"/schedule", "/now", "/venues", "/help"} {
		b.Run(cmd[1:], func(b *testing.B) {
			h := newHarness(b, at(7, 10, 15))
			u := h.user("ru")
			for b.Loop() {
				h.say(u, cmd)
			}
		})
	}
}

// BenchmarkReplyDuringBroadcast measures a delegate's question answered
// while a change notice goes out to 2,000 delegates through the outbox.
// Besides the mean it reports the 95th percentile.
func BenchmarkReplyDuringBroadcast(b *testing.B) {
	h := newHarness(b, at(7, 10, 15), withAdmins(adminID))
	admin := h.user("en")
	admin.ID = adminID
	langs := []string{"ru", "kk", "uz", "km", "ka", "en"}
	var delegates []int64
	for i := range 2000 {
		u := h.user(langs[i%len(langs)])
		h.say(u, "/start")
		delegates = append(delegates, u.ID)
	}
	edit := only(b, h.say(admin, "/move d2-cyber 10:30"))
	h.press(admin, edit, "Tell")
	asker := h.user("ru")
	var took []time.Duration
	for b.Loop() {
		start := time.Now()
		h.say(asker, "где автобус?")
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
	// The broadcast ran all along: the figures are not of an idle bot.
	notified := 0
	for _, id := range delegates {
		msgs := h.api.Messages(id)
		if strings.HasPrefix(msgs[len(msgs)-1].Text, "🔔") {
			notified++
		}
	}
	if notified == 0 || notified == len(delegates) {
		b.Fatalf("%d of %d delegates notified: the broadcast did not run alongside", notified, len(delegates))
	}
	b.ReportMetric(float64(notified), "notified")
}
