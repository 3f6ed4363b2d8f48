package main

import (
	"fmt"
	"io"
)

// TEMPORARY placeholder until the trace command is written.
func runTrace(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "hybridplan trace: not built yet")
	return 2
}
