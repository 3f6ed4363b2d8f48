// Command writeweb writes web/examples.json (examples.WebJSON), the file the
// page fetches for its list of example plans: `go generate ./examples`.
package main

import (
	"fmt"
	"os"

	"github.com/hybridplan/hybridplan/examples"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: writeweb OUT.json")
		os.Exit(2)
	}
	data, err := examples.WebJSON()
	if err == nil {
		err = os.WriteFile(os.Args[1], data, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "writeweb:", err)
		os.Exit(1)
	}
}
