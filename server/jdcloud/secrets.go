package jdcloud

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// maxSecretFile bounds a secret file: a pre-shared key is at most a few
// dozen bytes, so a larger file is the wrong file.
const maxSecretFile = 4 << 10

// ResolveSecretRef is a Config.Secrets for the references plans carry:
// "env:NAME" reads the environment variable NAME, "file:/path" reads the
// file (surrounding white space trimmed). Its errors name the reference,
// never the value.
func ResolveSecretRef(ref string) (string, error) {
	kind, where, ok := strings.Cut(ref, ":")
	if !ok || where == "" {
		return "", fmt.Errorf("secret reference %q is not env:NAME or file:/path", ref)
	}
	switch kind {
	case "env":
		v, ok := os.LookupEnv(where)
		if !ok || v == "" {
			return "", fmt.Errorf("secret %s: the environment variable %s is not set on the server: set it before starting the server", ref, where)
		}
		return v, nil
	case "file":
		if !strings.HasPrefix(where, "/") {
			return "", fmt.Errorf("secret %s: the path must be absolute", ref)
		}
		f, err := os.Open(where)
		if err != nil {
			return "", fmt.Errorf("secret %s: %w", ref, errors.Unwrap(err))
		}
		defer f.Close()
		buf, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
		if err != nil {
			return "", fmt.Errorf("secret %s: reading: %w", ref, err)
		}
		if len(buf) > maxSecretFile {
			return "", fmt.Errorf("secret %s: the file is larger than %d bytes; a pre-shared key file holds only the key", ref, maxSecretFile)
		}
		v := strings.TrimSpace(string(buf))
		if v == "" {
			return "", fmt.Errorf("secret %s: the file is empty", ref)
		}
		return v, nil
	}
	return "", fmt.Errorf("secret reference %q: use env:NAME or file:/path", ref)
}
