package answer

import (
	"sync"
	"time"

	"github.com/delegatedesk/delegatedesk/internal/programme"
)

// Service answers questions about any programme, keeping the index of each
// programme it has seen until the programme changes.
type Service struct {
	vocab *Vocabulary

	mu      sync.Mutex
	indexes map[int64]*Index // by event store id
}

// NewService returns a service that understands questions with v.
func NewService(v *Vocabulary) *Service {
	return &Service{vocab: v, indexes: map[int64]*Index{}}
}

// Answer answers a question about p asked at instant now. p must not change
// after it is first passed in: a changed programme is a new value.
func (s *Service) Answer(p *programme.Programme, question string, now time.Time) Result {
	return s.index(p).Answer(question, now)
}

func (s *Service) index(p *programme.Programme) *Index {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ix, ok := s.indexes[p.Event.StoreID]; ok && ix.prog == p {
		return ix
	}
	ix := Build(p, s.vocab)
	s.indexes[p.Event.StoreID] = ix
	return ix
}
