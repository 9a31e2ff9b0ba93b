package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/programme"
)

func TestAuditAndUndo(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	admin := Actor{UserID: 42, Name: "Aida", Via: "upload"}
	if _, err := s.Apply(ctx, smallProgramme(t), cli); err != nil {
		t.Fatal(err)
	}
	// Move the talk by an hour and drop the handbook.
	next := smallProgramme(t)
	for i := range next.Sessions {
		if next.Sessions[i].ID == "talk" {
			next.Sessions[i].Start = next.Sessions[i].Start.Add(time.Hour)
			next.Sessions[i].End = next.Sessions[i].End.Add(time.Hour)
		}
	}
	next.Materials = next.Materials[:1]
	if _, err := s.Apply(ctx, next, admin); err != nil {
		t.Fatal(err)
	}
	id, _ := s.DefaultEvent(ctx)
	changes, err := s.Changes(ctx, id, 10)
	if err != nil || len(changes) != 2 {
		t.Fatalf("changes %+v, %v", changes, err)
	}
	last := changes[0]
	if last.By != admin || len(last.Items) != 2 {
		t.Fatalf("latest change %+v", last)
	}
	if it := last.Items[1]; it.Section != "materials" || it.Key != "handbook" || !it.Removed {
		t.Errorf("item %+v", it)
	}

	if _, _, err := s.Undo(ctx, last.ID, admin); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Programme(ctx, id)
	if d := programme.Diff(smallProgramme(t), got); !d.Empty() {
		t.Errorf("undo left %+v", d)
	}
	changes, _ = s.Changes(ctx, id, 10)
	if changes[0].By.Via != "undo" {
		t.Errorf("the undo is not recorded: %+v", changes[0])
	}
	// The first import is now older than the undo, which touched the same
	// talk: undoing it would lose the later change.
	if _, _, err := s.Undo(ctx, changes[2].ID, admin); !errors.Is(err, ErrConflict) {
		t.Errorf("undo under a later change: %v", err)
	}
	if _, _, err := s.Undo(ctx, 999, admin); !errors.Is(err, ErrNotFound) {
		t.Errorf("undo of a missing change: %v", err)
	}
}

func TestStaff(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	if r, err := s.Role(ctx, 7); err != nil || r != "" {
		t.Fatalf("no role yet: %q %v", r, err)
	}
	s.Grant(ctx, 7, RoleOrganiser, 1)
	s.Grant(ctx, 8, RoleAdmin, 1)
	s.Grant(ctx, 7, RoleAdmin, 1) // promoted
	staff, _ := s.Staff(ctx)
	if len(staff) != 2 || staff[0].Role != RoleAdmin || staff[1].Role != RoleAdmin {
		t.Errorf("staff %+v", staff)
	}
	if ok, _ := s.Revoke(ctx, 7); !ok {
		t.Error("revoke of a member")
	}
	if ok, _ := s.Revoke(ctx, 7); ok {
		t.Error("a second revoke found someone")
	}
	if r, _ := s.Role(ctx, 7); r != "" {
		t.Errorf("role after revoke: %q", r)
	}
}

// TestApplyRefusesStaleProgramme: a programme read before another change
// is not applied over it.
func TestApplyRefusesStaleProgramme(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	if _, err := s.Apply(ctx, smallProgramme(t), cli); err != nil {
		t.Fatal(err)
	}
	id, _ := s.DefaultEvent(ctx)
	read, _ := s.Programme(ctx, id)
	first := *read
	first.Sessions = append([]programme.Session(nil), read.Sessions...)
	first.Sessions[0].Cancelled = true
	if _, cid, err := s.ApplyChange(ctx, &first, Actor{Via: "edit"}); err != nil || cid == 0 {
		t.Fatalf("first edit: %d %v", cid, err)
	}
	second := *read
	second.Sessions = append([]programme.Session(nil), read.Sessions...)
	second.Sessions[1].Title = programme.Text{"en": "Renamed"}
	if _, _, err := s.ApplyChange(ctx, &second, Actor{Via: "edit"}); !errors.Is(err, ErrConflict) {
		t.Errorf("stale edit: %v", err)
	}
	// Nothing to change: no change recorded.
	now, _ := s.Programme(ctx, id)
	if _, cid, err := s.ApplyChange(ctx, now, Actor{Via: "edit"}); err != nil || cid != 0 {
		t.Errorf("an edit without changes: %d %v", cid, err)
	}
}

// TestEditsKeepTheDefaultEvent: only imports make an event the default.
func TestEditsKeepTheDefaultEvent(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	a := smallProgramme(t)
	b := smallProgramme(t)
	b.Event.Code = "second"
	s.Apply(ctx, a, cli)
	s.Apply(ctx, b, cli)
	second, _ := s.DefaultEvent(ctx)
	first, _ := s.EventByCode(ctx, "test-visit")
	p, _ := s.Programme(ctx, first)
	edited := *p
	edited.Event.Title = programme.Text{"en": "Renamed"}
	if _, err := s.Apply(ctx, &edited, Actor{Via: "edit"}); err != nil {
		t.Fatal(err)
	}
	if def, _ := s.DefaultEvent(ctx); def != second {
		t.Errorf("an edit made event %d the default", def)
	}
}
