package later

import (
	"strings"
	"testing"

	"github.com/hybridplan/hybridplan/wasm/api"
)

// The page names the customer router's interfaces per vendor; the names
// reach the configuration, and a name that would break it is refused.
func TestExportConfigWithInterfaces(t *testing.T) {
	for _, tc := range []struct {
		format   string
		ifs      ExportInterfaces
		want     string // in the output
		wantCode string // or the error's code
	}{
		{"ios-xe", ExportInterfaces{}, "GigabitEthernet0/0/1", ""},
		{"ios-xe", ExportInterfaces{DC: "TenGigabitEthernet1/0/3"}, "TenGigabitEthernet1/0/3.100", ""},
		{"vrp", ExportInterfaces{DC: "XGigabitEthernet0/0/2"}, "XGigabitEthernet0/0/2", ""},
		{"junos", ExportInterfaces{DC: "xe-0/0/2", WAN: "ge-0/0/5.0"}, "ge-0/0/5.0", ""},
		{"junos", ExportInterfaces{DC: "xe-0/0/2"}, "xe-0/0/2", ""},
		{"ios-xe", ExportInterfaces{DC: "Gi0/0/1 ! injected"}, "", api.CodeExportFormat},
	} {
		out, err := ExportConfigWith(seed(t), tc.format, tc.ifs)
		if tc.wantCode != "" {
			if e, ok := err.(*api.Error); !ok || e.Code != tc.wantCode {
				t.Errorf("%s %+v: err %v, want code %s", tc.format, tc.ifs, err, tc.wantCode)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %+v: %v", tc.format, tc.ifs, err)
			continue
		}
		if !strings.Contains(out, tc.want) {
			t.Errorf("%s %+v: the configuration lacks %q", tc.format, tc.ifs, tc.want)
		}
	}
}
