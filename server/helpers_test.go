package server

import (
	"bytes"
	"encoding/json"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/hybridplan/hybridplan/server/store"
	bolt "go.etcd.io/bbolt"
)

// syncBuffer is a buffer that goroutines write to and tests read.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testWeb() fstest.MapFS {
	return fstest.MapFS{
		"index.html":             {Data: []byte("<!doctype html><title>hybridplan</title>")},
		"web/app.js":             {Data: []byte("export {}")},
		"web/hybridplan.wasm":    {Data: []byte("\x00asm raw")},
		"web/hybridplan.wasm.br": {Data: []byte("brotli bytes")},
		"web/hybridplan.wasm.gz": {Data: []byte("gzip bytes")},
		"web/provision.js":       {Data: []byte("export {}")},
	}
}

// tamperStoredPlan edits a stored plan's document behind the server's
// back, keeping its hash, as someone with access to the data directory
// might.
func tamperStoredPlan(t *testing.T, dir, hash string) {
	t.Helper()
	db, err := bolt.Open(dir+"/"+store.FileName, 0o600, nil)
	must(t, err)
	defer db.Close()
	must(t, db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("plans"))
		var rec store.Plan
		if err := json.Unmarshal(b.Get([]byte(hash)), &rec); err != nil {
			return err
		}
		rec.Document = bytes.Replace(rec.Document, []byte("65001"), []byte("65002"), 1)
		v, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		return b.Put([]byte(hash), v)
	}))
}
