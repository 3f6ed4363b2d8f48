package main

import (
	"fmt"
	"io"
)

// TEMPORARY placeholder until the simulate command is written.
func runSimulate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "hybridplan simulate: not built yet")
	return 2
}
