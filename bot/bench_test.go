package bot

import "testing"

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
