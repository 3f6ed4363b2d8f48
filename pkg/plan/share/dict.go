package share

// dictionaryV1 is the preset deflate dictionary of "p1." links. Deflate
// starts each link with an empty window; priming it with the schema's field
// names and common values lets even the first occurrence of
// "customerPublicIp" or "localPreference" cost a back-reference instead of
// its letters, which is most of a small plan's size.
//
// It is part of the link format: links already sent to people decode only
// with exactly these bytes. NEVER EDIT IT. A better dictionary needs a new
// format version ("p2.") with its own constant, and decoders keep this one.
//
// It is a skeleton of a plan as Go marshals one (field order of the model's
// structs), rarest parts first: deflate encodes nearer matches with fewer
// bits, so the common structure sits at the end. Values are placeholders
// typical of real plans (RFC 1918 blocks, JD Cloud regions and ASNs, the
// profile's IKE/IPsec names), never a particular example.
const dictionaryV1 = `"profile":{"asn":{"borderGateway":65000,"customer":{"min":65001,"max":65499},"vpnLocal":{"min":64512,"max":65534},"directConnectionPeer":65000,"directConnectionPathToCustomer":[65000],"vpnPathToCustomer":[65000]},"vlan":{"min":2,"max":4000},"interconnect":{"prefixLength":30,"allowed":["10.0.0.0/8","172.16.0.0/12","192.168.0.0/16"]},"tunnel":{"insidePrefixLength":30,"insideAllowed":["169.254.0.0/20"],"bandwidthMbps":{"min":1,"max":1500},"mtu":1450},"healthCheck":{"nqaIntervalSeconds":{"min":1,"max":20},"nqaCount":{"min":3,"max":8},"nqaTimeoutSeconds":{"min":1,"max":10},"bfdIntervalMillis":{"min":200,"max":1000},"bfdMultiplier":{"min":3,"max":10}},"ike":{"versions":["v1","v2"],"modes":["main","aggressive"],"dhGroups":["modp1024","modp1536","modp2048","ecp256","ecp384"],"ciphers":["aes128","aes192","aes256","3des"],"auths":["sha1","sha256","sha384"],"dpdSeconds":[0,10],"lifetimeSeconds":{"min":60,"max":86400},"default":{},"defaultDpdSeconds":10},"ipsec":{"pfs":["none"]},"psk":{"maxLength":20,"alphabet":"","forbiddenPrefixes":["0x","0s"]},"borderGateway":{"nextHopPriority":{"vpcAttachment":100,"privateInterface":120,"vpnConnection":140},"routeDistance":{"static":100,"vpcPropagation":120,"ebgp":150,"ibgp":200}},"quotas":{"borderGatewaysPerRegion":5,"attachmentsPerBorderGateway":50,"staticRoutesPerBorderGateway":50,"dynamicRoutesPerBorderGateway":300,"connectionsPerRegion":10,"privateInterfacesPerConnection":50,"customerGatewaysPerRegion":10,"vpnConnectionsPerBorderGateway":10},"customerGatewayIpCounts":[1,2,4],"vpnCloudPublicIps":2}}` +
	`"strategy":{"mode":"as-path","asPath":{"prepend":3}},` +
	`"strategy":{"mode":"prefix-split","prefixSplit":{"extraBits":1,"overrides":[{"segment":"","directConnection":["10.0.0.0/24"],"vpn":["10.0.0.0/16"]}],"vpnAggregates":["10.0.0.0/8"]},"localPreference":{"directConnection":200,"vpn":100}}` +
	`"healthCheck":{"type":"nqa","nqa":{"intervalSeconds":2,"count":3,"timeoutSeconds":2}}},` +
	`"interconnectIpv6":"2001:db8::/126","customerAsn":65001,"cloudAsn":65000,` +
	`"insideCidrIpv6":"2001:db8::/126","cloudInsideIp":"169.254.0.1","customerInsideIp":"169.254.0.2",` +
	`"ike":{"version":"v2","mode":"main","dhGroup":"ecp256","cipher":"aes256","auth":"sha256","dpdSeconds":10,"lifetimeSeconds":14400},"ipsec":{"cipher":"aes256","auth":"sha256","pfs":"none","lifetimeSeconds":3600}}` +
	`{"name":"data","id":"subnet-","cidr":"10.1.0.0/24"}],"propagation":{"mode":"subnets","subnets":["` +
	`{"version":1,"name":"","description":"An IDC reaches a VPC over Direct Connection with an IPsec VPN as backup, both running BGP.","region":"cn-north-1","region":"cn-east-2","region":"cn-south-1",` +
	`"idc":{"name":"-idc","asn":65001,"routerId":"10.255.255.1","segments":[{"name":"idc-","cidr":"192.168.0.0/16"},{"name":"idc-","cidr":"172.16.0.0/16","description":""}]},` +
	`"borderGateway":{"name":"bgw-","description":"","asn":65000,"attachments":[{"name":"attach-","vpcId":"vpc-","vpcName":"","cidrs":["10.0.0.0/16"],"subnets":[{"name":"","id":"subnet-","cidr":"10.0.0.0/24"}],"propagation":{"mode":"all"},"routeTables":["rtb-"]}]},` +
	`"directConnection":{"connectionId":"dc-","interfaces":[{"name":"pvif-","vlan":100,"bandwidthMbps":1000,"interconnect":"10.254.0.0/30","healthCheck":{"type":"bfd","bfd":{"minTxMillis":300,"minRxMillis":300,"multiplier":3}}}]},` +
	`"vpn":{"customerGateway":{"name":"cgw-","publicIps":["203.0.113.1"]},"connection":{"name":"vpn-","cloudPublicIps":["198.51.100.1","198.51.100.2"]},` +
	`"tunnels":[{"name":"tun-1","cloudPublicIp":"198.51.100.1","customerPublicIp":"203.0.113.1","insideCidr":"169.254.0.0/30","bandwidthMbps":200,"pskRef":"env:","ike":{},"ipsec":{}},` +
	`{"name":"tun-2","cloudPublicIp":"198.51.100.2","customerPublicIp":"203.0.113.1","insideCidr":"169.254.0.4/30","bandwidthMbps":200,"pskRef":"file:/etc/hybridplan/psk-","ike":{},"ipsec":{}}]},` +
	`"strategy":{"mode":"prefix-split","prefixSplit":{"extraBits":1},"localPreference":{"directConnection":200,"vpn":100}}}`
