package programme

import (
	"reflect"
	"slices"
)

// Changes lists what applying a new programme would add, change and remove,
// by section, as item ids.
type Changes struct {
	EventChanged bool
	Venues       SectionChanges
	Sessions     SectionChanges
	Materials    SectionChanges
	FAQ          SectionChanges
}

// SectionChanges lists the ids added, changed and removed in one section.
type SectionChanges struct {
	Added, Changed, Removed []string
}

// Empty reports whether the section is unchanged.
func (s SectionChanges) Empty() bool {
	return len(s.Added)+len(s.Changed)+len(s.Removed) == 0
}

// Empty reports whether nothing changes.
func (c Changes) Empty() bool {
	return !c.EventChanged && c.Venues.Empty() && c.Sessions.Empty() && c.Materials.Empty() && c.FAQ.Empty()
}

// Diff compares an old programme with a new one. A nil old programme means
// everything in next is added.
func Diff(old, next *Programme) Changes {
	if old == nil {
		old = &Programme{}
	}
	oe, ne := old.Event, next.Event
	oe.StoreID, ne.StoreID, oe.Revision, ne.Revision = 0, 0, 0, 0
	return Changes{
		EventChanged: !reflect.DeepEqual(oe, ne) || !reflect.DeepEqual(old.Glossary, next.Glossary),
		Venues:       diffSection(old.Venues, next.Venues, func(v Venue) string { return v.ID }, equalValue[Venue]),
		Sessions:     diffSection(old.Sessions, next.Sessions, func(s Session) string { return s.ID }, equalSession),
		Materials:    diffSection(old.Materials, next.Materials, func(m Material) string { return m.ID }, equalValue[Material]),
		FAQ:          diffSection(old.FAQ, next.FAQ, func(f FAQ) string { return f.ID }, equalValue[FAQ]),
	}
}

func equalValue[T any](a, b T) bool { return reflect.DeepEqual(a, b) }

// equalSession compares instants, not time.Time values, which differ by
// location after a round trip through a store.
func equalSession(a, b Session) bool {
	if !a.Start.Equal(b.Start) || !a.End.Equal(b.End) {
		return false
	}
	a.Start, a.End = b.Start, b.End
	return reflect.DeepEqual(a, b)
}

func diffSection[T any](old, next []T, id func(T) string, equal func(a, b T) bool) SectionChanges {
	var c SectionChanges
	before := make(map[string]T, len(old))
	for _, o := range old {
		before[id(o)] = o
	}
	for _, n := range next {
		o, ok := before[id(n)]
		switch {
		case !ok:
			c.Added = append(c.Added, id(n))
		case !equal(o, n):
			c.Changed = append(c.Changed, id(n))
		}
		delete(before, id(n))
	}
	for _, o := range old {
		if _, gone := before[id(o)]; gone {
			c.Removed = append(c.Removed, id(o))
		}
	}
	slices.Sort(c.Added)
	slices.Sort(c.Changed)
	slices.Sort(c.Removed)
	return c
}
