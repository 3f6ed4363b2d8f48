package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/hybridplan/hybridplan/server/store"
)

// Two plans that differ only in their description name the same
// resources: racing them gives exactly one owner and no duplicate; the
// other plan is refused with a clear conflict until the owner is torn down.
func TestPlansRacingForTheSameNames(t *testing.T) {
	e := newE2E(t)
	docA := seedJSON(t)
	docB := strings.Replace(docA, `"description": "`, `"description": "Plan B: `, 1)
	if docA == docB {
		t.Fatal("the plans do not differ")
	}
	var hashes [2]string
	for i, doc := range []string{docA, docB} {
		var pv planView
		if st := e.do("POST", "/api/v1/plans", "pat", doc, &pv); st != 201 {
			t.Fatalf("submit %d: %d", i, st)
		}
		e.do("POST", "/api/v1/plans/"+pv.Hash+"/approval", "alex", nil, nil)
		hashes[i] = pv.Hash
	}
	var wg sync.WaitGroup
	var status [2]int
	var runs [2]runView
	var errs [2]errBody
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var raw json.RawMessage
			status[i] = e.do("POST", "/api/v1/plans/"+hashes[i]+"/runs", "olive", nil, &raw)
			_ = json.Unmarshal(raw, &runs[i])
			_ = json.Unmarshal(raw, &errs[i])
		}()
	}
	wg.Wait()
	won := -1
	for i, st := range status {
		switch st {
		case http.StatusAccepted:
			if won >= 0 {
				t.Fatal("both plans started a run on the same resources")
			}
			won = i
		case http.StatusConflict:
			if c := errs[i].Error.Code; c != "run.active" && c != "resource.owned" {
				t.Errorf("loser's conflict code %q", c)
			}
		default:
			t.Fatalf("plan %d: %d", i, st)
		}
	}
	if won < 0 {
		t.Fatal("neither plan started")
	}
	lost := 1 - won
	run, _ := e.follow(runs[won].ID)
	if run.State != store.StateSucceeded {
		t.Fatalf("owner's run %s: %+v", run.State, run.Failure)
	}
	var eb errBody
	if st := e.do("POST", "/api/v1/plans/"+hashes[lost]+"/runs", "olive", nil, &eb); st != http.StatusConflict || eb.Error.Code != "resource.owned" || !strings.Contains(eb.Error.Message, hashes[won]) {
		t.Fatalf("the other plan after the owner finished: %d %+v", st, eb.Error)
	}
	if got := countsOf(e.standin); got != seedCounts {
		t.Errorf("stand-in holds %s, want %s (one owner, nothing twice)", got, seedCounts)
	}
	// Once the owner is torn down, the names are free.
	e.do("POST", "/api/v1/runs/"+run.ID+"/teardown/approval", "alex", nil, nil)
	if td, _ := e.runToEnd("/api/v1/runs/" + run.ID + "/teardown"); td.State != store.StateSucceeded {
		t.Fatalf("teardown %s", td.State)
	}
	if other, _ := e.runToEnd("/api/v1/plans/" + hashes[lost] + "/runs"); other.State != store.StateSucceeded || countsOf(e.standin) != seedCounts {
		t.Errorf("the other plan after the teardown: %s, stand-in %s", other.State, countsOf(e.standin))
	}
}
