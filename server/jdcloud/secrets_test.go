package jdcloud_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/jdcloud-api/jdcloud-sdk-go/core"
	bgwapis "github.com/jdcloud-api/jdcloud-sdk-go/services/bgw/apis"
	bgwclient "github.com/jdcloud-api/jdcloud-sdk-go/services/bgw/client"

	"github.com/hybridplan/hybridplan/examples"
	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/pkg/plan/provision"
	"github.com/hybridplan/hybridplan/server/jdcloud"
	"github.com/hybridplan/hybridplan/server/standin"
)

// captureStdout runs f with os.Stdout and os.Stderr redirected and returns
// what was written: the SDK's default logger prints there.
func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	oldOut, oldErr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = w, w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	defer func() {
		os.Stdout, os.Stderr = oldOut, oldErr
	}()
	f()
	w.Close()
	os.Stdout, os.Stderr = oldOut, oldErr
	return <-done
}

type logCapture struct{ b strings.Builder }

func (l *logCapture) Log(level int, msg ...any) { fmt.Fprintln(&l.b, msg...) }

func TestSDKLogNeverHoldsTheSecretKey(t *testing.T) {
	p := examplePlans(t)[examples.Seed]
	e := newEnv(t, []*plan.Plan{p}, nil)
	// The SDK with its logger on, as it would be without DisableLogger:
	// it logs headers (the Authorization signature) but must not log the
	// secret key itself.
	c := bgwclient.NewBgwClient(core.NewCredentials(testAK, testSK))
	cfg := core.NewConfig()
	cfg.SetScheme(core.SchemeHttp)
	cfg.SetEndpoint(strings.TrimPrefix(e.url, "http://"))
	c.SetConfig(cfg)
	var logs logCapture
	c.SetLogger(&logs)
	req := bgwapis.NewDescribeConnectionsRequest(p.Region)
	resp, err := c.DescribeConnections(req)
	if err != nil || resp.Error.Code != 0 {
		t.Fatalf("describe: %v %+v", err, resp)
	}
	out := logs.b.String()
	if !strings.Contains(out, "JDCLOUD2-HMAC-SHA256") {
		t.Fatalf("the capture saw no signed request; log: %q", out)
	}
	if strings.Contains(out, testSK) {
		t.Error("the SDK's log holds the secret key")
	}
}

func TestSecretsNeverLeak(t *testing.T) {
	p := examplePlans(t)[examples.Seed]
	calls, err := provision.Calls(p)
	if err != nil {
		t.Fatal(err)
	}
	psk, _ := psks(p.VPN.Tunnels[0].PSKRef)
	e := newEnv(t, []*plan.Plan{p}, nil)
	// JD Cloud (or a proxy) echoing the key in an error must not carry it
	// into ours.
	e.srv.Faults().Add(standin.Fault{Action: "CreateVpnTunnel", Status: 400, ErrorStatus: "INVALID_ARGUMENT", Message: "psk " + psk + " rejected"})
	var texts []string
	stdout := captureStdout(t, func() {
		outputs := map[string]map[string]string{}
		observe := func(a jdcloud.Attempt) {
			b, _ := json.Marshal(a)
			texts = append(texts, string(b))
		}
		for _, c := range calls {
			out, err := e.client.Apply(context.Background(), c, outputs, observe)
			if err != nil {
				texts = append(texts, err.Error(), fmt.Sprintf("%+v", err))
				if c.Kind != provision.KindVPNTunnel {
					t.Errorf("apply %s: %v", c.ID, err)
				}
				// Retry as a resumed run would, now that the fault is spent.
				if out, err = e.client.Apply(context.Background(), c, outputs, observe); err != nil {
					t.Fatalf("apply %s again: %v", c.ID, err)
				}
			}
			outputs[c.ID] = out
			b, _ := json.Marshal(out)
			texts = append(texts, string(b))
			h, err := jdcloud.Request(c, outputs)
			if err != nil {
				t.Fatal(err)
			}
			b, _ = json.Marshal(h)
			texts = append(texts, string(b))
		}
		// A wrong secret key: the refusal must not echo either key.
		bad, err := jdcloud.NewClient(jdcloud.Config{Endpoint: e.url, AccessKey: testAK, SecretKey: "another-" + testSK})
		if err != nil {
			t.Fatal(err)
		}
		_, err = bad.Apply(context.Background(), calls[0], nil, nil)
		if err == nil {
			t.Fatal("a wrong secret key was accepted")
		}
		texts = append(texts, err.Error())
	})
	if stdout != "" {
		t.Errorf("the client printed %q; the SDK's logger must be off", stdout)
	}
	all := strings.Join(texts, "\n")
	if !strings.Contains(all, "UNAUTHENTICATED") || !strings.Contains(all, provision.SecretMask) {
		t.Fatalf("the capture missed the refusal or the masked echo: %s", all)
	}
	for _, secret := range []string{testSK, psk} {
		if strings.Contains(all, secret) {
			t.Errorf("a secret appears in errors, attempts, outputs or rendered requests")
		}
	}
}

func TestNewClientRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  jdcloud.Config
		want string
	}{
		{"no keys", jdcloud.Config{Endpoint: "127.0.0.1:1"}, "access key and secret key"},
		{"bad scheme", jdcloud.Config{AccessKey: "a", SecretKey: "b", Endpoint: "ftp://127.0.0.1:1"}, "scheme"},
		{"path in endpoint", jdcloud.Config{AccessKey: "a", SecretKey: "b", Endpoint: "http://127.0.0.1:1/api"}, "scheme://host"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := jdcloud.NewClient(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}
