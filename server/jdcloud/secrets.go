package jdcloud

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// A plan is untrusted input, and its tunnels' pskRef fields name where the
// server reads a pre-shared key that it then sends to the cloud. Without a
// fence, a plan could name the server's own cloud credentials, /proc, a
// device or a FIFO. SecretSources is that fence: the operator names where
// keys may come from; every other reference is refused before anything is
// read.

// Errors of SecretSources. Their messages never carry an OS error, so a
// plan's author learns nothing about the server's files.
var (
	ErrRefNotAllowed = errors.New("key reference not allowed")
	ErrRefNotFound   = errors.New("key reference not found")
)

// DefaultEnvPrefix is where keys come from when the configuration names no
// sources: environment variables HYBRIDPLAN_PSK_<NAME>.
const DefaultEnvPrefix = "HYBRIDPLAN_PSK_"

// MaxSecretFile bounds a key file: a pre-shared key is at most a few dozen
// bytes, so a larger file is the wrong file.
const MaxSecretFile = 4 << 10

// secretReadTimeout bounds reading one key file (a network file system that
// hangs must not hang a run).
const secretReadTimeout = 2 * time.Second

// credentialEnv are the environment variables the cloud credentials come
// from; never a key source, whatever the prefix.
var credentialEnv = []string{"JDCLOUD_ACCESS_KEY", "JDCLOUD_SECRET_KEY"}

// SecretSources are the places pre-shared keys may come from.
type SecretSources struct {
	// Dir is an absolute directory of key files: "file:DIR/NAME" (also in
	// subdirectories) may be read, nothing else. Empty: no files.
	Dir string
	// EnvPrefix allows "env:NAME" for NAME starting with it (and longer).
	// Empty: no environment variables.
	EnvPrefix string
	// LookupEnv reads the environment (os.LookupEnv when nil).
	LookupEnv func(string) (string, bool)
	// Forbidden are files that must never be read even inside Dir (the
	// cloud credentials file).
	Forbidden []string
}

// CheckSources refuses a configuration that would make a credential or
// everything a key source.
func (s SecretSources) CheckSources() error {
	if s.Dir != "" {
		if !filepath.IsAbs(s.Dir) || filepath.Clean(s.Dir) != s.Dir {
			return fmt.Errorf("pskSources.dir %q must be an absolute path in clean form", s.Dir)
		}
		if s.Dir == "/" {
			return errors.New("pskSources.dir is /: name a directory that holds only pre-shared key files")
		}
		for _, f := range s.Forbidden {
			if within(s.Dir, f) {
				return fmt.Errorf("pskSources.dir %s holds the JD Cloud credentials file %s: keep the credentials elsewhere, so no plan can name them", s.Dir, f)
			}
		}
	}
	if p := s.EnvPrefix; p != "" {
		if len(p) < 4 || !isEnvName(p) {
			return fmt.Errorf("pskSources.envPrefix %q must be at least 4 characters of letters, digits and _, e.g. %q", p, DefaultEnvPrefix)
		}
		for _, c := range credentialEnv {
			if strings.HasPrefix(c, p) {
				return fmt.Errorf("pskSources.envPrefix %q would allow the cloud credential %s as a key source; choose a prefix such as %q", p, c, DefaultEnvPrefix)
			}
		}
	}
	return nil
}

// Describe says, for error messages, where keys may come from.
func (s SecretSources) Describe() string {
	var parts []string
	if s.EnvPrefix != "" {
		parts = append(parts, fmt.Sprintf("env:%s<NAME>", s.EnvPrefix))
	}
	if s.Dir != "" {
		parts = append(parts, fmt.Sprintf("file:%s/<NAME>", s.Dir))
	}
	if len(parts) == 0 {
		return "nowhere (this server's configuration names no pskSources)"
	}
	return strings.Join(parts, " or ")
}

// Check says whether ref names an allowed source, reading nothing.
func (s SecretSources) Check(ref string) error {
	_, _, err := s.parse(ref)
	return err
}

// parse returns the kind ("env" or "file") and the variable name or the
// path relative to Dir.
func (s SecretSources) parse(ref string) (kind, name string, err error) {
	kind, where, ok := strings.Cut(ref, ":")
	notAllowed := fmt.Errorf("%w: %q; this server takes pre-shared keys only from %s", ErrRefNotAllowed, ref, s.Describe())
	switch {
	case !ok:
		return "", "", notAllowed
	case kind == "env":
		if s.EnvPrefix == "" || !strings.HasPrefix(where, s.EnvPrefix) || len(where) == len(s.EnvPrefix) || !isEnvName(where) {
			return "", "", notAllowed
		}
		for _, c := range credentialEnv {
			if where == c {
				return "", "", notAllowed
			}
		}
		return kind, where, nil
	case kind == "file":
		if s.Dir == "" || !filepath.IsAbs(where) || filepath.Clean(where) != where || strings.ContainsRune(where, 0) || !within(s.Dir, where) || where == s.Dir {
			return "", "", notAllowed
		}
		for _, f := range s.Forbidden {
			if f != "" && filepath.Clean(f) == where {
				return "", "", notAllowed
			}
		}
		rel, err := filepath.Rel(s.Dir, where)
		if err != nil {
			return "", "", notAllowed
		}
		return kind, rel, nil
	}
	return "", "", notAllowed
}

// Resolve reads the key ref names, if ref is allowed: an environment
// variable, or a regular file in Dir (no device, FIFO or symbolic link; at
// most MaxSecretFile bytes; read within a timeout), surrounding white space
// trimmed. Errors wrap ErrRefNotAllowed or ErrRefNotFound and never carry
// the key or an OS error.
func (s SecretSources) Resolve(ref string) (string, error) {
	kind, name, err := s.parse(ref)
	if err != nil {
		return "", err
	}
	if kind == "env" {
		return s.resolveEnv(ref, name)
	}
	v, err := readKeyFile(s.Dir, name)
	if err != nil {
		return "", fmt.Errorf("%w: %q (it must be a non-empty regular file of at most %d bytes in %s, readable by the server)", ErrRefNotFound, ref, MaxSecretFile, s.Dir)
	}
	return v, nil
}

func (s SecretSources) resolveEnv(ref, name string) (string, error) {
	lookup := s.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	v, ok := lookup(name)
	if !ok || strings.TrimSpace(v) == "" {
		return "", fmt.Errorf("%w: %q (the environment variable is not set: set it and start again)", ErrRefNotFound, ref)
	}
	return strings.TrimSpace(v), nil
}

// readKeyFile reads dir/name through an os.Root, so that no path or
// symbolic link leaves dir. The file is opened non-blocking (a FIFO does
// not wait for a writer) and refused unless it is the regular file that
// Lstat saw.
func readKeyFile(dir, name string) (string, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", err
	}
	defer root.Close()
	before, err := root.Lstat(name)
	if err != nil {
		return "", err
	}
	if !before.Mode().IsRegular() || before.Size() > MaxSecretFile {
		return "", errors.New("not a small regular file")
	}
	f, err := root.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return "", err
	}
	defer f.Close()
	after, err := f.Stat()
	if err != nil || !after.Mode().IsRegular() || !os.SameFile(before, after) {
		return "", errors.New("the file changed while it was opened")
	}
	ctx, cancel := context.WithTimeout(context.Background(), secretReadTimeout)
	defer cancel()
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := io.ReadAll(io.LimitReader(f, MaxSecretFile+1))
		done <- result{data, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		// Closing the file (deferred) ends the read.
		return "", ctx.Err()
	}
	if r.err != nil {
		return "", r.err
	}
	if len(r.data) > MaxSecretFile {
		return "", errors.New("too large")
	}
	v := strings.TrimSpace(string(r.data))
	if v == "" {
		return "", fs.ErrNotExist
	}
	return v, nil
}

// within reports whether path is dir or below it.
func within(dir, path string) bool {
	dir, path = filepath.Clean(dir), filepath.Clean(path)
	return path == dir || strings.HasPrefix(path, strings.TrimSuffix(dir, "/")+"/")
}

// isEnvName: letters, digits and _, not starting with a digit.
func isEnvName(s string) bool {
	if s == "" || '0' <= s[0] && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '_') {
			return false
		}
	}
	return true
}
