package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Participant is a person who talks to the bot.
type Participant struct {
	UserID int64
	ChatID int64
	// FirstName is the name Telegram gives, for greeting and for organisers.
	FirstName string
	// TelegramLanguage is the language_code Telegram last reported.
	TelegramLanguage string
	// Language is the language the participant chose with /language, or "".
	Language string
	// EventID is the event the participant follows, or 0 for the default one.
	EventID int64
	// Blocked is set when Telegram refused a message to them (they blocked
	// the bot); writing to the bot again clears it.
	Blocked bool
	// Country (ISO 3166 alpha-2) and Group are the delegation and group
	// they belong to, from their invitation link or an admin.
	Country, Group string
	// DeskUntil is when what they send stops going to the organisers'
	// desk (after /ask).
	DeskUntil time.Time
}

type participantRow struct {
	UserID           int64 `gorm:"primaryKey;autoIncrement:false"`
	ChatID           int64
	FirstName        string
	TelegramLanguage string
	Language         string
	EventID          *int64
	Blocked          bool
	Country          string
	GroupName        string
	DeskUntil        *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (participantRow) TableName() string { return "participants" }

// Participant returns the participant with the given Telegram user id, or
// ErrNotFound.
func (s *Store) Participant(ctx context.Context, userID int64) (Participant, error) {
	var r participantRow
	err := s.db.WithContext(ctx).Take(&r, "user_id = ?", userID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Participant{}, ErrNotFound
	}
	if err != nil {
		return Participant{}, fmt.Errorf("store: participant %d: %w", userID, err)
	}
	return r.participant(), nil
}

func (r participantRow) participant() Participant {
	p := Participant{UserID: r.UserID, ChatID: r.ChatID, FirstName: r.FirstName, TelegramLanguage: r.TelegramLanguage,
		Language: r.Language, Blocked: r.Blocked, Country: r.Country, Group: r.GroupName, DeskUntil: fromOpt(r.DeskUntil)}
	if r.EventID != nil {
		p.EventID = *r.EventID
	}
	return p
}

// SaveParticipant creates or updates a participant.
func (s *Store) SaveParticipant(ctx context.Context, p Participant) error {
	r := participantRow{UserID: p.UserID, ChatID: p.ChatID, FirstName: p.FirstName,
		TelegramLanguage: p.TelegramLanguage, Language: p.Language, Blocked: p.Blocked, Country: p.Country, GroupName: p.Group,
		DeskUntil: optTime(p.DeskUntil)}
	if p.EventID != 0 {
		r.EventID = &p.EventID
	}
	err := s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "user_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"chat_id", "first_name", "telegram_language", "language", "event_id", "blocked", "country", "group_name", "desk_until", "updated_at"}),
	}).Create(&r).Error
	if err != nil {
		return fmt.Errorf("store: save participant %d: %w", p.UserID, err)
	}
	return nil
}

// MarkBlocked records that a chat refuses the bot, so that later broadcasts
// leave it out.
func (s *Store) MarkBlocked(ctx context.Context, chatID int64) error {
	if err := s.db.WithContext(ctx).Model(&participantRow{}).Where("chat_id = ?", chatID).Update("blocked", true).Error; err != nil {
		return fmt.Errorf("store: mark %d blocked: %w", chatID, err)
	}
	return nil
}

// Audience returns the chats of the participants who follow an event and
// have not blocked the bot: those who chose the event and, when it is the
// default event, those who chose none.
func (s *Store) Audience(ctx context.Context, eventID int64) ([]Participant, error) {
	def, err := s.DefaultEvent(ctx)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	follows := s.db.Where("event_id = ?", eventID)
	if def == eventID {
		follows = follows.Or("event_id IS NULL")
	}
	q := s.db.WithContext(ctx).Where(follows).Where("blocked = ?", false)
	var rows []participantRow
	if err := q.Order("user_id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: audience of %d: %w", eventID, err)
	}
	out := make([]Participant, len(rows))
	for i, r := range rows {
		out[i] = r.participant()
	}
	return out, nil
}
