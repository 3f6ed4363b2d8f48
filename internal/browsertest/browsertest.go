// Package browsertest starts headless Chromium the way every browser test
// in this project must (the same flags, a fresh profile) and builds the
// WebAssembly core the page loads, so the suites that drive the page share
// one harness. It is imported only by tests.
package browsertest

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// RequiredEnv, set to "1" (make test does), turns a missing Chromium from a
// skip into a failure.
const RequiredEnv = "HYBRIDPLAN_REQUIRE_BROWSER"

// Required reports whether a missing Chromium must fail the run.
func Required() bool { return os.Getenv(RequiredEnv) == "1" }

// FindChromium returns the path of Debian's chromium, or "" when it is not
// installed.
func FindChromium() string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	return ""
}

// Chromium returns the browser's path, skipping the test when it is absent
// (failing it when Required).
func Chromium(tb testing.TB) string {
	tb.Helper()
	if exe := FindChromium(); exe != "" {
		return exe
	}
	if Required() {
		tb.Fatalf("chromium is not installed but %s=1; install it with scripts/install-test-deps.sh", RequiredEnv)
	}
	tb.Skipf("chromium is not installed (set %s=1 to make this a failure)", RequiredEnv)
	return ""
}

// Start launches Chromium at exe with the project's flags and a fresh
// --user-data-dir, so no test sees another's drafts, and returns a context
// for chromedp. The browser is closed when the test ends.
func Start(tb testing.TB, exe string) context.Context {
	tb.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		// Without these Chromium keeps trying to reach outside hosts,
		// which this network refuses.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// Even with the flags above Chromium starts requests to its
		// vendor's hosts; this makes every name but loopback fail before
		// a packet leaves.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"),
		chromedp.UserDataDir(tb.TempDir()),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	tb.Cleanup(func() { cancel(); cancelAlloc() })
	// The first Do starts the browser; it must not carry a timeout.
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// CoreEnv names an already built core to use instead of building one
// (make bench builds it once for all); its later module (LaterPath) must be
// beside it, as make wasm leaves them.
const CoreEnv = "HYBRIDPLAN_E2E_WASM"

// LaterPath is where BuildCore leaves the later module (share links and
// exports, which the page loads on first use) of the core at wasm.
func LaterPath(wasm string) string {
	return filepath.Join(filepath.Dir(wasm), "hybridplan-later.wasm")
}

// BuildCore compiles the WebAssembly core of the repository at root into
// dir, and its later module beside it (LaterPath), as make wasm does (build
// tags hpcore and hplater, wasm/modules.go), with the wasm_exec.js of the
// same toolchain (they must match), and returns the core's and
// wasm_exec.js's paths.
func BuildCore(root, dir string) (wasm, execJS string, err error) {
	if pre := os.Getenv(CoreEnv); pre != "" {
		for _, f := range []string{pre, LaterPath(pre)} {
			if _, err := os.Stat(f); err != nil {
				return "", "", fmt.Errorf("%s: %w", CoreEnv, err)
			}
		}
		wasm = pre
	} else {
		wasm = filepath.Join(dir, "hybridplan.wasm")
		for _, m := range []struct{ tag, out string }{{"hpcore", wasm}, {"hplater", LaterPath(wasm)}} {
			cmd := exec.Command("go", "build", "-tags", m.tag, "-trimpath", "-ldflags=-s -w", "-o", m.out, "./wasm")
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
			if out, err := cmd.CombinedOutput(); err != nil {
				return "", "", fmt.Errorf("building the WebAssembly core (%s): %v\n%s", m.tag, err, out)
			}
		}
	}
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return "", "", fmt.Errorf("go env GOROOT: %w", err)
	}
	src := filepath.Join(strings.TrimSpace(string(out)), "lib", "wasm", "wasm_exec.js")
	execJS = filepath.Join(dir, "wasm_exec.js")
	if err := copyFile(src, execJS); err != nil {
		return "", "", fmt.Errorf("copying wasm_exec.js: %w", err)
	}
	return wasm, execJS, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
