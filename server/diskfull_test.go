package server

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/hybridplan/hybridplan/server/store"
)

// mountTmpfs mounts a small tmpfs for the test, or skips saying why.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a tmpfs that can be filled (a full disk)")
	}
	dir := filepath.Join(t.TempDir(), fmt.Sprintf("hp%d-full", os.Getpid()))
	must(t, os.Mkdir(dir, 0o700))
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s); the full-disk test needs one", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			t.Errorf("unmounting the test tmpfs %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// fill writes a file until the file system is full.
func fill(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "filler")
	f, err := os.Create(p)
	must(t, err)
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			break
		}
	}
	for {
		if _, err := f.Write(chunk[:512]); err != nil {
			break
		}
	}
	return p
}

// A journal write that fails (the disk is full) stops the run, which then
// shows as failed and retryable while health says "degraded"; once space
// is freed the run resumes by itself and finishes, and health is "ok".
func TestDiskFullRunRecovers(t *testing.T) {
	dir := mountTmpfs(t, "4m")
	// Each call's output is larger than any free page bbolt could reuse, so
	// journalling it needs new space.
	fc := &fakeCloud{gate: make(chan struct{}), blob: 256 << 10}
	ts := newTestServer(t, testOptions{cloud: fc, dir: dir})
	hash := ts.submitApproved()
	var rv runView
	if st := ts.do("POST", "/api/v1/plans/"+hash+"/runs", "olive", nil, &rv); st != 202 {
		t.Fatalf("provision: %d", st)
	}
	c, _, err := ts.dialEvents(rv.ID, "vera", 0, "")
	must(t, err)
	readUntil(t, c, func(e store.Event) bool { return e.Type == "step.started" })
	c.Close()
	filler := fill(t, dir)
	fc.gate <- struct{}{} // the call returns; journalling its result fails
	var run runView
	for ts.srv.engine.Stalled(rv.ID) == nil {
		time.Sleep(10 * time.Millisecond) // nothing is published meanwhile
		if st := ts.do("GET", "/api/v1/runs/"+rv.ID, "vera", nil, &run); st != 200 || run.Finished() && (run.Failure == nil || run.Failure.Code != "journal.write") {
			t.Fatalf("GET run: %d %s; the full disk never stopped it", st, run.State)
		}
	}
	ts.do("GET", "/api/v1/runs/"+rv.ID, "vera", nil, &run)
	if run.State != store.StateFailed || run.Failure == nil || run.Failure.Code != "journal.write" || !run.Failure.Retryable {
		t.Fatalf("run during the full disk: %s %+v", run.State, run.Failure)
	}
	var h map[string]any
	ts.do("GET", "/api/v1/health", "", nil, &h)
	if h["status"] != "degraded" {
		t.Errorf("health during the full disk: %v", h)
	}
	must(t, os.Remove(filler))
	c, _, err = ts.dialEvents(rv.ID, "vera", 0, "")
	must(t, err)
	defer c.Close()
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case fc.gate <- struct{}{}:
			case <-done:
				return
			}
		}
	}()
	evs, closed := readEvents(t, c, -1)
	if !closed || evs[len(evs)-1].Type != "run.succeeded" {
		t.Fatalf("after freeing space the run did not finish: %+v", evs)
	}
	ts.do("GET", "/api/v1/health", "", nil, &h)
	if h["status"] != "ok" {
		t.Errorf("health after recovery: %v", h)
	}
	types := ts.eventTypes(rv.ID)
	if !slices.Contains(types, "run.journal-recovered") || !slices.Contains(types, "run.resumed") {
		t.Errorf("events %v lack the recovery", types)
	}
}
