package bot

// freeText answers a message that is not a command. Until questions are
// understood, the person is pointed to the commands.
func (b *Bot) freeText(r *request) {
	r.reply(r.t("free_text", nil)+"\n\n"+r.t("help", nil), nil)
}
