// Package provision turns an approved plan into the exact, ordered JD Cloud
// API calls that build it (the seed document's six steps). It is pure Go:
// no HTTP and no SDK, so the browser (WebAssembly) shows the same calls the
// server will make. The server's JD Cloud client (server/jdcloud) sends them.
package provision

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// Steps of a provisioning run, in order (the seed document's numbering).
const (
	StepBorderGateway = 1 // create the border gateway
	StepAttachments   = 2 // attach the VPCs, with their propagated segments
	StepInterfaces    = 3 // private virtual interfaces on the physical connection
	StepVPN           = 4 // customer gateway, VPN connection, tunnels
	StepRoutes        = 5 // VPC route table rules towards the border gateway
	StepReadBack      = 6 // read back the state
)

// StepTitle names a step for people.
func StepTitle(step int) string {
	switch step {
	case StepBorderGateway:
		return "Create the border gateway"
	case StepAttachments:
		return "Attach the VPCs to the border gateway"
	case StepInterfaces:
		return "Create the private virtual interfaces"
	case StepVPN:
		return "Create the customer gateway, VPN connection and tunnels"
	case StepRoutes:
		return "Route the IDC segments to the border gateway in the VPC route tables"
	case StepReadBack:
		return "Read back connections and BGP sessions"
	}
	return fmt.Sprintf("step %d", step)
}

// JD Cloud services a call goes to (the SDK's service names, which are also
// part of the request signature's credential scope).
const (
	ServiceBGW = "bgw"
	ServiceVPC = "vpc"
)

// Actions, as JD Cloud names its API operations.
const (
	ActionCreateBgw             = "CreateBgw"
	ActionCreateVpcAttachment   = "CreateVpcAttachment"
	ActionCreatePrivateVif      = "CreatePrivateVif"
	ActionCreateCustomerGateway = "CreateCustomerGateway"
	ActionCreateVpnConnection   = "CreateVpnConnection"
	ActionCreateVpnTunnel       = "CreateVpnTunnel"
	ActionAddRouteTableRules    = "AddRouteTableRules"
	ActionDescribeBgw           = "DescribeBgw"
	ActionDescribeConnections   = "DescribeConnections"
	ActionDescribePrivateVif    = "DescribePrivateVif"
	ActionDescribeVpnTunnels    = "DescribeVpnTunnels"
)

// Resource kinds a call creates or reads.
const (
	KindBorderGateway   = "bgw"
	KindVPCAttachment   = "vpcAttachment"
	KindPrivateVif      = "privateVif"
	KindCustomerGateway = "customerGateway"
	KindVPNConnection   = "vpnConnection"
	KindVPNTunnel       = "vpnTunnel"
	KindRouteTableRules = "routeTableRules"
	KindReadBack        = "readBack"
)

// Output keys every creating call yields.
const (
	// OutputID is the id JD Cloud gave the created resource.
	OutputID = "id"
)

// OutputCloudPublicIP is the output key of the VPN connection's n-th cloud
// public IP (1-based, in the order JD Cloud returns them). JD Cloud assigns
// these addresses; the plan's cloudPublicIps name which one a tunnel uses by
// position.
func OutputCloudPublicIP(n int) string { return fmt.Sprintf("cloudPublicIp%d", n) }

// Call is one JD Cloud API call of a provisioning run.
type Call struct {
	// Step is the seed document's step (StepBorderGateway … StepReadBack).
	Step int `json:"step"`
	// ID is stable within the plan: "bgw", "attachment/attach-prod",
	// "pvif/pvif-bj-1", "cgw", "vpn", "tunnel/tun-1",
	// "routes/attach-prod/rtb-prod01", "readback/…". Outputs are keyed by it.
	ID string `json:"id"`
	// Service is ServiceBGW or ServiceVPC.
	Service string `json:"service"`
	// Action is the API operation, e.g. "CreateBgw".
	Action string `json:"action"`
	// Kind is the resource kind the call creates or reads.
	Kind string `json:"kind"`
	// Name is the resource's name, used to find it again (find before
	// create); for kinds JD Cloud does not name (tunnels, route rules), the
	// plan's name of the thing.
	Name string `json:"name"`
	// DependsOn lists the IDs of calls whose outputs this call needs; they
	// come earlier in the list.
	DependsOn []string `json:"dependsOn,omitempty"`
	// Params are the request fields, exactly as the request body (or query)
	// carries them, path parameters included. Values are JSON values
	// (string, float64 or int, bool, nil, []any, map[string]any) or the
	// typed placeholders Ref and Secret, filled in at execution.
	Params map[string]any `json:"params"`
	// Summary is one line for people.
	Summary string `json:"summary"`
}

// Ref is a typed reference to an output of an earlier call, such as the
// border gateway's id: Ref{Call: "bgw", Output: "id"}. It is resolved from
// the outputs of earlier calls just before the call is sent. In JSON it is
// {"$ref": {"call": "bgw", "output": "id"}}.
type Ref struct {
	Call   string `json:"call"`
	Output string `json:"output"`
}

// String is for people, e.g. "bgw.id".
func (r Ref) String() string { return r.Call + "." + r.Output }

// MarshalJSON writes {"$ref": {...}}, a shape no JD Cloud field has, so a
// decoded call can tell references from values.
func (r Ref) MarshalJSON() ([]byte, error) {
	type plain Ref
	return json.Marshal(map[string]plain{"$ref": plain(r)})
}

// Secret is a reference to a secret the server resolves at execution (a
// tunnel's pre-shared key: "env:NAME" or "file:/path"). The secret itself
// never appears in a call, a dry run or a log. In JSON it is
// {"$secret": "env:NAME"}.
type Secret struct {
	Ref string `json:"ref"`
}

// MarshalJSON writes {"$secret": "…"}.
func (s Secret) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"$secret": s.Ref})
}

// UnmarshalJSON reads a call and restores Ref and Secret placeholders in its
// params, so a call stored as JSON and read back is the same call.
func (c *Call) UnmarshalJSON(data []byte) error {
	type plain Call
	var p plain
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&p); err != nil {
		return err
	}
	params, err := restore(map[string]any(p.Params))
	if err != nil {
		return fmt.Errorf("call %q params: %w", p.ID, err)
	}
	p.Params, _ = params.(map[string]any)
	*c = Call(p)
	return nil
}

// restore turns decoded placeholder objects back into Ref and Secret, and
// json.Number into int64 or float64.
func restore(v any) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		if raw, ok := t["$ref"]; ok {
			m, ok := raw.(map[string]any)
			if len(t) != 1 || !ok {
				return nil, fmt.Errorf(`"$ref" must be the only key and hold {"call","output"}`)
			}
			call, _ := m["call"].(string)
			out, _ := m["output"].(string)
			if call == "" || out == "" || len(m) != 2 {
				return nil, fmt.Errorf(`"$ref" needs a non-empty "call" and "output" and nothing else`)
			}
			return Ref{Call: call, Output: out}, nil
		}
		if raw, ok := t["$secret"]; ok {
			s, ok := raw.(string)
			if len(t) != 1 || !ok || s == "" {
				return nil, fmt.Errorf(`"$secret" must be the only key and hold a non-empty reference`)
			}
			return Secret{Ref: s}, nil
		}
		for k, e := range t {
			r, err := restore(e)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			t[k] = r
		}
		return t, nil
	case []any:
		for i, e := range t {
			r, err := restore(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			t[i] = r
		}
		return t, nil
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i, nil
		}
		f, err := t.Float64()
		if err != nil {
			return nil, fmt.Errorf("number %s: %w", t, err)
		}
		return f, nil
	}
	return v, nil
}

// Refs returns every reference in the call's params, sorted and without
// duplicates.
func (c Call) Refs() []Ref {
	seen := map[Ref]bool{}
	walk(c.Params, func(v any) {
		if r, ok := v.(Ref); ok {
			seen[r] = true
		}
	})
	out := make([]Ref, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

func walk(v any, f func(any)) {
	f(v)
	switch t := v.(type) {
	case map[string]any:
		for _, e := range t {
			walk(e, f)
		}
	case []any:
		for _, e := range t {
			walk(e, f)
		}
	}
}

// Outputs are the outputs of calls already made, by Call.ID, then by output
// key: {"bgw": {"id": "bgw-…"}}.
type Outputs = map[string]map[string]string

// Resolve returns a deep copy of the call's params with every Ref replaced
// by the output it names and every Secret by what secret returns. A missing
// output is an error naming the call to run first; secret errors are
// returned as they are (they must not contain the secret).
func (c Call) Resolve(outputs Outputs, secret func(ref string) (string, error)) (map[string]any, error) {
	v, err := resolve(c.Params, func(r Ref) (any, error) {
		o, ok := outputs[r.Call][r.Output]
		if !ok {
			return nil, fmt.Errorf("call %s needs output %q of call %s, which has not run or did not yield it: run %s first", c.ID, r.Output, r.Call, r.Call)
		}
		return o, nil
	}, func(s Secret) (any, error) {
		if secret == nil {
			return nil, fmt.Errorf("call %s needs the secret %s but no secret resolver is configured", c.ID, s.Ref)
		}
		v, err := secret(s.Ref)
		if err != nil {
			return nil, fmt.Errorf("call %s: resolving secret %s: %w", c.ID, s.Ref, err)
		}
		return v, nil
	})
	if err != nil {
		return nil, err
	}
	m, _ := v.(map[string]any)
	return m, nil
}

// Render returns a deep copy of the params for showing people: a resolved
// Ref becomes its value, an unresolved one the placeholder "<bgw.id>", and
// every Secret the mask "******" (never resolved).
func (c Call) Render(outputs Outputs) map[string]any {
	v, _ := resolve(c.Params, func(r Ref) (any, error) {
		if o, ok := outputs[r.Call][r.Output]; ok {
			return o, nil
		}
		return "<" + r.String() + ">", nil
	}, func(Secret) (any, error) { return SecretMask, nil })
	m, _ := v.(map[string]any)
	return m
}

// SecretMask stands for a secret in anything shown to people.
const SecretMask = "******"

func resolve(v any, ref func(Ref) (any, error), secret func(Secret) (any, error)) (any, error) {
	switch t := v.(type) {
	case Ref:
		return ref(t)
	case Secret:
		return secret(t)
	case map[string]any:
		out := make(map[string]any, len(t))
		// Sorted, so that the first missing output reported is always the
		// same one.
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			e := t[k]
			r, err := resolve(e, ref, secret)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			r, err := resolve(e, ref, secret)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}
