// Package examples embeds the example plans, so the CLI, the server and
// the tests can offer them as starting points. The page does not get them
// from the WebAssembly core (which must not import this package, to keep
// its download small) but from web/examples.json, written from these files
// by `go generate ./examples` (WebJSON; a test fails when it is stale).
package examples

//go:generate go run ./internal/writeweb ../web/examples.json

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/hybridplan/hybridplan/pkg/plan"
)

//go:embed *.json
var files embed.FS

// Example is one example plan file.
type Example struct {
	// Name is the file name without ".json".
	Name string `json:"name"`
	// JSON is the plan document as written in the file.
	JSON string `json:"json"`
}

// Seed is the name of the seed scenario: two IDC segments, one VPC, Direct
// Connection as primary and VPN as backup.
const Seed = "seed-dc-primary-vpn-backup"

// All returns every example, the seed first, then by name.
func All() []Example {
	names, _ := fs.Glob(files, "*.json")
	out := make([]Example, 0, len(names))
	for _, n := range names {
		data, err := files.ReadFile(n)
		if err != nil {
			continue // cannot happen for an embedded file listed by Glob
		}
		out = append(out, Example{Name: strings.TrimSuffix(path.Base(n), ".json"), JSON: string(data)})
	}
	slices.SortFunc(out, func(a, b Example) int {
		switch {
		case a.Name == Seed:
			return -1
		case b.Name == Seed:
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// Get returns the example with that name.
func Get(name string) (Example, bool) {
	for _, e := range All() {
		if e.Name == name {
			return e, true
		}
	}
	return Example{}, false
}

// SeedJSON returns the seed plan's document. The seed is compiled in, so
// its absence is a broken build, not a condition callers handle: tests and
// benchmarks use this instead of each checking Get's second result.
func SeedJSON() string {
	e, ok := Get(Seed)
	if !ok {
		panic("examples: the seed example " + Seed + " is not compiled in")
	}
	return e.JSON
}

// Decode returns the example as a plan.
func (e Example) Decode() (*plan.Plan, error) {
	p, err := plan.DecodeBytes([]byte(e.JSON))
	if err != nil {
		return nil, fmt.Errorf("example %s: %w", e.Name, err)
	}
	return p, nil
}

// Plan returns the named example as a plan.
func Plan(name string) (*plan.Plan, error) {
	e, ok := Get(name)
	if !ok {
		return nil, fmt.Errorf("no example named %q", name)
	}
	return e.Decode()
}

// WebJSON returns web/examples.json: every example as All lists them, in
// the shape of the page's examples() call (wasm/API.md), one per line.
func WebJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("[\n")
	all := All()
	for i, e := range all {
		line, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("example %s: %w", e.Name, err)
		}
		b.Write(line)
		if i < len(all)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]\n")
	return b.Bytes(), nil
}
