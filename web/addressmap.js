// The address map: the plan's IPv4 blocks laid out on the address spaces
// they live in, with the free blocks between them offered as buttons that
// fill the CIDR field last focused in the editor — what a subnet
// calculator gives, next to the plan. Only blocks that overlap nothing in
// the plan are offered. (IPv6 plans have room to spare; the map shows IPv4.)

import { h, replaceChildren } from './dom.js';

const $ = (id) => document.getElementById(id);

// A space shows at most this many free blocks; the rest are one size
// smaller choices away.
const maxFreePerSpace = 8;

// A space with more blocks than this draws its bar as runs of touching
// blocks and lists only the first ones: a 5,000-segment plan would
// otherwise put 10,000 elements in the page on every pause in typing,
// a main-thread task of a quarter second (issue 14).
const maxDrawnPerSpace = 200;
const maxListedPerSpace = 100;

/** runs merges sorted blocks that touch or overlap into [lo, hi, count]. */
function runs(sorted) {
  const out = [];
  for (const b of sorted) {
    const last = out[out.length - 1];
    if (last && b.lo <= last[1] + 1) { last[1] = Math.max(last[1], b.hi); last[2]++; } else out.push([b.lo, b.hi, 1]);
  }
  return out;
}

// Private and link-local ranges: a plan's blocks are drawn on the one
// that holds them; anything else on its /8.
const knownSpaces = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'];

function v4(s) {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const o = m.slice(1).map(Number);
  if (o.some((x) => x > 255)) return null;
  return o[0] * 2 ** 24 + o[1] * 2 ** 16 + o[2] * 2 ** 8 + o[3];
}

const v4s = (n) => [Math.floor(n / 2 ** 24) % 256, Math.floor(n / 2 ** 16) % 256, Math.floor(n / 2 ** 8) % 256, n % 256].join('.');

/** parse reads an IPv4 CIDR into {lo, hi, bits, cidr} (masked), or null. */
export function parse(s) {
  const [a, l, extra] = String(s || '').trim().split('/');
  if (extra !== undefined || l === undefined || !/^\d{1,2}$/.test(l)) return null;
  const n = v4(a), bits = Number(l);
  if (n === null || bits > 32) return null;
  const size = 2 ** (32 - bits);
  const lo = n - (n % size);
  return { lo, hi: lo + size - 1, bits, cidr: `${v4s(lo)}/${bits}` };
}

/** planBlocks lists the plan's IPv4 blocks: [{cidr, what, path}]. */
export function planBlocks(plan) {
  const out = [];
  eachBlock(plan, (cidr, what, path) => { const p = parse(cidr); if (p) out.push({ ...p, what, path }); });
  return out;
}

/** eachBlock calls add(cidr, what, path) for every address block field of the plan, as written. */
function eachBlock(plan, add) {
  (plan?.idc?.segments || []).forEach((s, i) => add(s?.cidr, `IDC segment ${s?.name || i + 1}`, `$.idc.segments[${i}].cidr`));
  (plan?.borderGateway?.attachments || []).forEach((a, i) => {
    (a?.cidrs || []).forEach((c, j) => add(c, `VPC ${a?.vpcName || a?.name || i + 1}`, `$.borderGateway.attachments[${i}].cidrs[${j}]`));
    (a?.subnets || []).forEach((s, k) => add(s?.cidr, `subnet ${s?.name || k + 1} of VPC ${a?.vpcName || i + 1}`, `$.borderGateway.attachments[${i}].subnets[${k}].cidr`));
  });
  (plan?.directConnection?.interfaces || []).forEach((x, i) => add(x?.interconnect, `interconnect of ${x?.name || i + 1}`, `$.directConnection.interfaces[${i}].interconnect`));
  (plan?.vpn?.tunnels || []).forEach((t, i) => add(t?.insideCidr, `inside /30 of ${t?.name || i + 1}`, `$.vpn.tunnels[${i}].insideCidr`));
}

// Parsed once: spaceOf runs for each of a plan's blocks.
let knownParsed = null;

/** spaceOf is the address space a block is drawn on. */
function spaceOf(b) {
  knownParsed ??= knownSpaces.map(parse);
  for (const p of knownParsed) {
    if (b.lo >= p.lo && b.hi <= p.hi) return p;
  }
  return b.bits >= 8 ? parse(`${v4s(b.lo - (b.lo % 2 ** 24))}/8`) : b;
}

/** aligned splits lo..hi into the fewest CIDR blocks. */
function aligned(lo, hi) {
  const out = [];
  while (lo <= hi) {
    let size = 1;
    while (lo % (size * 2) === 0 && lo + size * 2 - 1 <= hi && size < 2 ** 32) size *= 2;
    out.push({ lo, hi: lo + size - 1, bits: 32 - Math.log2(size), cidr: `${v4s(lo)}/${32 - Math.log2(size)}` });
    lo += size;
  }
  return out;
}

/**
 * freeBlocks returns the blocks of space that overlap none of used: the
 * largest aligned ones (bits null), or the first blocks of /bits in each
 * gap. At most limit.
 */
export function freeBlocks(space, used, bits = null, limit = maxFreePerSpace) {
  const s = typeof space === 'string' ? parse(space) : space;
  const rs = used.map((u) => (typeof u === 'string' ? parse(u) : u)).filter((u) => u && u.hi >= s.lo && u.lo <= s.hi)
    .map((u) => [Math.max(u.lo, s.lo), Math.min(u.hi, s.hi)]).sort((a, b) => a[0] - b[0]);
  const gaps = [];
  let cur = s.lo;
  for (const [lo, hi] of rs) {
    if (lo > cur) gaps.push([cur, lo - 1]);
    cur = Math.max(cur, hi + 1);
  }
  if (cur <= s.hi) gaps.push([cur, s.hi]);
  const out = [];
  for (const [lo, hi] of gaps) {
    if (bits === null) {
      out.push(...aligned(lo, hi));
    } else {
      const size = 2 ** (32 - bits);
      let start = Math.ceil(lo / size) * size;
      for (let k = 0; k < 2 && start + size - 1 <= hi; k++, start += size) out.push({ lo: start, hi: start + size - 1, bits, cidr: `${v4s(start)}/${bits}` });
    }
  }
  // Largest first when offering whatever fits; in address order otherwise.
  if (bits === null) out.sort((a, b) => a.bits - b.bits || a.lo - b.lo);
  return out.slice(0, limit).map((b) => b.cidr);
}

// Fields the map can fill, and the block size they take by default.
const cidrField = /(\.cidr|\.cidrs|\.interconnect|\.insideCidr)$/;

export class AddressMap {
  constructor(page) {
    this.page = page;
    this.target = null; // the editor input last focused that takes a CIDR
    this.size = ''; // '' = what the target takes
    $('editor').addEventListener('focusin', (ev) => {
      const path = ev.target?.dataset?.path;
      if (path && cidrField.test(path) && ev.target.matches('input')) { this.target = ev.target; this.render(); }
    });
    $('address-map-size').addEventListener('change', (ev) => { this.size = ev.target.value; this.render(); });
  }

  /** bitsFor is the block size offered: the chosen one, or the target's. */
  bitsFor() {
    if (this.size === 'largest') return null;
    if (this.size) return Number(this.size);
    const path = this.target?.dataset.path || '';
    const pr = this.page.profile;
    if (path.endsWith('.insideCidr')) return pr?.tunnel?.insidePrefixLength ?? 30;
    if (path.endsWith('.interconnect')) return 30;
    return null;
  }

  render() {
    const out = $('address-map-out');
    if (!out) return;
    const plan = this.page.plan;
    if (this.target && !this.target.isConnected) {
      // The editor rebuilt its form, or its row left a windowed table: find
      // the same field again, or keep it while its row is only out of view.
      const path = this.target.dataset.path;
      const again = document.querySelector(`#editor input[data-path="${CSS.escape(path)}"]`);
      if (again) this.target = again;
      else if (!this.page.editor.inWindowedRow(path)) this.target = null;
    }
    if (this.target?.isConnected) this.targetLabel = this.target.labels?.[0]?.textContent;
    const label = this.target ? this.targetLabel : undefined;
    const bits = this.bitsFor();
    // Nothing the map shows changed (most keystrokes): keep it as it is.
    // The key is made from the fields as written, so an unchanged plan
    // costs no parsing.
    let key = `${this.target?.dataset.path ?? ''}\u0000${label ?? ''}\u0000${bits}`;
    eachBlock(plan, (cidr, what) => { key += `\u0000${cidr}\u0001${what}`; });
    if (key === this.shownKey && out.isConnected) return;
    this.shownKey = key;
    const blocks = planBlocks(plan);
    replaceChildren($('address-map-target'), this.target
      ? ['A click fills ', h('strong', null, label || 'the field'), ' ', h('span', { class: 'mono muted' }, this.target.dataset.path)]
      : 'Focus a CIDR field in the editor, then pick a free block to fill it.');
    if (!blocks.length) { replaceChildren(out, h('p', { class: 'muted' }, 'No IPv4 blocks in the plan yet.')); return; }
    const spaces = new Map();
    for (const b of blocks) {
      const s = spaceOf(b);
      if (!spaces.has(s.cidr)) spaces.set(s.cidr, { space: s, blocks: [] });
      spaces.get(s.cidr).blocks.push(b);
    }
    const rows = [...spaces.values()].sort((a, b) => a.space.lo - b.space.lo).map(({ space, blocks: bs }) => {
      const span = space.hi - space.lo + 1;
      const pos = (b) => ({ left: ((b.lo - space.lo) / span) * 100, width: ((b.hi - b.lo + 1) / span) * 100 });
      const free = bits !== null && bits < space.bits ? [] : freeBlocks(space, blocks, bits);
      bs.sort((a, b) => a.lo - b.lo);
      const used = bs.length <= maxDrawnPerSpace
        ? bs.map((b) => { const p = pos(b); return h('span', { class: 'amap-used', dataset: { used: b.cidr }, title: `${b.cidr} · ${b.what}`, style: { left: `${p.left}%`, width: `${p.width}%` } }); })
        : runs(bs).map(([lo, hi, n]) => { const p = pos({ lo, hi }); return h('span', { class: 'amap-used', title: `${v4s(lo)} – ${v4s(hi)} · ${n} block${n === 1 ? '' : 's'}`, style: { left: `${p.left}%`, width: `${p.width}%` } }); });
      const listed = bs.slice(0, maxListedPerSpace).map((b) => h('li', null, h('span', { class: 'mono' }, b.cidr), ' ', h('span', { class: 'muted' }, b.what)));
      if (bs.length > maxListedPerSpace) listed.push(h('li', { class: 'muted' }, `… and ${(bs.length - maxListedPerSpace).toLocaleString('en')} more blocks`));
      const bar = h('div', { class: 'amap-bar', 'aria-hidden': 'true' },
        used,
        free.map((c) => { const p = pos(parse(c)); return h('span', { class: 'amap-free', title: `${c} free`, style: { left: `${p.left}%`, width: `${p.width}%` } }); }));
      return h('div', { class: 'amap-space' },
        h('h3', null, space.cidr),
        bar,
        h('ul', { class: 'amap-used-list' }, listed),
        free.length
          ? h('div', { class: 'amap-free-list' }, h('span', { class: 'muted' }, 'Free: '),
            free.map((c) => h('button', { type: 'button', class: 'mono', dataset: { free: c }, disabled: !this.target, title: this.target ? `Fill ${label || 'the field'} with ${c}` : 'focus a CIDR field in the editor first', onclick: () => this.fill(c) }, c)))
          : h('p', { class: 'muted' }, bits !== null ? `No free /${bits} here.` : 'No free block here.'));
    });
    replaceChildren(out, rows);
  }

  /** fill puts a free block in the target field, as if typed (undoable). */
  fill(cidr) {
    let input = this.target;
    if (input && !input.isConnected) {
      // Its row scrolled out of a windowed table: bring it back.
      const path = input.dataset.path;
      this.page.editor.focusPath(path);
      input = document.querySelector(`#editor input[data-path="${CSS.escape(path)}"]`);
      this.target = input;
    }
    if (!input || !input.isConnected) return;
    const list = input.dataset.path.endsWith('.cidrs');
    input.value = list && input.value.trim() ? `${input.value.replace(/[\s,]+$/, '')}, ${cidr}` : cidr;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.focus({ preventScroll: false });
  }
}
