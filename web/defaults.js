// Good starting values for new parts of a plan, taken from the JD Cloud
// profile (the core's defaultProfile()) and from what the plan already holds,
// so that an added row is usually valid as it stands: the next free VLAN, the
// next free /30, a tunnel for the next unused pair of public IPs.

function v4ToInt(s) {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (!m) return null;
  const o = m.slice(1).map(Number);
  if (o.some((x) => x > 255)) return null;
  return ((o[0] << 24) >>> 0) + (o[1] << 16) + (o[2] << 8) + o[3];
}

function intToV4(n) {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/**
 * nextBlock returns the first /bits block at or after start that overlaps
 * none of the used IPv4 prefixes.
 */
export function nextBlock(used, start, bits) {
  const size = 2 ** (32 - bits);
  const ranges = [];
  for (const p of used) {
    const [a, l] = String(p || '').split('/');
    const n = v4ToInt(a);
    const len = Number(l);
    if (n === null || !(len >= 0 && len <= 32)) continue;
    const sz = 2 ** (32 - len);
    const lo = n - (n % sz);
    ranges.push([lo, lo + sz - 1]);
  }
  let cur = v4ToInt(start);
  cur -= cur % size;
  for (let guard = 0; guard < 65536; guard++, cur += size) {
    const hi = cur + size - 1;
    if (!ranges.some(([lo, h]) => lo <= hi && cur <= h)) return `${intToV4(cur)}/${bits}`;
  }
  return `${start}/${bits}`;
}

const nextName = (arr, prefix) => {
  const names = new Set(arr.map((x) => x.name));
  let i = arr.length + 1;
  while (names.has(`${prefix}${i}`)) i++;
  return `${prefix}${i}`;
};

export const newSegment = (arr) => ({ name: nextName(arr, 'segment-'), cidr: '' });
export const newSubnet = (arr) => ({ name: nextName(arr, 'subnet-'), cidr: '' });
export const newAttachment = (arr) => ({ name: nextName(arr, 'attach-'), vpcName: '', cidrs: [], propagation: { mode: 'all' } });

export function newOverride(arr, plan) {
  const done = new Set(arr.map((o) => o.segment));
  const seg = (plan.idc?.segments || []).find((s) => !done.has(s.name));
  return { segment: seg ? seg.name : '' };
}

export function newInterface(arr, profile) {
  const vlans = arr.map((x) => Number(x.vlan)).filter(Number.isFinite);
  const vlan = vlans.length ? Math.min(Math.max(...vlans) + 1, profile.vlan.max) : Math.max(100, profile.vlan.min);
  const bits = profile.interconnect.prefixLength;
  const first = arr.find((x) => x.interconnect)?.interconnect?.split('/')[0] || '10.254.0.0';
  const bfdMin = Math.max(300, profile.healthCheck.bfdIntervalMillis.min);
  return {
    name: nextName(arr, 'pvif-'),
    vlan,
    interconnect: nextBlock(arr.map((x) => x.interconnect), first, bits),
    healthCheck: { type: 'bfd', bfd: { minTxMillis: bfdMin, minRxMillis: bfdMin, multiplier: profile.healthCheck.bfdMultiplier.min } },
  };
}

export function newTunnel(arr, plan, profile) {
  const cloud = plan.vpn?.connection?.cloudPublicIps || [];
  const cust = plan.vpn?.customerGateway?.publicIps || [];
  const taken = new Set(arr.map((t) => `${t.cloudPublicIp}|${t.customerPublicIp}`));
  let pair = ['', ''];
  outer: for (const c of cust) {
    for (const k of cloud) {
      if (!taken.has(`${k}|${c}`)) { pair = [k, c]; break outer; }
    }
  }
  const bits = profile.tunnel.insidePrefixLength;
  const first = arr.find((t) => t.insideCidr)?.insideCidr?.split('/')[0] || '169.254.10.0';
  const n = arr.length + 1;
  return {
    name: nextName(arr, 'tun-'),
    cloudPublicIp: pair[0],
    customerPublicIp: pair[1],
    insideCidr: nextBlock(arr.map((t) => t.insideCidr), first, bits),
    pskRef: `env:HYBRIDPLAN_PSK_TUN${n}`,
    ike: {},
    ipsec: {},
  };
}

export function newDirectConnection(plan, profile) {
  const dc = { connectionId: '', interfaces: [] };
  dc.interfaces.push(newInterface(dc.interfaces, profile));
  return dc;
}

export function newVPN(plan, profile) {
  return {
    customerGateway: { name: 'cgw-1', publicIps: [] },
    connection: { name: 'vpn-1', cloudPublicIps: [] },
    tunnels: [],
  };
}

/** newPlan is an empty plan with the profile's defaults, ready to fill in. */
export function newPlan(profile) {
  const p = {
    version: 1,
    name: 'new-plan',
    region: 'cn-north-1',
    idc: { name: 'idc', asn: profile.asn.customer.min, routerId: '', segments: [{ name: 'segment-1', cidr: '' }] },
    borderGateway: { name: 'bgw-1', attachments: [{ name: 'attach-1', vpcName: '', cidrs: [], propagation: { mode: 'all' } }] },
    strategy: { mode: 'prefix-split', prefixSplit: { extraBits: 1 }, localPreference: { directConnection: 200, vpn: 100 } },
  };
  p.directConnection = newDirectConnection(p, profile);
  p.vpn = newVPN(p, profile);
  return p;
}
