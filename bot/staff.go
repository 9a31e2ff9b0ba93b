package bot

import (
	"slices"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

// role returns the sender's role: admins of the configuration first, then
// the roles granted in the store. It is read anew for every action, so
// that a revoked admin's old buttons do nothing.
func (r *request) role() store.Role {
	if slices.Contains(r.b.cfg.AdminIDs, r.user.ID) {
		return store.RoleAdmin
	}
	role, err := r.b.store.Role(r.ctx, r.user.ID)
	if err != nil {
		r.b.log.Error("reading a role failed", "user", r.user.ID, "err", err)
		return ""
	}
	return role
}

// may reports whether the sender has at least the given role; an admin may
// do what an organiser may.
func (r *request) may(need store.Role) bool {
	switch r.role() {
	case store.RoleAdmin:
		return true
	case store.RoleOrganiser:
		return need == store.RoleOrganiser
	}
	return false
}

// refuse answers a command or button the sender may not use exactly as an
// unknown command or a stale button, and logs the attempt.
func (r *request) refuse(what string) {
	r.b.log.Warn("staff action refused", "user", r.user.ID, "action", what)
	if r.cb != nil {
		r.expired()
		return
	}
	r.reply(r.t("unknown_command", nil), nil)
}

func (b *Bot) adminHelp(r *request) {
	text := r.t("admin_help", nil) + "\n\n" + r.t("announce_help", nil)
	if r.may(store.RoleAdmin) {
		text += "\n\n" + r.t("edit_help", nil)
	}
	r.reply(clipHTML(text), nil)
}

func (b *Bot) staff(r *request) {
	var lines []string
	for _, id := range b.cfg.AdminIDs {
		lines = append(lines, r.t("staff_config_admin", l10n.Data{"ID": id64(id)}))
	}
	members, err := b.store.Staff(r.ctx)
	if err != nil {
		r.fail(err)
		return
	}
	for _, m := range members {
		if !slices.Contains(b.cfg.AdminIDs, m.UserID) {
			lines = append(lines, r.t("staff_line", l10n.Data{"ID": id64(m.UserID), "Role": r.text("role_"+string(m.Role), nil)}))
		}
	}
	r.reply(r.t("staff_header", nil)+"\n"+strings.Join(lines, "\n"), nil)
}

// target reads whom a /grant or /revoke is about: a numeric user id in the
// arguments, or the sender of the forwarded message it replies to. Names
// are never trusted: they change hands.
func target(msg *models.Message, args string) (id int64, hidden bool, rest []string) {
	words := strings.Fields(args)
	if len(words) > 0 {
		if n, err := strconv.ParseInt(words[0], 10, 64); err == nil && n > 0 {
			return n, false, words[1:]
		}
	}
	if msg == nil || msg.ReplyToMessage == nil || msg.ReplyToMessage.ForwardOrigin == nil {
		return 0, false, words
	}
	switch origin := msg.ReplyToMessage.ForwardOrigin; {
	case origin.MessageOriginUser != nil:
		return origin.MessageOriginUser.SenderUser.ID, false, words
	case origin.MessageOriginHiddenUser != nil:
		return 0, true, words
	}
	return 0, false, words
}

func (b *Bot) grant(r *request) {
	id, hidden, rest := target(r.msg, r.args)
	role := store.RoleOrganiser
	if len(rest) == 1 && (rest[0] == string(store.RoleAdmin) || rest[0] == string(store.RoleOrganiser)) {
		role = store.Role(rest[0])
	} else if len(rest) > 0 {
		id = 0
	}
	switch {
	case hidden:
		r.reply(r.t("grant_hidden_sender", nil), nil)
		return
	case id == 0:
		r.reply(r.t("grant_usage", nil), nil)
		return
	}
	if err := b.store.Grant(r.ctx, id, role, r.user.ID); err != nil {
		r.fail(err)
		return
	}
	b.log.Info("role granted", "user", id, "role", role, "by", r.user.ID)
	r.reply(r.t("granted", l10n.Data{"ID": id64(id), "Role": r.text("role_"+string(role), nil)}), nil)
}

func (b *Bot) revoke(r *request) {
	id, hidden, rest := target(r.msg, r.args)
	switch {
	case hidden:
		r.reply(r.t("grant_hidden_sender", nil), nil)
		return
	case id == 0 || len(rest) > 0:
		r.reply(r.t("revoke_usage", nil), nil)
		return
	case slices.Contains(b.cfg.AdminIDs, id):
		r.reply(r.t("revoke_config_admin", l10n.Data{"ID": id64(id)}), nil)
		return
	}
	had, err := b.store.Revoke(r.ctx, id)
	if err != nil {
		r.fail(err)
		return
	}
	if !had {
		r.reply(r.t("revoke_not_staff", l10n.Data{"ID": id64(id)}), nil)
		return
	}
	b.log.Info("role revoked", "user", id, "by", r.user.ID)
	r.reply(r.t("revoked", l10n.Data{"ID": id64(id)}), nil)
}
