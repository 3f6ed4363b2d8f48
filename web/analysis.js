// The analysis views: failure toggles (scenarios), the topology diagram with
// the scenario's path, the route tables of both routers with each row's
// reason, the trace box and the verification matrix. All of it comes from
// the core's strategy/scenarios/simulate/trace/matrix calls; this module only
// shows their results.

import { h, replaceChildren, errorText } from './dom.js';
import { diagramSVG } from './diagram.js';

const $ = (id) => document.getElementById(id);

// Analysis is heavier than validation and changes nothing the architect is
// looking at while typing a value, so it waits for a short pause.
const analysisDelay = 120;

const pick = (o, ...keys) => { for (const k of keys) if (o && o[k] !== undefined && o[k] !== null) return o[k]; return undefined; };

/** kindOf normalises the core's names of a path kind. */
export function kindOf(v) {
  const s = String(v ?? '').toLowerCase();
  if (s.includes('direct') || s === 'dc' || s.includes('private') || s.includes('pvif') || s.includes('interface')) return 'dc';
  if (s.includes('vpn') || s.includes('tunnel')) return 'vpn';
  if (s.includes('attach') || s.includes('vpc') || s.includes('local')) return 'local';
  return s;
}

const kindLabel = { dc: 'Direct Connection', vpn: 'VPN', local: 'VPC attachment' };

export class Analysis {
  constructor(page) {
    this.page = page;
    this.busy = false;
    this.pending = false;
    this.timer = 0;
    this.scenario = 'normal';
    this.scenarios = [];
    this.sim = null;
    this.matrix = null;
    this.matrixFor = '';
    $('trace-form').addEventListener('submit', (ev) => { ev.preventDefault(); this.trace(); });
    $('matrix-run').addEventListener('click', () => this.computeMatrix());
    $('matrix-csv').addEventListener('click', () => this.page.exportAs('matrix'));
  }

  get api() { return this.page.api; }

  /** planChanged schedules a new analysis (at once when a plan is loaded). */
  planChanged(immediate) {
    this.drawDiagram(); // the plan's shape redraws at once; paths follow
    if (this.matrixFor && this.matrixFor !== this.page.planText) $('matrix-out').classList.add('stale');
    clearTimeout(this.timer);
    this.busy = true;
    this.timer = setTimeout(() => this.run(), immediate ? 0 : analysisDelay);
  }

  async run() {
    if (this.running) { this.pending = true; return; }
    this.running = true;
    try {
      do {
        this.pending = false;
        const text = this.page.planText;
        await this.refreshScenarios(text);
        await this.simulate(text);
      } while (this.pending);
    } finally {
      this.running = false;
      this.busy = false;
      this.page.settle();
    }
  }

  available(fn) { return typeof this.api[fn] === 'function'; }

  async refreshScenarios(text) {
    let list = [{ name: 'normal', title: 'Normal' }];
    if (this.available('scenarios')) {
      try {
        const res = await this.api.scenarios(text);
        const arr = Array.isArray(res) ? res : res?.scenarios || [];
        if (arr.length) list = arr.map((s) => (typeof s === 'string' ? { name: s, title: s } : { ...s, title: pick(s, 'title', 'label', 'description', 'name') }));
      } catch { /* plan has errors: keep the last list */ list = this.scenarios.length ? this.scenarios : list; }
    }
    const names = list.map((s) => s.name).join('|');
    if (names !== this.scenarioNames) {
      this.scenarioNames = names;
      this.scenarios = list;
      if (!list.some((s) => s.name === this.scenario)) this.scenario = list[0].name;
      this.renderToggles();
    }
  }

  renderToggles() {
    const fs = $('failures');
    const legend = fs.querySelector('legend');
    replaceChildren(fs, legend, this.scenarios.map((s) => {
      const id = 'scn-' + s.name.replace(/[^A-Za-z0-9]+/g, '-');
      return h('label', { class: 'toggle', for: id, title: s.description || s.title },
        h('input', {
          type: 'radio', name: 'scenario', id, value: s.name, checked: s.name === this.scenario,
          onchange: () => { this.scenario = s.name; this.busy = true; this.simulate(this.page.planText).finally(() => { this.busy = false; this.page.settle(); }); },
        }),
        h('span', null, s.title || s.name));
    }));
  }

  async simulate(text) {
    $('routes-scenario').textContent = `· ${this.scenarioTitle()}`;
    if (!this.available('simulate')) {
      this.sim = null;
      this.showNoSim('Simulation is not available in this build of the planner core.');
      return;
    }
    if (this.page.ok === false && this.page.planText === text) {
      // The core refuses to simulate a plan with errors; say so instead of
      // showing stale paths.
    }
    try {
      const res = await this.api.simulate(text, this.scenario);
      if (text !== this.page.planText) return;
      this.sim = normaliseSim(res, this.page.plan);
      this.renderSim();
    } catch (e) {
      if (text !== this.page.planText) return;
      this.sim = null;
      this.showNoSim(e.findings?.length || e.code?.startsWith('decode') || e.code?.includes('invalid')
        ? 'Fix the errors listed under Findings to see the routes and paths.'
        : `The simulation failed: ${errorText(e)}`);
    }
  }

  scenarioTitle() {
    return this.scenarios.find((s) => s.name === this.scenario)?.title || this.scenario;
  }

  showNoSim(msg) {
    this.drawDiagram();
    $('scenario-summary').textContent = msg;
    $('scenario-summary').className = 'scenario-summary muted';
    for (const id of ['routes-bgw', 'routes-cr']) replaceChildren($(id), h('p', { class: 'muted' }, msg));
  }

  drawDiagram() {
    const plan = this.page.plan;
    if (!plan) return;
    $('diagram').innerHTML = diagramSVG(plan, this.sim?.diagram || null);
    $('diagram').setAttribute('aria-label', this.sim ? `Topology: ${this.sim.summary}` : 'Topology diagram of the plan');
  }

  diagramSVG() {
    return diagramSVG(this.page.plan, this.sim?.diagram || null);
  }

  renderSim() {
    const sim = this.sim;
    this.drawDiagram();
    const sum = $('scenario-summary');
    sum.className = 'scenario-summary' + (sim.warning ? ' warning' : '');
    sum.textContent = sim.summary;
    renderRoutes($('routes-bgw'), sim.bgw);
    renderRoutes($('routes-cr'), sim.cr);
  }

  // ---- trace -------------------------------------------------------------

  async trace() {
    const out = $('trace-out');
    const src = $('trace-src').value.trim(), dst = $('trace-dst').value.trim();
    if (!src || !dst) { replaceChildren(out, h('p', { class: 'field-msg error' }, 'Give a VM address in a VPC and an address in the IDC.')); return; }
    if (!this.available('trace')) { replaceChildren(out, h('p', { class: 'muted' }, 'Trace is not available in this build of the planner core.')); return; }
    try {
      const res = await this.api.trace(this.page.planText, this.scenario, src, dst);
      replaceChildren(out, renderTrace(res, this.scenarioTitle()));
    } catch (e) {
      replaceChildren(out, h('p', { class: 'field-msg error', role: 'alert' }, `Cannot trace: ${errorText(e)}${e.hint ? ' — ' + e.hint : ''}`));
    }
  }

  // ---- matrix ------------------------------------------------------------

  async computeMatrix() {
    const out = $('matrix-out');
    if (!this.available('matrix')) { replaceChildren(out, h('p', { class: 'muted' }, 'The matrix is not available in this build of the planner core.')); return null; }
    const text = this.page.planText;
    try {
      const res = await this.api.matrix(text);
      this.matrix = normaliseMatrix(res);
      this.matrixFor = text;
      out.classList.remove('stale');
      replaceChildren(out, renderMatrix(this.matrix));
      $('matrix-csv').disabled = false;
      return this.matrix;
    } catch (e) {
      replaceChildren(out, h('p', { class: 'field-msg error', role: 'alert' }, `Cannot compute the matrix: ${errorText(e)}`));
      return null;
    }
  }

  async matrixCSV() {
    if (!this.matrix || this.matrixFor !== this.page.planText) {
      if (!(await this.computeMatrix())) throw new Error('the matrix could not be computed; see the Verification matrix panel');
    }
    return matrixToCSV(this.matrix);
  }
}

// ---- normalising the core's results ------------------------------------------

/**
 * normaliseSim turns simulate()'s result into what the views draw: route
 * rows per router, and per session whether it is up and which directions it
 * carries.
 */
export function normaliseSim(res, plan) {
  const bgwRoutes = pick(res, 'borderGateway', 'bgw') ?? {};
  const crRoutes = pick(res, 'customerRouter', 'customer') ?? {};
  const rows = (t) => (Array.isArray(t) ? t : pick(t, 'routes', 'rows', 'table') || []);
  const bgw = rows(bgwRoutes).map(routeRow);
  const cr = rows(crRoutes).map(routeRow);

  const sessions = new Map();
  const names = [
    ...(plan.directConnection?.interfaces || []).map((x) => [x.name, 'dc']),
    ...(plan.vpn?.tunnels || []).map((t) => [t.name, 'vpn']),
  ];
  const downList = new Set((pick(res, 'down', 'failed', 'downSessions') || []).map((x) => (typeof x === 'string' ? x : x.name)));
  const sessState = pick(res, 'sessions') || [];
  for (const s of sessState) if (s && (s.up === false || s.state === 'down' || s.established === false)) downList.add(s.name);
  for (const [n, kind] of names) sessions.set(n, { kind, up: !downList.has(n), toCloud: false, toIDC: false });

  // Cloud → IDC rides the border gateway's best routes to IDC prefixes;
  // IDC → cloud the customer router's best routes to VPC prefixes.
  const mark = (r, dir) => {
    if (!r.best) return;
    for (const n of r.sessions) { const s = sessions.get(n); if (s) s[dir] = true; }
    if (r.sessions.length === 0 && (r.kind === 'dc' || r.kind === 'vpn')) {
      for (const s of sessions.values()) if (s.kind === r.kind && s.up) s[dir] = true;
    }
  };
  for (const r of bgw) if (r.kind === 'dc' || r.kind === 'vpn') mark(r, 'toIDC');
  for (const r of cr) if (r.kind === 'dc' || r.kind === 'vpn') mark(r, 'toCloud');
  const attachments = new Set((plan.borderGateway?.attachments || []).map((a) => a.name));

  const kinds = (dir) => new Set([...sessions.values()].filter((s) => s[dir]).map((s) => s.kind));
  const toCloud = kinds('toCloud'), toIDC = kinds('toIDC');
  const say = (set) => (set.size === 0 ? 'no path' : [...set].map((k) => kindLabel[k]).join(' and '));
  let summary = pick(res, 'summary');
  if (!summary) summary = `IDC → cloud over ${say(toCloud)}; cloud → IDC over ${say(toIDC)}.`;
  const asym = toCloud.size && toIDC.size && [...toCloud].join() !== [...toIDC].join();
  const unreachable = toCloud.size === 0 || toIDC.size === 0;
  if (asym) summary += ' Asymmetric: the two directions take different paths.';
  return {
    bgw, cr, summary, warning: asym || unreachable,
    paths: { toCloud: [...toCloud], toIDC: [...toIDC] },
    diagram: { sessions, attachments: toCloud.size || toIDC.size ? attachments : new Set() },
    raw: res,
  };
}

function routeRow(r) {
  const via = pick(r, 'session', 'sessionName', 'nextHopName', 'via', 'interface', 'tunnel', 'attachment');
  const sessions = [].concat(pick(r, 'sessions') || (via ? [via] : [])).map((x) => (typeof x === 'string' ? x : x?.name)).filter(Boolean);
  return {
    prefix: pick(r, 'prefix', 'destination', 'cidr'),
    kind: kindOf(pick(r, 'kind', 'pathKind', 'nextHopType', 'type', 'via')),
    via: sessions.join(', ') || via || '',
    nextHop: pick(r, 'nextHop', 'nextHopIp', 'gateway') ?? '',
    asPath: pick(r, 'asPath'),
    localPref: pick(r, 'localPreference', 'localPref'),
    best: !!pick(r, 'best', 'selected', 'active', 'installed'),
    reason: pick(r, 'reason', 'selectionReason', 'why') ?? '',
    origin: pick(r, 'origin', 'for') ?? '',
    sessions,
  };
}

function renderRoutes(el, rows) {
  if (!rows.length) { replaceChildren(el, h('p', { class: 'muted' }, 'No routes in this scenario.')); return; }
  const hasLP = rows.some((r) => r.localPref !== undefined);
  const hasAS = rows.some((r) => r.asPath !== undefined);
  replaceChildren(el, h('table', { class: 'grid routes' },
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, 'Prefix'), h('th', { scope: 'col' }, 'Via'),
      hasAS ? h('th', { scope: 'col' }, 'AS_PATH') : null, hasLP ? h('th', { scope: 'col' }, 'Local pref') : null,
      h('th', { scope: 'col' }, 'Best'), h('th', { scope: 'col' }, 'Why'))),
    h('tbody', null, rows.map((r) => h('tr', { class: (r.best ? 'best ' : 'other ') + r.kind, dataset: { kind: r.kind, best: r.best ? 'yes' : 'no' } },
      h('td', { class: 'mono' }, r.prefix),
      h('td', null, h('span', { class: 'pill ' + r.kind }, kindLabel[r.kind] || r.kind), ' ', r.via, r.nextHop ? h('span', { class: 'mono muted' }, ' ', r.nextHop) : null),
      hasAS ? h('td', { class: 'mono' }, Array.isArray(r.asPath) ? r.asPath.join(' ') : r.asPath ?? '') : null,
      hasLP ? h('td', { class: 'mono' }, r.localPref ?? '') : null,
      h('td', null, r.best ? h('span', { class: 'best-mark', 'aria-label': 'best' }, '✓') : h('span', { class: 'sr-only' }, 'not best')),
      h('td', { class: 'reason' }, Array.isArray(r.reason) ? r.reason.join('; ') : r.reason))))));
}

function renderTrace(res, scenarioTitle) {
  const dir = (label, d) => {
    if (!d) return null;
    const kind = kindOf(pick(d, 'kind', 'pathKind', 'path', 'via'));
    const reachable = pick(d, 'reachable', 'ok') !== false;
    const hops = pick(d, 'hops', 'steps') || [];
    return h('div', { class: 'trace-dir ' + (reachable ? kind : 'unreachable') },
      h('h3', null, label),
      h('p', null, reachable
        ? [h('span', { class: 'pill ' + kind }, kindLabel[kind] || kind), ' ', pick(d, 'session', 'via') || '', d.prefix ? h('span', { class: 'mono muted' }, ` matched ${d.prefix}`) : null]
        : h('strong', { class: 'error' }, 'unreachable')),
      d.reason ? h('p', { class: 'reason' }, Array.isArray(d.reason) ? d.reason.join('; ') : d.reason) : null,
      hops.length ? h('ol', { class: 'hops' }, hops.map((x) => h('li', null, typeof x === 'string' ? x : pick(x, 'description', 'text', 'name') ?? JSON.stringify(x)))) : null);
  };
  const fwd = pick(res, 'forward', 'toIdc', 'there');
  const back = pick(res, 'return', 'reverse', 'back', 'toCloud');
  const sym = pick(res, 'symmetric');
  return h('div', { class: 'trace-result' },
    h('p', { class: 'muted' }, `Scenario: ${scenarioTitle}`, sym === false ? h('strong', { class: 'warning' }, ' · asymmetric') : sym === true ? ' · symmetric' : ''),
    h('div', { class: 'trace-dirs' }, dir('VM → IDC', fwd), dir('IDC → VM (return)', back)),
    res.summary ? h('p', null, res.summary) : null);
}

/**
 * normaliseMatrix returns {columns: [scenario…], rows: [{idc, vpc, cells:
 * [{verdict, ok, text}]}]}.
 */
export function normaliseMatrix(res) {
  const scen = (pick(res, 'scenarios') || []).map((s) => (typeof s === 'string' ? s : pick(s, 'title', 'name')));
  const scenNames = (pick(res, 'scenarios') || []).map((s) => (typeof s === 'string' ? s : s.name));
  let rows = pick(res, 'rows') || [];
  const cells = pick(res, 'cells');
  if (!rows.length && Array.isArray(cells)) {
    const by = new Map();
    for (const c of cells) {
      const idc = pick(c, 'idc', 'idcSegment', 'source'), vpc = pick(c, 'vpc', 'vpcSegment', 'destination');
      const key = `${idc}|${vpc}`;
      if (!by.has(key)) by.set(key, { idc, vpc, cells: new Array(scenNames.length) });
      by.get(key).cells[scenNames.indexOf(pick(c, 'scenario'))] = c;
    }
    rows = [...by.values()];
  }
  return {
    columns: scen,
    rows: rows.map((r) => ({
      idc: pick(r, 'idc', 'idcSegment', 'source'),
      vpc: pick(r, 'vpc', 'vpcSegment', 'destination'),
      cells: (pick(r, 'cells', 'results') || []).map((c) => cellOf(c)),
    })),
  };
}

function cellOf(c) {
  if (!c) return { text: '', ok: false };
  if (typeof c === 'string') return { text: c, ok: !/unreach|asym|fail/i.test(c) };
  const there = kindOf(pick(c, 'forward', 'toCloud', 'idcToCloud', 'there'));
  const back = kindOf(pick(c, 'return', 'toIdc', 'cloudToIdc', 'back'));
  const verdict = pick(c, 'verdict', 'result', 'status');
  const text = verdict ?? `${kindLabel[there] || there} / ${kindLabel[back] || back}`;
  const ok = pick(c, 'ok', 'pass') ?? !/unreach|asym|fail/i.test(String(text));
  return { text: String(text), ok, detail: pick(c, 'detail', 'reason') };
}

function renderMatrix(m) {
  if (!m.rows.length) return h('p', { class: 'muted' }, 'No IDC × VPC pairs: add segments and VPC CIDRs.');
  return h('table', { class: 'grid matrix-table' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'IDC segment'), h('th', { scope: 'col' }, 'VPC segment'),
      m.columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, m.rows.map((r) => h('tr', null,
      h('td', { class: 'mono' }, r.idc), h('td', { class: 'mono' }, r.vpc),
      r.cells.map((c) => h('td', { class: c.ok ? 'pass' : 'fail', title: c.detail || '' }, c.text))))));
}

/** matrixToCSV writes the matrix as RFC 4180 CSV. */
export function matrixToCSV(m) {
  const q = (v) => { const s = String(v ?? ''); return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };
  const lines = [['IDC segment', 'VPC segment', ...m.columns].map(q).join(',')];
  for (const r of m.rows) lines.push([r.idc, r.vpc, ...r.cells.map((c) => c.text)].map(q).join(','));
  return lines.join('\r\n') + '\r\n';
}
