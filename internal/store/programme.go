package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/delegatedesk/delegatedesk/internal/programme"
)

type eventRow struct {
	ID         int64
	Code       string
	Title      string
	Timezone   string
	Countries  string
	Contacts   string
	DeskHours  string
	Glossary   string
	Revision   int64
	ImportedAt time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (eventRow) TableName() string { return "events" }

type venueRow struct {
	ID       int64
	EventID  int64
	Key      string
	Name     string
	Address  string
	City     string
	Notes    string
	Lat      float64
	Lon      float64
	Keywords string
}

func (venueRow) TableName() string { return "venues" }

type sessionRow struct {
	ID          int64
	EventID     int64
	Key         string
	Title       string
	Description string
	StartsAt    time.Time
	EndsAt      time.Time
	VenueID     *int64
	Speakers    string
	Kind        string
	Groups      string
	Keywords    string
	Cancelled   bool
}

func (sessionRow) TableName() string { return "sessions" }

type materialRow struct {
	ID        int64
	EventID   int64
	Key       string
	Title     string
	Kind      string
	SessionID *int64
	URL       string
	Keywords  string
}

func (materialRow) TableName() string { return "materials" }

type faqRow struct {
	ID       int64
	EventID  int64
	Key      string
	Question string
	Answer   string
	Keywords string
}

func (faqRow) TableName() string { return "faqs" }

type cachedProgramme struct {
	revision int64
	p        *programme.Programme
}

// DefaultEvent returns the store id of the event served to delegates who
// chose none: the one imported last. It returns ErrNotFound when the store
// holds no event.
func (s *Store) DefaultEvent(ctx context.Context) (int64, error) {
	var row eventRow
	err := s.db.WithContext(ctx).Order("imported_at DESC, id DESC").Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("store: default event: %w", err)
	}
	return row.ID, nil
}

// EventByCode returns the store id of the event with the given code, or
// ErrNotFound.
func (s *Store) EventByCode(ctx context.Context, code string) (int64, error) {
	var row eventRow
	err := s.db.WithContext(ctx).Where("code = ?", code).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("store: event %q: %w", code, err)
	}
	return row.ID, nil
}

// Programme returns the programme of an event, or ErrNotFound. The result is
// shared between callers and must not be modified. It is read from memory
// unless the event changed since it was last read (by this process or
// another, such as an import), so serving delegates costs one small query.
func (s *Store) Programme(ctx context.Context, eventID int64) (*programme.Programme, error) {
	var ev eventRow
	err := s.db.WithContext(ctx).Take(&ev, eventID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: event %d: %w", eventID, err)
	}
	s.mu.Lock()
	c, ok := s.cache[eventID]
	s.mu.Unlock()
	if ok && c.revision == ev.Revision {
		return c.p, nil
	}
	// One transaction, so that an import running meanwhile is seen whole
	// or not at all.
	var p *programme.Programme
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Take(&ev, eventID).Error; err != nil {
			return fmt.Errorf("store: event %d: %w", eventID, err)
		}
		p, err = load(tx, ev)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.cache[eventID] = cachedProgramme{revision: ev.Revision, p: p}
	s.mu.Unlock()
	return p, nil
}

func load(db *gorm.DB, ev eventRow) (*programme.Programme, error) {
	var (
		venues    []venueRow
		sessions  []sessionRow
		materials []materialRow
		faqs      []faqRow
	)
	for _, q := range []struct {
		dest any
		name string
	}{{&venues, "venues"}, {&sessions, "sessions"}, {&materials, "materials"}, {&faqs, "faqs"}} {
		if err := db.Where("event_id = ?", ev.ID).Order("id").Find(q.dest).Error; err != nil {
			return nil, fmt.Errorf("store: load %s of event %d: %w", q.name, ev.ID, err)
		}
	}
	p := &programme.Programme{Event: programme.Event{StoreID: ev.ID, Revision: ev.Revision, Code: ev.Code, Timezone: ev.Timezone}}
	var errs []error
	dec := func(s string, v any) { errs = append(errs, fromJSON(s, v)) }
	dec(ev.Title, &p.Event.Title)
	dec(ev.Countries, &p.Event.Countries)
	dec(ev.Contacts, &p.Event.Contacts)
	dec(ev.DeskHours, &p.Event.DeskHours)
	dec(ev.Glossary, &p.Glossary)

	venueKeys := map[int64]string{}
	for _, r := range venues {
		v := programme.Venue{ID: r.Key, Lat: r.Lat, Lon: r.Lon}
		dec(r.Name, &v.Name)
		dec(r.Address, &v.Address)
		dec(r.City, &v.City)
		dec(r.Notes, &v.Notes)
		dec(r.Keywords, &v.Keywords)
		venueKeys[r.ID] = r.Key
		p.Venues = append(p.Venues, v)
	}
	sessionKeys := map[int64]string{}
	for _, r := range sessions {
		ss := programme.Session{ID: r.Key, Start: r.StartsAt, End: r.EndsAt, Kind: programme.Kind(r.Kind), Cancelled: r.Cancelled}
		if r.VenueID != nil {
			ss.Venue = venueKeys[*r.VenueID]
		}
		dec(r.Title, &ss.Title)
		dec(r.Description, &ss.Description)
		dec(r.Speakers, &ss.Speakers)
		dec(r.Groups, &ss.Groups)
		dec(r.Keywords, &ss.Keywords)
		sessionKeys[r.ID] = r.Key
		p.Sessions = append(p.Sessions, ss)
	}
	for _, r := range materials {
		m := programme.Material{ID: r.Key, Kind: programme.MaterialKind(r.Kind), URL: r.URL}
		if r.SessionID != nil {
			m.Session = sessionKeys[*r.SessionID]
		}
		dec(r.Title, &m.Title)
		dec(r.Keywords, &m.Keywords)
		p.Materials = append(p.Materials, m)
	}
	for _, r := range faqs {
		f := programme.FAQ{ID: r.Key}
		dec(r.Question, &f.Question)
		dec(r.Answer, &f.Answer)
		dec(r.Keywords, &f.Keywords)
		p.FAQ = append(p.FAQ, f)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	p.Normalize()
	return p, nil
}

// Preview returns what Apply would change, writing nothing.
func (s *Store) Preview(ctx context.Context, p *programme.Programme) (programme.Changes, error) {
	old, err := s.current(ctx, p.Event.Code)
	if err != nil {
		return programme.Changes{}, err
	}
	return programme.Diff(old, p), nil
}

func (s *Store) current(ctx context.Context, code string) (*programme.Programme, error) {
	id, err := s.EventByCode(ctx, code)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return s.Programme(ctx, id)
}

// Apply stores a validated programme as the new state of its event (found by
// code, created when new) in one transaction, makes that event the default
// one, and returns what changed. Rows keep their ids across imports, so that
// anything referring to a session or venue survives a re-import.
func (s *Store) Apply(ctx context.Context, p *programme.Programme, by Actor) (programme.Changes, error) {
	changes, _, err := s.ApplyChange(ctx, p, by)
	return changes, err
}

// ApplyChange is Apply that also returns the id of the change recorded, or
// 0 when nothing changed. A programme read from the store (Event.Revision
// set) is applied only if the event has not changed since: otherwise
// ErrConflict, and nothing is lost.
func (s *Store) ApplyChange(ctx context.Context, p *programme.Programme, by Actor) (programme.Changes, int64, error) {
	var changes programme.Changes
	var id int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) (err error) {
		changes, id, err = s.applyTx(tx, p, by)
		return err
	})
	if err != nil {
		return programme.Changes{}, 0, err
	}
	return changes, id, nil
}

// applyTx is Apply within a transaction; it records the change.
func (s *Store) applyTx(tx *gorm.DB, p *programme.Programme, by Actor) (programme.Changes, int64, error) {
	var changes programme.Changes
	var changeID int64
	err := func() error {
		var ev eventRow
		err := tx.Where("code = ?", p.Event.Code).Take(&ev).Error
		var old *programme.Programme
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			ev = eventRow{Code: p.Event.Code}
		case err != nil:
			return fmt.Errorf("store: find event %q: %w", p.Event.Code, err)
		default:
			if old, err = load(tx, ev); err != nil {
				return err
			}
		}
		if old != nil && p.Event.Revision != 0 && p.Event.Revision != ev.Revision {
			return ErrConflict
		}
		changes = programme.Diff(old, p)
		// Importing a file makes its event the one served by default; an
		// edit, an undo or a file that changes nothing leaves that alone.
		imported := by.Via == "import" || by.Via == "upload" || by.Via == "sample"
		if changes.Empty() {
			if imported && old != nil {
				ev.ImportedAt = s.now().UTC()
				return tx.Model(&ev).Update("imported_at", ev.ImportedAt).Error
			}
			return nil
		}
		ev.Title = toJSON(p.Event.Title)
		ev.Timezone = p.Event.Timezone
		ev.Countries = toJSON(p.Event.Countries)
		ev.Contacts = toJSON(p.Event.Contacts)
		ev.DeskHours = toJSON(p.Event.DeskHours)
		ev.Glossary = toJSON(p.Glossary)
		ev.Revision++
		if imported || old == nil {
			ev.ImportedAt = s.now().UTC()
		}
		if err := tx.Save(&ev).Error; err != nil {
			return fmt.Errorf("store: save event %q: %w", p.Event.Code, err)
		}
		if err := replaceItems(tx, ev.ID, p); err != nil {
			return err
		}
		changeID, err = record(tx, ev.ID, old, p, changes, by, s.now().UTC())
		return err
	}()
	return changes, changeID, err
}

// replaceItems makes the event's venues, sessions, materials and FAQ those of
// p, updating rows in place, in the order foreign keys require: parents are
// written before children refer to them and removed after children let go.
func replaceItems(tx *gorm.DB, eventID int64, p *programme.Programme) error {
	venueIDs, err := upsert(tx, eventID, p.Venues, func(v programme.Venue, id int64) venueRow {
		return venueRow{ID: id, EventID: eventID, Key: v.ID, Name: toJSON(v.Name), Address: toJSON(v.Address),
			City: toJSON(v.City), Notes: toJSON(v.Notes), Lat: v.Lat, Lon: v.Lon, Keywords: toJSON(v.Keywords)}
	})
	if err != nil {
		return err
	}
	sessionIDs, err := upsert(tx, eventID, p.Sessions, func(ss programme.Session, id int64) sessionRow {
		return sessionRow{ID: id, EventID: eventID, Key: ss.ID, Title: toJSON(ss.Title), Description: toJSON(ss.Description),
			StartsAt: ss.Start.UTC(), EndsAt: ss.End.UTC(), VenueID: refID(venueIDs, ss.Venue),
			Speakers: toJSON(ss.Speakers), Kind: string(ss.Kind), Groups: toJSON(ss.Groups), Keywords: toJSON(ss.Keywords),
			Cancelled: ss.Cancelled}
	})
	if err != nil {
		return err
	}
	materialIDs, err := upsert(tx, eventID, p.Materials, func(m programme.Material, id int64) materialRow {
		return materialRow{ID: id, EventID: eventID, Key: m.ID, Title: toJSON(m.Title), Kind: string(m.Kind),
			SessionID: refID(sessionIDs, m.Session), URL: m.URL, Keywords: toJSON(m.Keywords)}
	})
	if err != nil {
		return err
	}
	faqIDs, err := upsert(tx, eventID, p.FAQ, func(f programme.FAQ, id int64) faqRow {
		return faqRow{ID: id, EventID: eventID, Key: f.ID, Question: toJSON(f.Question), Answer: toJSON(f.Answer), Keywords: toJSON(f.Keywords)}
	})
	if err != nil {
		return err
	}
	for _, d := range []struct {
		model any
		keep  map[string]int64
	}{{&materialRow{}, materialIDs}, {&sessionRow{}, sessionIDs}, {&venueRow{}, venueIDs}, {&faqRow{}, faqIDs}} {
		keep := make([]int64, 0, len(d.keep))
		for _, id := range d.keep {
			keep = append(keep, id)
		}
		q := tx.Where("event_id = ?", eventID)
		if len(keep) > 0 {
			q = q.Where("id NOT IN ?", keep)
		}
		if err := q.Delete(d.model).Error; err != nil {
			return fmt.Errorf("store: remove %T: %w", d.model, err)
		}
	}
	return nil
}

// itemRow is a row of a programme section, identified within its event by key.
type itemRow interface {
	venueRow | sessionRow | materialRow | faqRow
	rowID() int64
	rowKey() string
}

func (r venueRow) rowID() int64      { return r.ID }
func (r venueRow) rowKey() string    { return r.Key }
func (r sessionRow) rowID() int64    { return r.ID }
func (r sessionRow) rowKey() string  { return r.Key }
func (r materialRow) rowID() int64   { return r.ID }
func (r materialRow) rowKey() string { return r.Key }
func (r faqRow) rowID() int64        { return r.ID }
func (r faqRow) rowKey() string      { return r.Key }

// upsert writes one row per item, reusing the id of the existing row with the
// same key, and returns the row ids by key.
func upsert[T any, R itemRow](tx *gorm.DB, eventID int64, items []T, build func(item T, id int64) R) (map[string]int64, error) {
	var existing []R
	if err := tx.Where("event_id = ?", eventID).Find(&existing).Error; err != nil {
		return nil, fmt.Errorf("store: read %T: %w", existing, err)
	}
	byKey := make(map[string]int64, len(existing))
	for _, r := range existing {
		byKey[r.rowKey()] = r.rowID()
	}
	ids := make(map[string]int64, len(items))
	var added []R
	for _, it := range items {
		r := build(it, 0)
		id, ok := byKey[r.rowKey()]
		if !ok {
			added = append(added, r)
			continue
		}
		r = build(it, id)
		if err := tx.Save(&r).Error; err != nil {
			return nil, fmt.Errorf("store: save %T %q: %w", r, r.rowKey(), err)
		}
		ids[r.rowKey()] = id
	}
	// New rows go in batches: a large upload is mostly new rows.
	if len(added) > 0 {
		if err := tx.CreateInBatches(added, 200).Error; err != nil {
			return nil, fmt.Errorf("store: add %T: %w", added, err)
		}
	}
	for _, r := range added {
		ids[r.rowKey()] = r.rowID()
	}
	return ids, nil
}

func refID(ids map[string]int64, key string) *int64 {
	if key == "" {
		return nil
	}
	id := ids[key]
	return &id
}
