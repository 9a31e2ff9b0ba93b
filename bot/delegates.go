package bot

import (
	"errors"
	"strconv"
	"strings"

	"github.com/delegatedesk/delegatedesk/internal/announce"
	"github.com/delegatedesk/delegatedesk/internal/l10n"
	"github.com/delegatedesk/delegatedesk/internal/store"
)

// delegate sets a delegate's country and group, for announcements to
// them: /delegate <user id> <country> [group].
func (b *Bot) delegate(r *request) {
	f := strings.Fields(r.args)
	if len(f) < 2 || len(f) > 3 {
		r.reply(r.t("delegate_usage", nil), nil)
		return
	}
	id, err := strconv.ParseInt(f[0], 10, 64)
	country := strings.ToUpper(f[1])
	group := ""
	if len(f) == 3 {
		group = f[2]
	}
	if err != nil || id <= 0 || !announce.ValidCountry(country) || (group != "" && !announce.ValidGroup(group)) {
		r.reply(r.t("delegate_usage", nil), nil)
		return
	}
	p, err := b.store.Participant(r.ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		r.reply(r.t("delegate_unknown", l10n.Data{"ID": id64(id)}), nil)
		return
	}
	if err != nil {
		r.fail(err)
		return
	}
	p.Country, p.Group = country, group
	if err := b.store.SaveParticipant(r.ctx, p); err != nil {
		r.fail(err)
		return
	}
	if group == "" {
		group = "—"
	}
	r.reply(r.t("delegate_set", l10n.Data{"ID": id64(id), "Country": country, "Group": group}), nil)
}

// invitation reads a deep link: an event code, optionally followed by the
// delegate's country and group ("seoul-2026_KZ_A"). Event codes have no
// underscore, so the parts are never ambiguous.
func invitation(payload string) (code, country, group string, ok bool) {
	parts := strings.Split(payload, "_")
	code = parts[0]
	switch len(parts) {
	case 1:
		return code, "", "", true
	case 3:
		group = parts[2]
		if !announce.ValidGroup(group) {
			return "", "", "", false
		}
		fallthrough
	case 2:
		country = strings.ToUpper(parts[1])
		return code, country, group, announce.ValidCountry(country)
	}
	return "", "", "", false
}
