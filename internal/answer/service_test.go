package answer

import (
	"sync"
	"testing"

	"github.com/delegatedesk/delegatedesk/internal/sample"
	"github.com/delegatedesk/delegatedesk/locales"
)

// TestServiceFollowsImports: a re-imported programme (a new value with a
// higher revision) is answered from a new index, and a request still
// holding the old one does not replace it.
func TestServiceFollowsImports(t *testing.T) {
	v, err := LoadVocabulary(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := sample.Programme()
	old.Event.StoreID, old.Event.Revision = 1, 1
	next, _ := sample.Programme()
	next.Event.StoreID, next.Event.Revision = 1, 2
	for i := range next.FAQ {
		if next.FAQ[i].ID == "wifi" {
			next.FAQ[i].Question = map[string][]string{"en": {"internet access code"}}
		}
	}
	s := NewService(v)
	var wg sync.WaitGroup
	for range 8 { // concurrent first questions share one build
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Answer(old, "wifi password", evalNow)
		}()
	}
	wg.Wait()
	first := s.index(old)
	if s.index(next) == first {
		t.Fatal("a new revision was answered from the old index")
	}
	s.index(old)
	if got := s.indexes[1].prog; got != next {
		t.Error("an older programme replaced the newer index")
	}
	if r := s.Answer(next, "internet access code", evalNow); r.Outcome != Item || r.Targets[0].String() != "faq:wifi" {
		t.Errorf("the new programme's FAQ: %+v", r)
	}
}
