package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/delegatedesk/delegatedesk/internal/programme"
)

// Actor is who makes a change, and how.
type Actor struct {
	UserID int64
	Name   string
	// Via is how the change came: "import" (command line), "upload",
	// "undo", "sample".
	Via string
}

// Change is one recorded change of a programme.
type Change struct {
	ID      int64
	EventID int64
	By      Actor
	At      time.Time
	Items   []ChangeItem
}

// ChangeItem is one item a change touched: its section ("event",
// "venues", "sessions", "materials", "faq"), its id, and whether it was
// added, changed or removed.
type ChangeItem struct {
	Section, Key string
	Added        bool
	Removed      bool
}

// ErrConflict is returned by Undo when a later change touched an item of
// the change to undo.
var ErrConflict = errors.New("store: a later change touched the same items")

type changeRow struct {
	ID        int64
	EventID   int64
	UserID    int64
	UserName  string
	Via       string
	CreatedAt time.Time
}

func (changeRow) TableName() string { return "changes" }

type changeItemRow struct {
	ID       int64
	ChangeID int64
	Section  string
	Key      string
	Before   string
	After    string
}

func (changeItemRow) TableName() string { return "change_items" }

// eventState is what the "event" item of a change records.
type eventState struct {
	Event    programme.Event
	Glossary programme.Glossary
}

// record writes what changed from old to next, item by item, before and
// after, as one change by actor.
func record(tx *gorm.DB, eventID int64, old, next *programme.Programme, c programme.Changes, by Actor, at time.Time) (int64, error) {
	if c.Empty() {
		return 0, nil
	}
	if old == nil {
		old = &programme.Programme{}
	}
	ch := changeRow{EventID: eventID, UserID: by.UserID, UserName: by.Name, Via: by.Via, CreatedAt: at}
	if err := tx.Create(&ch).Error; err != nil {
		return 0, fmt.Errorf("store: record change: %w", err)
	}
	var rows []changeItemRow
	if c.EventChanged {
		before, after := "null", toJSON(eventState{next.Event, next.Glossary})
		if old.Event.Code != "" {
			before = toJSON(eventState{old.Event, old.Glossary})
		}
		rows = append(rows, changeItemRow{ChangeID: ch.ID, Section: "event", Before: before, After: after})
	}
	for _, sec := range sections {
		sc := sec.changes(c)
		for _, key := range slices.Concat(sc.Added, sc.Changed, sc.Removed) {
			rows = append(rows, changeItemRow{ChangeID: ch.ID, Section: sec.name, Key: key,
				Before: itemJSON(sec.find(old, key)), After: itemJSON(sec.find(next, key))})
		}
	}
	if err := tx.CreateInBatches(rows, 200).Error; err != nil {
		return 0, fmt.Errorf("store: record change items: %w", err)
	}
	return ch.ID, nil
}

func itemJSON(v any, ok bool) string {
	if !ok {
		return "null"
	}
	return toJSON(v)
}

// section ties a programme section to its name in the audit trail.
type section struct {
	name    string
	changes func(programme.Changes) programme.SectionChanges
	find    func(p *programme.Programme, key string) (any, bool)
	// set puts an item, decoded from JSON, into p (replacing one of the
	// same key), or removes the key when data is "null".
	set func(p *programme.Programme, key, data string) error
}

var sections = []section{
	{"venues", func(c programme.Changes) programme.SectionChanges { return c.Venues },
		func(p *programme.Programme, k string) (any, bool) { return p.Venue(k) },
		func(p *programme.Programme, k, d string) (err error) {
			p.Venues, err = put(p.Venues, k, d, venueKey)
			return
		}},
	{"sessions", func(c programme.Changes) programme.SectionChanges { return c.Sessions },
		func(p *programme.Programme, k string) (any, bool) { return p.Session(k) },
		func(p *programme.Programme, k, d string) (err error) {
			p.Sessions, err = put(p.Sessions, k, d, sessionKey)
			return
		}},
	{"materials", func(c programme.Changes) programme.SectionChanges { return c.Materials },
		func(p *programme.Programme, k string) (any, bool) { return p.Material(k) },
		func(p *programme.Programme, k, d string) (err error) {
			p.Materials, err = put(p.Materials, k, d, materialKey)
			return
		}},
	{"faq", func(c programme.Changes) programme.SectionChanges { return c.FAQ },
		func(p *programme.Programme, k string) (any, bool) { return p.FAQEntry(k) },
		func(p *programme.Programme, k, d string) (err error) { p.FAQ, err = put(p.FAQ, k, d, faqKey); return }},
}

func venueKey(v programme.Venue) string       { return v.ID }
func sessionKey(s programme.Session) string   { return s.ID }
func materialKey(m programme.Material) string { return m.ID }
func faqKey(f programme.FAQ) string           { return f.ID }

// put replaces, adds or (for "null") removes the item with key.
func put[T any](items []T, key, data string, keyOf func(T) string) ([]T, error) {
	items = slices.DeleteFunc(slices.Clone(items), func(it T) bool { return keyOf(it) == key })
	if data == "null" {
		return items, nil
	}
	var it T
	if err := json.Unmarshal([]byte(data), &it); err != nil {
		return nil, fmt.Errorf("store: decode %s: %w", key, err)
	}
	return append(items, it), nil
}

// SessionChange is how one change left a session: before and after (nil
// where it did not exist).
type SessionChange struct {
	Key           string
	Before, After *programme.Session
}

// SessionChanges returns the event of a change and the sessions it
// touched, before and after.
func (s *Store) SessionChanges(ctx context.Context, changeID int64) (int64, []SessionChange, error) {
	var ch changeRow
	if err := s.db.WithContext(ctx).Take(&ch, changeID).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, nil, ErrNotFound
	} else if err != nil {
		return 0, nil, fmt.Errorf("store: change %d: %w", changeID, err)
	}
	var items []changeItemRow
	if err := s.db.WithContext(ctx).Where("change_id = ? AND section = ?", changeID, "sessions").Order("id").Find(&items).Error; err != nil {
		return 0, nil, fmt.Errorf("store: change %d: %w", changeID, err)
	}
	out := make([]SessionChange, len(items))
	for i, it := range items {
		out[i].Key = it.Key
		for _, side := range []struct {
			data string
			dst  **programme.Session
		}{{it.Before, &out[i].Before}, {it.After, &out[i].After}} {
			if side.data == "null" {
				continue
			}
			var ss programme.Session
			if err := json.Unmarshal([]byte(side.data), &ss); err != nil {
				return 0, nil, fmt.Errorf("store: decode session %s: %w", it.Key, err)
			}
			*side.dst = &ss
		}
	}
	return ch.EventID, out, nil
}

// ClaimNotice marks a change as announced, once: it reports false when it
// already was (a second tap, a forged button).
func (s *Store) ClaimNotice(ctx context.Context, changeID int64) (bool, error) {
	res := s.db.WithContext(ctx).Model(&changeRow{}).Where("id = ? AND notified = ?", changeID, false).Update("notified", true)
	if res.Error != nil {
		return false, fmt.Errorf("store: claim notice %d: %w", changeID, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// Changes returns an event's latest changes, newest first.
func (s *Store) Changes(ctx context.Context, eventID int64, limit int) ([]Change, error) {
	var rows []changeRow
	if err := s.db.WithContext(ctx).Where("event_id = ?", eventID).Order("id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: changes: %w", err)
	}
	out := make([]Change, len(rows))
	for i, r := range rows {
		var items []changeItemRow
		if err := s.db.WithContext(ctx).Where("change_id = ?", r.ID).Order("id").Find(&items).Error; err != nil {
			return nil, fmt.Errorf("store: change %d: %w", r.ID, err)
		}
		out[i] = Change{ID: r.ID, EventID: r.EventID, By: Actor{r.UserID, r.UserName, r.Via}, At: r.CreatedAt}
		for _, it := range items {
			out[i].Items = append(out[i].Items, ChangeItem{Section: it.Section, Key: it.Key, Added: it.Before == "null", Removed: it.After == "null"})
		}
	}
	return out, nil
}

// Undo reverts one change, recording the undo as a change of its own, whose
// id it returns. It
// returns ErrConflict when a later change touched any of the same items,
// and an *programme.InvalidError when the programme as it would be is not
// consistent (a session's venue was removed since, say).
func (s *Store) Undo(ctx context.Context, changeID int64, by Actor) (programme.Changes, int64, error) {
	var changes programme.Changes
	var undoID int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var ch changeRow
		if err := tx.Take(&ch, changeID).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		} else if err != nil {
			return fmt.Errorf("store: change %d: %w", changeID, err)
		}
		var items []changeItemRow
		if err := tx.Where("change_id = ?", ch.ID).Find(&items).Error; err != nil {
			return fmt.Errorf("store: change %d: %w", changeID, err)
		}
		for _, it := range items {
			var n int64
			err := tx.Model(&changeItemRow{}).Joins("JOIN changes ON changes.id = change_items.change_id").
				Where("changes.event_id = ? AND changes.id > ? AND change_items.section = ? AND change_items.key = ?", ch.EventID, ch.ID, it.Section, it.Key).
				Count(&n).Error
			if err != nil {
				return fmt.Errorf("store: check later changes: %w", err)
			}
			if n > 0 {
				return ErrConflict
			}
		}
		var ev eventRow
		if err := tx.Take(&ev, ch.EventID).Error; err != nil {
			return fmt.Errorf("store: event %d: %w", ch.EventID, err)
		}
		cur, err := load(tx, ev)
		if err != nil {
			return err
		}
		reverted, err := revert(cur, items)
		if err != nil {
			return err
		}
		changes, undoID, err = s.applyTx(tx, reverted, Actor{UserID: by.UserID, Name: by.Name, Via: "undo"})
		return err
	})
	return changes, undoID, err
}

// revert returns a copy of cur with the items put back as they were
// before, checked as a programme file would be.
func revert(cur *programme.Programme, items []changeItemRow) (*programme.Programme, error) {
	p := *cur
	for _, it := range items {
		if it.Section == "event" {
			if it.Before == "null" {
				return nil, fmt.Errorf("store: cannot undo the creation of an event")
			}
			var st eventState
			if err := json.Unmarshal([]byte(it.Before), &st); err != nil {
				return nil, fmt.Errorf("store: decode event: %w", err)
			}
			st.Event.StoreID = cur.Event.StoreID
			p.Event, p.Glossary = st.Event, st.Glossary
			continue
		}
		i := slices.IndexFunc(sections, func(s section) bool { return s.name == it.Section })
		if i < 0 {
			return nil, fmt.Errorf("store: unknown section %q", it.Section)
		}
		if err := sections[i].set(&p, it.Key, it.Before); err != nil {
			return nil, err
		}
	}
	// The file format's checks: references, times, ids; and, as for an
	// edit, no two sessions in one venue at once.
	checked, err := programme.Check(&p)
	if err != nil {
		return nil, err
	}
	var problems []programme.Problem
	for _, it := range items {
		if it.Section != "sessions" {
			continue
		}
		if o, clash := checked.Overlap(it.Key); clash {
			problems = append(problems, programme.Problem{Path: "sessions." + it.Key, Code: programme.ProblemOverlap, Value: o.ID})
		}
	}
	if len(problems) > 0 {
		return nil, &programme.InvalidError{Problems: problems}
	}
	return checked, nil
}
