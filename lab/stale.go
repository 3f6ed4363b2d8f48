package lab

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// NamePrefix starts every namespace a rehearsal creates: "hpr<pid>-…",
// the pid of the process that owns it.
const NamePrefix = "hpr"

// RemoveStale removes what a killed run left behind (a deferred cleanup
// cannot run when the process is killed): every namespace named
// "<prefix><pid>-…" whose pid is no longer running, with the FRR daemons
// still running in it. Namespaces of live processes, including parallel
// runs, are left alone.
func RemoveStale(ctx context.Context, prefix string) error {
	staleName, err := regexp.Compile(`^` + regexp.QuoteMeta(prefix) + `(\d+)-`)
	if err != nil {
		return err
	}
	out, err := run(ctx, "ip", "netns", "list")
	if err != nil {
		return err
	}
	var errs []error
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		ns := f[0]
		m := staleName.FindStringSubmatch(ns)
		if m == nil {
			continue
		}
		pid, err := strconv.Atoi(m[1])
		if err != nil || processAlive(pid) {
			continue
		}
		r := &router{ns: ns}
		if _, err := os.Stat(filepath.Join(frrRunDir, ns)); err == nil {
			errs = append(errs, r.stop())
		}
		if err := delNetns(ctx, ns); err != nil {
			errs = append(errs, fmt.Errorf("removing the stale namespace %s: %w", ns, err))
		}
	}
	return errors.Join(errs...)
}

func processAlive(pid int) bool {
	_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	return err == nil
}
