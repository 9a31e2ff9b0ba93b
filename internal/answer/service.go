package answer

import (
	"sync"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/programme"
)

// Service answers questions about any programme, keeping the index of each
// event's programme until the programme changes.
type Service struct {
	vocab *Vocabulary

	mu      sync.Mutex
	indexes map[int64]*entry // by event store id
}

// entry is an event's index, ready once ready is closed.
type entry struct {
	prog  *programme.Programme
	ix    *Index
	ready chan struct{}
}

// NewService returns a service that understands questions with v.
func NewService(v *Vocabulary) *Service {
	return &Service{vocab: v, indexes: map[int64]*entry{}}
}

// Answer answers a question about p asked at instant now. p must not change
// after it is first passed in: a changed programme is a new value with a
// higher Event.Revision.
func (s *Service) Answer(p *programme.Programme, question string, now time.Time) Result {
	return s.index(p).Answer(question, now)
}

// index returns p's index, building it once; questions about other events
// do not wait for the build.
func (s *Service) index(p *programme.Programme) *Index {
	s.mu.Lock()
	e := s.indexes[p.Event.StoreID]
	switch {
	case e != nil && e.prog == p:
		s.mu.Unlock()
		<-e.ready
		return e.ix
	case e != nil && e.prog.Event.Revision > p.Event.Revision:
		// A request still holding the programme as it was before an
		// import: answer it from that programme, and keep the newer index.
		s.mu.Unlock()
		return Build(p, s.vocab)
	}
	e = &entry{prog: p, ready: make(chan struct{})}
	s.indexes[p.Event.StoreID] = e
	s.mu.Unlock()
	e.ix = Build(p, s.vocab)
	close(e.ready)
	return e.ix
}
