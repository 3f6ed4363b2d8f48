package standin

import (
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	bgw "github.com/jdcloud-api/jdcloud-sdk-go/services/bgw/models"
)

// Handlers of the border-gateway service. Each runs with s.mu held.

const createdFormat = "2006-01-02T15:04:05Z"

func (s *Server) created() string { return s.now().UTC().Format(createdFormat) }

// validName is JD Cloud's rule for resource names: Chinese characters,
// digits, letters, "_" and "-", 1–32 characters.
func validName(n string) bool {
	if n == "" || utf8.RuneCountInString(n) > 32 {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || unicode.Is(unicode.Han, r)) {
			return false
		}
	}
	return true
}

func checkName(kind, n string) *apiError {
	if !validName(n) {
		return invalid("%s name %q is invalid: use 1–32 Chinese characters, letters, digits, \"_\" or \"-\"", kind, n)
	}
	return nil
}

func checkDescription(d string) *apiError {
	if utf8.RuneCountInString(d) > 256 {
		return invalid("description is longer than 256 characters")
	}
	return nil
}

// checkRegion enforces that a POST body repeats the path's regionId.
func checkRegion(c call, bodyRegion string) *apiError {
	if bodyRegion != c.region {
		return invalid("regionId %q in the body differs from %q in the path", bodyRegion, c.region)
	}
	return nil
}

// quota is JD Cloud's "quota exceeded": HTTP 429 like throttling, but with
// status QUOTA_EXCEEDED, and permanent until a quota is raised.
func quota(what string, limit int) *apiError {
	return errf(429, "QUOTA_EXCEEDED", "the quota of %d %s is reached: delete one or raise the quota by ticket", limit, what)
}

// listQuery is a parsed list request.
type listQuery struct {
	filters    map[string][]string
	page, size int
}

var filterKey = regexp.MustCompile(`^filters\.(\d+)\.(name|operator|values\.(\d+))$`)

// parseList reads pageNumber, pageSize and filters.N.name /
// filters.N.values.M from the query, refusing filter names the operation
// does not know.
func parseList(q url.Values, allowed ...string) (listQuery, *apiError) {
	lq := listQuery{filters: map[string][]string{}, page: 1, size: 20}
	names := map[string]string{}
	values := map[string][]string{}
	for k, vs := range q {
		v := vs[0]
		switch {
		case k == "pageNumber":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return lq, invalid("pageNumber %q must be a whole number ≥ 1", v)
			}
			lq.page = n
		case k == "pageSize":
			n, err := strconv.Atoi(v)
			if err != nil || n < 10 || n > 100 {
				return lq, invalid("pageSize %q must be in [10,100]", v)
			}
			lq.size = n
		default:
			m := filterKey.FindStringSubmatch(k)
			if m == nil {
				return lq, invalid("unknown query parameter %q", k)
			}
			switch {
			case m[2] == "name":
				names[m[1]] = v
			case m[2] == "operator":
				if v != "eq" && v != "in" {
					return lq, invalid("filter operator %q is not supported: use eq or in", v)
				}
			default:
				values[m[1]] = append(values[m[1]], v)
			}
		}
	}
	for i, n := range names {
		if !slices.Contains(allowed, n) {
			return lq, invalid("unknown filter %q: this operation filters by %s", n, strings.Join(allowed, ", "))
		}
		if len(values[i]) == 0 {
			return lq, invalid("filter %q has no values", n)
		}
		lq.filters[n] = append(lq.filters[n], values[i]...)
	}
	return lq, nil
}

// match reports whether an item passes every filter; fields gives the
// item's values for each filter name.
func (lq listQuery) match(fields map[string]string) bool {
	for n, vs := range lq.filters {
		if !slices.Contains(vs, fields[n]) {
			return false
		}
	}
	return true
}

// pageOf returns the requested page; a page past the end shows the last
// one, as JD Cloud documents.
func pageOf[T any](items []T, lq listQuery) []T {
	if len(items) == 0 {
		return []T{}
	}
	last := (len(items) + lq.size - 1) / lq.size
	p := min(lq.page, last)
	return items[(p-1)*lq.size : min(p*lq.size, len(items))]
}

// Border gateways.

func (s *Server) bgwView(b *bgwRes) bgw.Bgw {
	v := b.Bgw
	v.VpcAttachmentIds, v.VifIds, v.VpnConnectionIds = []string{}, []string{}, []string{}
	for _, k := range sortedKeys(s.st.attachments) {
		if s.st.attachments[k].BgwId == b.BgwId {
			v.VpcAttachmentIds = append(v.VpcAttachmentIds, k)
		}
	}
	for _, k := range sortedKeys(s.st.vifs) {
		if s.st.vifs[k].BgwId == b.BgwId {
			v.VifIds = append(v.VifIds, k)
		}
	}
	for _, k := range sortedKeys(s.st.vpns) {
		if s.st.vpns[k].BgwId == b.BgwId {
			v.VpnConnectionIds = append(v.VpnConnectionIds, k)
		}
	}
	return v
}

func (s *Server) createBgw(c call) (any, *apiError) {
	var req struct {
		RegionId string     `json:"regionId"`
		BgwSpec  *bgwSpecIn `json:"bgwSpec"`
	}
	if e := decode(c.body, &req); e != nil {
		return nil, e
	}
	if e := checkRegion(c, req.RegionId); e != nil {
		return nil, e
	}
	if req.BgwSpec == nil {
		return nil, invalid("bgwSpec is required")
	}
	m := req.BgwSpec.model()
	sp := &m
	if e := checkName("border gateway", sp.BgwName); e != nil {
		return nil, e
	}
	if e := checkDescription(sp.Description); e != nil {
		return nil, e
	}
	switch sp.AzType {
	case "", "standard":
	case "edge":
		if sp.Az == "" {
			return nil, invalid("an edge border gateway needs az")
		}
	default:
		return nil, invalid("azType %q: use standard or edge", sp.AzType)
	}
	n := 0
	for _, b := range s.st.bgws {
		if b.region == c.region {
			n++
		}
	}
	if limit := s.profile.Quotas.BorderGatewaysPerRegion; n >= limit {
		return nil, quota("border gateways per region", limit)
	}
	id := s.newID("bgw")
	s.st.bgws[id] = &bgwRes{region: c.region, Bgw: bgw.Bgw{
		BgwId: id, BgwName: sp.BgwName, Description: sp.Description, AzType: or(sp.AzType, "standard"), Az: sp.Az, CreatedTime: s.created(),
	}}
	return map[string]string{"bgwId": id}, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func (s *Server) describeBgws(c call) (any, *apiError) {
	lq, e := parseList(c.query, "bgwIds", "bgwNames")
	if e != nil {
		return nil, e
	}
	var out []bgw.Bgw
	for _, k := range sortedKeys(s.st.bgws) {
		b := s.st.bgws[k]
		if b.region == c.region && lq.match(map[string]string{"bgwIds": b.BgwId, "bgwNames": b.BgwName}) {
			out = append(out, s.bgwView(b))
		}
	}
	return map[string]any{"bgws": pageOf(out, lq), "totalCount": len(out)}, nil
}

func (s *Server) findBgw(c call, id string) (*bgwRes, *apiError) {
	b, ok := s.st.bgws[id]
	if !ok || b.region != c.region {
		return nil, notFound("border gateway %s not found in %s", id, c.region)
	}
	return b, nil
}

func (s *Server) describeBgw(c call) (any, *apiError) {
	b, e := s.findBgw(c, c.id)
	if e != nil {
		return nil, e
	}
	return map[string]any{"bgw": s.bgwView(b)}, nil
}

func (s *Server) deleteBgw(c call) (any, *apiError) {
	b, e := s.findBgw(c, c.id)
	if e != nil {
		return nil, e
	}
	v := s.bgwView(b)
	if len(v.VpcAttachmentIds)+len(v.VifIds)+len(v.VpnConnectionIds) > 0 {
		return nil, errf(400, "FAILED_PRECONDITION", "border gateway %s still has %d VPC attachments, %d private virtual interfaces and %d VPN connections: delete them first",
			c.id, len(v.VpcAttachmentIds), len(v.VifIds), len(v.VpnConnectionIds))
	}
	for _, t := range s.st.routeTables {
		for _, r := range t.RouteTableRules {
			if r.NextHopType == "bgw" && r.NextHopId == c.id {
				return nil, errf(400, "FAILED_PRECONDITION", "route table %s still routes %s to border gateway %s: remove the rule first", t.RouteTableId, r.AddressPrefix, c.id)
			}
		}
	}
	delete(s.st.bgws, c.id)
	return map[string]any{}, nil
}

// VPC attachments.

func (s *Server) createAttachment(c call) (any, *apiError) {
	var req struct {
		RegionId          string               `json:"regionId"`
		VpcAttachmentSpec *vpcAttachmentSpecIn `json:"vpcAttachmentSpec"`
	}
	if e := decode(c.body, &req); e != nil {
		return nil, e
	}
	if e := checkRegion(c, req.RegionId); e != nil {
		return nil, e
	}
	if req.VpcAttachmentSpec == nil {
		return nil, invalid("vpcAttachmentSpec is required")
	}
	m := req.VpcAttachmentSpec.model()
	sp := &m
	if e := checkName("VPC attachment", sp.VpcAttachmentName); e != nil {
		return nil, e
	}
	if _, e := s.findBgw(c, sp.BgwId); e != nil {
		return nil, e
	}
	v, ok := s.st.vpcs[sp.VpcId]
	if !ok || v.region != c.region {
		return nil, notFound("VPC %s not found in %s", sp.VpcId, c.region)
	}
	var infos []bgw.PropagateCidrInfo
	switch sp.PropagateType {
	case "all":
		if len(sp.SubnetIds) > 0 {
			return nil, invalid("subnetIds apply only when propagateType is partial")
		}
		for _, p := range v.cidrs {
			infos = append(infos, bgw.PropagateCidrInfo{SubnetCidr: p.String()})
		}
	case "partial":
		if len(sp.SubnetIds) == 0 {
			return nil, invalid("propagateType partial needs subnetIds")
		}
		for _, id := range sp.SubnetIds {
			found := false
			for _, sn := range v.Subnets {
				if sn.SubnetId == id {
					infos = append(infos, bgw.PropagateCidrInfo{SubnetId: id, SubnetCidr: sn.AddressPrefix})
					found = true
				}
			}
			if !found {
				return nil, notFound("subnet %s is not in VPC %s", id, sp.VpcId)
			}
		}
	case "none":
	default:
		return nil, invalid("propagateType %q: use all, partial or none", sp.PropagateType)
	}
	n := 0
	for _, a := range s.st.attachments {
		if a.BgwId == sp.BgwId {
			n++
			if a.VpcId == sp.VpcId {
				return nil, errf(400, "ALREADY_EXISTS", "VPC %s is already attached to border gateway %s (%s): one attachment per VPC and border gateway", sp.VpcId, sp.BgwId, a.VpcAttachmentId)
			}
		}
	}
	if limit := s.profile.Quotas.AttachmentsPerBorderGateway; n >= limit {
		return nil, quota("VPC attachments per border gateway", limit)
	}
	id := s.newID("bgwvpc")
	s.st.attachments[id] = &attachmentRes{region: c.region, VpcAttachment: bgw.VpcAttachment{
		VpcAttachmentId: id, VpcAttachmentName: sp.VpcAttachmentName, BgwId: sp.BgwId, VpcId: sp.VpcId,
		PropagateType: sp.PropagateType, Status: "active", PropagateCidrInfos: infos, CreatedTime: s.created(),
	}}
	return map[string]string{"vpcAttachmentId": id}, nil
}

func (s *Server) describeAttachments(c call) (any, *apiError) {
	lq, e := parseList(c.query, "vpcAttachmentIds", "vpcAttachmentNames", "bgwId", "vpcId")
	if e != nil {
		return nil, e
	}
	var out []bgw.VpcAttachment
	for _, k := range sortedKeys(s.st.attachments) {
		a := s.st.attachments[k]
		if a.region == c.region && lq.match(map[string]string{"vpcAttachmentIds": a.VpcAttachmentId, "vpcAttachmentNames": a.VpcAttachmentName, "bgwId": a.BgwId, "vpcId": a.VpcId}) {
			out = append(out, a.VpcAttachment)
		}
	}
	return map[string]any{"vpcAttachments": pageOf(out, lq), "totalCount": len(out)}, nil
}

func (s *Server) findAttachment(c call) (*attachmentRes, *apiError) {
	a, ok := s.st.attachments[c.id]
	if !ok || a.region != c.region {
		return nil, notFound("VPC attachment %s not found in %s", c.id, c.region)
	}
	return a, nil
}

func (s *Server) describeAttachment(c call) (any, *apiError) {
	a, e := s.findAttachment(c)
	if e != nil {
		return nil, e
	}
	return map[string]any{"vpcAttachment": a.VpcAttachment}, nil
}

func (s *Server) deleteAttachment(c call) (any, *apiError) {
	a, e := s.findAttachment(c)
	if e != nil {
		return nil, e
	}
	// Routes towards the border gateway in this VPC need the attachment.
	for _, t := range s.st.routeTables {
		if t.VpcId != a.VpcId {
			continue
		}
		for _, r := range t.RouteTableRules {
			if r.NextHopType == "bgw" && r.NextHopId == a.BgwId {
				return nil, errf(400, "FAILED_PRECONDITION", "route table %s of VPC %s still routes %s to border gateway %s: remove the rule first", t.RouteTableId, a.VpcId, r.AddressPrefix, a.BgwId)
			}
		}
	}
	if !a.gone.IsZero() {
		return nil, errf(400, "FAILED_PRECONDITION", "VPC attachment %s is already being deleted", c.id)
	}
	s.startDeleting(&a.gone)
	a.Status = "deleting"
	if !a.gone.After(s.now()) {
		delete(s.st.attachments, c.id)
	}
	return map[string]any{}, nil
}

// Private virtual interfaces.

func (s *Server) vifView(v *vifRes) bgw.PrivateVif {
	out := v.PrivateVif
	out.Peers = slices.Clone(v.Peers)
	st := "Down"
	if s.opts.BGPUp {
		st = "Up"
	}
	for i := range out.Peers {
		out.Peers[i].PeerBgpStatus = st
	}
	return out
}

func inRanges(a netip.Addr, ranges []netip.Prefix) bool {
	return slices.ContainsFunc(ranges, func(p netip.Prefix) bool { return p.Contains(a) })
}

func (s *Server) createVif(c call) (any, *apiError) {
	var req struct {
		RegionId       string            `json:"regionId"`
		PrivateVifSpec *privateVifSpecIn `json:"privateVifSpec"`
	}
	if e := decode(c.body, &req); e != nil {
		return nil, e
	}
	if e := checkRegion(c, req.RegionId); e != nil {
		return nil, e
	}
	sp := req.PrivateVifSpec
	if sp == nil {
		return nil, invalid("privateVifSpec is required")
	}
	if e := checkName("private virtual interface", sp.PrivateVifName); e != nil {
		return nil, e
	}
	if e := checkDescription(deref(sp.Description)); e != nil {
		return nil, e
	}
	conn, ok := s.st.connections[sp.ConnectionId]
	if !ok || conn.region != c.region {
		return nil, notFound("connection %s not found in %s", sp.ConnectionId, c.region)
	}
	if _, e := s.findBgw(c, sp.BgwId); e != nil {
		return nil, e
	}
	if sp.Vlan == nil {
		return nil, invalid("vlan is required")
	}
	vlan, e := intIn("vlan", sp.Vlan, s.profile.VLAN, 0)
	if e != nil {
		return nil, e
	}
	if sp.EnableBgp != nil && !*sp.EnableBgp {
		return nil, invalid("enableBgp must be true: only BGP is supported")
	}
	if sp.BgpSpec == nil || sp.BgpSpec.CustomerAsn == nil {
		return nil, invalid("bgpSpec.customerAsn is required")
	}
	asn, e := intIn("bgpSpec.customerAsn", sp.BgpSpec.CustomerAsn, s.profile.ASN.Customer, 0)
	if e != nil {
		return nil, e
	}
	if _, e := oneOf("bgpSpec.addressFamily", sp.BgpSpec.AddressFamily, "ipv4", []string{"ipv4"}); e != nil {
		return nil, e
	}
	if len(sp.PeerIps) == 0 {
		return nil, invalid("peerIps is required: the customer and JD Cloud addresses of the BGP session")
	}
	var peers []bgw.Peer
	for i, p := range sp.PeerIps {
		cust, err1 := netip.ParseAddr(p.CustomerIp)
		jd, err2 := netip.ParseAddr(p.JdCloudIp)
		if err1 != nil || err2 != nil || !cust.Is4() || !jd.Is4() {
			return nil, invalid("peerIps[%d]: customerIp %q and jdCloudIp %q must be IPv4 addresses", i, p.CustomerIp, p.JdCloudIp)
		}
		net := netip.PrefixFrom(cust, s.profile.Interconnect.PrefixLength).Masked()
		if cust == jd || !net.Contains(jd) {
			return nil, invalid("peerIps[%d]: %s and %s must differ and share one /%d", i, cust, jd, s.profile.Interconnect.PrefixLength)
		}
		if !inRanges(cust, s.profile.Interconnect.Allowed) {
			return nil, invalid("peerIps[%d]: %s is outside the private ranges interconnects use", i, cust)
		}
		for _, o := range s.st.vifs {
			if o.BgwId != sp.BgwId {
				continue
			}
			for _, op := range o.Peers {
				oc, _ := netip.ParseAddr(op.PeerIps.CustomerIp)
				if netip.PrefixFrom(oc, s.profile.Interconnect.PrefixLength).Masked().Overlaps(net) {
					return nil, invalid("peerIps[%d]: %s overlaps the peer addresses of private virtual interface %s", i, net, o.PrivateVifId)
				}
			}
		}
		peers = append(peers, bgw.Peer{PeerId: s.newID("peer"), PeerIps: bgw.PeerIps{CustomerIp: p.CustomerIp, JdCloudIp: p.JdCloudIp}})
	}
	hc, e := s.healthCheck(sp.HealthCheck)
	if e != nil {
		return nil, e
	}
	n := 0
	for _, o := range s.st.vifs {
		if o.ConnectionId == sp.ConnectionId {
			n++
			if o.Vlan == vlan {
				return nil, errf(400, "ALREADY_EXISTS", "vlan %d is already used on connection %s by %s", vlan, sp.ConnectionId, o.PrivateVifId)
			}
		}
	}
	if limit := s.profile.Quotas.PrivateInterfacesPerConnection; n >= limit {
		return nil, quota("private virtual interfaces per connection", limit)
	}
	id := s.newID("pvif")
	s.st.vifs[id] = &vifRes{region: c.region, PrivateVif: bgw.PrivateVif{
		PrivateVifId: id, PrivateVifName: sp.PrivateVifName, ConnectionId: sp.ConnectionId, Type: "directed",
		BgwId: sp.BgwId, Vlan: vlan, PrivateVifStatus: "Active", Description: deref(sp.Description), CreatedTime: s.created(),
		EnableBgp: true, Peers: peers,
		Bgp:         bgw.Bgp{AddressFamily: "ipv4", CustomerAsn: asn, JdCloudAsn: int(s.profile.ASN.DirectConnectionPeer)},
		HealthCheck: hc,
	}}
	return map[string]string{"privateVifId": id}, nil
}

// healthCheck reads the health check as HealthCheckSpec.go, NqaSpec.go
// and BfdSpec.go document it: the NQA block only with type NQA, the BFD
// block only with BFD, every field present within its range, absent ones
// taking the documented default.
func (s *Server) healthCheck(h *healthCheckIn) (bgw.HealthCheck, *apiError) {
	p := s.profile.HealthCheck
	out := bgw.HealthCheck{HealthCheckType: "NO_CHECK"}
	if h == nil {
		return out, nil
	}
	t, e := oneOf("healthCheck.healthCheckType", h.HealthCheckType, "NO_CHECK", []string{"NO_CHECK", "NQA", "BFD"})
	if e != nil {
		return out, e
	}
	out.HealthCheckType = t
	if h.NqaInfo != nil && t != "NQA" {
		return out, invalid("healthCheck.nqaInfo is only for healthCheckType NQA, not %s", t)
	}
	if h.BfdInfo != nil && t != "BFD" {
		return out, invalid("healthCheck.bfdInfo is only for healthCheckType BFD, not %s", t)
	}
	switch t {
	case "NQA":
		n := deref(h.NqaInfo)
		var e1, e2, e3 *apiError
		out.NqaInfo.TxInterval, e1 = intIn("healthCheck.nqaInfo.txInterval", n.TxInterval, p.NQAIntervalSeconds, 4)
		out.NqaInfo.ThresholdCount, e2 = intIn("healthCheck.nqaInfo.thresholdCount", n.ThresholdCount, p.NQACount, 5)
		out.NqaInfo.ResponseTimeout, e3 = intIn("healthCheck.nqaInfo.responseTimeout", n.ResponseTimeout, p.NQATimeoutSeconds, 3)
		if e := first(e1, e2, e3); e != nil {
			return out, e
		}
	case "BFD":
		b := deref(h.BfdInfo)
		var e1, e2, e3 *apiError
		out.BfdInfo.MinTxInterval, e1 = intIn("healthCheck.bfdInfo.minTxInterval", b.MinTxInterval, p.BFDIntervalMillis, 1000)
		out.BfdInfo.MinRxInterval, e2 = intIn("healthCheck.bfdInfo.minRxInterval", b.MinRxInterval, p.BFDIntervalMillis, 1000)
		out.BfdInfo.DetectMultiplier, e3 = intIn("healthCheck.bfdInfo.detectMultiplier", b.DetectMultiplier, p.BFDMultiplier, 3)
		if e := first(e1, e2, e3); e != nil {
			return out, e
		}
	}
	return out, nil
}

func first(es ...*apiError) *apiError {
	for _, e := range es {
		if e != nil {
			return e
		}
	}
	return nil
}

func (s *Server) describeVifs(c call) (any, *apiError) {
	lq, e := parseList(c.query, "privateVifIds", "privateVifNames", "connectionId", "bgwId")
	if e != nil {
		return nil, e
	}
	var out []bgw.PrivateVif
	for _, k := range sortedKeys(s.st.vifs) {
		v := s.st.vifs[k]
		if v.region == c.region && lq.match(map[string]string{"privateVifIds": v.PrivateVifId, "privateVifNames": v.PrivateVifName, "connectionId": v.ConnectionId, "bgwId": v.BgwId}) {
			out = append(out, s.vifView(v))
		}
	}
	return map[string]any{"privateVifs": pageOf(out, lq), "totalCount": len(out)}, nil
}

func (s *Server) findVif(c call) (*vifRes, *apiError) {
	v, ok := s.st.vifs[c.id]
	if !ok || v.region != c.region {
		return nil, notFound("private virtual interface %s not found in %s", c.id, c.region)
	}
	return v, nil
}

func (s *Server) describeVif(c call) (any, *apiError) {
	v, e := s.findVif(c)
	if e != nil {
		return nil, e
	}
	return map[string]any{"privateVif": s.vifView(v)}, nil
}

// deleteVif accepts the delete and leaves the interface "Deleting" for
// Options.DeletingFor: JD Cloud documents that deleting one "lasts for a
// while", and its border gateway cannot be deleted until it is gone.
func (s *Server) deleteVif(c call) (any, *apiError) {
	v, e := s.findVif(c)
	if e != nil {
		return nil, e
	}
	if !v.gone.IsZero() {
		return nil, errf(400, "FAILED_PRECONDITION", "private virtual interface %s is already being deleted", c.id)
	}
	s.startDeleting(&v.gone)
	v.PrivateVifStatus = "Deleting"
	if !v.gone.After(s.now()) {
		delete(s.st.vifs, c.id)
	}
	return map[string]any{}, nil
}

// startDeleting sets when an accepted asynchronous delete completes.
func (s *Server) startDeleting(gone *time.Time) {
	*gone = s.now().Add(max(s.opts.DeletingFor, 0))
	if s.opts.DeletingFor < 0 {
		*gone = s.now()
	}
}

// Customer gateways.

func (s *Server) createCgw(c call) (any, *apiError) {
	var req struct {
		RegionId            string                 `json:"regionId"`
		CustomerGatewaySpec *customerGatewaySpecIn `json:"customerGatewaySpec"`
	}
	if e := decode(c.body, &req); e != nil {
		return nil, e
	}
	if e := checkRegion(c, req.RegionId); e != nil {
		return nil, e
	}
	sp := req.CustomerGatewaySpec
	if sp == nil {
		return nil, invalid("customerGatewaySpec is required")
	}
	if e := checkName("customer gateway", sp.CustomerGatewayName); e != nil {
		return nil, e
	}
	if e := checkDescription(deref(sp.Description)); e != nil {
		return nil, e
	}
	if !slices.Contains(s.profile.CustomerGatewayIPCounts, len(sp.CustomerIps)) {
		return nil, invalid("customerIps has %d addresses: a customer gateway has %v", len(sp.CustomerIps), s.profile.CustomerGatewayIPCounts)
	}
	seen := map[netip.Addr]bool{}
	for _, ip := range sp.CustomerIps {
		a, err := netip.ParseAddr(ip)
		if err != nil || !a.Is4() || a.IsPrivate() || a.IsLoopback() || a.IsUnspecified() || a.IsMulticast() {
			return nil, invalid("customerIps: %q is not a public IPv4 address", ip)
		}
		if seen[a] {
			return nil, invalid("customerIps: %s appears twice", a)
		}
		seen[a] = true
	}
	if sp.BgpAsn == nil {
		return nil, invalid("bgpAsn is required")
	}
	cgwAsn, e := intIn("bgpAsn", sp.BgpAsn, s.profile.ASN.Customer, 0)
	if e != nil {
		return nil, e
	}
	n := 0
	for _, g := range s.st.cgws {
		if g.region == c.region {
			n++
		}
	}
	if limit := s.profile.Quotas.CustomerGatewaysPerRegion; n >= limit {
		return nil, quota("customer gateways per region", limit)
	}
	id := s.newID("cgw")
	now := s.created()
	s.st.cgws[id] = &cgwRes{region: c.region, CustomerGateway: bgw.CustomerGateway{
		CustomerGatewayId: id, CustomerGatewayName: sp.CustomerGatewayName, CustomerIps: slices.Clone(sp.CustomerIps),
		BgpAsn: cgwAsn, Description: deref(sp.Description), CreatedTime: now, UpdatedTime: now,
	}}
	return map[string]string{"customerGatewayId": id}, nil
}

func (s *Server) describeCgws(c call) (any, *apiError) {
	lq, e := parseList(c.query, "customerGatewayIds", "customerGatewayNames")
	if e != nil {
		return nil, e
	}
	var out []bgw.CustomerGateway
	for _, k := range sortedKeys(s.st.cgws) {
		g := s.st.cgws[k]
		if g.region == c.region && lq.match(map[string]string{"customerGatewayIds": g.CustomerGatewayId, "customerGatewayNames": g.CustomerGatewayName}) {
			out = append(out, g.CustomerGateway)
		}
	}
	return map[string]any{"customerGateways": pageOf(out, lq), "totalCount": len(out)}, nil
}

func (s *Server) findCgw(c call, id string) (*cgwRes, *apiError) {
	g, ok := s.st.cgws[id]
	if !ok || g.region != c.region {
		return nil, notFound("customer gateway %s not found in %s", id, c.region)
	}
	return g, nil
}

func (s *Server) describeCgw(c call) (any, *apiError) {
	g, e := s.findCgw(c, c.id)
	if e != nil {
		return nil, e
	}
	return map[string]any{"customerGateway": g.CustomerGateway}, nil
}

func (s *Server) deleteCgw(c call) (any, *apiError) {
	if _, e := s.findCgw(c, c.id); e != nil {
		return nil, e
	}
	for _, v := range s.st.vpns {
		if v.CgwId == c.id {
			return nil, errf(400, "FAILED_PRECONDITION", "customer gateway %s is used by VPN connection %s: delete that first", c.id, v.VpnConnectionId)
		}
	}
	delete(s.st.cgws, c.id)
	return map[string]any{}, nil
}

// VPN connections.

func (s *Server) vpnView(v *vpnRes) bgw.VpnConnection {
	out := v.VpnConnection
	out.CloudPublicIp = slices.Clone(v.CloudPublicIp)
	used := map[string]bool{}
	for _, t := range s.st.tunnels {
		if t.VpnConnectionId == v.VpnConnectionId {
			used[t.CloudPublicIp] = true
		}
	}
	out.HaStatus = "no_redundancy"
	if len(used) >= 2 {
		out.HaStatus = "redundancy"
	}
	return out
}

func (s *Server) createVpn(c call) (any, *apiError) {
	var req struct {
		RegionId          string               `json:"regionId"`
		VpnConnectionSpec *vpnConnectionSpecIn `json:"vpnConnectionSpec"`
	}
	if e := decode(c.body, &req); e != nil {
		return nil, e
	}
	if e := checkRegion(c, req.RegionId); e != nil {
		return nil, e
	}
	sp := req.VpnConnectionSpec
	if sp == nil {
		return nil, invalid("vpnConnectionSpec is required")
	}
	if e := checkName("VPN connection", sp.VpnConnectionName); e != nil {
		return nil, e
	}
	if e := checkDescription(deref(sp.Description)); e != nil {
		return nil, e
	}
	if _, e := s.findBgw(c, sp.BgwId); e != nil {
		return nil, e
	}
	if _, e := s.findCgw(c, sp.CgwId); e != nil {
		return nil, e
	}
	asn, e := intIn("localAsn", sp.LocalAsn, s.profile.ASN.VPNLocal, int(s.profile.ASN.BorderGateway))
	if e != nil {
		return nil, e
	}
	bgpEnabled := sp.BgpEnabled == nil || *sp.BgpEnabled // VpnConnectionSpec.go: default true
	n := 0
	for _, v := range s.st.vpns {
		if v.BgwId == sp.BgwId {
			n++
		}
	}
	if limit := s.profile.Quotas.VPNConnectionsPerBorderGateway; n >= limit {
		return nil, quota("VPN connections per border gateway", limit)
	}
	var ips []string
	for range max(s.profile.VPNCloudPublicIPs, 1) {
		ips = append(ips, s.st.takeIP())
	}
	id := s.newID("vpnc")
	now := s.created()
	s.st.vpns[id] = &vpnRes{region: c.region, VpnConnection: bgw.VpnConnection{
		VpnConnectionId: id, VpnConnectionName: sp.VpnConnectionName, BgwId: sp.BgwId, CgwId: sp.CgwId,
		BgpEnabled: bgpEnabled, LocalAsn: asn, CloudPublicIp: ips, Providers: []string{"bgp", "bgp"},
		Description: deref(sp.Description), CreatedTime: now, UpdatedTime: now, AzType: "standard",
	}}
	return map[string]string{"vpnConnectionId": id}, nil
}

func (s *Server) describeVpns(c call) (any, *apiError) {
	lq, e := parseList(c.query, "vpnConnectionIds", "vpnConnectionNames", "bgwId")
	if e != nil {
		return nil, e
	}
	var out []bgw.VpnConnection
	for _, k := range sortedKeys(s.st.vpns) {
		v := s.st.vpns[k]
		if v.region == c.region && lq.match(map[string]string{"vpnConnectionIds": v.VpnConnectionId, "vpnConnectionNames": v.VpnConnectionName, "bgwId": v.BgwId}) {
			out = append(out, s.vpnView(v))
		}
	}
	return map[string]any{"vpnConnections": pageOf(out, lq), "totalCount": len(out)}, nil
}

func (s *Server) findVpn(c call, id string) (*vpnRes, *apiError) {
	v, ok := s.st.vpns[id]
	if !ok || v.region != c.region {
		return nil, notFound("VPN connection %s not found in %s", id, c.region)
	}
	return v, nil
}

func (s *Server) describeVpn(c call) (any, *apiError) {
	v, e := s.findVpn(c, c.id)
	if e != nil {
		return nil, e
	}
	return map[string]any{"vpnConnection": s.vpnView(v)}, nil
}

func (s *Server) deleteVpn(c call) (any, *apiError) {
	if _, e := s.findVpn(c, c.id); e != nil {
		return nil, e
	}
	for _, t := range s.st.tunnels {
		if t.VpnConnectionId == c.id {
			return nil, errf(400, "FAILED_PRECONDITION", "VPN connection %s still has tunnel %s: delete its tunnels first", c.id, t.VpnTunnelId)
		}
	}
	delete(s.st.vpns, c.id)
	return map[string]any{}, nil
}

// VPN tunnels.

func (s *Server) tunnelView(t *tunnelRes) bgw.VpnTunnel {
	out := t.VpnTunnel
	out.OpStatus = "DOWN"
	if s.opts.BGPUp && out.AdminStatus == "UP" {
		out.OpStatus = "UP"
	}
	return out
}

// checkPSK enforces JD Cloud's pre-shared key rule without ever echoing
// the key.
func (s *Server) checkPSK(psk string) *apiError {
	r := s.profile.PSK
	if psk == "" || len(psk) > r.MaxLength {
		return invalid("psk must be 1–%d characters", r.MaxLength)
	}
	for _, ch := range psk {
		if !strings.ContainsRune(r.Alphabet, ch) {
			return invalid("psk may hold only letters, digits, \"_\" and \"-\"")
		}
	}
	for _, p := range r.ForbiddenPrefixes {
		if strings.HasPrefix(psk, p) {
			return invalid("psk must not start with %q", p)
		}
	}
	return nil
}

func (s *Server) createTunnel(c call) (any, *apiError) {
	var req struct {
		RegionId      string           `json:"regionId"`
		VpnTunnelSpec *vpnTunnelSpecIn `json:"vpnTunnelSpec"`
	}
	if e := decode(c.body, &req); e != nil {
		return nil, e
	}
	if e := checkRegion(c, req.RegionId); e != nil {
		return nil, e
	}
	sp := req.VpnTunnelSpec
	if sp == nil {
		return nil, invalid("vpnTunnelSpec is required")
	}
	vc, e := s.findVpn(c, sp.VpnConnectionId)
	if e != nil {
		return nil, e
	}
	g := s.st.cgws[vc.CgwId]
	if !slices.Contains(vc.CloudPublicIp, sp.CloudPublicIp) {
		return nil, invalid("cloudPublicIp %q is not one of VPN connection %s's addresses %v", sp.CloudPublicIp, vc.VpnConnectionId, vc.CloudPublicIp)
	}
	if g == nil || !slices.Contains(g.CustomerIps, sp.CustomerIp) {
		return nil, invalid("customerIp %q is not one of customer gateway %s's addresses", sp.CustomerIp, vc.CgwId)
	}
	if e := s.checkPSK(sp.Psk); e != nil {
		return nil, e
	}
	n := 0
	for _, t := range s.st.tunnels {
		if t.VpnConnectionId != vc.VpnConnectionId {
			continue
		}
		n++
		if t.CloudPublicIp == sp.CloudPublicIp && t.CustomerIp == sp.CustomerIp {
			return nil, errf(400, "ALREADY_EXISTS", "a tunnel between %s and %s already exists (%s): one tunnel per address pair", sp.CloudPublicIp, sp.CustomerIp, t.VpnTunnelId)
		}
	}
	if limit := len(vc.CloudPublicIp) * len(g.CustomerIps); n >= limit {
		return nil, quota("tunnels of this VPN connection (cloud IPs × customer IPs)", limit)
	}
	// tunnelIp is Optional in VpnTunnelSpec.go; JD Cloud would then pick
	// one, which the stand-in does not model: hybridplan always sends it.
	if sp.TunnelIp == nil {
		return nil, invalid("tunnelIp is required by this stand-in (JD Cloud would choose one; hybridplan always sends it)")
	}
	inside, err := netip.ParsePrefix(*sp.TunnelIp)
	if err != nil || !inside.Addr().Is4() || inside.Bits() != s.profile.Tunnel.InsidePrefixLength || inside.Masked() != inside {
		return nil, invalid("tunnelIp %q must be an IPv4 /%d network", *sp.TunnelIp, s.profile.Tunnel.InsidePrefixLength)
	}
	if !slices.ContainsFunc(s.profile.Tunnel.InsideAllowed, func(p netip.Prefix) bool { return p.Bits() <= inside.Bits() && p.Contains(inside.Addr()) }) {
		return nil, invalid("tunnelIp %s is outside %v", inside, s.profile.Tunnel.InsideAllowed)
	}
	for _, t := range s.st.tunnels {
		o, _ := netip.ParsePrefix(t.TunnelIp)
		if v := s.st.vpns[t.VpnConnectionId]; v != nil && v.BgwId == vc.BgwId && o.Overlaps(inside) {
			return nil, invalid("tunnelIp %s overlaps tunnel %s on the same border gateway", inside, t.VpnTunnelId)
		}
	}
	local := netip.Addr{}
	if sp.LocalTunnelIp != nil {
		local, err = netip.ParseAddr(*sp.LocalTunnelIp)
		if err != nil || !inside.Contains(local) || local == inside.Addr() || local == lastAddr(inside) {
			return nil, invalid("localTunnelIp %q must be inside %s and neither its first nor its last address", *sp.LocalTunnelIp, inside)
		}
	} else {
		local = inside.Addr().Next()
	}
	remote := local.Next()
	if remote == lastAddr(inside) {
		remote = inside.Addr().Next()
	}
	if remote == local {
		remote = local.Next()
	}
	p := s.profile
	var ae *apiError
	t := bgw.VpnTunnel{VpnConnectionId: vc.VpnConnectionId, CloudPublicIp: sp.CloudPublicIp, CustomerIp: sp.CustomerIp, Psk: sp.Psk,
		LocalIp: sp.CloudPublicIp, RemoteIp: sp.CustomerIp, TunnelIp: inside.String(), LocalTunnelIp: local.String(), RemoteTunnelIp: remote.String(),
		AdminStatus: "UP", CreatedTime: s.created()}
	// Each optional field: absent takes VpnTunnelSpec.go's default; present
	// (even as "" or 0) must be one of the documented values.
	for _, f := range []struct {
		field string
		in    *string
		out   *string
		def   string
		ok    []string
	}{
		{"ikeVersion", sp.IkeVersion, &t.IkeVersion, p.IKE.Default.Version, p.IKE.Versions},
		{"ikeMode", sp.IkeMode, &t.IkeMode, p.IKE.Default.Mode, p.IKE.Modes},
		{"ikeKeyExchange", sp.IkeKeyExchange, &t.IkeKeyExchange, p.IKE.Default.DHGroup, p.IKE.DHGroups},
		{"ikeCipher", sp.IkeCipher, &t.IkeCipher, p.IKE.Default.Cipher, p.IKE.Ciphers},
		{"ikeAuth", sp.IkeAuth, &t.IkeAuth, p.IKE.Default.Auth, p.IKE.Auths},
		{"ipsecCipher", sp.IpsecCipher, &t.IpsecCipher, p.IPsec.Default.Cipher, p.IPsec.Ciphers},
		{"ipsecAuth", sp.IpsecAuth, &t.IpsecAuth, p.IPsec.Default.Auth, p.IPsec.Auths},
		// No PFS is null (absent): "" is not a DH group.
		// The profile's "none" is the plan's word for that, not a wire value.
		{"ipsecKeyExchange", sp.IpsecKeyExchange, &t.IpsecKeyExchange, "", slices.DeleteFunc(slices.Clone(p.IPsec.PFS), func(g string) bool { return g == "none" })},
	} {
		if *f.out, ae = oneOf(f.field, f.in, f.def, f.ok); ae != nil {
			return nil, ae
		}
	}
	if sp.IkeDpdSec != nil && !slices.Contains(p.IKE.DPDSeconds, *sp.IkeDpdSec) {
		return nil, invalid("ikeDpdSec %d: use one of %v", *sp.IkeDpdSec, p.IKE.DPDSeconds)
	}
	t.IkeDpdSec = p.IKE.DefaultDPDSecond
	if sp.IkeDpdSec != nil {
		t.IkeDpdSec = *sp.IkeDpdSec
	}
	if t.IkeSaLifeSec, ae = intIn("ikeSaLifeSec", sp.IkeSaLifeSec, p.IKE.LifetimeSeconds, p.IKE.Default.LifetimeSeconds); ae != nil {
		return nil, ae
	}
	if t.IpsecSaLifeSec, ae = intIn("ipsecSaLifeSec", sp.IpsecSaLifeSec, p.IPsec.LifetimeSeconds, p.IPsec.Default.LifetimeSeconds); ae != nil {
		return nil, ae
	}
	// bandwidthMbps is Optional with range [1,1500]: absent means no limit,
	// a present 0 is out of range.
	if t.BandwidthMbps, ae = intIn("bandwidthMbps", sp.BandwidthMbps, p.Tunnel.BandwidthMbps, 0); ae != nil {
		return nil, ae
	}
	t.IpsecSaLifepkt, t.IpsecSaLifebyte = deref(sp.IpsecSaLifepkt), deref(sp.IpsecSaLifebyte)
	t.VpnTunnelId = s.newID("vpnt")
	t.UpdatedTime = t.CreatedTime
	s.st.tunnels[t.VpnTunnelId] = &tunnelRes{region: c.region, VpnTunnel: t}
	return map[string]string{"vpnTunnelId": t.VpnTunnelId}, nil
}

func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v |= host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

func (s *Server) describeTunnels(c call) (any, *apiError) {
	lq, e := parseList(c.query, "vpnTunnelIds", "vpnConnectionId")
	if e != nil {
		return nil, e
	}
	var out []bgw.VpnTunnel
	for _, k := range sortedKeys(s.st.tunnels) {
		t := s.st.tunnels[k]
		if t.region == c.region && lq.match(map[string]string{"vpnTunnelIds": t.VpnTunnelId, "vpnConnectionId": t.VpnConnectionId}) {
			out = append(out, s.tunnelView(t))
		}
	}
	return map[string]any{"vpnTunnels": pageOf(out, lq), "totalCount": len(out)}, nil
}

func (s *Server) findTunnel(c call) (*tunnelRes, *apiError) {
	t, ok := s.st.tunnels[c.id]
	if !ok || t.region != c.region {
		return nil, notFound("VPN tunnel %s not found in %s", c.id, c.region)
	}
	return t, nil
}

func (s *Server) describeTunnel(c call) (any, *apiError) {
	t, e := s.findTunnel(c)
	if e != nil {
		return nil, e
	}
	return map[string]any{"vpnTunnel": s.tunnelView(t)}, nil
}

// deleteTunnel refuses a tunnel whose management status is UP: JD Cloud
// deletes a tunnel only when it is DOWN (VPN-Tunnel-Configuration.md), and
// tunnels start UP.
func (s *Server) deleteTunnel(c call) (any, *apiError) {
	t, e := s.findTunnel(c)
	if e != nil {
		return nil, e
	}
	if t.AdminStatus != "DOWN" {
		return nil, errf(400, "FAILED_PRECONDITION", "VPN tunnel %s has admin status %s: set it DOWN (modifyAdminStatus) before deleting it", c.id, t.AdminStatus)
	}
	delete(s.st.tunnels, c.id)
	return map[string]any{}, nil
}

// modifyAdminStatus is the SDK's generated ModifyAdminStatus: POST
// .../vpnTunnels/{vpnTunnelId}:adminStatus with adminStatus UP or DOWN.
func (s *Server) modifyAdminStatus(c call) (any, *apiError) {
	var req struct {
		RegionId    string  `json:"regionId"`
		VpnTunnelId string  `json:"vpnTunnelId"`
		AdminStatus *string `json:"adminStatus"`
	}
	if e := decode(c.body, &req); e != nil {
		return nil, e
	}
	if e := checkRegion(c, req.RegionId); e != nil {
		return nil, e
	}
	if req.VpnTunnelId != c.id {
		return nil, invalid("vpnTunnelId %q in the body differs from %q in the path", req.VpnTunnelId, c.id)
	}
	t, e := s.findTunnel(c)
	if e != nil {
		return nil, e
	}
	if req.AdminStatus == nil {
		return nil, invalid("adminStatus is required: UP or DOWN")
	}
	st, e := oneOf("adminStatus", req.AdminStatus, "", []string{"UP", "DOWN"})
	if e != nil {
		return nil, e
	}
	t.AdminStatus = st
	t.UpdatedTime = s.created()
	return map[string]any{}, nil
}

// describeQuota answers the quota of one resource type (models/Quota.go
// of bgw and vpc): type, parentResourceId, maxLimit and count.
func (s *Server) describeQuota(c call) (any, *apiError) {
	var typ, parent string
	for k, vs := range c.query {
		switch k {
		case "type":
			typ = vs[0]
		case "parentResourceId":
			parent = vs[0]
		default:
			return nil, invalid("unknown query parameter %q", k)
		}
	}
	q := s.profile.Quotas
	count := func(n int, limit int) (any, *apiError) {
		return map[string]any{"quota": map[string]any{"type": typ, "parentResourceId": parent, "maxLimit": limit, "count": n}}, nil
	}
	n := 0
	switch c.service + "/" + typ {
	case "bgw/bgw":
		for _, b := range s.st.bgws {
			if b.region == c.region {
				n++
			}
		}
		return count(n, q.BorderGatewaysPerRegion)
	case "bgw/customer_gateway":
		for _, g := range s.st.cgws {
			if g.region == c.region {
				n++
			}
		}
		return count(n, q.CustomerGatewaysPerRegion)
	case "bgw/connection":
		for _, k := range s.st.connections {
			if k.region == c.region {
				n++
			}
		}
		return count(n, q.ConnectionsPerRegion)
	case "bgw/vpc_attachment", "bgw/vpn_connection", "bgw/vif":
		if parent == "" {
			return nil, invalid("quota type %s needs parentResourceId", typ)
		}
		switch typ {
		case "vpc_attachment":
			for _, a := range s.st.attachments {
				if a.BgwId == parent {
					n++
				}
			}
			return count(n, q.AttachmentsPerBorderGateway)
		case "vpn_connection":
			for _, v := range s.st.vpns {
				if v.BgwId == parent {
					n++
				}
			}
			return count(n, q.VPNConnectionsPerBorderGateway)
		default:
			for _, v := range s.st.vifs {
				if v.ConnectionId == parent {
					n++
				}
			}
			return count(n, q.PrivateInterfacesPerConnection)
		}
	}
	return nil, invalid("quota type %q is not one the stand-in models for service %s", typ, c.service)
}

// Physical connections.

func (s *Server) describeConnections(c call) (any, *apiError) {
	lq, e := parseList(c.query, "connectionIds", "connectionNames", "types", "status")
	if e != nil {
		return nil, e
	}
	var out []bgw.Connection
	for _, k := range sortedKeys(s.st.connections) {
		cn := s.st.connections[k]
		if cn.region != c.region || !lq.match(map[string]string{"connectionIds": cn.ConnectionId, "connectionNames": cn.ConnectionName, "types": cn.Type, "status": cn.ConnectionStatus}) {
			continue
		}
		v := cn.Connection
		v.VifIds = []string{}
		for _, id := range sortedKeys(s.st.vifs) {
			if s.st.vifs[id].ConnectionId == cn.ConnectionId {
				v.VifIds = append(v.VifIds, id)
			}
		}
		out = append(out, v)
	}
	return map[string]any{"connections": pageOf(out, lq), "totalCount": len(out)}, nil
}
