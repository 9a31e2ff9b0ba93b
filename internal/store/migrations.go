package store

import (
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// migrations lists every schema change in order. Each one declares the
// tables as they were at its time, so that later changes to the row types
// never rewrite history. Never edit a migration that has shipped: add one.
var migrations = []*gormigrate.Migration{
	{
		ID: "0001-programme-and-participants",
		Migrate: func(tx *gorm.DB) error {
			type event struct {
				ID         int64  `gorm:"primaryKey"`
				Code       string `gorm:"size:64;not null;uniqueIndex"`
				Title      string `gorm:"not null"`
				Timezone   string `gorm:"size:64;not null"`
				Countries  string `gorm:"not null;default:'null'"`
				Contacts   string `gorm:"not null;default:'null'"`
				Revision   int64  `gorm:"not null;default:0"`
				ImportedAt time.Time
				CreatedAt  time.Time
				UpdatedAt  time.Time
			}
			type venue struct {
				ID      int64  `gorm:"primaryKey"`
				EventID int64  `gorm:"not null;uniqueIndex:venues_event_key,priority:1"`
				Event   event  `gorm:"constraint:OnDelete:CASCADE"`
				Key     string `gorm:"size:48;not null;uniqueIndex:venues_event_key,priority:2"`
				Name    string `gorm:"not null"`
				Address string `gorm:"not null"`
				City    string `gorm:"not null;default:'null'"`
				Notes   string `gorm:"not null;default:'null'"`
				Lat     float64
				Lon     float64
			}
			type session struct {
				ID          int64     `gorm:"primaryKey"`
				EventID     int64     `gorm:"not null;uniqueIndex:sessions_event_key,priority:1;index:sessions_event_start,priority:1"`
				Event       event     `gorm:"constraint:OnDelete:CASCADE"`
				Key         string    `gorm:"size:48;not null;uniqueIndex:sessions_event_key,priority:2"`
				Title       string    `gorm:"not null"`
				Description string    `gorm:"not null;default:'null'"`
				StartsAt    time.Time `gorm:"not null;index:sessions_event_start,priority:2"`
				EndsAt      time.Time `gorm:"not null"`
				VenueID     *int64
				Venue       *venue `gorm:"constraint:OnDelete:RESTRICT"`
				Speakers    string `gorm:"not null;default:'null'"`
				Kind        string `gorm:"size:16;not null"`
				Groups      string `gorm:"not null;default:'null'"`
			}
			type material struct {
				ID        int64  `gorm:"primaryKey"`
				EventID   int64  `gorm:"not null;uniqueIndex:materials_event_key,priority:1"`
				Event     event  `gorm:"constraint:OnDelete:CASCADE"`
				Key       string `gorm:"size:48;not null;uniqueIndex:materials_event_key,priority:2"`
				Title     string `gorm:"not null"`
				Kind      string `gorm:"size:16;not null"`
				SessionID *int64
				Session   *session `gorm:"constraint:OnDelete:RESTRICT"`
				URL       string   `gorm:"not null"`
			}
			type faq struct {
				ID       int64  `gorm:"primaryKey"`
				EventID  int64  `gorm:"not null;uniqueIndex:faqs_event_key,priority:1"`
				Event    event  `gorm:"constraint:OnDelete:CASCADE"`
				Key      string `gorm:"size:48;not null;uniqueIndex:faqs_event_key,priority:2"`
				Question string `gorm:"not null"`
				Answer   string `gorm:"not null"`
			}
			type participant struct {
				UserID           int64 `gorm:"primaryKey;autoIncrement:false"`
				ChatID           int64 `gorm:"not null"`
				FirstName        string
				TelegramLanguage string `gorm:"size:35"`
				Language         string `gorm:"size:8"`
				EventID          *int64
				Event            *event `gorm:"constraint:OnDelete:SET NULL"`
				CreatedAt        time.Time
				UpdatedAt        time.Time
			}
			return tx.Migrator().CreateTable(&event{}, &venue{}, &session{}, &material{}, &faq{}, &participant{})
		},
	},
	{
		ID: "0002-keywords-and-glossary",
		Migrate: func(tx *gorm.DB) error {
			for _, stmt := range []string{
				"ALTER TABLE events ADD COLUMN glossary text NOT NULL DEFAULT 'null'",
				"ALTER TABLE venues ADD COLUMN keywords text NOT NULL DEFAULT 'null'",
				"ALTER TABLE sessions ADD COLUMN keywords text NOT NULL DEFAULT 'null'",
				"ALTER TABLE materials ADD COLUMN keywords text NOT NULL DEFAULT 'null'",
				"ALTER TABLE faqs ADD COLUMN keywords text NOT NULL DEFAULT 'null'",
			} {
				if err := tx.Exec(stmt).Error; err != nil {
					return err
				}
			}
			return nil
		},
	},
	{
		ID: "0003-staff-audit-uploads",
		Migrate: func(tx *gorm.DB) error {
			type event struct {
				ID int64 `gorm:"primaryKey"`
			}
			type staffMember struct {
				UserID    int64  `gorm:"primaryKey;autoIncrement:false"`
				Role      string `gorm:"size:16;not null"`
				GrantedBy int64
				CreatedAt time.Time
			}
			type change struct {
				ID        int64 `gorm:"primaryKey"`
				EventID   int64 `gorm:"not null;index"`
				Event     event `gorm:"constraint:OnDelete:CASCADE"`
				UserID    int64
				UserName  string
				Via       string `gorm:"size:16;not null"`
				CreatedAt time.Time
			}
			type changeItem struct {
				ID       int64  `gorm:"primaryKey"`
				ChangeID int64  `gorm:"not null;index"`
				Change   change `gorm:"constraint:OnDelete:CASCADE"`
				Section  string `gorm:"size:16;not null;index:change_items_item,priority:1"`
				Key      string `gorm:"size:48;not null;index:change_items_item,priority:2"`
				Before   string `gorm:"not null"`
				After    string `gorm:"not null"`
			}
			type pendingUpload struct {
				ID        int64 `gorm:"primaryKey"`
				UserID    int64 `gorm:"not null"`
				FileName  string
				Content   []byte
				CreatedAt time.Time
			}
			return tx.Migrator().CreateTable(&staffMember{}, &change{}, &changeItem{}, &pendingUpload{})
		},
	},
	{
		ID: "0004-cancelled-sessions",
		Migrate: func(tx *gorm.DB) error {
			return tx.Exec("ALTER TABLE sessions ADD COLUMN cancelled boolean NOT NULL DEFAULT false").Error
		},
	},
	{
		ID: "0005-upload-event-and-notices",
		Migrate: func(tx *gorm.DB) error {
			for _, stmt := range []string{
				"ALTER TABLE pending_uploads ADD COLUMN event_id bigint NOT NULL DEFAULT 0",
				"ALTER TABLE pending_uploads ADD COLUMN revision bigint NOT NULL DEFAULT 0",
				"ALTER TABLE changes ADD COLUMN notified boolean NOT NULL DEFAULT false",
			} {
				if err := tx.Exec(stmt).Error; err != nil {
					return err
				}
			}
			return nil
		},
	},
	{
		ID: "0006-outbox-and-blocked-chats",
		Migrate: func(tx *gorm.DB) error {
			type outgoing struct {
				ID         int64     `gorm:"primaryKey"`
				Job        string    `gorm:"size:64;not null;uniqueIndex:outgoings_job_chat,priority:1"`
				ChatID     int64     `gorm:"not null;uniqueIndex:outgoings_job_chat,priority:2"`
				HTML       string    `gorm:"not null"`
				State      string    `gorm:"size:8;not null;index:outgoings_due,priority:1"`
				LeaseUntil time.Time `gorm:"index:outgoings_due,priority:2"`
				Attempts   int       `gorm:"not null"`
				Reason     string
				CreatedAt  time.Time
				SentAt     *time.Time
			}
			if err := tx.Migrator().CreateTable(&outgoing{}); err != nil {
				return err
			}
			return tx.Exec("ALTER TABLE participants ADD COLUMN blocked boolean NOT NULL DEFAULT false").Error
		},
	},
	{
		ID: "0007-announcements",
		Migrate: func(tx *gorm.DB) error {
			type announcement struct {
				ID          int64  `gorm:"primaryKey"`
				EventID     int64  `gorm:"not null;index"`
				Sender      string `gorm:"size:32;not null"`
				Author      int64  `gorm:"not null;index:announcements_author_state,priority:1"`
				ReportChat  int64  `gorm:"not null"`
				ProgressMsg int    `gorm:"not null"`
				Audience    string `gorm:"size:80;not null"`
				Versions    string `gorm:"not null"`
				MediaKind   string `gorm:"size:16;not null"`
				MediaID     string `gorm:"not null"`
				SendAt      *time.Time
				State       string `gorm:"size:16;not null;index:announcements_author_state,priority:2"`
				Asker       int64  `gorm:"not null;index"`
				Awaiting    string `gorm:"size:32;not null"`
				PendingHTML string `gorm:"not null"`
				Recipients  int    `gorm:"not null"`
				Corrections int    `gorm:"not null"`
				Reported    bool   `gorm:"not null"`
				CreatedAt   time.Time
				StartedAt   *time.Time
				FinishedAt  *time.Time
			}
			// A paused or cancelled job: a message of it given back (a 429,
			// a crash) waits or is dropped instead of going.
			type jobHold struct {
				Job   string `gorm:"primaryKey;size:64"`
				State string `gorm:"size:16;not null"`
			}
			type setting struct {
				Key   string `gorm:"primaryKey;size:64"`
				Value string `gorm:"not null"`
			}
			if err := tx.Migrator().CreateTable(&announcement{}, &jobHold{}, &setting{}); err != nil {
				return err
			}
			for _, stmt := range []string{
				"ALTER TABLE participants ADD COLUMN country varchar(2) NOT NULL DEFAULT ''",
				"ALTER TABLE participants ADD COLUMN group_name varchar(48) NOT NULL DEFAULT ''",
				"ALTER TABLE outgoings ADD COLUMN op varchar(8) NOT NULL DEFAULT 'send'",
				"ALTER TABLE outgoings ADD COLUMN variant varchar(8) NOT NULL DEFAULT ''",
				"ALTER TABLE outgoings ADD COLUMN media_kind varchar(16) NOT NULL DEFAULT ''",
				"ALTER TABLE outgoings ADD COLUMN media_id text NOT NULL DEFAULT ''",
				"ALTER TABLE outgoings ADD COLUMN message_id bigint NOT NULL DEFAULT 0",
			} {
				if err := tx.Exec(stmt).Error; err != nil {
					return err
				}
			}
			return nil
		},
	},
	{
		ID: "0008-organisers-desk",
		Migrate: func(tx *gorm.DB) error {
			type ticket struct {
				ID           int64  `gorm:"primaryKey"`
				EventID      int64  `gorm:"not null;uniqueIndex:tickets_event_user,priority:1"`
				UserID       int64  `gorm:"not null;uniqueIndex:tickets_event_user,priority:2"`
				ChatID       int64  `gorm:"not null"`
				State        string `gorm:"size:16;not null;index"`
				ThreadID     int    `gorm:"not null"`
				Question     string `gorm:"not null"`
				WaitingSince *time.Time
				CreatedAt    time.Time
				UpdatedAt    time.Time
			}
			// What a delegate sent that waits for the desk: held by flood
			// control, or a question offered to the desk with a button.
			type deskMessage struct {
				ID        int64  `gorm:"primaryKey"`
				UserID    int64  `gorm:"not null;index"`
				TicketID  int64  `gorm:"not null;index"`
				MessageID int    `gorm:"not null"`
				Kind      string `gorm:"size:16;not null"`
				Text      string `gorm:"not null"`
				State     string `gorm:"size:8;not null"`
				Question  string `gorm:"not null"`
				CreatedAt time.Time
			}
			if err := tx.Migrator().CreateTable(&ticket{}, &deskMessage{}); err != nil {
				return err
			}
			for _, stmt := range []string{
				"ALTER TABLE outgoings ADD COLUMN from_chat bigint NOT NULL DEFAULT 0",
				"ALTER TABLE outgoings ADD COLUMN thread_id bigint NOT NULL DEFAULT 0",
				"ALTER TABLE outgoings ADD COLUMN reply_to bigint NOT NULL DEFAULT 0",
				"ALTER TABLE outgoings ADD COLUMN markup text NOT NULL DEFAULT ''",
				"CREATE INDEX outgoings_chat_message ON outgoings (chat_id, message_id)",
				"ALTER TABLE participants ADD COLUMN desk_until timestamp",
				"ALTER TABLE events ADD COLUMN desk_hours text NOT NULL DEFAULT 'null'",
				// A job is reported once; those before this release were.
				"CREATE TABLE reported_jobs (job varchar(64) PRIMARY KEY)",
				"INSERT INTO reported_jobs (job) SELECT DISTINCT job FROM outgoings",
			} {
				if err := tx.Exec(stmt).Error; err != nil {
					return err
				}
			}
			return nil
		},
	},
}

func migrate(db *gorm.DB) error {
	m := gormigrate.New(db, &gormigrate.Options{
		TableName:                 "schema_migrations",
		IDColumnName:              "id",
		IDColumnSize:              255,
		UseTransaction:            true,
		ValidateUnknownMigrations: true,
	}, migrations)
	if err := m.Migrate(); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}
