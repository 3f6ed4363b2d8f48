package store

import (
	"errors"
	"strings"
	"testing"
)

func open(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPlansAreImmutable(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	doc := []byte("{\n  \"version\": 1\n}\n")
	p1, created, err := s.PutPlan("a", "pat", doc)
	if err != nil || !created || p1.Hash != Hash(doc) {
		t.Fatalf("first put: %+v %v %v", p1, created, err)
	}
	p2, created, err := s.PutPlan("b", "sam", doc)
	if err != nil || created || p2.SubmittedBy != "pat" || p2.Name != "a" {
		t.Fatalf("second put of the same document: %+v created=%v %v; want the first record", p2, created, err)
	}
	got, err := s.GetPlan(p1.Hash)
	if err != nil || string(got.Document) != string(doc) {
		t.Fatalf("get: %q %v; the document must come back byte for byte", got.Document, err)
	}
	if _, err := s.GetPlan(strings.Repeat("0", 64)); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown hash: %v, want ErrNotFound", err)
	}
}

func TestApprovalsAreRecordedOnce(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	if _, _, err := s.Approve(strings.Repeat("0", 64), Approval{By: "alex"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("approving an unknown plan: %v", err)
	}
	p, _, _ := s.PutPlan("a", "pat", []byte("{}"))
	a1, created, err := s.Approve(p.Hash, Approval{By: "alex"})
	if err != nil || !created || a1.By != "alex" || a1.At.IsZero() {
		t.Fatalf("approve: %+v %v %v", a1, created, err)
	}
	a2, created, _ := s.Approve(p.Hash, Approval{By: "sam"})
	if created || a2.By != "alex" {
		t.Errorf("second approval replaced the first: %+v", a2)
	}
}

func TestEventsPageInOrder(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	r, first, err := s.CreateRun(Run{ID: "r1", Kind: KindProvision, PlanHash: "h", Calls: []string{"a", "b"}}, Event{Type: "run.queued"})
	if err != nil || first.Seq != 1 || r.State != StateQueued {
		t.Fatalf("create: %+v %+v %v", r, first, err)
	}
	if _, _, err := s.CreateRun(Run{ID: "r1"}, Event{}); !errors.Is(err, ErrExists) {
		t.Errorf("creating r1 twice: %v", err)
	}
	for i := 0; i < 300; i++ {
		if _, err := s.Record("r1", Change{Events: []Event{{Type: "step.retry"}}}); err != nil {
			t.Fatal(err)
		}
	}
	var seen uint64
	for {
		evs, err := s.Events("r1", seen, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			break
		}
		for _, e := range evs {
			if e.Seq != seen+1 {
				t.Fatalf("event seq %d after %d", e.Seq, seen)
			}
			seen = e.Seq
		}
	}
	run, _ := s.GetRun("r1")
	if seen != 301 || run.LastSeq != 301 {
		t.Errorf("read up to %d, run's last seq %d; want 301", seen, run.LastSeq)
	}
	steps, _ := s.Steps("r1")
	if len(steps) != 2 || steps[0].CallID != "a" || steps[1].State != StepPending {
		t.Errorf("steps %+v", steps)
	}
}

// A second server on the same data directory is refused with a message
// that says what to do, instead of waiting forever for the lock.
func TestOneServerPerDataDirectory(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	defer s.Close()
	_, err := Open(dir)
	if err == nil || !strings.Contains(err.Error(), "in use by another hybridplan server") {
		t.Fatalf("second Open: %v", err)
	}
}
