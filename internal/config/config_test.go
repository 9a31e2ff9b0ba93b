package config

import (
	"log/slog"
	"strings"
	"testing"
)

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    func(Config) bool
		wantErr []string // every one must be named
	}{
		{"defaults", nil, func(c Config) bool {
			return c.APIURL == DefaultAPIURL && c.DatabaseURL == "delegatedesk.db" && c.DefaultLanguage == "en" &&
				c.BroadcastRate == DefaultBroadcastRate && c.LogLevel == slog.LevelInfo
		}, nil},
		{"values", map[string]string{
			"BOT_TOKEN": " 123:abc ", "TELEGRAM_API_URL": "http://localhost:8081/", "ADMIN_IDS": "11, 22,",
			"ORGANISERS_CHAT_ID": "-100777", "DEFAULT_LANGUAGE": "tl", "LOG_LEVEL": "debug", "BROADCAST_RATE": "12.5",
		}, func(c Config) bool {
			return c.BotToken == "123:abc" && c.APIURL == "http://localhost:8081" && len(c.AdminIDs) == 2 && c.AdminIDs[1] == 22 &&
				c.OrganisersChatID == -100777 && c.DefaultLanguage == "fil" && c.LogLevel == slog.LevelDebug && c.BroadcastRate == 12.5
		}, nil},
		{"every mistake at once", map[string]string{
			"ADMIN_IDS": "@organiser", "ORGANISERS_CHAT_ID": "group", "DEFAULT_LANGUAGE": "xx", "LOG_LEVEL": "loud", "BROADCAST_RATE": "50",
		}, nil, []string{"ADMIN_IDS", "ORGANISERS_CHAT_ID", "DEFAULT_LANGUAGE", "LOG_LEVEL", "BROADCAST_RATE"}},
		{"paid broadcasts go faster", map[string]string{"BROADCAST_PAID": "true", "BROADCAST_RATE": "500"}, func(c Config) bool {
			return c.PaidBroadcast && c.BroadcastRate == 500
		}, nil},
		{"unpaid broadcasts stay under 30", map[string]string{"BROADCAST_PAID": "false", "BROADCAST_RATE": "500"}, nil, []string{"BROADCAST_RATE"}},
		{"paid must be a boolean", map[string]string{"BROADCAST_PAID": "sometimes"}, nil, []string{"BROADCAST_PAID"}},
		{"rate must be positive", map[string]string{"BROADCAST_RATE": "0"}, nil, []string{"BROADCAST_RATE"}},
		{"rate must be a number", map[string]string{"BROADCAST_RATE": "fast"}, nil, []string{"BROADCAST_RATE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := FromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("no error, config %+v", c)
				}
				for _, name := range tt.wantErr {
					if !strings.Contains(err.Error(), name) {
						t.Errorf("error does not name %s: %v", name, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.want(c) {
				t.Errorf("config %+v", c)
			}
		})
	}
}

func TestLogValueHidesToken(t *testing.T) {
	c, err := FromEnv(func(k string) string {
		return map[string]string{"BOT_TOKEN": "123456:SECRET", "DATABASE_URL": "postgres://u:pw@db/x"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("starting", "config", c)
	if out := b.String(); strings.Contains(out, "SECRET") || strings.Contains(out, "pw") {
		t.Errorf("log shows a secret: %s", out)
	}
}
