// The topology diagram, as a self-contained SVG string (its styles inside,
// so the same markup is shown in the page and downloaded as a file).
//
//   IDC ── customer router ══ Direct Connection interfaces ══ border gateway ── attachments ── VPCs
//                          ╲─ VPN tunnels ────────────────╱
//
// The state of each session (carrying traffic one way, both ways, idle, or
// failed) comes from the simulation of the chosen scenario; without one the
// diagram shows the plan's shape only.

import { esc } from './dom.js';

// Wide enough that a VPC box holds a whole IPv6 CIDR.
const W = 1060;
const style = `
.n rect{fill:#fff;stroke:#8a94a6;stroke-width:1.2}
.n .t{font:600 15px system-ui,sans-serif;fill:#1d2430}
.n .s{font:13px ui-monospace,Menlo,Consolas,monospace;fill:#4a5568}
.n.idc rect{fill:#f3f6fa}.n.vpc rect{fill:#f3f8f4}
.l{fill:none;stroke:#b8c0cc;stroke-width:2}
.l.dc{stroke:#9db7e0}.l.vpn{stroke:#e3c48f;stroke-dasharray:7 4}
.l.on.dc{stroke:#1f5fbf;stroke-width:5}.l.on.vpn{stroke:#b7791f;stroke-width:5;stroke-dasharray:none}
.l.on.att{stroke:#2f855a;stroke-width:4}
.l.down{stroke:#c62828;stroke-width:2;stroke-dasharray:3 4}
.lbl{font:13px system-ui,sans-serif;fill:#4a5568;paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}
.lbl.on{fill:#1d2430;font-weight:600}.lbl.down{fill:#c62828}
.x{stroke:#c62828;stroke-width:3}
.head{stroke:#fff;stroke-width:1.5}.head.dc{fill:#1f5fbf}.head.vpn{fill:#b7791f}
.legend{font:13px system-ui,sans-serif;fill:#4a5568}
`;

// Text metrics of the diagram's fonts, to keep text inside its box.
const monoChar = 7.9, titleChar = 8.6, lineH = 17;

const fit = (text, width, charW) => {
  const max = Math.floor(width / charW);
  return text.length > max ? text.slice(0, Math.max(1, max - 1)) + '…' : text;
};

function box(cls, x, y, w, hgt, title, lines) {
  let s = `<g class="n ${cls}"><rect x="${x}" y="${y}" width="${w}" height="${hgt}" rx="6"/>`;
  s += `<text class="t" x="${x + 10}" y="${y + 21}">${esc(fit(title, w - 16, titleChar))}</text>`;
  lines.forEach((ln, i) => { s += `<text class="s" x="${x + 10}" y="${y + 40 + i * lineH}">${esc(fit(ln, w - 16, monoChar))}</text>`; });
  return s + '</g>';
}

// clip returns a new list (never the plan's own) of at most n lines.
const clip = (list, n) => (list.length > n ? [...list.slice(0, n - 1), `+${list.length - n + 1} more`] : [...list]);

/**
 * adoptDiagramStyle gives the page the diagram's styles, scoped to
 * .diagram svg, as a constructed style sheet: the page shows the SVG
 * without its own <style> element, which a Content-Security-Policy
 * without 'unsafe-inline' would block. The downloaded file keeps it.
 */
export function adoptDiagramStyle(doc = document) {
  if (!doc.adoptedStyleSheets || typeof CSSStyleSheet !== 'function') return false;
  const scoped = style.replace(/([^{}]+)\{([^}]*)\}/g, (_, sel, body) =>
    `${sel.split(',').map((x) => `.diagram svg ${x.trim()}`).join(',')}{${body}}`);
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(scoped);
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  return true;
}

/**
 * diagramSVG draws the plan. state: {sessions: Map(name → {up: bool,
 * toCloud: bool, toIDC: bool}), attachments: Set(names carrying traffic),
 * caption: string} or null.
 */
export function diagramSVG(plan, state, { embedStyle = true } = {}) {
  const segs = plan.idc?.segments || [];
  const ifs = (plan.directConnection?.interfaces || []).map((x) => ({ kind: 'dc', name: x.name, sub: `VLAN ${x.vlan ?? '?'} · ${x.interconnect || ''}` }));
  const tuns = (plan.vpn?.tunnels || []).map((t) => ({ kind: 'vpn', name: t.name, sub: t.insideCidr || '' }));
  const links = [...ifs, ...tuns];
  const atts = plan.borderGateway?.attachments || [];

  const linkGap = 54;
  // The box shows the first segments and a count: of a 5,000-segment plan
  // only those are written out.
  const segLine = (x) => `${x.cidr || '?'} ${x.name || ''}`;
  const idcLines = segs.length > 8 ? [...segs.slice(0, 7).map(segLine), `+${segs.length - 7} more`] : segs.map(segLine);
  const idcH = 46 + idcLines.length * lineH;
  const vpcLines = (a) => {
    const lines = clip(a.cidrs || [], 3);
    if (a.propagation?.mode === 'subnets') {
      const n = (a.propagation.subnets || []).length;
      lines.push(`${n} of ${(a.subnets || []).length} subnets`);
    }
    return lines;
  };
  const vpcH = (a) => 46 + vpcLines(a).length * lineH;
  const vpcTotal = atts.reduce((s, a) => s + vpcH(a) + 14, 0);
  const H = Math.max(240, 70 + links.length * linkGap, idcH + 60, vpcTotal + 50) + 34;
  const midY = (H - 34) / 2;

  const crX = 254, crW = 156, bgX = 640, bgW = 150, vpcX = 810, vpcW = 240;
  let s = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui,sans-serif">${embedStyle ? `<style>${style}</style>` : ''}`;
  s += `<title>Topology of ${esc(plan.name || 'the plan')}</title>`;

  // IDC and customer router.
  const idcY = Math.max(10, midY - idcH / 2);
  s += box('idc', 10, idcY, 226, idcH, `IDC ${plan.idc?.name || ''}`.trim(), idcLines.length ? idcLines : ['no segments yet']);
  const anyIDC = state && [...state.sessions.values()].some((x) => x.toCloud || x.toIDC);
  s += `<path class="l${anyIDC ? ' on att' : ''}" d="M236 ${midY} H${crX}"/>`;
  s += box('cr', crX, midY - 34, crW, 68, 'Customer router', [`AS ${plan.idc?.asn ?? '?'}`, plan.idc?.routerId ? `id ${plan.idc.routerId}` : '']);

  // Border gateway.
  const bgwASN = plan.borderGateway?.asn || 65000;
  s += box('bgw', bgX, midY - 34, bgW, 68, 'Border gateway', [`${plan.borderGateway?.name || ''}`, `AS ${bgwASN}`]);

  // Sessions between them: Direct Connection above, VPN below.
  const top = midY - ((links.length - 1) * linkGap) / 2;
  links.forEach((ln, i) => {
    const y = top + i * linkGap;
    const st = state?.sessions.get(ln.name);
    const on = st && st.up && (st.toCloud || st.toIDC);
    const down = st && !st.up;
    const cls = `l ${ln.kind}${on ? ' on' : ''}${down ? ' down' : ''}`;
    const x1 = crX + crW, x2 = bgX;
    const y1 = midY + Math.max(-24, Math.min(24, (y - midY) * 0.3)), y2 = y1;
    s += `<path class="${cls}" d="M${x1} ${y1} C${x1 + 35} ${y1}, ${x1 + 25} ${y}, ${x1 + 60} ${y} H${x2 - 60} C${x2 - 25} ${y}, ${x2 - 35} ${y2}, ${x2} ${y2}" data-session="${esc(ln.name)}" data-kind="${ln.kind}" data-state="${on ? 'active' : down ? 'down' : 'idle'}"/>`;
    const lx = (x1 + x2) / 2 + (ln.kind === 'dc' ? 0 : 0);
    const kindName = ln.kind === 'dc' ? 'Direct Connection' : 'VPN';
    s += `<text class="lbl${on ? ' on' : ''}${down ? ' down' : ''}" x="${lx}" y="${y - 10}" text-anchor="middle">${esc(kindName)} · ${esc(ln.name || '?')}</text>`;
    s += `<text class="lbl" x="${lx}" y="${y + 20}" text-anchor="middle">${esc(ln.sub)}</text>`;
    if (down) s += `<path class="x" d="M${lx - 6} ${y - 6} l12 12 M${lx + 6} ${y - 6} l-12 12"/>`;
    if (on) {
      // Arrowheads on the line say which way this session carries traffic.
      if (st.toCloud) s += `<path class="head ${ln.kind}" data-dir="to-cloud" d="M${x2 - 70} ${y - 7} l12 7 l-12 7 z"/>`;
      if (st.toIDC) s += `<path class="head ${ln.kind}" data-dir="to-idc" d="M${x1 + 70} ${y - 7} l-12 7 l12 7 z"/>`;
    }
  });
  if (links.length === 0) s += `<text class="lbl" x="${(crX + crW + bgX) / 2}" y="${midY - 8}" text-anchor="middle">no Direct Connection or VPN yet</text>`;

  // Attachments and VPCs.
  let y = Math.max(10, midY - vpcTotal / 2);
  for (const a of atts) {
    const hh = vpcH(a);
    const cy = y + hh / 2;
    const on = state?.attachments.has(a.name);
    s += `<path class="l att${on ? ' on' : ''}" d="M${bgX + bgW} ${midY} C${bgX + bgW + 30} ${midY}, ${vpcX - 30} ${cy}, ${vpcX} ${cy}" data-attachment="${esc(a.name)}"/>`;
    s += box('vpc', vpcX, y, vpcW, hh, `VPC ${a.vpcName || a.name || ''}`, vpcLines(a));
    y += hh + 14;
  }

  // Legend.
  const ly = H - 14;
  const legend = [
    ['l dc on', 'Direct Connection in use', 172], ['l vpn on', 'VPN in use', 84],
    ['l down', 'failed', 52], ['l dc', 'Direct Connection idle', 150], ['l vpn', 'VPN idle', 62],
  ];
  s += '<g class="legend">';
  let lx = 10;
  for (const [cls, text, w] of legend) {
    s += `<path class="${cls}" d="M${lx} ${ly - 4} h26"/><text x="${lx + 32}" y="${ly}">${text}</text>`;
    lx += 32 + w;
  }
  s += `<path class="head dc" d="M${lx} ${ly - 10} l12 6 l-12 6 z"/><text x="${lx + 18}" y="${ly}">towards the cloud</text>`;
  lx += 18 + 132;
  s += `<path class="head dc" d="M${lx + 12} ${ly - 10} l-12 6 l12 6 z"/><text x="${lx + 18}" y="${ly}">towards the IDC</text></g>`;
  return s + '</svg>';
}
