// Package standin is a local stand-in of the JD Cloud API for tests and
// demos: an http.Handler that speaks the border-gateway (bgw) and VPC paths
// and bodies hybridplan's client sends, verifies the SDK's
// JDCLOUD2-HMAC-SHA256 signatures for the credentials it was given, keeps
// state in memory, enforces JD Cloud's documented quotas and rules (from the
// plan profile), answers errors in JD Cloud's shape, and can be told to
// misbehave (Faults).
//
// It is not JD Cloud: where JD Cloud's behaviour is not documented it takes
// the strict reading (unknown body fields and filters are refused), so that
// a client that works against it sends only what JD Cloud documents.
package standin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	bgw "github.com/jdcloud-api/jdcloud-sdk-go/services/bgw/models"
	vpc "github.com/jdcloud-api/jdcloud-sdk-go/services/vpc/models"

	"github.com/hybridplan/hybridplan/pkg/plan"
)

// Options configure a stand-in.
type Options struct {
	// Credentials maps each accepted access key to its secret key.
	Credentials map[string]string
	// Profile supplies the quotas and ranges enforced; nil means
	// plan.DefaultProfile().
	Profile *plan.Profile
	// Fixtures are what exists before any call: VPCs with their subnets and
	// route tables, physical connections, the pool of public IPs.
	Fixtures Fixtures
	// MaxClockSkew is how far a request's date may be from the server's
	// clock (default 15 minutes).
	MaxClockSkew time.Duration
	// MaxDelay bounds injected slow responses (default 5 seconds).
	MaxDelay time.Duration
	// BGPUp reports BGP sessions and tunnels as up in describes; by default
	// they are down, as they are until the customer router is configured.
	BGPUp bool
	// DeletingFor is how long a deleted private virtual interface or VPC
	// attachment stays in the "Deleting" state before it is gone (JD Cloud:
	// deleting an interface "lasts for a while"); its border gateway cannot
	// be deleted meanwhile. Zero means 1 second; negative deletes at once.
	DeletingFor time.Duration
	// Unknown lists operations (e.g. "DescribeVpnTunnels") answered as an
	// API without them would answer: HTTP 404, status NOT_FOUND, "unknown
	// action". Preflight must report them missing.
	Unknown []string
	// Now is the clock (default time.Now), for testing stale dates.
	Now func() time.Time
	// Seed makes generated ids reproducible; zero seeds from the clock.
	Seed uint64
}

// Fixtures are resources people create outside hybridplan's calls.
type Fixtures struct {
	VPCs        []VPC        `json:"vpcs"`
	Connections []Connection `json:"connections"`
	// PublicIPs are handed to VPN connections in order; when they run out
	// addresses from 198.18.0.0/15 (benchmarking range) are used.
	PublicIPs []string `json:"publicIps"`
	// Region is the region of the fixtures (default "cn-north-1").
	Region string `json:"region"`
}

// VPC is an existing VPC.
type VPC struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	CIDRs       []string `json:"cidrs"`
	Subnets     []Subnet `json:"subnets"`
	RouteTables []string `json:"routeTables"`
	Region      string   `json:"region,omitempty"`
}

// Subnet is an existing subnet.
type Subnet struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	CIDR string `json:"cidr"`
}

// Connection is an existing physical (Direct Connection) connection.
type Connection struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	BandwidthMbps int    `json:"bandwidthMbps"`
	Region        string `json:"region,omitempty"`
}

// FixturesFor returns the fixtures the plans expect to exist: their VPCs
// (with subnets and route tables), physical connections, and their VPN
// connections' planned cloud public IPs as the pool, so a demo hands out
// the addresses the plan shows.
func FixturesFor(plans ...*plan.Plan) Fixtures {
	var f Fixtures
	for _, p := range plans {
		for _, a := range p.BorderGateway.Attachments {
			if a.VPCID == "" {
				continue
			}
			v := VPC{ID: a.VPCID, Name: a.VPCName, RouteTables: append([]string(nil), a.RouteTables...), Region: p.Region}
			for _, c := range a.CIDRs {
				v.CIDRs = append(v.CIDRs, c.String())
			}
			for _, s := range a.Subnets {
				v.Subnets = append(v.Subnets, Subnet{ID: s.ID, Name: s.Name, CIDR: s.CIDR.String()})
			}
			f.VPCs = append(f.VPCs, v)
		}
		if dc := p.DirectConnection; dc != nil && dc.ConnectionID != "" {
			bw := 0
			for _, i := range dc.Interfaces {
				bw += i.BandwidthMbps
			}
			f.Connections = append(f.Connections, Connection{ID: dc.ConnectionID, Name: dc.ConnectionID, BandwidthMbps: max(bw, 1000), Region: p.Region})
		}
		if p.VPN != nil {
			for _, ip := range p.VPN.Connection.CloudPublicIPs {
				f.PublicIPs = append(f.PublicIPs, ip.String())
			}
		}
	}
	return f
}

// Server is the stand-in. Create it with New; it is an http.Handler.
type Server struct {
	opts    Options
	profile plan.Profile
	faults  Faults

	nonceMu sync.Mutex
	nonces  map[string]time.Time

	mu    sync.Mutex
	rng   *rand.Rand
	calls int
	log   []Request
	st    state
}

// Request is one request the server answered, for tests.
type Request struct {
	N      int    `json:"n"`
	Action string `json:"action"`
	Method string `json:"method"`
	Path   string `json:"path"`
	Status int    `json:"status"`
}

// maxLog bounds the request log of a long-running demo.
const maxLog = 10000

// New returns a stand-in with opts' credentials, profile and fixtures.
func New(opts Options) *Server {
	if opts.MaxClockSkew <= 0 {
		opts.MaxClockSkew = 15 * time.Minute
	}
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = 5 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.DeletingFor == 0 {
		opts.DeletingFor = time.Second
	}
	seed := opts.Seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	s := &Server{
		opts:   opts,
		nonces: map[string]time.Time{},
		rng:    rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
	}
	if opts.Profile != nil {
		s.profile = *opts.Profile
	} else {
		s.profile = plan.DefaultProfile()
	}
	s.st = newState(opts.Fixtures)
	return s
}

func (s *Server) now() time.Time { return s.opts.Now() }

// Faults returns the server's fault injector.
func (s *Server) Faults() *Faults { return &s.faults }

// Requests returns the requests answered so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// apiError is an error answer.
type apiError struct {
	HTTP    int
	Status  string
	Message string
}

func errf(code int, status, format string, args ...any) *apiError {
	return &apiError{HTTP: code, Status: status, Message: fmt.Sprintf(format, args...)}
}

func invalid(format string, args ...any) *apiError {
	return errf(http.StatusBadRequest, "INVALID_ARGUMENT", format, args...)
}

func notFound(format string, args ...any) *apiError {
	return errf(http.StatusNotFound, "NOT_FOUND", format, args...)
}

// call is one routed request.
type call struct {
	region  string
	service string
	id      string
	body    []byte
	query   url.Values
}

type handler func(s *Server, c call) (any, *apiError)

type route struct {
	action  string
	service string
	h       handler
}

// routes maps "METHOD collection[/{id}][:verb]" to an operation.
var routes = map[string]route{
	"POST bgws":                                   {"CreateBgw", "bgw", (*Server).createBgw},
	"GET bgws":                                    {"DescribeBgws", "bgw", (*Server).describeBgws},
	"GET bgws/{id}":                               {"DescribeBgw", "bgw", (*Server).describeBgw},
	"DELETE bgws/{id}":                            {"DeleteBgw", "bgw", (*Server).deleteBgw},
	"POST vpcAttachments":                         {"CreateVpcAttachment", "bgw", (*Server).createAttachment},
	"GET vpcAttachments":                          {"DescribeVpcAttachments", "bgw", (*Server).describeAttachments},
	"GET vpcAttachments/{id}":                     {"DescribeVpcAttachment", "bgw", (*Server).describeAttachment},
	"DELETE vpcAttachments/{id}":                  {"DeleteVpcAttachment", "bgw", (*Server).deleteAttachment},
	"POST privateVifs":                            {"CreatePrivateVif", "bgw", (*Server).createVif},
	"GET privateVifs":                             {"DescribePrivateVifs", "bgw", (*Server).describeVifs},
	"GET privateVifs/{id}":                        {"DescribePrivateVif", "bgw", (*Server).describeVif},
	"DELETE privateVifs/{id}":                     {"DeletePrivateVif", "bgw", (*Server).deleteVif},
	"POST customerGateways":                       {"CreateCustomerGateway", "bgw", (*Server).createCgw},
	"GET customerGateways":                        {"DescribeCustomerGateways", "bgw", (*Server).describeCgws},
	"GET customerGateways/{id}":                   {"DescribeCustomerGateway", "bgw", (*Server).describeCgw},
	"DELETE customerGateways/{id}":                {"DeleteCustomerGateway", "bgw", (*Server).deleteCgw},
	"POST vpnConnections":                         {"CreateVpnConnection", "bgw", (*Server).createVpn},
	"GET vpnConnections":                          {"DescribeVpnConnections", "bgw", (*Server).describeVpns},
	"GET vpnConnections/{id}":                     {"DescribeVpnConnection", "bgw", (*Server).describeVpn},
	"DELETE vpnConnections/{id}":                  {"DeleteVpnConnection", "bgw", (*Server).deleteVpn},
	"POST vpnTunnels":                             {"CreateVpnTunnel", "bgw", (*Server).createTunnel},
	"GET vpnTunnels":                              {"DescribeVpnTunnels", "bgw", (*Server).describeTunnels},
	"GET vpnTunnels/{id}":                         {"DescribeVpnTunnel", "bgw", (*Server).describeTunnel},
	"DELETE vpnTunnels/{id}":                      {"DeleteVpnTunnel", "bgw", (*Server).deleteTunnel},
	"POST vpnTunnels/{id}:adminStatus":            {"ModifyAdminStatus", "bgw", (*Server).modifyAdminStatus},
	"GET quotas":                                  {"DescribeQuota", "", (*Server).describeQuota},
	"GET connections":                             {"DescribeConnections", "bgw", (*Server).describeConnections},
	"GET vpcs/{id}":                               {"DescribeVpc", "vpc", (*Server).describeVpc},
	"GET routeTables/{id}":                        {"DescribeRouteTable", "vpc", (*Server).describeRouteTable},
	"POST routeTables/{id}:addRouteTableRules":    {"AddRouteTableRules", "vpc", (*Server).addRules},
	"POST routeTables/{id}:removeRouteTableRules": {"RemoveRouteTableRules", "vpc", (*Server).removeRules},
}

// maxBody bounds a request body; JD Cloud's requests are small.
const maxBody = 1 << 20

// ServeHTTP answers one API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := s.requestID()
	action, status := "", 0
	defer func() {
		s.mu.Lock()
		if status != 0 && action != "" {
			s.log = append(s.log, Request{N: len(s.log) + 1, Action: action, Method: r.Method, Path: r.URL.Path, Status: status})
			if len(s.log) > maxLog {
				s.log = s.log[len(s.log)-maxLog:]
			}
		}
		s.mu.Unlock()
	}()
	fail := func(e *apiError) {
		status = e.HTTP
		writeError(w, reqID, e)
	}

	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		fail(invalid("reading the request body: %v", err))
		return
	}
	if len(body) > maxBody {
		fail(errf(http.StatusRequestEntityTooLarge, "INVALID_ARGUMENT", "the request body is larger than %d bytes", maxBody))
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/v1/regions/")
	if !ok {
		fail(notFound("no API at %s: paths start with /v1/regions/{regionId}/", r.URL.Path))
		return
	}
	region, rest, _ := strings.Cut(rest, "/")
	coll, tail, _ := strings.Cut(rest, "/")
	key := r.Method + " " + coll
	var id, verb string
	if tail != "" {
		id, verb, _ = strings.Cut(tail, ":")
		key += "/{id}"
		if verb != "" {
			key += ":" + verb
		}
	}
	rt, ok := routes[key]
	if !ok {
		fail(notFound("no operation %s %s", r.Method, r.URL.Path))
		return
	}
	action = rt.action
	if slices.Contains(s.opts.Unknown, rt.action) {
		fail(notFound("unknown action %s (%s %s)", rt.action, r.Method, r.URL.Path))
		return
	}

	cred, err := s.verify(r, body)
	if err != nil {
		fail(errf(http.StatusUnauthorized, "UNAUTHENTICATED", "%s", err.Error()))
		return
	}
	if rt.service == "" {
		// Both services have an operation at this path (quotas): the
		// signature's service says which one is meant.
		rt.service = cred.service
		if slices.Contains(s.opts.Unknown, rt.action+"@"+cred.service) {
			fail(notFound("unknown action %s of service %s", rt.action, cred.service))
			return
		}
	}
	if cred.service != rt.service {
		fail(errf(http.StatusUnauthorized, "UNAUTHENTICATED", "the request is signed for service %q but %s belongs to %q", cred.service, rt.action, rt.service))
		return
	}
	if cred.region != region {
		fail(errf(http.StatusUnauthorized, "UNAUTHENTICATED", "the request is signed for region %q but addressed to %q", cred.region, region))
		return
	}

	s.mu.Lock()
	s.calls++
	n := s.calls
	s.mu.Unlock()
	ft := s.faults.take(n, rt.action)
	if ft != nil && ft.Delay > 0 {
		d := min(ft.Delay, s.opts.MaxDelay)
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			status = 499 // the client went away; nothing is done
			return
		}
	}
	if ft != nil && ft.Status != 0 && !ft.AfterEffect {
		fail(faultError(ft))
		return
	}

	c := call{region: region, id: id, body: body, query: r.URL.Query(), service: rt.service}
	s.mu.Lock()
	s.st.purge(s.now())
	res, aerr := rt.h(s, c)
	s.mu.Unlock()
	if ft != nil && ft.Status != 0 {
		fail(faultError(ft))
		return
	}
	if aerr != nil {
		fail(aerr)
		return
	}
	status = http.StatusOK
	writeJSON(w, http.StatusOK, reqID, map[string]any{"requestId": reqID, "result": res})
}

func faultError(ft *Fault) *apiError {
	st, msg := statusFor(ft.Status)
	if ft.ErrorStatus != "" {
		st = ft.ErrorStatus
	}
	if ft.Message != "" {
		msg = ft.Message
	}
	return &apiError{HTTP: ft.Status, Status: st, Message: msg}
}

func writeError(w http.ResponseWriter, reqID string, e *apiError) {
	writeJSON(w, e.HTTP, reqID, map[string]any{
		"requestId": reqID,
		"error":     map[string]any{"code": e.HTTP, "status": e.Status, "message": e.Message},
	})
}

func writeJSON(w http.ResponseWriter, code int, reqID string, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		code = http.StatusInternalServerError
		buf.Reset()
		fmt.Fprintf(&buf, `{"requestId":%q,"error":{"code":500,"status":"INTERNAL","message":"encoding the answer failed"}}`, reqID)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set(headerReqID, reqID)
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

const idAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz"

// newID returns an id like JD Cloud's: a kind prefix, "-", ten lowercase
// letters and digits. Callers hold s.mu.
func (s *Server) newID(prefix string) string {
	b := make([]byte, 10)
	for i := range b {
		b[i] = idAlphabet[s.rng.IntN(len(idAlphabet))]
	}
	return prefix + "-" + string(b)
}

func (s *Server) requestID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := make([]byte, 32)
	for i := range b {
		b[i] = idAlphabet[s.rng.IntN(16)]
	}
	return string(b)
}

// decode reads a JSON body strictly: an unknown field is refused, so a
// request that drifts from the API is caught here rather than ignored.
func decode(body []byte, v any) *apiError {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return invalid("the request body does not fit the API: %v", err)
	}
	return nil
}

// State is a copy of everything the stand-in holds, for tests.
type State struct {
	Bgws             []bgw.Bgw             `json:"bgws"`
	VpcAttachments   []bgw.VpcAttachment   `json:"vpcAttachments"`
	PrivateVifs      []bgw.PrivateVif      `json:"privateVifs"`
	CustomerGateways []bgw.CustomerGateway `json:"customerGateways"`
	VpnConnections   []bgw.VpnConnection   `json:"vpnConnections"`
	VpnTunnels       []bgw.VpnTunnel       `json:"vpnTunnels"`
	RouteTables      []vpc.RouteTable      `json:"routeTables"`
}

// Counts returns how many resources of each kind hybridplan creates exist
// (route table rules pointing at a border gateway count as "routeRules").
func (st State) Counts() map[string]int {
	rules := 0
	for _, t := range st.RouteTables {
		for _, r := range t.RouteTableRules {
			if r.NextHopType == "bgw" {
				rules++
			}
		}
	}
	return map[string]int{
		"bgws": len(st.Bgws), "vpcAttachments": len(st.VpcAttachments), "privateVifs": len(st.PrivateVifs),
		"customerGateways": len(st.CustomerGateways), "vpnConnections": len(st.VpnConnections),
		"vpnTunnels": len(st.VpnTunnels), "routeRules": rules,
	}
}

// Snapshot returns a copy of the state, each kind sorted by id.
func (s *Server) Snapshot() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st State
	for _, k := range sortedKeys(s.st.bgws) {
		st.Bgws = append(st.Bgws, s.bgwView(s.st.bgws[k]))
	}
	for _, k := range sortedKeys(s.st.attachments) {
		st.VpcAttachments = append(st.VpcAttachments, s.st.attachments[k].VpcAttachment)
	}
	for _, k := range sortedKeys(s.st.vifs) {
		st.PrivateVifs = append(st.PrivateVifs, s.vifView(s.st.vifs[k]))
	}
	for _, k := range sortedKeys(s.st.cgws) {
		st.CustomerGateways = append(st.CustomerGateways, s.st.cgws[k].CustomerGateway)
	}
	for _, k := range sortedKeys(s.st.vpns) {
		st.VpnConnections = append(st.VpnConnections, s.vpnView(s.st.vpns[k]))
	}
	for _, k := range sortedKeys(s.st.tunnels) {
		st.VpnTunnels = append(st.VpnTunnels, s.tunnelView(s.st.tunnels[k]))
	}
	for _, k := range sortedKeys(s.st.routeTables) {
		st.RouteTables = append(st.RouteTables, s.st.routeTables[k].view())
	}
	return st
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
