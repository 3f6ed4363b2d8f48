package main

import (
	"fmt"
	"io"
)

// TEMPORARY placeholder until the export command is written.
func runExport(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "hybridplan export: not built yet")
	return 2
}
