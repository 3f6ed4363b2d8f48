package main

import (
	"fmt"
	"io"
)

// TEMPORARY placeholder until the serve command is written.
func runServe(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "hybridplan serve: not built yet")
	return 2
}
