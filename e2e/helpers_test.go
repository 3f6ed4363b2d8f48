package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// The page's small pure functions, tested where they run: imported as ES
// modules in Chromium, one table row each.

func (b *browser) call(module, fn string, args ...any) string {
	b.t.Helper()
	data, err := json.Marshal(args)
	if err != nil {
		b.t.Fatal(err)
	}
	return eval[string](b, fmt.Sprintf(`import('./web/%s').then(m => JSON.stringify(m[%q](...%s)))`, module, fn, data))
}

func TestPageHelpers(t *testing.T) {
	t.Parallel()
	b := newBrowser(t)
	b.open(suite.url)
	for _, tc := range []struct {
		module, fn string
		args       []any
		want       string
	}{
		// The next free block skips every used one, whatever its size.
		{"defaults.js", "nextBlock", []any{[]string{}, "10.254.0.0", 30}, `"10.254.0.0/30"`},
		{"defaults.js", "nextBlock", []any{[]string{"10.254.0.0/30"}, "10.254.0.0", 30}, `"10.254.0.4/30"`},
		{"defaults.js", "nextBlock", []any{[]string{"10.254.0.0/30", "10.254.0.4/30", "10.254.0.12/30"}, "10.254.0.0", 30}, `"10.254.0.8/30"`},
		{"defaults.js", "nextBlock", []any{[]string{"169.254.10.0/29"}, "169.254.10.0", 30}, `"169.254.10.8/30"`},
		{"defaults.js", "nextBlock", []any{[]string{"garbage", "", "10.0.0.0/99"}, "10.0.0.1", 30}, `"10.0.0.0/30"`},
		// A finding's path climbs to the nearest field the editor has.
		{"editor.js", "pathString", []any{[]any{"idc", "segments", 1, "cidr"}}, `"$.idc.segments[1].cidr"`},
		{"editor.js", "pathString", []any{[]any{}}, `"$"`},
		// Failure toggles and their failback scenarios.
		{"analysis.js", "scenarioName", []any{"tunnel-down:tun-1", true}, `"tunnel-down-failback:tun-1"`},
		{"analysis.js", "scenarioName", []any{"dc-port-down", true}, `"dc-port-down-failback"`},
		{"analysis.js", "scenarioName", []any{"normal", true}, `"normal"`},
		{"analysis.js", "scenarioName", []any{"vpn-down", false}, `"vpn-down"`},
		{"analysis.js", "scenarioTitle", []any{"dc-session-down-failback:pvif-1"}, `"DC session pvif-1 down, then recovered"`},
		{"analysis.js", "scenarioTitle", []any{"both-down"}, `"Both down"`},
		{"analysis.js", "scenarioTitle", []any{"something-new"}, `"something-new"`},
		// File names stay short enough for any file system (defect 6).
		{"app.js", "fileBase", []any{"dc primary/vpn backup"}, `"dc-primary-vpn-backup"`},
		{"app.js", "fileBase", []any{""}, `"plan"`},
		{"app.js", "fileBase", []any{"..hidden"}, `"hidden"`},
		{"app.js", "fileBase", []any{strings.Repeat("x", 300)}, `"` + strings.Repeat("x", 100) + `"`},
		// Draft names are plan names, cut to the core's limit (defect 9).
		{"drafts.js", "draftName", []any{strings.Repeat("n", 250)}, `"` + strings.Repeat("n", 200) + `"`},
		{"drafts.js", "draftName", []any{"  "}, `"untitled plan"`},
		{"drafts.js", "copyName", []any{"plan-a"}, `"Copy of plan-a"`},
	} {
		t.Run(fmt.Sprintf("%s(%v)", tc.fn, tc.args), func(t *testing.T) {
			if got := b.call(tc.module, tc.fn, tc.args...); got != tc.want {
				t.Errorf("%s%v = %s, want %s", tc.fn, tc.args, got, tc.want)
			}
		})
	}

	// parentPaths is a generator: collect it.
	got := eval[[]string](b, `import('./web/editor.js').then(m => [...m.parentPaths('$.borderGateway.attachments[0].cidrs[2]')])`)
	want := []string{"$.borderGateway.attachments[0].cidrs[2]", "$.borderGateway.attachments[0].cidrs", "$.borderGateway.attachments[0]", "$.borderGateway.attachments", "$.borderGateway", "$"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("parentPaths = %v, want %v", got, want)
	}

	// The read-back judged (defect 8): sessions down are not success.
	for _, tc := range []struct {
		readBack, want string
	}{
		{`{}`, "unknown"},
		{`{"readback/bgw":{"name":"b"},"readback/pvif/p1":{"status":"Active","peer1.bgpStatus":"Up"},"readback/vpn":{"count":"1","t1.opStatus":"UP"}}`, "ready"},
		{`{"readback/pvif/p1":{"status":"Active","peer1.bgpStatus":"Down"}}`, "attention"},
		{`{"readback/vpn":{"count":"2","t1.opStatus":"UP","t2.opStatus":"DOWN"}}`, "attention"},
		{`{"readback/connection":{"count":"1","dc-1.status":"Deleting"}}`, "attention"},
	} {
		got := eval[string](b, `import('./web/readback.js').then(m => m.judgeReadBack(`+tc.readBack+`).verdict)`)
		if got != tc.want {
			t.Errorf("judgeReadBack(%s) = %s, want %s", tc.readBack, got, tc.want)
		}
	}

	// The CSV quotes what needs quoting and has one line per cell.
	csv := eval[string](b, `import('./web/analysis.js').then(m => m.matrixToCSV({
		scenarios: [{name: 'normal'}],
		idcSegments: [{name: 'a,b', cidr: '192.168.0.0/16'}],
		vpcSegments: [{name: 'v"1', attachment: 'v"1', cidr: '10.0.0.0/16'}],
		cells: [{scenario: 'normal', idc: 'a,b', vpc: 'v"1', idcIndex: 0, vpcIndex: 0, reachable: true, symmetric: true,
			forward: {reachable: true, kind: 'direct-connection', sessions: ['p1'], route: '192.168.0.0/17'},
			return: {reachable: true, kind: 'direct-connection', sessions: ['p1'], route: '10.0.0.0/16'}}]}))`)
	wantCSV := "scenario,idc_segment,idc_cidr,vpc_segment,vpc_cidr,verdict,idc_to_vpc_path,idc_to_vpc_sessions,idc_to_vpc_route,vpc_to_idc_path,vpc_to_idc_sessions,vpc_to_idc_route,reachable,symmetric\r\n" +
		"normal,\"a,b\",192.168.0.0/16,\"v\"\"1\",10.0.0.0/16,DC both ways,direct-connection,p1,10.0.0.0/16,direct-connection,p1,192.168.0.0/17,true,true\r\n"
	if csv != wantCSV {
		t.Errorf("matrixToCSV:\n%q\nwant\n%q", csv, wantCSV)
	}
	b.noProblems(healthProbe404)
}
