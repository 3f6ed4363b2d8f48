package server

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/hybridplan/hybridplan/server/auth"
	"github.com/hybridplan/hybridplan/server/jdcloud"
)

// Config is the server's configuration file (JSON, unknown fields are
// errors). See docs/server.md.
type Config struct {
	// Users and their tokens; at least one.
	Users []auth.UserConfig `json:"users"`
	// PublicOrigin is the origin people open the page at
	// ("https://planner.example.com" behind a proxy); WebSockets from it
	// are allowed. Default: http:// and the listen address.
	PublicOrigin string `json:"publicOrigin,omitempty"`
	// AllowedOrigins may open WebSockets besides the public origin.
	AllowedOrigins []string `json:"allowedOrigins,omitempty"`
	// DataDir holds the store; --data overrides it.
	DataDir string        `json:"dataDir,omitempty"`
	JDCloud JDCloudConfig `json:"jdcloud"`
	// PSKSources are where tunnels' pre-shared keys may come from; nil
	// allows environment variables HYBRIDPLAN_PSK_<NAME> only.
	PSKSources *PSKSources `json:"pskSources,omitempty"`
}

// PSKSources name where pre-shared keys may come from: a plan's pskRef
// naming anything else is refused when it is submitted.
type PSKSources struct {
	// Dir is an absolute directory of key files (file:DIR/NAME).
	Dir string `json:"dir,omitempty"`
	// EnvPrefix allows env:NAME for names starting with it.
	EnvPrefix string `json:"envPrefix,omitempty"`
}

// SecretSources are the configured key sources, never including the cloud
// credentials file.
func (c Config) SecretSources() (jdcloud.SecretSources, error) {
	src := jdcloud.SecretSources{EnvPrefix: jdcloud.DefaultEnvPrefix}
	if c.PSKSources != nil {
		src = jdcloud.SecretSources{Dir: c.PSKSources.Dir, EnvPrefix: c.PSKSources.EnvPrefix}
	}
	if c.JDCloud.CredentialsFile != "" {
		if abs, err := filepath.Abs(c.JDCloud.CredentialsFile); err == nil {
			src.Forbidden = append(src.Forbidden, abs)
		}
	}
	return src, src.CheckSources()
}

// JDCloudConfig says where provisioning calls go and with which keys.
type JDCloudConfig struct {
	// Endpoint is "scheme://host:port" of the API, "jdcloud" for JD
	// Cloud's public endpoints, or empty for the in-process stand-in.
	// --jdcloud-endpoint overrides it.
	Endpoint string `json:"endpoint,omitempty"`
	// CredentialsFile is a JSON file {"accessKey": …, "secretKey": …},
	// readable only by the server's user. Without it the keys come from
	// JDCLOUD_ACCESS_KEY and JDCLOUD_SECRET_KEY.
	CredentialsFile string `json:"credentialsFile,omitempty"`
	// MaxAttempts of a call that fails transiently (default 5).
	MaxAttempts int `json:"maxAttempts,omitempty"`
}

// CheckFileMode refuses a file (or directory) others may write, and one
// others may read when secret says it holds secrets; it returns a warning
// for a configuration readable by others. kind names it in messages.
func CheckFileMode(path, kind string, secret bool) (warning string, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", kind, path, err)
	}
	m := fi.Mode().Perm()
	switch {
	case fi.IsDir() && m&0o002 != 0:
		return "", fmt.Errorf("%s %s has mode %04o: it is writable by everyone; run chmod 700 %s", kind, path, m, path)
	case !fi.IsDir() && m&0o022 != 0:
		return "", fmt.Errorf("%s %s has mode %04o: others may change it; run chmod go-w %s", kind, path, m, path)
	case secret && m&0o077 != 0:
		return "", fmt.Errorf("%s %s has mode %04o: others may read the keys in it; run chmod 600 %s", kind, path, m, path)
	case m&0o077 != 0:
		return fmt.Sprintf("%s %s has mode %04o: others may read it; chmod go-rwx %s keeps it private", kind, path, m, path), nil
	}
	return "", nil
}

// MaxConfigBytes bounds the configuration file.
const MaxConfigBytes = 1 << 20

// LoadConfig reads and checks a configuration file.
func LoadConfig(path string) (Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return Config{}, fmt.Errorf("reading the configuration: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxConfigBytes+1))
	if err != nil {
		return Config{}, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(data) > MaxConfigBytes {
		return Config{}, fmt.Errorf("%s is larger than %d bytes; is it the right file?", path, MaxConfigBytes)
	}
	return ParseConfig(data, path)
}

// ParseConfig decodes a configuration strictly; name is for messages.
func ParseConfig(data []byte, name string) (Config, error) {
	var c Config
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("%s: %v (see docs/server.md for the fields)", name, strings.TrimPrefix(err.Error(), "json: "))
	}
	if len(c.Users) == 0 {
		return Config{}, fmt.Errorf("%s: no users; add at least one under \"users\" (name, roles, tokenSha256)", name)
	}
	if _, err := auth.New(c.Users); err != nil {
		return Config{}, fmt.Errorf("%s: %w", name, err)
	}
	if _, err := c.SecretSources(); err != nil {
		return Config{}, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

// Credentials are the JD Cloud keys.
type Credentials struct {
	AccessKey string `json:"accessKey"`
	SecretKey string `json:"secretKey"`
}

// LoadCredentials reads the keys from file (when given) or from the
// environment. Errors never contain a key.
func LoadCredentials(file string, getenv func(string) string) (Credentials, error) {
	var c Credentials
	if file != "" {
		if _, err := CheckFileMode(file, "the JD Cloud credentials file", true); err != nil {
			return c, err
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return c, fmt.Errorf("reading the JD Cloud credentials file: %w", err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			// The decoder's message may quote the file; keep it out.
			return Credentials{}, fmt.Errorf("%s is not {\"accessKey\": \"…\", \"secretKey\": \"…\"}", file)
		}
		if c.AccessKey == "" || c.SecretKey == "" {
			return Credentials{}, fmt.Errorf("%s needs both accessKey and secretKey", file)
		}
		return c, nil
	}
	c = Credentials{AccessKey: getenv("JDCLOUD_ACCESS_KEY"), SecretKey: getenv("JDCLOUD_SECRET_KEY")}
	if c.AccessKey == "" || c.SecretKey == "" {
		return Credentials{}, errors.New("no JD Cloud credentials: set JDCLOUD_ACCESS_KEY and JDCLOUD_SECRET_KEY, or jdcloud.credentialsFile in the configuration")
	}
	return c, nil
}

// Secrets resolves a tunnel's pskRef to the pre-shared key, but only from
// the sources the configuration allows (Sources), registering each key
// with the redactor so that it never reaches a log line or an event.
// Errors name the reference, never a key or an OS error.
type Secrets struct {
	Redactor *Redactor
	Sources  jdcloud.SecretSources
	// DemoKeys, for the in-process stand-in only, stands in a generated
	// key for an allowed reference that does not resolve, so the demo runs
	// without setting up keys. Never set for a real endpoint. With no
	// sources configured it reads nothing at all and every reference gets a
	// generated key.
	DemoKeys bool
	// OnDemoKey is told which reference got a generated key.
	OnDemoKey func(ref string)

	mu   sync.Mutex
	demo map[string]string
}

// demoOnly: nothing is ever read, every key is generated.
func (s *Secrets) demoOnly() bool {
	return s.DemoKeys && s.Sources.Dir == "" && s.Sources.EnvPrefix == ""
}

// Check says whether ref is an allowed source, reading nothing: the
// server refuses plans whose references fail it.
func (s *Secrets) Check(ref string) error {
	if s.demoOnly() {
		return nil
	}
	return s.Sources.Check(ref)
}

// Resolve returns the secret a reference names.
func (s *Secrets) Resolve(ref string) (string, error) {
	var v string
	var err error
	if s.demoOnly() {
		v = s.demoKey(ref)
	} else if v, err = s.Sources.Resolve(ref); err != nil {
		if !s.DemoKeys || !errors.Is(err, jdcloud.ErrRefNotFound) {
			return "", err
		}
		v = s.demoKey(ref)
	}
	s.Redactor.Add(v)
	return v, nil
}

// demoKey is a random key that satisfies JD Cloud's rules for pre-shared
// keys (letters and digits, at most 20, not starting with 0x or 0s),
// stable for the life of the server so a resumed run uses the same one.
func (s *Secrets) demoKey(ref string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k, ok := s.demo[ref]; ok {
		return k
	}
	if s.demo == nil {
		s.demo = map[string]string{}
	}
	// rand.Text is base32: upper-case letters and digits 2–7, all allowed.
	k := "demo" + rand.Text()[:14]
	s.demo[ref] = k
	if s.OnDemoKey != nil {
		s.OnDemoKey(ref)
	}
	return k
}
