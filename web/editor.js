// The plan editor: a form over the whole plan document. Every input carries
// the JSON path of the field it edits (data-path, e.g. "$.idc.segments[1].cidr"),
// the same path the Go core puts in its findings, so a finding lands on the
// input at fault without any per-rule mapping.
//
// The plan is kept as the plain JSON object the core reads. Typing mutates it
// in place and reports the change; only structural edits (adding or removing
// a row, switching a mode) rebuild the form, so typing never loses focus.
//
// A table of more than windowFrom rows (a plan's thousands of IDC segments)
// is windowed (rowwindow.js): only the rows near the view are in the page.
// A finding on a row not in the page is shown when the row comes in;
// focusPath brings the row in first.

import { h, replaceChildren, idFor } from './dom.js';
import { RowWindow } from './rowwindow.js';
import { newSegment, newAttachment, newSubnet, newInterface, newTunnel, newOverride, newDirectConnection, newVPN } from './defaults.js';

/** pathString turns ['idc','segments',1,'cidr'] into "$.idc.segments[1].cidr". */
export function pathString(parts) {
  let s = '$';
  for (const p of parts) s += typeof p === 'number' ? `[${p}]` : `.${p}`;
  return s;
}

/** parentPaths yields a path and then each shorter path up to "$". */
export function* parentPaths(path) {
  let p = path;
  for (;;) {
    yield p;
    const m = /^(.*?)(\[\d+\]|\.[^.[\]]+)$/.exec(p);
    if (!m || m[1] === '') return;
    p = m[1];
  }
}

// Tables up to this many rows are rendered whole.
const windowFrom = 100;

/** indexIn is the row of list listPath that path is in, or -1. */
function indexIn(listPath, path) {
  if (!path || !path.startsWith(listPath + '[')) return -1;
  const m = /^\[(\d+)\]/.exec(path.slice(listPath.length));
  return m ? Number(m[1]) : -1;
}

const isInt = (s) => /^[+-]?\d+$/.test(s.trim());

// Value codecs: how a field's text becomes JSON and back. Text that does not
// parse is kept as typed (a string), so the core's decoder reports it on the
// very field ("expected a whole number…") and nothing the user typed is lost.
const codecs = {
  text: { show: (v) => v ?? '', read: (s) => s },
  int: { show: (v) => (v ?? '') === '' ? '' : String(v), read: (s) => (isInt(s) ? Number(s) : s.trim()) },
  list: {
    show: (v) => (Array.isArray(v) ? v.join(', ') : v ?? ''),
    read: (s) => s.split(/[\s,]+/).filter(Boolean),
  },
  select: { show: (v) => (v ?? '') === '' ? '' : String(v), read: (s) => s },
  intselect: { show: (v) => (v ?? '') === '' ? '' : String(v), read: (s) => (isInt(s) ? Number(s) : s) },
};

// JD Cloud regions with Direct Connection and VPN, offered while typing the
// region (any name is accepted: the profile, not this list, is the rule).
const jdRegions = [
  ['cn-north-1', 'Beijing'],
  ['cn-east-1', 'Suqian'],
  ['cn-east-2', 'Shanghai'],
  ['cn-south-1', 'Guangzhou'],
];

export class Editor {
  /**
   * @param {HTMLElement} root where the form goes
   * @param {{profile: object, onChange: (path: string, structural: boolean) => void}} opts
   */
  constructor(root, opts) {
    this.root = root;
    this.profile = opts.profile;
    this.sources = opts.sources || {};
    this.onChange = opts.onChange;
    this.plan = null;
    this.fields = new Map(); // path → the field's wrapper element
    this.marked = [];
    this.windows = new Map(); // list path → RowWindow of a windowed table
    this.windowState = new Map(); // list path → what its last window measured
    this.windowFrame = 0;
    const follow = () => this.scheduleWindows();
    root.addEventListener('scroll', follow, { passive: true });
    // A section opened or closed moves the tables below it; a row kept in
    // the page for the focus may go once the focus leaves it.
    root.addEventListener('toggle', follow, true);
    root.addEventListener('focusout', follow);
    addEventListener('resize', follow);
  }

  /** scheduleWindows lets the windowed tables follow the view, next frame. */
  scheduleWindows() {
    if (this.windowFrame || !this.windows.size) return;
    this.windowFrame = requestAnimationFrame(() => {
      this.windowFrame = 0;
      for (const w of this.windows.values()) w.update();
    });
  }

  /** revealPath puts the row a path is in into the page, if it is windowed. */
  revealPath(path) {
    for (const [listPath, w] of this.windows) {
      const i = indexIn(listPath, path);
      if (i >= 0) w.show(i);
    }
  }

  setPlan(plan, { keepStash = false } = {}) {
    this.plan = plan;
    // Parts switched off in the previous plan are not this one's; an undo
    // shows the same plan again and keeps them.
    if (!keepStash) { this.stash = {}; this.windowState.clear(); }
    this.render();
  }

  /** render rebuilds the form, keeping focus on the same path if it survives. */
  render() {
    const active = document.activeElement;
    const focusPath = active && this.root.contains(active) ? active.dataset.path : null;
    const openState = new Map();
    for (const d of this.root.querySelectorAll('details[data-path]')) openState.set(d.dataset.path, d.open);
    for (const [path, w] of this.windows) this.windowState.set(path, w.state());
    this.windows = new Map();
    this.fields.clear();
    this.marked = [];
    this.renderFocus = focusPath;
    this.rendering = true;
    const p = this.plan;
    replaceChildren(this.root,
      this.sectionPlan(p),
      this.sectionIDC(p),
      this.sectionBGW(p),
      this.sectionDC(p),
      this.sectionVPN(p),
      this.sectionStrategy(p),
      this.sectionProfile(p),
    );
    this.rendering = false;
    for (const d of this.root.querySelectorAll('details[data-path]')) {
      if (openState.has(d.dataset.path)) d.open = openState.get(d.dataset.path);
    }
    // Windowed tables were built away from the page: now they can measure
    // their rows and follow the view.
    for (const w of this.windows.values()) w.update();
    if (focusPath) {
      const el = this.root.querySelector(`[data-path="${CSS.escape(focusPath)}"]:is(input,select,textarea)`);
      if (el) el.focus();
    }
    if (this.lastFindings) this.mark(this.lastFindings);
    // The next validation must mark the new form even if its findings are
    // the same as before (paths may point at other rows now).
    this.stale = true;
  }

  changed(path, structural) {
    if (structural) this.render();
    this.onChange(path, !!structural);
  }

  // ---- field builders -------------------------------------------------

  /**
   * field is one labelled input bound to obj[key]. spec: {label, kind, ph,
   * hint, options, optional, wide, mono, structural, keepEmpty}.
   */
  field(obj, key, parts, spec) {
    const path = pathString([...parts, key]);
    const kind = spec.kind || 'text';
    const codec = codecs[kind];
    const id = idFor(path);
    let input;
    const onInput = (ev) => {
      const raw = ev.target.value;
      const v = codec.read(raw);
      const empty = raw.trim() === '' || (Array.isArray(v) && v.length === 0 && !spec.keepEmpty);
      if (empty && spec.optional) delete obj[key];
      else if (empty && Array.isArray(v)) obj[key] = [];
      else obj[key] = v;
      if (spec.onSet) spec.onSet();
      this.changed(path, spec.structural);
    };
    if (kind === 'select' || kind === 'intselect') {
      input = h('select', { id, dataset: { path }, onchange: onInput },
        spec.options.map(([value, label]) => h('option', { value }, label)));
      input.value = codec.show(obj[key]);
    } else {
      input = h('input', {
        id, type: 'text', dataset: { path }, value: codec.show(obj[key]),
        placeholder: spec.ph, autocomplete: 'off', spellcheck: 'false',
        inputmode: kind === 'int' ? 'numeric' : undefined,
        class: spec.mono || kind === 'list' ? 'mono' : undefined,
        list: spec.suggest ? id + '-suggest' : undefined,
        oninput: onInput,
      });
    }
    const suggestions = spec.suggest
      ? h('datalist', { id: id + '-suggest' }, spec.suggest.map(([v, label]) => h('option', { value: v }, label)))
      : null;
    const wrap = h('div', { class: 'field' + (spec.wide ? ' wide' : ''), dataset: { path } },
      h('label', { for: id }, spec.label),
      input,
      suggestions,
      spec.hint ? h('div', { class: 'field-hint' }, spec.hint) : null,
      h('div', { class: 'field-msg', hidden: true }),
    );
    this.fields.set(path, wrap);
    return wrap;
  }

  /** cell is a field inside a table row: the label is the column header. */
  cell(obj, key, parts, spec) {
    const f = this.field(obj, key, parts, spec);
    f.classList.add('in-cell');
    f.querySelector('label').classList.add('sr-only');
    return h('td', null, f);
  }

  /**
   * table edits the list owner[key] of small objects, one row each. The
   * list is created on the first add and removed when emptied, so viewing a
   * plan never adds keys to it.
   */
  table(owner, key, parts, { caption, columns, add, addLabel, itemName, onSet }) {
    const path = pathString(parts);
    const arr = owner[key] || [];
    const row = (item, i) => {
      const rowParts = [...parts, i];
      const rowPath = pathString(rowParts);
      const tr = h('tr', { dataset: { path: rowPath } },
        columns.map((c) => this.cell(item, c.key, rowParts, { ...c, label: `${c.label} of ${itemName} ${i + 1}` })),
        h('td', { class: 'row-actions' },
          h('button', {
            type: 'button', class: 'icon', 'aria-label': `Remove ${itemName} ${i + 1}`, title: `Remove ${itemName}`,
            onclick: () => { arr.splice(i, 1); if (arr.length === 0 && key !== 'segments') delete owner[key]; this.changed(path, true); },
          }, '×')),
      );
      this.fields.set(rowPath, tr);
      return tr;
    };
    const windowed = arr.length > windowFrom;
    const tbody = h('tbody', null, windowed ? null : arr.map(row));
    if (windowed) {
      this.windows.set(path, new RowWindow({
        scroller: this.root, tbody, count: arr.length, columns: columns.length + 1,
        build: (i) => row(arr[i], i),
        dropped: (i) => {
          const rowPath = pathString([...parts, i]);
          this.fields.delete(rowPath);
          for (const c of columns) this.fields.delete(`${rowPath}.${c.key}`);
        },
        added: (is) => this.markRows(is.map((i) => pathString([...parts, i]))),
        state: this.windowState.get(path),
        pins: [indexIn(path, this.renderFocus)],
      }));
    }
    const wrap = h('div', { class: 'table-field', dataset: { path } },
      h('table', { class: 'grid' + (windowed ? ' windowed' : ''), 'aria-rowcount': windowed ? arr.length + 1 : undefined },
        caption ? h('caption', null, caption) : null,
        h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col' }, c.label)), h('th', null, h('span', { class: 'sr-only' }, 'Actions')))),
        tbody),
      h('div', { class: 'field-msg', hidden: true }),
      h('button', {
        type: 'button', class: 'add',
        onclick: () => { arr.push(add(arr)); owner[key] = arr; if (onSet) onSet(); this.changed(path, true); this.focusFirst(pathString([...parts, arr.length - 1])); },
      }, '+ ', addLabel),
    );
    this.fields.set(path, wrap);
    return wrap;
  }

  /** cards edits a list of larger objects, one collapsible card each. */
  cards(arr, parts, { title, body, add, addLabel, itemName }) {
    const path = pathString(parts);
    const items = arr.map((item, i) => {
      const itemParts = [...parts, i];
      const itemPath = pathString(itemParts);
      const card = h('details', { class: 'item', open: true, dataset: { path: itemPath } },
        h('summary', null, h('span', { class: 'item-title' }, title(item, i)),
          h('button', {
            type: 'button', class: 'icon', 'aria-label': `Remove ${itemName} ${i + 1}`, title: `Remove ${itemName}`,
            onclick: (ev) => { ev.preventDefault(); arr.splice(i, 1); this.changed(path, true); },
          }, '×')),
        h('div', { class: 'item-body' }, body(item, itemParts)),
        h('div', { class: 'field-msg', hidden: true }));
      this.fields.set(itemPath, card);
      return card;
    });
    const wrap = h('div', { class: 'cards', dataset: { path } }, items,
      h('div', { class: 'field-msg', hidden: true }),
      h('button', {
        type: 'button', class: 'add',
        onclick: () => { arr.push(add(arr, this.plan)); this.changed(path, true); this.focusFirst(pathString([...parts, arr.length - 1])); },
      }, '+ ', addLabel));
    this.fields.set(path, wrap);
    return wrap;
  }

  section(title, parts, ...children) {
    const path = pathString(parts);
    const sec = h('details', { class: 'section', open: true, dataset: { path } },
      h('summary', null, h('h2', null, title)),
      h('div', { class: 'section-body' }, children),
      h('div', { class: 'field-msg', hidden: true }));
    this.fields.set(path, sec);
    return sec;
  }

  focusFirst(path) {
    this.revealPath(path);
    const el = this.root.querySelector(`[data-path^="${CSS.escape(path)}"]:is(input,select,textarea)`);
    if (el) el.focus();
  }

  // ---- sections -------------------------------------------------------

  sectionPlan(p) {
    return this.section('Plan', [],
      h('div', { class: 'row' },
        this.field(p, 'name', [], { label: 'Name', ph: 'dc-primary-vpn-backup' }),
        this.field(p, 'region', [], { label: 'Region', ph: 'cn-north-1', mono: true, suggest: jdRegions })),
      this.field(p, 'description', [], { label: 'Description', optional: true, wide: true, ph: 'What this plan connects, and why' }));
  }

  sectionIDC(p) {
    const idc = p.idc ??= { asn: 0, segments: [] };
    idc.segments ??= [];
    const base = ['idc'];
    const c = this.profile.asn.customer;
    return this.section('IDC', base,
      h('div', { class: 'row' },
        this.field(idc, 'name', base, { label: 'Name', optional: true, ph: 'beijing-idc' }),
        this.field(idc, 'asn', base, { label: 'Customer ASN', kind: 'int', ph: String(c.min), hint: `${c.min}–${c.max}` }),
        this.field(idc, 'routerId', base, { label: 'Router ID', mono: true, ph: '10.255.255.1' })),
      this.table(idc, 'segments', [...base, 'segments'], {
        caption: 'Segments the cloud must reach', itemName: 'segment', addLabel: 'Add segment', add: newSegment,
        columns: [
          { key: 'name', label: 'Name', ph: 'idc-servers' },
          { key: 'cidr', label: 'CIDR', mono: true, ph: '192.168.0.0/16' },
          { key: 'description', label: 'Description', optional: true },
        ],
      }));
  }

  sectionBGW(p) {
    const bgw = p.borderGateway ??= { name: '', attachments: [] };
    bgw.attachments ??= [];
    const base = ['borderGateway'];
    return this.section('Border gateway & VPCs', base,
      h('div', { class: 'row' },
        this.field(bgw, 'name', base, { label: 'Name', ph: 'bgw-bj' }),
        this.field(bgw, 'asn', base, { label: 'ASN', kind: 'int', optional: true, ph: `${this.profile.asn.borderGateway} (JD Cloud)`, hint: 'fixed by JD Cloud; leave empty' })),
      this.cards(bgw.attachments, [...base, 'attachments'], {
        itemName: 'VPC attachment', addLabel: 'Attach a VPC', add: newAttachment,
        title: (a, i) => `VPC attachment ${i + 1}${a.vpcName ? ' · ' + a.vpcName : ''}`,
        body: (a, parts) => this.attachmentBody(a, parts),
      }));
  }

  attachmentBody(a, parts) {
    a.propagation ??= {};
    a.cidrs ??= [];
    const mode = a.propagation.mode || 'all';
    return [
      h('div', { class: 'row' },
        this.field(a, 'name', parts, { label: 'Attachment name', ph: 'attach-prod' }),
        this.field(a, 'vpcName', parts, { label: 'VPC name', ph: 'prod' }),
        this.field(a, 'vpcId', parts, { label: 'VPC id', optional: true, mono: true, ph: 'vpc-…' })),
      this.field(a, 'cidrs', parts, { label: 'VPC CIDRs', kind: 'list', wide: true, ph: '10.0.0.0/16, 2001:db8:40::/56', keepEmpty: true }),
      h('div', { class: 'row' },
        this.field(a.propagation, 'mode', [...parts, 'propagation'], {
          label: 'Propagation', kind: 'select', structural: true, optional: true,
          options: [['all', 'every VPC CIDR'], ['subnets', 'chosen subnets only']],
        }),
        mode === 'subnets' ? this.field(a.propagation, 'subnets', [...parts, 'propagation'], { label: 'Propagated subnets (names)', kind: 'list', optional: true, ph: 'data-db, data-etl' }) : null,
        this.field(a, 'routeTables', parts, { label: 'VPC route tables to update', kind: 'list', optional: true, mono: true, ph: 'rtb-…' })),
      (mode === 'subnets' || (a.subnets && a.subnets.length)) ? this.table(a, 'subnets', [...parts, 'subnets'], {
        caption: 'Subnets', itemName: 'subnet', addLabel: 'Add subnet', add: newSubnet,
        columns: [
          { key: 'name', label: 'Name' },
          { key: 'id', label: 'Id', optional: true, mono: true, ph: 'subnet-…' },
          { key: 'cidr', label: 'CIDR', mono: true, ph: '10.1.0.0/24' },
        ],
      }) : h('button', { type: 'button', class: 'add', onclick: () => { a.subnets = [newSubnet([])]; this.changed(pathString([...parts, 'subnets']), true); } }, '+ Add subnets'),
    ];
  }

  sectionDC(p) {
    const base = ['directConnection'];
    const on = !!p.directConnection;
    const toggle = this.presenceToggle(p, 'directConnection', 'Plan a Direct Connection', () => newDirectConnection(p, this.profile));
    if (!on) return this.section('Direct Connection', base, toggle);
    const dc = p.directConnection;
    dc.interfaces ??= [];
    return this.section('Direct Connection', base, toggle,
      this.field(dc, 'connectionId', base, { label: 'Physical connection id', mono: true, ph: 'dc-bj-0001', hint: 'ordered and cabled by people; referenced by id' }),
      this.cards(dc.interfaces, [...base, 'interfaces'], {
        itemName: 'private virtual interface', addLabel: 'Add private virtual interface', add: (arr) => newInterface(arr, this.profile),
        title: (x, i) => `Interface ${i + 1}${x.name ? ' · ' + x.name : ''}`,
        body: (x, parts) => this.interfaceBody(x, parts),
      }));
  }

  interfaceBody(x, parts) {
    x.healthCheck ??= {};
    const hc = x.healthCheck;
    const hcParts = [...parts, 'healthCheck'];
    const pr = this.profile;
    const type = hc.type || 'none';
    const onType = () => {
      // Keep only the timers of the chosen check, with the profile's
      // smallest sensible values, so the plan never carries a stale block.
      if (hc.type === 'bfd') { delete hc.nqa; hc.bfd ??= { minTxMillis: Math.max(300, pr.healthCheck.bfdIntervalMillis.min), minRxMillis: Math.max(300, pr.healthCheck.bfdIntervalMillis.min), multiplier: pr.healthCheck.bfdMultiplier.min }; }
      else if (hc.type === 'nqa') { delete hc.bfd; hc.nqa ??= { intervalSeconds: 2, count: pr.healthCheck.nqaCount.min, timeoutSeconds: 2 }; }
      else { delete hc.bfd; delete hc.nqa; }
    };
    const typeField = this.field(hc, 'type', hcParts, {
      label: 'Health check', kind: 'select', optional: true, structural: true, onSet: onType,
      options: [['none', 'none'], ['bfd', 'BFD'], ['nqa', 'NQA']],
    });
    const r = (x) => `${x.min}–${x.max}`;
    return [
      h('div', { class: 'row' },
        this.field(x, 'name', parts, { label: 'Name', ph: 'pvif-bj-1' }),
        this.field(x, 'vlan', parts, { label: 'VLAN', kind: 'int', hint: r(pr.vlan) }),
        this.field(x, 'bandwidthMbps', parts, { label: 'Bandwidth (Mbps)', kind: 'int', optional: true })),
      h('div', { class: 'row' },
        this.field(x, 'interconnect', parts, { label: `Interconnect /${pr.interconnect.prefixLength}`, mono: true, ph: '10.254.0.0/30', hint: 'customer first usable, JD Cloud second' }),
        this.field(x, 'interconnectIpv6', parts, { label: 'IPv6 interconnect', optional: true, mono: true, ph: '2001:db8:ffff::/126' })),
      h('div', { class: 'row' },
        this.field(x, 'customerAsn', parts, { label: 'Customer ASN', kind: 'int', optional: true, ph: 'IDC ASN' }),
        this.field(x, 'cloudAsn', parts, { label: 'Cloud ASN', kind: 'int', optional: true, ph: String(pr.asn.directConnectionPeer) }),
        typeField),
      type === 'bfd' && hc.bfd ? h('div', { class: 'row' },
        this.field(hc.bfd, 'minTxMillis', [...hcParts, 'bfd'], { label: 'BFD tx (ms)', kind: 'int', hint: r(pr.healthCheck.bfdIntervalMillis) }),
        this.field(hc.bfd, 'minRxMillis', [...hcParts, 'bfd'], { label: 'BFD rx (ms)', kind: 'int', hint: r(pr.healthCheck.bfdIntervalMillis) }),
        this.field(hc.bfd, 'multiplier', [...hcParts, 'bfd'], { label: 'Multiplier', kind: 'int', hint: r(pr.healthCheck.bfdMultiplier) })) : null,
      type === 'nqa' && hc.nqa ? h('div', { class: 'row' },
        this.field(hc.nqa, 'intervalSeconds', [...hcParts, 'nqa'], { label: 'NQA interval (s)', kind: 'int', hint: r(pr.healthCheck.nqaIntervalSeconds) }),
        this.field(hc.nqa, 'count', [...hcParts, 'nqa'], { label: 'Count', kind: 'int', hint: r(pr.healthCheck.nqaCount) }),
        this.field(hc.nqa, 'timeoutSeconds', [...hcParts, 'nqa'], { label: 'Timeout (s)', kind: 'int', hint: r(pr.healthCheck.nqaTimeoutSeconds) })) : null,
    ];
  }

  sectionVPN(p) {
    const base = ['vpn'];
    const toggle = this.presenceToggle(p, 'vpn', 'Plan an IPsec VPN as backup', () => newVPN(p, this.profile));
    if (!p.vpn) return this.section('VPN', base, toggle);
    const v = p.vpn;
    v.customerGateway ??= { name: '', publicIps: [] };
    v.connection ??= { name: '', cloudPublicIps: [] };
    v.tunnels ??= [];
    const cg = v.customerGateway, cn = v.connection;
    const pr = this.profile;
    return this.section('VPN', base, toggle,
      h('fieldset', { class: 'group' }, h('legend', null, 'Customer gateway (IDC end)'),
        h('div', { class: 'row' },
          this.field(cg, 'name', [...base, 'customerGateway'], { label: 'Name', ph: 'cgw-bj' }),
          this.field(cg, 'asn', [...base, 'customerGateway'], { label: 'ASN', kind: 'int', optional: true, ph: 'IDC ASN', hint: 'cannot change later' })),
        this.field(cg, 'publicIps', [...base, 'customerGateway'], { label: 'Public IPs', kind: 'list', keepEmpty: true, wide: true, ph: '203.0.113.10', hint: `${pr.customerGatewayIpCounts.join(', ')} addresses` })),
      h('fieldset', { class: 'group' }, h('legend', null, 'VPN connection (cloud end)'),
        h('div', { class: 'row' },
          this.field(cn, 'name', [...base, 'connection'], { label: 'Name', ph: 'vpn-bj' }),
          this.field(cn, 'localAsn', [...base, 'connection'], { label: 'Local ASN', kind: 'int', optional: true, ph: 'border gateway ASN' })),
        this.field(cn, 'cloudPublicIps', [...base, 'connection'], { label: 'Cloud public IPs', kind: 'list', keepEmpty: true, wide: true, ph: '198.51.100.20, 198.51.100.21', hint: `${pr.vpnCloudPublicIps} addresses` })),
      this.cards(v.tunnels, [...base, 'tunnels'], {
        itemName: 'tunnel', addLabel: 'Add tunnel', add: (arr, plan) => newTunnel(arr, plan, pr),
        title: (t, i) => `Tunnel ${i + 1}${t.name ? ' · ' + t.name : ''}`,
        body: (t, parts) => this.tunnelBody(t, parts),
      }));
  }

  tunnelBody(t, parts) {
    const pr = this.profile;
    t.ike ??= {};
    t.ipsec ??= {};
    const dflt = (list, d) => [['', `default (${d})`], ...list.map((x) => [String(x), String(x)])];
    const ikeP = [...parts, 'ike'], ipsecP = [...parts, 'ipsec'];
    const ikeD = pr.ike.default, ipsecD = pr.ipsec.default;
    return [
      h('div', { class: 'row' },
        this.field(t, 'name', parts, { label: 'Name', ph: 'tun-1' }),
        this.field(t, 'cloudPublicIp', parts, { label: 'Cloud public IP', mono: true }),
        this.field(t, 'customerPublicIp', parts, { label: 'Customer public IP', mono: true })),
      h('div', { class: 'row' },
        this.field(t, 'insideCidr', parts, { label: `Inside /${pr.tunnel.insidePrefixLength}`, mono: true, ph: '169.254.10.0/30', hint: 'JD Cloud first usable, customer second' }),
        this.field(t, 'insideCidrIpv6', parts, { label: 'IPv6 inside', optional: true, mono: true }),
        this.field(t, 'bandwidthMbps', parts, { label: 'Bandwidth (Mbps)', kind: 'int', optional: true, hint: `${pr.tunnel.bandwidthMbps.min}–${pr.tunnel.bandwidthMbps.max}` })),
      this.field(t, 'pskRef', parts, { label: 'Pre-shared key reference', mono: true, wide: true, ph: 'env:HYBRIDPLAN_PSK_TUN1', hint: 'env:NAME or file:/path — the key itself never goes in a plan' }),
      h('div', { class: 'row' },
        this.field(t, 'cloudInsideIp', parts, { label: 'Cloud inside IP', optional: true, mono: true, ph: 'first usable' }),
        this.field(t, 'customerInsideIp', parts, { label: 'Customer inside IP', optional: true, mono: true, ph: 'second usable' })),
      h('details', { class: 'sub', dataset: { path: pathString([...parts, 'ike']) } },
        h('summary', null, 'IKE and IPsec options'),
        h('div', { class: 'row' },
          this.field(t.ike, 'version', ikeP, { label: 'IKE version', kind: 'select', optional: true, options: dflt(pr.ike.versions, ikeD.version) }),
          this.field(t.ike, 'mode', ikeP, { label: 'Mode', kind: 'select', optional: true, options: dflt(pr.ike.modes, ikeD.mode) }),
          this.field(t.ike, 'dhGroup', ikeP, { label: 'DH group', kind: 'select', optional: true, options: dflt(pr.ike.dhGroups, ikeD.dhGroup) }),
          this.field(t.ike, 'cipher', ikeP, { label: 'Cipher', kind: 'select', optional: true, options: dflt(pr.ike.ciphers, ikeD.cipher) }),
          this.field(t.ike, 'auth', ikeP, { label: 'Auth', kind: 'select', optional: true, options: dflt(pr.ike.auths, ikeD.auth) }),
          this.field(t.ike, 'dpdSeconds', ikeP, { label: 'DPD (s)', kind: 'intselect', optional: true, options: dflt(pr.ike.dpdSeconds, ikeD.dpdSeconds ?? pr.ike.defaultDpdSeconds) }),
          this.field(t.ike, 'lifetimeSeconds', ikeP, { label: 'IKE SA lifetime (s)', kind: 'int', optional: true, ph: String(ikeD.lifetimeSeconds) })),
        h('div', { class: 'row' },
          this.field(t.ipsec, 'cipher', ipsecP, { label: 'IPsec cipher', kind: 'select', optional: true, options: dflt(pr.ipsec.ciphers, ipsecD.cipher) }),
          this.field(t.ipsec, 'auth', ipsecP, { label: 'IPsec auth', kind: 'select', optional: true, options: dflt(pr.ipsec.auths, ipsecD.auth) }),
          this.field(t.ipsec, 'pfs', ipsecP, { label: 'PFS', kind: 'select', optional: true, options: dflt(pr.ipsec.pfs, ipsecD.pfs) }),
          this.field(t.ipsec, 'lifetimeSeconds', ipsecP, { label: 'IPsec SA lifetime (s)', kind: 'int', optional: true, ph: String(ipsecD.lifetimeSeconds) }))),
    ];
  }

  sectionStrategy(p) {
    const s = p.strategy ??= { mode: 'prefix-split' };
    const base = ['strategy'];
    const mode = s.mode;
    // The options of the mode not chosen are hidden, so they leave the
    // plan (a warning about them could not be cleared) and wait in the
    // stash in case the person switches back.
    const onMode = () => {
      const st = (this.stash ??= {});
      const [keep, drop, dflt] = s.mode === 'as-path' ? ['asPath', 'prefixSplit', { prepend: 3 }] : ['prefixSplit', 'asPath', { extraBits: 1 }];
      if (s[drop]) { st[drop] = s[drop]; delete s[drop]; }
      s[keep] ??= st[keep] ?? dflt;
    };
    const modeField = this.field(s, 'mode', base, {
      label: 'How Direct Connection stays primary', kind: 'select', structural: true, onSet: onMode,
      options: [['prefix-split', 'Prefix split: more-specifics over Direct Connection, aggregate over VPN'], ['as-path', 'AS_PATH prepend on the VPN']],
      wide: true,
    });
    const lpOn = !!s.localPreference;
    const lp = h('div', { class: 'row' },
      h('div', { class: 'field check' },
        h('input', {
          type: 'checkbox', id: 'lp-on', checked: lpOn, dataset: { path: '$.strategy.localPreference' },
          onchange: (ev) => {
            if (ev.target.checked) s.localPreference = { directConnection: 200, vpn: 100 };
            else delete s.localPreference;
            this.changed('$.strategy.localPreference', true);
          },
        }),
        h('label', { for: 'lp-on' }, 'Set local preference on the customer router (steers cloud → IDC traffic)')),
    );
    this.fields.set('$.strategy.localPreference', lp);
    return this.section('Strategy', base,
      modeField,
      mode === 'prefix-split' ? this.splitBody(s, base) : null,
      mode === 'as-path' ? h('div', { class: 'row' },
        this.field(lazy(s, 'asPath'), 'prepend', [...base, 'asPath'], { label: 'Extra prepends on the VPN', kind: 'int', optional: true, ph: '3', onSet: attach(s, 'asPath') })) : null,
      lp,
      lpOn ? h('div', { class: 'row' },
        this.field(s.localPreference, 'directConnection', [...base, 'localPreference'], { label: 'Local pref · Direct Connection', kind: 'int' }),
        this.field(s.localPreference, 'vpn', [...base, 'localPreference'], { label: 'Local pref · VPN', kind: 'int' })) : null);
  }

  splitBody(s, base) {
    const ps = lazy(s, 'prefixSplit');
    const parts = [...base, 'prefixSplit'];
    return [
      h('div', { class: 'row' },
        this.field(ps, 'extraBits', parts, { label: 'Extra prefix bits over Direct Connection', kind: 'int', optional: true, ph: '1', hint: '1: a /16 goes out as two /17s', onSet: attach(s, 'prefixSplit') }),
        this.field(ps, 'vpnAggregates', parts, { label: 'VPN aggregates (optional)', kind: 'list', optional: true, ph: '10.30.0.0/22', onSet: attach(s, 'prefixSplit') })),
      this.table(ps, 'overrides', [...parts, 'overrides'], {
        caption: 'Per-segment overrides', itemName: 'override', addLabel: 'Add override', add: (arr) => newOverride(arr, this.plan), onSet: attach(s, 'prefixSplit'),
        columns: [
          { key: 'segment', label: 'Segment (name)' },
          { key: 'directConnection', label: 'Over Direct Connection', kind: 'list', optional: true, mono: true },
          { key: 'vpn', label: 'Over VPN', kind: 'list', optional: true, mono: true },
        ],
      }),
    ];
  }

  sectionProfile(p) {
    const path = '$.profile';
    const id = idFor(path);
    const msg = h('div', { class: 'field-msg', hidden: true });
    const ta = h('textarea', {
      id, class: 'mono', rows: 4, spellcheck: 'false', dataset: { path },
      placeholder: '{ "quotas": { "dynamicRoutesPerBorderGateway": 500 } }',
      oninput: (ev) => {
        const text = ev.target.value.trim();
        if (text === '') { delete p.profile; msg.hidden = true; this.changed(path); return; }
        try {
          const v = JSON.parse(text);
          p.profile = v;
          ta.removeAttribute('aria-invalid');
          msg.hidden = true;
          this.changed(path);
        } catch (e) {
          // Not yet JSON: keep the last good overrides and say why.
          ta.setAttribute('aria-invalid', 'true');
          msg.hidden = false;
          msg.className = 'field-msg error';
          msg.textContent = 'Not valid JSON yet: ' + e.message;
        }
      },
    });
    ta.value = p.profile ? JSON.stringify(p.profile, null, 2) : '';
    const wrap = h('div', { class: 'field wide', dataset: { path } },
      h('label', { for: id }, 'Overrides of JD Cloud\u2019s documented values (JSON; empty keeps every default)'),
      ta, msg);
    this.fields.set(path, wrap);
    const sec = this.section('JD Cloud profile', ['profile'], this.assumptions(p), wrap);
    sec.open = !!p.profile;
    return sec;
  }

  /**
   * assumptions lists the profile values JD Cloud does not document: the
   * planner's results depend on them, so the architect sees each with its
   * value in this plan and can override it below.
   */
  assumptions(p) {
    const get = (obj, dotted) => dotted.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
    const rows = Object.entries(this.sources)
      .filter(([, src]) => /assumption/i.test(src))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, src]) => {
        const own = get(p.profile, key);
        const v = own !== undefined ? own : get(this.profile, key);
        return h('li', null,
          h('span', { class: 'mono' }, key, ' = ', JSON.stringify(v)), own !== undefined ? h('span', { class: 'tag' }, 'overridden') : null,
          h('div', { class: 'muted' }, src));
      });
    if (!rows.length) return null;
    return h('div', { class: 'assumptions' },
      h('p', null, 'Assumptions: JD Cloud does not document these values, and the simulation depends on them. Override them below if your connection differs.'),
      h('ul', null, rows));
  }

  presenceToggle(p, key, label, make) {
    const path = pathString([key]);
    const id = idFor(path) + '-on';
    return h('div', { class: 'field check' },
      h('input', {
        type: 'checkbox', id, checked: !!p[key], dataset: { path: path + '#on' },
        onchange: (ev) => {
          if (ev.target.checked) p[key] = this.stash?.[key] ?? make();
          else { (this.stash ??= {})[key] = p[key]; delete p[key]; }
          this.changed(path, true);
        },
      }),
      h('label', { for: id }, label));
  }

  // ---- findings on fields ---------------------------------------------

  /** locate returns the field element a JSON path belongs to, or null. */
  locate(path) {
    for (const p of parentPaths(path)) {
      const el = this.fields.get(p);
      if (el) return el;
      // A row of a windowed table that is not in the page: its finding
      // waits for it (markRows), rather than landing on the whole table.
      if (this.windows.size && this.rowNotShown(p)) return null;
    }
    return null;
  }

  /** inWindowedRow reports whether path is in a row of a windowed table that is not in the page. */
  inWindowedRow(path) {
    for (const p of parentPaths(path)) if (this.rowNotShown(p)) return true;
    return false;
  }

  rowNotShown(p) {
    const m = /^(.*)\[(\d+)\]$/.exec(p);
    const w = m && this.windows.get(m[1]);
    return !!w && Number(m[2]) < w.count && !w.has(Number(m[2]));
  }

  /**
   * mark attaches findings to their fields. A conflict is shown on both
   * sides: the field the finding names and its related fields (the one the
   * architect just typed into may be either). Each field shows its worst
   * finding's message.
   */
  mark(findings) {
    this.lastFindings = findings;
    for (const el of this.marked) {
      el.classList.remove('sev-error', 'sev-warning', 'sev-info', 'related');
      const ctl = control(el);
      if (ctl) { ctl.removeAttribute('aria-invalid'); ctl.removeAttribute('aria-describedby'); }
      const m = ownMsg(el);
      if (m) { m.hidden = true; m.textContent = ''; }
    }
    this.marked = [];
    this.applyMarks(findings, null);
    // Messages change the rows' heights: the windows measure them again.
    this.scheduleWindows();
  }

  /**
   * markRows marks the rows (paths) a windowed table just put in the page
   * with the last findings that concern them.
   */
  markRows(rowPaths) {
    if (this.rendering || !this.lastFindings) return;
    this.marked = this.marked.filter((el) => el.isConnected);
    const inRows = (p) => rowPaths.some((r) => p.startsWith(r) && (p.length === r.length || p[r.length] === '.' || p[r.length] === '['));
    this.applyMarks(this.lastFindings, inRows);
  }

  /** applyMarks shows findings (those of paths only() accepts, if given). */
  applyMarks(findings, only) {
    const rank = { error: 0, warning: 1, info: 2 };
    const best = new Map(); // element → {f, related}
    const consider = (el, f, related) => {
      if (!el) return;
      const cur = best.get(el);
      if (!cur || rank[f.severity] < rank[cur.f.severity] || (rank[f.severity] === rank[cur.f.severity] && cur.related && !related)) {
        best.set(el, { f, related });
      }
    };
    for (const f of findings) {
      const p = f.path || '$';
      if (!only || only(p)) consider(this.locate(p), f, false);
      for (const r of f.related || []) if (!only || only(r)) consider(this.locate(r), f, true);
    }
    for (const [el, { f, related }] of best) {
      el.classList.add('sev-' + f.severity);
      if (related) el.classList.add('related');
      this.marked.push(el);
      const m = ownMsg(el);
      if (m) {
        m.hidden = false;
        m.className = 'field-msg ' + f.severity;
        m.id ||= 'm' + idFor(el.dataset.path || '');
        m.textContent = f.message + (f.hint && !related ? ' — ' + f.hint : '');
      }
      const ctl = control(el);
      if (ctl) {
        if (f.severity === 'error') ctl.setAttribute('aria-invalid', 'true');
        if (m) ctl.setAttribute('aria-describedby', m.id);
      }
    }
  }

  /** focusPath opens the sections around a path's field and focuses it. */
  focusPath(path) {
    this.revealPath(path);
    const el = this.locate(path);
    if (!el) return false;
    for (let d = el.closest('details'); d; d = d.parentElement?.closest('details')) d.open = true;
    if (el.tagName === 'DETAILS') el.open = true;
    const ctl = control(el) || el.querySelector('input,select,textarea,button');
    el.scrollIntoView({ block: 'center' });
    if (ctl) ctl.focus({ preventScroll: true });
    return true;
  }
}

// lazy returns owner[key], or a detached empty object that attach() puts in
// place once a field sets something in it: showing an optional block never
// adds an empty one to the plan.
const detached = new WeakMap();
function lazy(owner, key) {
  if (owner[key]) return owner[key];
  let m = detached.get(owner);
  if (!m) detached.set(owner, (m = {}));
  return (m[key] ??= {});
}

function attach(owner, key) {
  return () => {
    const obj = lazy(owner, key);
    if (Object.keys(obj).length) owner[key] = obj;
    else if (owner[key] === obj) delete owner[key];
  };
}

// control is the element's own input (not one nested in a child field).
function control(el) {
  if (el.classList.contains('field')) return el.querySelector('input,select,textarea');
  return null;
}

function ownMsg(el) {
  for (const c of el.children) if (c.classList.contains('field-msg')) return c;
  return null;
}
