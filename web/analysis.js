// The analysis views: failure toggles (scenarios), the topology diagram with
// the scenario's path, the route tables of both routers with each row's
// reason, the trace box and the verification matrix. Everything comes from
// the core (scenarios, simulate, trace, matrix; shapes in docs/simulate.md
// and wasm/API.md); this module only shows it.
//
// The diagram's paths come from the matrix, which the core computes for
// every scenario at once: toggling a failure then redraws the diagram with
// no call at all, and the route tables follow from one simulate call.

import { h, replaceChildren, errorText } from './dom.js';
import { diagramSVG, adoptDiagramStyle } from './diagram.js';

const $ = (id) => document.getElementById(id);

// Analysis is heavier than validation and shows nothing about the value
// being typed, so it waits for a short pause in typing.
const analysisDelay = 150;

// A matrix of a thousand-segment plan has tens of thousands of cells; the
// page shows the first rows and the CSV has them all.
const maxMatrixRows = 300;

const kindShort = { 'direct-connection': 'DC', vpn: 'VPN', 'vpc-attachment': 'VPC', mixed: 'DC+VPN' };
const kindLabel = { 'direct-connection': 'Direct Connection', vpn: 'VPN', 'vpc-attachment': 'VPC attachment', mixed: 'Direct Connection and VPN (ECMP)' };
const kindClass = { 'direct-connection': 'dc', vpn: 'vpn', 'vpc-attachment': 'local', mixed: 'mixed' };

const failbackSuffix = '-failback';

/** scenarioTitle names a scenario for a toggle ("tunnel-down:tun-1" → "Tunnel tun-1 down"). */
export function scenarioTitle(name) {
  const [base, item] = name.split(':');
  const fb = base.endsWith(failbackSuffix);
  const b = fb ? base.slice(0, -failbackSuffix.length) : base;
  const titles = {
    normal: 'Normal',
    'dc-session-down': item ? `DC session ${item} down` : 'DC sessions down',
    'dc-routes-withdrawn': 'DC routes withdrawn',
    'dc-port-down': 'DC port down',
    'tunnel-down': `Tunnel ${item} down`,
    'vpn-down': 'VPN down',
    'both-down': 'Both down',
  };
  const t = titles[b] || name;
  return fb ? `${t}, then recovered` : t;
}

/**
 * scenarioName is the core's name of a failure, or of its failback
 * ("tunnel-down:tun-1" → "tunnel-down-failback:tun-1").
 */
export function scenarioName(scenario, failback) {
  if (!failback || scenario === 'normal') return scenario;
  const [base, item] = scenario.split(':');
  return base + failbackSuffix + (item ? ':' + item : '');
}

export class Analysis {
  constructor(page) {
    this.page = page;
    this.busy = false;
    this.running = false;
    this.pending = false;
    this.timer = 0;
    // busy is true while any analysis work is owed: a scheduled run, a
    // running one, or a scenario's simulation. Each of these ends on its
    // own, so busy is recomputed from all of them when one ends, never
    // cleared by one while another is still owed (whenIdle relies on it).
    this.timerPending = false;
    this.scenarioRuns = 0;
    this.scenario = 'normal';
    this.failback = false;
    this.scenarios = [];
    this.matrix = null; // the core's ConnectivityMatrix of the current plan
    this.matrixFor = '';
    this.state = null; // simulate() of the current plan and scenario
    $('trace-form').addEventListener('submit', (ev) => { ev.preventDefault(); this.trace(); });
    $('matrix-csv').addEventListener('click', () => this.page.exportAs('matrix'));
  }

  get api() { return this.page.api; }
  available(fn) { return typeof this.api[fn] === 'function'; }

  /** planChanged redraws the plan's shape now and schedules the analysis. */
  planChanged(immediate) {
    // A loaded plan is drawn at once; while typing, the redraw waits for the
    // pause like the rest of the analysis, keeping keystrokes light.
    if (immediate) this.drawDiagram();
    clearTimeout(this.timer);
    this.busy = true;
    this.timerPending = true;
    this.timer = setTimeout(() => { this.timerPending = false; this.run(); }, immediate ? 0 : analysisDelay);
  }

  /**
   * owed marks a run as owed before it is scheduled (a loaded plan's
   * analysis waits for its findings to show first), so the page is not idle
   * in between even if an older run ends meanwhile.
   */
  owed() {
    this.timerPending = true;
    this.busy = true;
  }

  /** settled recomputes busy after a piece of work ended and tells the page. */
  settled() {
    this.busy = this.running || this.timerPending || this.scenarioRuns > 0;
    this.page.settle();
  }

  async run() {
    if (this.running) { this.pending = true; return; }
    this.running = true;
    try {
      do {
        this.pending = false;
        const text = this.page.planText;
        await this.analyse(text);
      } while (this.pending);
    } finally {
      this.running = false;
      this.settled();
    }
  }

  async analyse(text) {
    this.page.addressMap?.render();
    await this.strategy(text);
    if (text !== this.page.planText) return;
    if (!this.available('matrix') || !this.available('simulate')) {
      this.unavailable('Routes and paths need the simulation, which this build of the planner core does not have yet.');
      return;
    }
    try {
      const m = await this.api.matrix(text);
      if (text !== this.page.planText) return;
      this.matrix = m;
      this.matrixFor = text;
      this.setScenarios(m.scenarios);
      this.redrawScenario();
      this.renderMatrix();
    } catch (e) {
      if (text !== this.page.planText) return;
      this.matrix = null;
      this.matrixFor = '';
      this.state = null;
      this.unavailable(blockedMessage(e));
      return;
    }
    await this.simulate(text);
    await this.retrace();
  }

  // ---- strategy ---------------------------------------------------------------

  async strategy(text) {
    const out = $('strategy-out');
    if (!this.available('strategy')) {
      replaceChildren(out, h('p', { class: 'muted' }, 'The advertisements need the strategy, which this build of the planner core does not have yet.'));
      return;
    }
    try {
      // The page's own call cuts the lists in the worker (bridge.js).
      const r = this.available('strategyShown') ? await this.api.strategyShown(text, maxAnnsListed) : await this.api.strategy(text);
      if (text !== this.page.planText) return;
      this.page.setStrategyFindings(r.findings);
      $('strategy-mode').textContent = r.mode ? `· ${r.mode === 'prefix-split' ? 'prefix split' : r.mode === 'as-path' ? 'AS_PATH prepend' : r.mode}` : '';
      // Most pauses in typing leave the advertisements as they were: then
      // the page keeps them rather than rebuilding (and laying out) them.
      // The key holds what the view shows (each list's first entries and
      // its length), not 10,000 prefixes of a 5,000-segment plan.
      const key = JSON.stringify([{ ...r, findings: undefined, idcToCloud: shownLists(r.idcToCloud), cloudToIdc: shownLists(r.cloudToIdc) }, this.page.plan.profile ?? null]);
      if (key !== this.strategyKey || !out.firstChild) {
        this.strategyKey = key;
        replaceChildren(out, renderStrategy(r, this.page.profile, this.page.plan.profile));
      }
    } catch (e) {
      if (text !== this.page.planText) return;
      this.page.setStrategyFindings([]);
      this.strategyKey = '';
      replaceChildren(out, h('p', { class: 'muted' }, blockedMessage(e)));
    }
  }

  unavailable(msg) {
    this.drawDiagram();
    // The same message again (every pause in typing while the plan has an
    // error): the views already say it.
    if (this.unavailableShown === msg && $('matrix-csv').disabled) return;
    this.unavailableShown = msg;
    renderLoss($('scenario-loss'), []);
    const sum = $('scenario-summary');
    sum.textContent = msg;
    sum.className = 'scenario-summary muted';
    $('scenario-pairs').hidden = true;
    for (const id of ['routes-bgw', 'routes-cr', 'matrix-out']) replaceChildren($(id), h('p', { class: 'muted' }, msg));
    $('matrix-csv').disabled = true;
  }

  // ---- scenarios ------------------------------------------------------------

  setScenarios(list) {
    const names = list.map((s) => s.name).join('|');
    if (names === this.scenarioNames) return;
    this.scenarioNames = names;
    this.scenarios = list;
    if (!list.some((s) => s.name === this.current())) { this.scenario = 'normal'; this.failback = false; }
    this.renderToggles();
  }

  /** current is the scenario shown: the toggled failure, or its failback. */
  current() {
    return scenarioName(this.scenario, this.failback);
  }

  renderToggles() {
    const fs = $('failures');
    const legend = fs.querySelector('legend');
    const main = this.scenarios.filter((s) => !s.name.split(':')[0].endsWith(failbackSuffix));
    const byName = new Map(this.scenarios.map((s) => [s.name, s]));
    replaceChildren(fs, legend,
      main.map((s) => {
        const id = 'scn-' + s.name.replace(/[^A-Za-z0-9]+/g, '-');
        return h('label', { class: 'toggle', for: id, title: s.description },
          h('input', {
            type: 'radio', name: 'scenario', id, value: s.name, checked: s.name === this.scenario,
            onchange: () => this.choose(s.name, this.failback),
          }),
          h('span', null, scenarioTitle(s.name)));
      }),
      h('label', { class: 'failback', title: 'Show the network after the failure is repaired (BGP keeps the older path in some designs)' },
        h('input', { type: 'checkbox', id: 'scn-failback', checked: this.failback, onchange: (ev) => this.choose(this.scenario, ev.target.checked) }),
        ' after recovery'));
    $('scn-failback').disabled = this.scenario === 'normal' || !byName.has(scenarioName(this.scenario, true));
  }

  /** choose shows another scenario: the diagram at once, the tables next. */
  choose(scenario, failback) {
    this.scenario = scenario;
    this.failback = failback && scenario !== 'normal';
    const fb = $('scn-failback');
    if (fb) {
      fb.disabled = scenario === 'normal' || !this.scenarios.some((s) => s.name === scenarioName(scenario, true));
      fb.checked = this.failback;
    }
    this.state = null;
    this.drawDiagram();
    this.renderSummary();
    this.busy = true;
    this.scenarioRuns++;
    // A trace on screen answers for the scenario shown: redo it.
    this.simulate(this.page.planText).then(() => this.retrace()).finally(() => { this.scenarioRuns--; this.settled(); });
  }

  // ---- simulation -------------------------------------------------------------

  async simulate(text) {
    this.unavailableShown = null;
    const name = this.current();
    $('routes-scenario').textContent = `· ${scenarioTitle(name)}`;
    try {
      const st = await this.api.simulate(text, name);
      if (text !== this.page.planText || name !== this.current()) return;
      this.state = st;
      this.redrawScenario();
      renderLoss($('scenario-loss'), st.failover);
      renderRoutes($('routes-bgw'), st.borderGateway.routes, 'bgw');
      renderRoutes($('routes-cr'), st.customerRouter.routes, 'cr');
    } catch (e) {
      if (text !== this.page.planText) return;
      for (const id of ['routes-bgw', 'routes-cr']) replaceChildren($(id), h('p', { class: 'field-msg error' }, blockedMessage(e)));
      renderLoss($('scenario-loss'), []);
    }
  }

  /**
   * paths derives, from the matrix cells of the shown scenario, which
   * sessions carry traffic each way and whether every pair is reachable and
   * symmetric.
   */
  paths() {
    const m = this.matrix;
    if (!m || this.matrixFor !== this.page.planText) return null;
    const name = this.current();
    const cells = m.cells.filter((c) => c.scenario === name);
    const toCloud = new Set(), toIDC = new Set(), kindsUp = new Set(), kindsDown = new Set();
    let unreachable = 0, asymmetric = 0;
    const attachments = new Set();
    const broken = [];
    for (const c of cells) {
      if (c.forward.reachable || c.return.reachable) {
        const v = segmentOf(m.vpcSegments, c.vpcIndex, c.vpc);
        attachments.add(v.attachment || v.name);
      }
      // Forward is VPC → IDC (border gateway), Return IDC → VPC (customer router).
      for (const s of c.forward.sessions || []) toIDC.add(s);
      for (const s of c.return.sessions || []) toCloud.add(s);
      if (c.return.kind) kindsUp.add(c.return.kind);
      if (c.forward.kind) kindsDown.add(c.forward.kind);
      if (!c.reachable) { unreachable++; broken.push(c); }
      else if (!c.symmetric) { asymmetric++; broken.push(c); }
    }
    return { cells: cells.length, toCloud, toIDC, kindsUp, kindsDown, unreachable, asymmetric, attachments, broken };
  }

  /**
   * redrawScenario redraws the diagram and the summary from the current
   * state in the next frame: the matrix and the simulation answering close
   * together draw them once.
   */
  redrawScenario() {
    this.page.renders.request('scenario', () => { this.drawDiagram(); this.renderSummary(); });
  }

  drawDiagram() {
    const plan = this.page.plan;
    if (!plan) return;
    this.inPageStyle ??= adoptDiagramStyle();
    // The same drawing again (most pauses in typing) is left in place: a
    // new SVG is parsed and laid out however little it differs.
    const svg = diagramSVG(plan, this.diagramState(), { embedStyle: !this.inPageStyle });
    const el = $('diagram');
    if (svg === this.diagramShown && el.firstChild) return;
    this.diagramShown = svg;
    el.innerHTML = svg;
  }

  diagramState() {
    const p = this.paths();
    if (!p) return null;
    const sessions = new Map();
    const up = new Map((this.state?.sessions || []).map((s) => [s.name, s.up]));
    // Until simulate answers for this scenario, infer "down" from the
    // scenario's events so the toggle redraws at once.
    const sc = this.scenarios.find((s) => s.name === this.current());
    const downNow = eventsDown(sc, this.page.plan);
    for (const x of this.page.plan.directConnection?.interfaces || []) sessions.set(x.name, null);
    for (const x of this.page.plan.vpn?.tunnels || []) sessions.set(x.name, null);
    for (const n of sessions.keys()) {
      sessions.set(n, { up: up.has(n) ? up.get(n) : !downNow.has(n), toCloud: p.toCloud.has(n), toIDC: p.toIDC.has(n) });
    }
    return { sessions, attachments: p.attachments };
  }

  renderSummary() {
    const p = this.paths();
    const sum = $('scenario-summary');
    if (!p) return;
    this.unavailableShown = null;
    const say = (kinds) => (kinds.size ? [...kinds].map((k) => kindLabel[k] || k).join(' and ') : 'no path');
    let text = `${scenarioTitle(this.current())}: IDC → VPC over ${say(p.kindsUp)}; VPC → IDC over ${say(p.kindsDown)}.`;
    if (p.unreachable) text += ` ${p.unreachable} of ${p.cells} segment pairs unreachable.`;
    if (p.asymmetric) text += ` ${p.asymmetric} of ${p.cells} pairs asymmetric (the two directions take different paths).`;
    sum.textContent = text;
    sum.className = 'scenario-summary' + (p.unreachable || p.asymmetric ? ' warning' : '');
    const sc = this.scenarios.find((s) => s.name === this.current());
    sum.title = sc?.description || '';
    renderPairs($('scenario-pairs'), p.broken, this.matrix, sc);
    $('diagram').setAttribute('aria-label', 'Topology. ' + text);
  }

  diagramSVG() {
    return diagramSVG(this.page.plan, this.diagramState());
  }

  // ---- trace ----------------------------------------------------------------

  /** retrace redoes the trace on screen for the current plan and scenario. */
  async retrace() {
    if (this.traced) await this.trace(this.traced);
  }

  async trace(again) {
    const out = $('trace-out');
    const src = again ? again.src : $('trace-src').value.trim(), dst = again ? again.dst : $('trace-dst').value.trim();
    this.traced = null;
    if (!src || !dst) { replaceChildren(out, h('p', { class: 'field-msg error' }, 'Give a VM address in a VPC and an address in the IDC.')); return; }
    if (!this.available('trace')) { replaceChildren(out, h('p', { class: 'muted' }, 'Trace is not available in this build of the planner core.')); return; }
    try {
      const res = await this.api.trace(this.page.planText, this.current(), src, dst);
      replaceChildren(out, renderTrace(res), lossLine('trace-loss', res.failover));
      this.traced = { src, dst };
    } catch (e) {
      replaceChildren(out, h('p', { class: 'field-msg error', role: 'alert' }, `Cannot trace: ${errorText(e)}${e.hint ? ' — ' + e.hint : ''}`));
    }
  }

  // ---- matrix -----------------------------------------------------------------

  renderMatrix() {
    const m = this.matrix;
    const out = $('matrix-out');
    this.unavailableShown = null;
    $('matrix-csv').disabled = false;
    const scen = m.scenarios.map((s) => s.name);
    const col = new Map(scen.map((n, i) => [n, i]));
    const rows = new Map();
    for (const c of m.cells) {
      // Indexes, not names: a dual-stack VPC has one name for two CIDRs.
      const idc = segmentOf(m.idcSegments, c.idcIndex, c.idc), vpc = segmentOf(m.vpcSegments, c.vpcIndex, c.vpc);
      const key = `${c.idcIndex ?? c.idc}\u0000${c.vpcIndex ?? c.vpc}`;
      let r = rows.get(key);
      if (!r) rows.set(key, (r = { idc, vpc, cells: new Array(scen.length) }));
      r.cells[col.get(c.scenario)] = c;
    }
    const all = [...rows.values()];
    if (!all.length) { replaceChildren(out, h('p', { class: 'muted' }, 'No IDC × VPC segment pairs yet.')); return; }
    const shown = all.slice(0, maxMatrixRows);
    replaceChildren(out,
      h('table', { class: 'grid matrix-table' },
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, 'IDC segment'), h('th', { scope: 'col' }, 'VPC segment'),
          scen.map((n) => h('th', { scope: 'col', title: m.scenarios[col.get(n)].description }, scenarioTitle(n))))),
        h('tbody', null, shown.map((r) => h('tr', null,
          h('th', { scope: 'row' }, r.idc.name, ' ', h('span', { class: 'mono muted' }, r.idc.cidr)),
          h('td', null, r.vpc.name, ' ', h('span', { class: 'mono muted' }, r.vpc.cidr)),
          r.cells.map((c) => {
            if (!c) return h('td', { class: 'na' }, '—');
            const v = verdict(c);
            return h('td', { class: v.cls, title: v.detail }, v.text);
          }))))),
      all.length > maxMatrixRows ? h('p', { class: 'muted' }, `Showing ${maxMatrixRows} of ${all.length} pairs; the CSV has every one.`) : null);
  }

  async matrixCSV() {
    if (!this.matrix || this.matrixFor !== this.page.planText) {
      if (!this.available('matrix')) throw new Error('the verification matrix is not available in this build of the planner core');
      this.matrix = await this.api.matrix(this.page.planText);
      this.matrixFor = this.page.planText;
    }
    return matrixToCSV(this.matrix);
  }
}

/**
 * renderStrategy shows what each side advertises on each path, the route
 * count against the border gateway's quota and the strategy's notes.
 */
// An advertisement list names at most this many prefixes: a 5,000-segment
// plan would otherwise add 10,000 rows to the page on every pause in
// typing (a main-thread task of most of a second, issue 14). The
// provisioning export and the router configuration carry every one.
const maxAnnsListed = 50;

// shownLists is what the view shows of one direction's lists: each list's
// length and first maxAnnsListed entries.
function shownLists(side) {
  if (!side || typeof side !== 'object') return side;
  const out = {};
  for (const [k, v] of Object.entries(side)) out[k] = Array.isArray(v) ? [v.length, v.slice(0, maxAnnsListed)] : v;
  return out;
}

function renderStrategy(r, profile, own) {
  const list = (anns, total = anns?.length) => {
    if (!anns || !total) return h('p', { class: 'muted' }, 'nothing');
    const items = anns.slice(0, maxAnnsListed).map((a) => h('li', null,
      h('span', { class: 'mono' }, a.prefix),
      a.prepend ? h('span', { class: 'prepend' }, ` +${a.prepend} prepend${a.prepend > 1 ? 's' : ''}`) : null,
      a.origin ? h('span', { class: 'muted' }, ' ', a.origin) : null));
    if (total > maxAnnsListed) items.push(h('li', { class: 'muted' }, `… and ${(total - maxAnnsListed).toLocaleString('en')} more prefixes (every one is in the router configuration and the provisioning export)`));
    return h('ul', { class: 'ann' }, items);
  };
  // The plan may override the quota (its JD Cloud profile); the notes the
  // core writes use the plan's value, so this line must too.
  const quota = own?.quotas?.dynamicRoutesPerBorderGateway ?? profile?.quotas?.dynamicRoutesPerBorderGateway;
  const lp = r.localPreference;
  return [
    h('table', { class: 'grid ann-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, ''), h('th', { scope: 'col' }, pill('direct-connection'), ' over Direct Connection'), h('th', { scope: 'col' }, pill('vpn'), ' over VPN'))),
      h('tbody', null,
        h('tr', null, h('th', { scope: 'row' }, 'IDC → cloud', h('div', { class: 'muted' }, 'the customer router announces')),
          h('td', null, list(r.idcToCloud?.directConnection, r.totals?.idcToCloud?.directConnection)), h('td', null, list(r.idcToCloud?.vpn, r.totals?.idcToCloud?.vpn))),
        h('tr', null, h('th', { scope: 'row' }, 'Cloud → IDC', h('div', { class: 'muted' }, 'the border gateway announces')),
          h('td', null, list(r.cloudToIdc?.directConnection, r.totals?.cloudToIdc?.directConnection)), h('td', null, list(r.cloudToIdc?.vpn, r.totals?.cloudToIdc?.vpn))))),
    h('p', { class: 'muted' },
      `The border gateway learns ${r.dynamicRoutes} route${r.dynamicRoutes === 1 ? '' : 's'} over BGP` + (quota ? ` (quota ${quota}).` : '.'),
      lp ? ` The customer router sets local-preference ${lp.directConnection} on Direct Connection routes and ${lp.vpn} on VPN routes.` : ' No local-preference is set on the customer router.'),
    r.notes?.length ? h('ul', { class: 'notes' }, r.notes.map((n) => h('li', null, n))) : null,
    h('p', { class: 'assumed' }, 'Assumed, as JD Cloud does not document it: VPC prefixes reach the customer router with AS_PATH ',
      h('span', { class: 'mono' }, (own?.asn?.directConnectionPathToCustomer ?? profile.asn.directConnectionPathToCustomer).join(' ')),
      ' over Direct Connection and ',
      h('span', { class: 'mono' }, (own?.asn?.vpnPathToCustomer ?? profile.asn.vpnPathToCustomer).join(' ')),
      ' over the VPN (JD Cloud profile in the editor).'),
  ];
}

// The summary names the first few pairs that do not work; the matrix
// (and its CSV) has every one.
const maxPairsNamed = 6;

/**
 * renderPairs says which IDC × VPC pairs are unreachable or asymmetric in
 * the scenario shown, and why: which router has no route, or which path
 * each direction takes.
 */
function renderPairs(el, broken, m, sc) {
  if (!el) return;
  if (!broken.length) { replaceChildren(el); el.hidden = true; return; }
  el.hidden = false;
  const leg = (v, where, dst) => (v.reachable
    ? `${kindLabel[v.kind] || v.kind} via ${(v.sessions || []).join(', ')}`
    : `no route at the ${where} to ${dst}`);
  replaceChildren(el,
    sc?.description ? h('li', { class: 'muted' }, sc.description) : null,
    broken.slice(0, maxPairsNamed).map((c) => {
      const idc = segmentOf(m.idcSegments, c.idcIndex, c.idc), vpc = segmentOf(m.vpcSegments, c.vpcIndex, c.vpc);
      return h('li', null,
        h('strong', null, idc.name, ' ', h('span', { class: 'mono' }, idc.cidr), ' ↔ ', vpc.name, ' ', h('span', { class: 'mono' }, vpc.cidr)),
        c.reachable ? ' asymmetric: ' : ' unreachable: ',
        `IDC → VPC ${leg(c.return, 'customer router', vpc.cidr)}; VPC → IDC ${leg(c.forward, 'border gateway', idc.cidr)}.`);
    }),
    broken.length > maxPairsNamed ? h('li', { class: 'muted' }, `and ${broken.length - maxPairsNamed} more pairs: see the verification matrix.`) : null);
}

// segmentOf finds a matrix cell's segment by index (by name from a core
// that predates the indexes).
function segmentOf(list, index, name) {
  return (index !== undefined && list[index]) || list.find((s) => s.name === name) || { name, cidr: '' };
}

// eventsDown lists the sessions a scenario's events leave down.
function eventsDown(sc, plan) {
  const down = new Set();
  if (!sc) return down;
  const dcNames = (plan.directConnection?.interfaces || []).map((x) => x.name);
  for (const e of sc.events || []) {
    if (e.kind === 'session-down') down.add(e.session);
    if (e.kind === 'session-up') down.delete(e.session);
    if (e.kind === 'link-down') dcNames.forEach((n) => down.add(n));
    if (e.kind === 'link-up') dcNames.forEach((n) => down.delete(n));
  }
  return down;
}

function blockedMessage(e) {
  if (e.code === 'plan.invalid' || e.code?.startsWith('decode.') || e.findings?.length) {
    return 'Fix the errors listed under Findings to see routes and paths.';
  }
  return `The simulation failed: ${errorText(e)}`;
}

function hopText(hop) {
  return hop.session || hop.attachment || '';
}

function pill(kind) {
  return h('span', { class: 'pill ' + (kindClass[kind] || '') }, kindShort[kind] || kind || '?');
}

/** renderRoutes shows one router's table: a row per prefix, with why. */
function renderRoutes(el, routes, router) {
  if (!routes.length) { replaceChildren(el, h('p', { class: 'muted' }, 'No routes in this scenario.')); return; }
  const showLP = router === 'cr';
  replaceChildren(el, h('table', { class: 'grid routes', dataset: { router } },
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, 'Prefix'), h('th', { scope: 'col' }, 'Best via'),
      h('th', { scope: 'col' }, 'AS_PATH'), showLP ? h('th', { scope: 'col' }, 'Local pref') : null,
      h('th', { scope: 'col' }, 'Other candidates'), h('th', { scope: 'col' }, 'Why'))),
    h('tbody', null, routes.map((r) => {
      const best = (r.decision.best || []).map((i) => r.candidates[i]).filter(Boolean);
      const others = r.candidates.filter((_, i) => !(r.decision.best || []).includes(i));
      const kinds = [...new Set(r.nextHops.map((x) => x.kind))];
      const b0 = best[0] || {};
      return h('tr', { dataset: { prefix: r.prefix, kind: kinds.join(' ') || 'none' } },
        h('td', { class: 'mono' }, r.prefix),
        h('td', null, r.nextHops.length
          ? r.nextHops.map((x) => h('span', { class: 'hop' }, pill(x.kind), ' ', hopText(x)))
          : h('span', { class: 'muted' }, 'none')),
        h('td', { class: 'mono' }, (b0.asPath || []).join(' ')),
        showLP ? h('td', { class: 'mono' }, b0.localPref ?? '') : null,
        h('td', { class: 'muted' }, others.map((c) => h('span', { class: 'hop' }, pill(c.kind), ' ', c.session || c.attachment || ''))),
        h('td', { class: 'reason' }, r.decision.reason));
    }))));
}

// ---- loss windows ---------------------------------------------------------------

/**
 * lossText says how long traffic is lost while it moves, per phase and
 * direction (the core's failover: sim.LossWindows, docs/rehearse.md), or ''
 * when nothing moves (normal). Outages and undetected failures say so.
 */
export function lossText(phases) {
  const parts = [];
  let bad = false;
  for (const ph of phases || []) {
    const dirs = [];
    for (const [label, w] of [['VPC → IDC', ph.forward], ['IDC → VPC', ph.return]]) {
      if (!w || !w.changed) continue;
      let what;
      if (w.outage) { what = 'lost until repaired'; bad = true; }
      else if (w.maxMillis === 0) what = 'no loss';
      else what = `${w.minMillis === w.maxMillis ? w.maxMillis : `${w.minMillis}–${w.maxMillis}`} ms`;
      dirs.push(`${label} ${what}${w.detection ? ` (${w.detection})` : ''}`);
      if (!w.outage && w.maxMillis > 3000) bad = true;
    }
    if (dirs.length) parts.push(`${ph.phase}: ${dirs.join(', ')}`);
  }
  return { text: parts.length ? `Traffic lost while it moves — ${parts.join('; ')}.` : '', bad };
}

function lossLine(cls, phases) {
  const { text, bad } = lossText(phases);
  return text ? h('p', { class: cls + (bad ? ' warning' : '') }, text) : null;
}

function renderLoss(el, phases) {
  const { text, bad } = lossText(phases);
  el.textContent = text;
  el.className = 'scenario-loss' + (bad ? ' warning' : '');
}

function renderTrace(res) {
  const leg = (label, l) => h('div', { class: 'trace-dir ' + (l.reachable ? kindClass[l.kind] || '' : 'unreachable') },
    h('h3', null, label),
    h('p', null, l.reachable
      ? [pill(l.kind), ' ', kindLabel[l.kind] || l.kind, ' via ', l.nextHops.map(hopText).join(', '), h('span', { class: 'mono muted' }, ` (matched ${l.route})`)]
      : h('strong', { class: 'error' }, 'unreachable')),
    h('p', { class: 'reason' }, l.reason));
  const ep = (e) => `${e.address} (${e.side === 'idc' ? 'IDC' : 'VPC'} ${e.segment})`;
  return h('div', { class: 'trace-result', dataset: { symmetric: String(res.symmetric), reachable: String(res.reachable), forward: res.forward.kind || 'none', back: res.return.kind || 'none' } },
    h('p', null, h('strong', { class: res.reachable && res.symmetric ? '' : 'warning' },
      !res.reachable ? 'Unreachable' : res.symmetric ? 'Symmetric' : 'Asymmetric'),
    ` · ${scenarioTitle(res.scenario)}`),
    h('div', { class: 'trace-dirs' },
      leg(`${ep(res.source)} → ${ep(res.destination)}`, res.forward),
      leg(`${ep(res.destination)} → ${ep(res.source)} (return)`, res.return)));
}

function verdict(c) {
  const up = c.return, down = c.forward; // IDC → VPC, VPC → IDC
  if (!c.reachable) {
    const which = !up.reachable && !down.reachable ? 'both ways' : !up.reachable ? 'IDC → VPC' : 'VPC → IDC';
    return { text: `unreachable ${which}`, cls: 'fail', detail: `IDC → VPC: ${verdictDetail(up)}; VPC → IDC: ${verdictDetail(down)}` };
  }
  if (c.symmetric) return { text: `${kindShort[up.kind] || up.kind} both ways`, cls: 'pass ' + (kindClass[up.kind] || ''), detail: `IDC → VPC: ${verdictDetail(up)}; VPC → IDC: ${verdictDetail(down)}` };
  return { text: `asymmetric: ${kindShort[up.kind]} → / ← ${kindShort[down.kind]}`, cls: 'fail', detail: `IDC → VPC: ${verdictDetail(up)}; VPC → IDC: ${verdictDetail(down)}` };
}

function verdictDetail(v) {
  if (!v.reachable) return 'unreachable';
  return `${kindLabel[v.kind] || v.kind} via ${(v.sessions || []).join(', ')} (route ${v.route})`;
}

/**
 * matrixToCSV writes the matrix as RFC 4180 CSV, one line per scenario ×
 * IDC segment × VPC segment: what an engineer checks the network against.
 */
export function matrixToCSV(m) {
  const q = (v) => { const s = String(v ?? ''); return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };

  const lines = [[
    'scenario', 'idc_segment', 'idc_cidr', 'vpc_segment', 'vpc_cidr', 'verdict',
    'idc_to_vpc_path', 'idc_to_vpc_sessions', 'idc_to_vpc_route', 'vpc_to_idc_path', 'vpc_to_idc_sessions', 'vpc_to_idc_route',
    'reachable', 'symmetric',
  ].join(',')];
  for (const c of m.cells) {
    lines.push([
      c.scenario, c.idc, segmentOf(m.idcSegments, c.idcIndex, c.idc).cidr, c.vpc, segmentOf(m.vpcSegments, c.vpcIndex, c.vpc).cidr, verdict(c).text,
      c.return.kind || 'none', (c.return.sessions || []).join(' '), c.return.route || '',
      c.forward.kind || 'none', (c.forward.sessions || []).join(' '), c.forward.route || '',
      c.reachable, c.symmetric,
    ].map(q).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
