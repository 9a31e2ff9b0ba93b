// Package config reads Delegate Desk's settings from the environment.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"

	"github.com/delegatedesk/delegatedesk/internal/l10n"
)

// DefaultAPIURL is Telegram's public Bot API.
const DefaultAPIURL = "https://api.telegram.org"

// Config holds every setting. Its LogValue hides the token.
type Config struct {
	BotToken         string
	APIURL           string
	DatabaseURL      string
	AdminIDs         []int64
	OrganisersChatID int64
	DefaultLanguage  string
	LogLevel         slog.Level
	// BroadcastRate is the messages a second sent to many delegates at
	// once; a fifth of it stays free for replies.
	BroadcastRate float64
	// PaidBroadcast sends messages to many delegates with
	// allow_paid_broadcast: Telegram then takes up to 1000 a second and
	// charges Stars for those beyond 30.
	PaidBroadcast bool
}

// DefaultBroadcastRate stays below Telegram's 30 messages a second.
const DefaultBroadcastRate = 25

// FromEnv reads the settings from environment variables through getenv,
// applying defaults. It reports every malformed value at once.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		BotToken:        strings.TrimSpace(getenv("BOT_TOKEN")),
		APIURL:          strings.TrimRight(strings.TrimSpace(getenv("TELEGRAM_API_URL")), "/"),
		DatabaseURL:     strings.TrimSpace(getenv("DATABASE_URL")),
		DefaultLanguage: strings.TrimSpace(getenv("DEFAULT_LANGUAGE")),
		BroadcastRate:   DefaultBroadcastRate,
	}
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = "delegatedesk.db"
	}
	var errs []error
	if c.DefaultLanguage == "" {
		c.DefaultLanguage = l10n.Fallback
	} else if code := l10n.Normalize(c.DefaultLanguage); code != "" {
		c.DefaultLanguage = code
	} else {
		errs = append(errs, fmt.Errorf("DEFAULT_LANGUAGE: unsupported language %q (supported: %s)", c.DefaultLanguage, strings.Join(l10n.Codes, ", ")))
	}
	for _, f := range strings.Split(getenv("ADMIN_IDS"), ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id <= 0 {
			errs = append(errs, fmt.Errorf("ADMIN_IDS: %q is not a numeric Telegram user id", f))
			continue
		}
		c.AdminIDs = append(c.AdminIDs, id)
	}
	if s := strings.TrimSpace(getenv("ORGANISERS_CHAT_ID")); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id == 0 {
			errs = append(errs, fmt.Errorf("ORGANISERS_CHAT_ID: %q is not a numeric chat id", s))
		}
		c.OrganisersChatID = id
	}
	if s := strings.TrimSpace(getenv("LOG_LEVEL")); s != "" {
		if err := c.LogLevel.UnmarshalText([]byte(s)); err != nil {
			errs = append(errs, fmt.Errorf("LOG_LEVEL: %q is not one of debug, info, warn, error", s))
		}
	}
	if s := strings.TrimSpace(getenv("BROADCAST_PAID")); s != "" {
		paid, err := strconv.ParseBool(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("BROADCAST_PAID: %q is not true or false", s))
		}
		c.PaidBroadcast = paid
	}
	if s := strings.TrimSpace(getenv("BROADCAST_RATE")); s != "" {
		r, err := strconv.ParseFloat(s, 64)
		// Telegram answers 429 above 30 a second unless broadcasts are paid for.
		limit := 30.0
		if c.PaidBroadcast {
			limit = 1000
		}
		if err != nil || !(r > 0 && r <= limit) {
			errs = append(errs, fmt.Errorf("BROADCAST_RATE: %q is not a number of messages a second from above 0 to %g", s, limit))
		}
		c.BroadcastRate = r
	}
	if err := errors.Join(errs...); err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return c, nil
}

// LogValue describes the configuration for logs, without the token.
func (c Config) LogValue() slog.Value {
	token := "unset"
	if c.BotToken != "" {
		token = "set"
	}
	return slog.GroupValue(
		slog.String("bot_token", token),
		slog.String("api_url", c.APIURL),
		slog.String("database", redactURL(c.DatabaseURL)),
		slog.Int("admins", len(c.AdminIDs)),
		slog.Int64("organisers_chat", c.OrganisersChatID),
		slog.String("default_language", c.DefaultLanguage),
		slog.String("log_level", c.LogLevel.String()),
		slog.Float64("broadcast_rate", c.BroadcastRate),
		slog.Bool("broadcast_paid", c.PaidBroadcast),
	)
}

func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		return u.Redacted()
	}
	return s
}
