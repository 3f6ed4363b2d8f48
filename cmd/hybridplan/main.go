// Command hybridplan validates, simulates, exports and serves hybrid
// connectivity plans (IDC ↔ JD Cloud VPC over Direct Connection with a VPN
// as backup).
package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// command is one subcommand. Run returns the process exit status:
// 0 success, 1 the plan has errors, 2 the input or the invocation is wrong.
type command struct {
	name    string
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"validate", "check a plan and print its findings", runValidate},
		{"simulate", "show route tables and paths per failure scenario", runSimulate},
		{"trace", "show the path from one address to another, both ways", runTrace},
		{"export", "write router configuration or the provisioning calls", runExport},
		{"rehearse", "fail the plan over on real routers in network namespaces and time it", runRehearse},
		{"serve", "start the web app and the provisioning server", runServe},
		{"jdcloud", "JD Cloud tools: preflight (read-only checks of a plan against the API)", runJDCloud},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		return 0
	}
	cmds := commands()
	i := slices.IndexFunc(cmds, func(c command) bool { return c.name == args[0] })
	if i < 0 {
		fmt.Fprintf(stderr, "hybridplan: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	return cmds[i].run(args[1:], stdin, stdout, stderr)
}

func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("usage: hybridplan COMMAND [options]\n\ncommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-10s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun 'hybridplan COMMAND -h' for a command's options.\n")
	io.WriteString(w, b.String())
}
