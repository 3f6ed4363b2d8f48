// Command schemagen writes docs/plan.schema.json from the plan model:
// `go run ./cmd/schemagen > docs/plan.schema.json`. A test fails when the
// committed schema is stale.
package main

import (
	"fmt"
	"os"

	"github.com/hybridplan/hybridplan/internal/schema"
)

func main() {
	dir := "pkg/plan"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	out, err := schema.Generate(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
	os.Stdout.Write(out)
}
