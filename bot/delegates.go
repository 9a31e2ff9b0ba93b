package bot

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"regexp"
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

// Invitation links carry a delegation: "<event code>_<country>[_<group>]_<signature>".
// The signature is the bot's, made by /invite: a delegate cannot write
// themselves into another delegation. Event codes have no underscore, so
// the parts are never ambiguous.
var inviteGroup = regexp.MustCompile(`^[A-Za-z0-9-]{1,32}$`)

// invitation reads a deep link: an event code, or an invitation with its
// country, group and signature (unchecked).
func invitation(payload string) (code, country, group, sig string, ok bool) {
	parts := strings.Split(payload, "_")
	code = parts[0]
	switch len(parts) {
	case 1:
		return code, "", "", "", true
	case 4:
		group = parts[2]
		if !inviteGroup.MatchString(group) {
			return "", "", "", "", false
		}
		fallthrough
	case 3:
		country, sig = parts[1], parts[len(parts)-1]
		return code, country, group, sig, announce.ValidCountry(country)
	}
	return "", "", "", "", false
}

// inviteSignature signs an invitation's payload with the bot's secret.
func (b *Bot) inviteSignature(ctx context.Context, payload string) (string, error) {
	secret, err := b.store.Secret(ctx, "invite")
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(payload))
	// Hex: the payload's parts are split at "_", which base64url has.
	return hex.EncodeToString(mac.Sum(nil))[:16], nil
}

// invite makes a delegation's invitation link to the followed event:
// /invite <country> [group].
func (b *Bot) invite(r *request) {
	if r.noProgramme() {
		return
	}
	f := strings.Fields(r.args)
	if len(f) < 1 || len(f) > 2 {
		r.reply(r.t("invite_usage", nil), nil)
		return
	}
	payload := r.prog.Event.Code + "_" + strings.ToUpper(f[0])
	if len(f) == 2 {
		if !inviteGroup.MatchString(f[1]) {
			r.reply(r.t("invite_usage", nil), nil)
			return
		}
		payload += "_" + f[1]
	}
	if !announce.ValidCountry(strings.ToUpper(f[0])) {
		r.reply(r.t("invite_usage", nil), nil)
		return
	}
	sig, err := b.inviteSignature(r.ctx, payload)
	if err != nil {
		r.fail(err)
		return
	}
	payload += "_" + sig
	me, err := b.api.GetMe(r.ctx)
	if err != nil {
		r.fail(err)
		return
	}
	if !deepLink.MatchString(payload) {
		r.reply(r.t("invite_usage", nil), nil)
		return
	}
	group := "—"
	if len(f) == 2 {
		group = f[1]
	}
	r.reply(r.t("invite_link", l10n.Data{"Country": strings.ToUpper(f[0]), "Group": group,
		"Link": "https://t.me/" + me.Username + "?start=" + payload}), nil)
}
