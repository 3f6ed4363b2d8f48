package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/pkg/plan"
	"github.com/hybridplan/hybridplan/server/jdcloud"
	"github.com/hybridplan/hybridplan/server/standin"
)

// JDCLOUD (issue 10): `hybridplan jdcloud preflight` against the stand-in,
// through the SDK, with the keys from the environment the server uses.
func TestJDCloudPreflight(t *testing.T) {
	data, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.DecodeBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	const ak, sk = "AKCLIPREFLIGHT000001", "SKcli-preflight-secret-do-not-print"
	env := map[string]string{"JDCLOUD_ACCESS_KEY": ak, "JDCLOUD_SECRET_KEY": sk}
	tests := []struct {
		name     string
		unknown  []string
		json     bool
		want     int
		wantText string
	}{
		{"ready", nil, false, 0, "ready"},
		{"ready, JSON", nil, true, 0, `"ready": true`},
		{"unknown action", []string{"DescribeVpnTunnels"}, false, 1, "Missing operations (provisioning will not start): CreateVpnTunnel, DeleteVpnTunnel, ModifyAdminStatus"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sin := standin.New(standin.Options{Credentials: map[string]string{ak: sk}, Fixtures: standin.FixturesFor(p), Unknown: tc.unknown})
			hs := httptest.NewServer(sin)
			defer hs.Close()
			args := []string{"--jdcloud-endpoint", hs.URL, seedFile}
			if tc.json {
				args = append([]string{"--json"}, args...)
			}
			var out, errOut bytes.Buffer
			got := jdcloudPreflight(context.Background(), args, func(k string) string { return env[k] }, nil, &out, &errOut)
			if got != tc.want || !strings.Contains(out.String(), tc.wantText) {
				t.Errorf("exit %d, want %d; output lacks %q:\n%s\n%s", got, tc.want, tc.wantText, out.String(), errOut.String())
			}
			if tc.json {
				var r jdcloud.PreflightReport
				if err := json.Unmarshal(out.Bytes(), &r); err != nil || r.Region != p.Region {
					t.Errorf("JSON report %v: %s", err, out.String())
				}
			}
			if strings.Contains(out.String()+errOut.String(), sk) {
				t.Error("the secret key was printed")
			}
			for _, r := range sin.Requests() {
				if r.Method != "GET" {
					t.Errorf("preflight sent %s %s", r.Method, r.Action)
				}
			}
			if c := sin.Snapshot().Counts(); c["bgws"] != 0 {
				t.Errorf("preflight created %v", c)
			}
		})
	}
	// No keys: a configuration error, exit 2.
	var errOut bytes.Buffer
	if got := jdcloudPreflight(context.Background(), []string{"--jdcloud-endpoint", "http://127.0.0.1:1", seedFile}, func(string) string { return "" }, nil, &bytes.Buffer{}, &errOut); got != 2 || !strings.Contains(errOut.String(), "JDCLOUD_ACCESS_KEY") {
		t.Errorf("without keys: exit %d, %s", got, errOut.String())
	}
}
