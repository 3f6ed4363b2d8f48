package lab

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// run executes a command and returns its standard output. A failure names the
// command and carries its output, because vtysh and ip report the reason for
// an error on either stream.
func run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err,
			strings.TrimSpace(stdout.String()+" "+filterVtyshNoise(stderr.String())))
	}
	return stdout.Bytes(), nil
}

// filterVtyshNoise drops vtysh's complaint about a missing per-namespace
// vtysh.conf, which it prints on every call and which says nothing about the
// command's outcome.
func filterVtyshNoise(s string) string {
	var keep []string
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, "Can't open configuration file") || strings.TrimSpace(line) == "" {
			continue
		}
		keep = append(keep, line)
	}
	return strings.Join(keep, "\n")
}
