// The hybridplan page: wires the plan editor, live validation, the topology
// and simulation views, drafts, share links and exports to the Go core
// (globalThis.hybridplan, see wasm/API.md). Everything runs in the browser;
// the only network traffic is fetching these files (and, when the page was
// served by the hybridplan server, its provisioning panel).

import { loadCore } from './bridge.js';
import { h, replaceChildren, download, errorText, FrameRenders } from './dom.js';
import { Editor } from './editor.js';
import { newPlan } from './defaults.js';
import { renderFindings } from './findings.js';
import { Analysis } from './analysis.js';
import { Drafts } from './drafts.js';
import { History } from './history.js';
import { AddressMap } from './addressmap.js';

const $ = (id) => document.getElementById(id);

class Page {
  constructor(api, profileInfo) {
    this.api = api;
    this.profile = profileInfo.profile ?? profileInfo;
    this.plan = null;
    this.planText = '';
    this.findings = [];
    this.strategyFindings = [];
    this.listeners = new Set();
    this.idleWaiters = [];
    this.validatedWaiters = [];
    this.validating = false;
    this.validatePending = false;
    this.history = new History();
    this.serialiser = new PlanSerialiser();
    // Views redrawn from the core's answers: at most once per frame.
    this.renders = new FrameRenders(() => this.settle());
    this.editor = new Editor($('editor'), { profile: this.profile, sources: profileInfo.sources, onChange: (path, structural) => this.edited(path, structural) });
    this.analysis = new Analysis(this);
    this.addressMap = new AddressMap(this);
    this.drafts = new Drafts(this);
  }

  // ---- the current plan -------------------------------------------------

  /** load shows a plan (an object) in the editor and analyses it. */
  load(plan, { origin } = {}) {
    this.plan = plan;
    this.strategyFindings = [];
    this.planText = this.serialiser.text(plan);
    this.history.reset();
    this.updateUndo();
    this.editor.setPlan(plan);
    this.updateTitle();
    this.origin = origin;
    this.validate();
    // Findings first: the analysis (several core calls) starts once they
    // are shown, so a loaded plan is readable as soon as possible.
    this.analysis.owed();
    this.whenValidated().then(() => this.analysis.planChanged(true));
    this.notify();
  }

  edited(path, structural) {
    this.history.record(this.planText, path, structural);
    this.updateUndo();
    this.serialiser.edited(this.plan, path);
    this.planText = this.serialiser.text(this.plan);
    if (path === '$.name') this.updateTitle();
    this.validate();
    this.analysis.planChanged(false);
    this.drafts.edited();
    this.notify();
  }

  /**
   * renamePlan gives the plan a new name from outside the editor (a draft
   * renamed or copied): the field, the title and the analysis follow.
   */
  renamePlan(name) {
    if (!this.plan || this.plan.name === name) return;
    this.history.record(this.planText, '$.name', true);
    this.updateUndo();
    this.plan.name = name;
    this.planText = this.serialiser.text(this.plan);
    const input = document.querySelector('#editor input[data-path="$.name"]');
    if (input) input.value = name;
    this.updateTitle();
    this.validate();
    this.analysis.planChanged(false);
    this.notify();
  }

  // ---- undo and redo ---------------------------------------------------------

  undo() { this.restore(this.history.undo(this.planText)); }
  redo() { this.restore(this.history.redo(this.planText)); }

  /** restore shows an earlier (or later) text of the same plan: an edit. */
  restore(text) {
    if (text == null) return;
    this.plan = JSON.parse(text);
    this.planText = text;
    this.editor.setPlan(this.plan, { keepStash: true });
    this.updateTitle();
    this.updateUndo();
    this.validate();
    this.analysis.planChanged(true);
    this.drafts.edited();
    this.notify();
  }

  updateUndo() {
    const u = $('undo'), r = $('redo');
    if (!u || !r) return;
    u.disabled = !this.history.canUndo;
    r.disabled = !this.history.canRedo;
  }

  updateTitle() {
    $('plan-title').textContent = this.plan?.name || 'untitled plan';
    document.title = `${this.plan?.name || 'untitled plan'} · hybridplan`;
  }

  notify() {
    for (const cb of this.listeners) {
      try { cb(this.planText); } catch (e) { console.error('hybridplanPage.onPlanChange callback failed:', e); }
    }
  }

  // ---- live validation ----------------------------------------------------
  //
  // No timer debounce: a keystroke validates at once, and keystrokes that
  // arrive while a validation runs collapse into one more run with the latest
  // text. Latency stays one validation; work never piles up.

  async validate() {
    if (this.validating) { this.validatePending = true; return; }
    this.validating = true;
    try {
      do {
        this.validatePending = false;
        const text = this.planText;
        let res;
        try {
          res = await this.api.validate(text);
        } catch (e) {
          res = { ok: false, findings: [{ code: e.code || 'internal', severity: 'error', path: e.path || '$', message: errorText(e), hint: e.hint }] };
        }
        if (text !== this.planText) continue; // stale: a newer edit is waiting
        this.findings = res.findings || [];
        this.ok = !!res.ok;
        this.showFindings();
      } while (this.validatePending);
    } finally {
      this.validating = false;
      this.settle();
    }
  }

  /**
   * showFindings shows validation's findings with the strategy's (codes
   * strategy.*, which the analysis computes after a pause in typing).
   */
  showFindings() {
    this.renders.request('findings', () => this.renderFindings());
  }

  renderFindings() {
    document.documentElement.dataset.valid = this.ok ? 'yes' : 'no';
    const all = this.strategyFindings.length ? mergeFindings(this.findings, this.strategyFindings) : this.findings;
    // Most keystrokes change no finding: then the page has nothing to redo.
    const key = JSON.stringify(all);
    if (key === this.findingsKey && !this.editor.stale) return;
    this.findingsKey = key;
    this.editor.stale = false;
    this.editor.mark(all);
    renderFindings($('findings-list'), $('findings-count'), all, (p) => this.editor.focusPath(p));
  }

  setStrategyFindings(fs) {
    this.strategyFindings = fs || [];
    this.showFindings();
  }

  settle() {
    // Waiters see the page as it will be drawn: the findings included.
    if (this.renders.pending) return;
    if (!this.validating) {
      const vs = this.validatedWaiters;
      this.validatedWaiters = [];
      for (const r of vs) r();
    }
    if (this.validating || this.analysis.busy) return;
    const ws = this.idleWaiters;
    this.idleWaiters = [];
    for (const r of ws) r();
  }

  /** whenValidated resolves once validation has caught up with the edits. */
  whenValidated() {
    if (!this.validating && !this.validatePending && !this.renders.pending) return Promise.resolve();
    return new Promise((r) => this.validatedWaiters.push(r));
  }

  /** whenIdle resolves once validation and analysis have caught up. */
  whenIdle() {
    if (!this.validating && !this.analysis.busy && !this.validatePending && !this.renders.pending) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  // ---- banners -------------------------------------------------------------

  /**
   * banner shows a message above the work area; one per key, replaced by the
   * next with the same key. actions: [[label, fn], …]. Returns a remover.
   */
  banner(key, kind, text, actions = []) {
    this.clearBanner(key);
    const el = h('div', { class: 'banner ' + kind, role: kind === 'error' ? 'alert' : 'status', dataset: { key } },
      h('span', { class: 'banner-text' }, text),
      actions.map(([label, fn]) => h('button', { type: 'button', onclick: () => { fn(); } }, label)),
      h('button', { type: 'button', class: 'icon', 'aria-label': 'Dismiss', onclick: () => el.remove() }, '×'));
    $('banners').appendChild(el);
    return () => el.remove();
  }

  clearBanner(key) {
    for (const el of $('banners').querySelectorAll(`[data-key="${key}"]`)) el.remove();
  }

  // ---- share links --------------------------------------------------------

  async share() {
    try {
      const frag = await this.api.shareEncode(this.planText);
      const url = location.href.split('#')[0] + '#' + frag;
      $('share-url').value = url;
      $('share-len').textContent = `${url.length} characters`;
      $('share-dialog').showModal();
      $('share-url').select();
    } catch (e) {
      const where = e.path ? ` (${e.path})` : '';
      this.banner('share', 'error', `The link could not be made: ${errorText(e)}${where}. Fix the plan's errors first; a link must open as a plan.`);
    }
  }

  /** openShared loads the plan a link carries; false when it cannot. */
  async openShared(fragment) {
    try {
      const doc = await this.api.shareDecode(fragment);
      await this.drafts.leave();
      this.load(JSON.parse(doc), { origin: 'link' });
      this.banner('link', 'info', 'This plan was opened from a shared link. It is not saved in this browser yet.', [
        ['Save as my draft', () => this.drafts.saveShared()],
      ]);
      return true;
    } catch (e) {
      const why = e.code === 'share.version'
        ? 'it was made by a newer hybridplan than this one'
        : e.code === 'share.corrupt' ? 'it is damaged or incomplete (was it cut off when copied?)' : errorText(e);
      const hint = e.hint ? e.hint[0].toUpperCase() + e.hint.slice(1) + '.' : '';
      this.banner('link', 'error', `The shared link cannot be opened: ${why}. ${hint}`.trim());
      return false;
    }
  }

  // ---- import and examples ------------------------------------------------

  async importFile(file) {
    let text;
    try {
      text = await file.text();
    } catch (e) {
      this.banner('import', 'error', `${file.name} could not be read: ${errorText(e)}`);
      return;
    }
    let obj;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      this.banner('import', 'error', `${file.name} is not a plan file: it is not valid JSON (${e.message}).`);
      return;
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
      this.banner('import', 'error', `${file.name} is not a plan file: a plan is a JSON object with "version", "idc", "borderGateway"….`);
      return;
    }
    this.clearBanner('import');
    await this.drafts.leave();
    this.load(obj, { origin: 'file' });
    this.banner('import', 'info', `Imported ${file.name}. Changes are saved as a new draft.`);
  }

  // ---- exports -----------------------------------------------------------

  fileBase() {
    return fileBase(this.plan?.name);
  }

  /** exportFile makes one export: {name, text, type}. */
  async exportFile(kind) {
    const base = this.fileBase();
    switch (kind) {
      case 'plan':
        return { name: `${base}.json`, text: JSON.stringify(this.plan, null, 2) + '\n', type: 'application/json' };
      case 'router': {
        const fmt = $('export-vendor').value;
        const ifs = routerInterfaces.read(fmt);
        return { name: `${base}-${fmt}.conf`, text: await this.api.exportConfig(this.planText, fmt, ifs.dc, ifs.wan), type: 'text/plain' };
      }
      case 'provisioning':
        return { name: `${base}-provisioning.json`, text: await this.api.exportConfig(this.planText, 'calls'), type: 'application/json' };
      case 'matrix':
        return { name: `${base}-matrix.csv`, text: await this.analysis.matrixCSV(), type: 'text/csv' };
      case 'svg':
        return { name: `${base}-topology.svg`, text: this.analysis.diagramSVG(), type: 'image/svg+xml' };
    }
    throw new Error(`no export called ${kind}`);
  }

  async exportAs(kind) {
    const status = $('export-status');
    status.textContent = '';
    try {
      const f = await this.exportFile(kind);
      download(f.name, f.text, f.type);
      status.textContent = `Downloaded ${f.name}.`;
    } catch (e) {
      status.textContent = notExported(e);
    }
  }

  /** preview shows an export in the dialog, ready to copy. */
  async preview(kind) {
    const status = $('export-status');
    status.textContent = '';
    try {
      const f = await this.exportFile(kind);
      $('export-preview-title').textContent = f.name;
      $('export-preview').textContent = f.text;
      $('export-preview-wrap').hidden = false;
    } catch (e) {
      $('export-preview-wrap').hidden = true;
      status.textContent = notExported(e);
    }
  }
}

/**
 * PlanSerialiser writes the plan as JSON.stringify(plan) would, keeping the
 * text of each IDC segment (thousands in a large plan) by segment object: a
 * keystroke serialises the segment it changed, not all of them (issue 14).
 * Every edit goes through edited(path), which drops the changed segment's
 * text; the plans the page loads or restores are new objects.
 */
class PlanSerialiser {
  constructor() {
    this.segments = new WeakMap(); // segment object → its JSON
    // Stands for the segments while the rest is serialised; random, so no
    // plan (untrusted input) can contain it.
    this.marker = `\u0000segments-${Array.from(crypto.getRandomValues(new Uint32Array(4)), (x) => x.toString(36)).join('')}`;
    this.markerJSON = JSON.stringify(this.marker);
  }

  /** edited forgets the text of the segment an edit of path changed. */
  edited(plan, path) {
    const m = /^\$\.idc\.segments\[(\d+)\]/.exec(path);
    const seg = m && plan?.idc?.segments?.[Number(m[1])];
    if (seg && typeof seg === 'object') this.segments.delete(seg);
  }

  text(plan) {
    const segs = plan?.idc?.segments;
    if (!Array.isArray(segs) || segs.length < 100) return JSON.stringify(plan);
    const parts = new Array(segs.length);
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i];
      const keep = seg !== null && typeof seg === 'object';
      let t = keep ? this.segments.get(seg) : undefined;
      if (t === undefined) {
        t = JSON.stringify(seg) ?? 'null'; // as inside an array
        if (keep) this.segments.set(seg, t);
      }
      parts[i] = t;
    }
    let rest;
    plan.idc.segments = this.marker;
    try { rest = JSON.stringify(plan); } finally { plan.idc.segments = segs; }
    const at = rest.indexOf(this.markerJSON);
    return rest.slice(0, at) + '[' + parts.join(',') + ']' + rest.slice(at + this.markerJSON.length);
  }
}

// The customer router's interface names, per vendor: what the export
// writes instead of the vendor's example names. Kept in this browser
// (localStorage), not in the plan: they describe one router, not the design.
const routerInterfaces = {
  key: 'hybridplan.routerInterfaces',
  // The export's own defaults (pkg/plan/export), shown as placeholders.
  defaults: {
    'ios-xe': { dc: 'GigabitEthernet0/0/1' },
    vrp: { dc: 'GigabitEthernet0/0/1' },
    junos: { dc: 'ge-0/0/1', wan: 'ge-0/0/0.0' },
  },
  all() {
    try { return JSON.parse(localStorage.getItem(this.key) || '{}') || {}; } catch { return {}; }
  },
  read(vendor) {
    const v = this.all()[vendor] || {};
    return { dc: v.dc || '', wan: v.wan || '' };
  },
  write(vendor, names) {
    const all = this.all();
    all[vendor] = names;
    try { localStorage.setItem(this.key, JSON.stringify(all)); } catch { /* private mode: kept for this export only */ }
  },
  /** show fills the inputs for vendor: its names, its defaults as placeholders. */
  show(vendor) {
    const d = this.defaults[vendor];
    const v = this.read(vendor);
    const dc = $('export-dc-if'), wan = $('export-wan-if');
    dc.value = v.dc; wan.value = v.wan;
    dc.placeholder = d?.dc || '';
    wan.placeholder = d?.wan || '';
    dc.disabled = !d;
    wan.disabled = !d?.wan;
    $('export-ifaces-note').textContent = !d
      ? 'FRR takes interfaces from the operating system.'
      : d.wan ? '' : 'The tunnels start from the customer gateway\u2019s public IP.';
  },
};

function notExported(e) {
  return `Not exported: ${errorText(e)}` + (e.findings?.length ? ` — the plan has ${e.findings.filter((f) => f.severity === 'error').length} error(s); see Findings.` : '');
}

// File names: most file systems take 255 bytes; a longer name makes the
// browser cancel the download silently. The base leaves room for the
// longest suffix the page adds ("-provisioning.json").
const maxFileBase = 100;

/** fileBase turns a plan name into a safe, bounded file name base. */
export function fileBase(name) {
  const s = String(name || 'plan').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '');
  return (s.length > maxFileBase ? s.slice(0, maxFileBase).replace(/[.-]+$/, '') : s) || 'plan';
}

const severityRank = { error: 0, warning: 1, info: 2 };

// mergeFindings joins two sorted finding lists, dropping exact repeats, in
// the core's order: severity, then path, then code.
function mergeFindings(a, b) {
  const seen = new Set(a.map((f) => `${f.code}|${f.path}|${f.message}`));
  const out = a.concat(b.filter((f) => !seen.has(`${f.code}|${f.path}|${f.message}`)));
  return out.sort((x, y) => (severityRank[x.severity] - severityRank[y.severity])
    || (x.path < y.path ? -1 : x.path > y.path ? 1 : 0) || (x.code < y.code ? -1 : x.code > y.code ? 1 : 0));
}

// ---- boot ------------------------------------------------------------------

async function boot() {
  wireSkipLinks();
  probeServer();
  let api;
  try {
    api = await loadCore();
  } catch (e) {
    replaceChildren($('editor'), h('p', { class: 'fatal', role: 'alert' }, 'The planner could not start: ', errorText(e)));
    document.documentElement.dataset.state = 'failed';
    return;
  }
  performance.mark('hybridplan:core-started');
  // The drafts list (IndexedDB) is read while the rest starts, not after.
  const draftList = api.drafts ? api.drafts.list().catch((e) => ({ failed: e })) : Promise.resolve([]);
  const [profileInfo, examples] = await Promise.all([api.defaultProfile(), api.examples()]);
  const page = new Page(api, profileInfo);
  page.examples = examples;

  globalThis.hybridplanPage = Object.freeze({
    getPlanJSON: () => page.planText,
    onPlanChange(cb) {
      if (typeof cb !== 'function') throw new TypeError('hybridplanPage.onPlanChange needs a function');
      page.listeners.add(cb);
      return () => page.listeners.delete(cb);
    },
    // For tests and benchmarks: resolve when the page has caught up.
    whenValidated: () => page.whenValidated(),
    whenIdle: () => page.whenIdle(),
  });

  wireHeader(page, examples);

  const frag = location.hash.slice(1);
  let opened = false;
  if (frag) opened = await page.openShared(frag);
  if (!opened) opened = await page.drafts.openLatest(await draftList);
  if (!opened) page.load(examples.length ? JSON.parse(examples[0].json) : newPlan(page.profile), { origin: examples.length ? 'example' : 'new' });

  addEventListener('hashchange', () => {
    const f = location.hash.slice(1);
    if (f && f !== page.drafts.ownFragment) page.openShared(f);
  });
  await page.whenValidated();
  document.documentElement.dataset.state = 'ready';
  // Navigation to interactive, for the page benchmark.
  performance.mark('hybridplan:interactive');
}

function wireHeader(page, examples) {
  // Examples are a list in a dialog, not a <select>: a closed select
  // changes (and would load a plan) on every arrow key.
  const list = $('examples-list');
  const dlg = $('examples-dialog');
  for (const ex of examples) {
    let description = '';
    try { description = JSON.parse(ex.json).description || ''; } catch { /* the name will do */ }
    list.appendChild(h('li', null, h('button', {
      type: 'button', class: 'example', dataset: { example: ex.name },
      onclick: async () => {
        if (dlg.open) dlg.close();
        await page.drafts.leave();
        page.load(JSON.parse(ex.json), { origin: 'example' });
        $('editor').focus({ preventScroll: true });
      },
    }, h('span', { class: 'example-name mono' }, ex.name), description ? h('span', { class: 'muted' }, description) : null)));
  }
  list.addEventListener('keydown', (ev) => {
    const items = [...list.querySelectorAll('button')];
    const i = items.indexOf(document.activeElement);
    const to = ev.key === 'ArrowDown' ? i + 1 : ev.key === 'ArrowUp' ? i - 1 : ev.key === 'Home' ? 0 : ev.key === 'End' ? items.length - 1 : null;
    if (to === null || !items.length) return;
    ev.preventDefault();
    items[(to + items.length) % items.length].focus();
  });
  $('open-examples').addEventListener('click', () => {
    dlg.showModal();
    list.querySelector('button')?.focus();
  });
  $('new-plan').addEventListener('click', async () => {
    await page.drafts.leave();
    page.load(newPlan(page.profile), { origin: 'new' });
    page.editor.focusPath('$.name');
  });
  $('import-plan').addEventListener('click', () => $('import-file').click());
  $('import-file').addEventListener('change', (ev) => {
    const f = ev.target.files[0];
    ev.target.value = '';
    if (f) page.importFile(f);
  });
  $('open-drafts').addEventListener('click', () => page.drafts.openDialog());
  $('share-plan').addEventListener('click', () => page.share());
  $('share-copy').addEventListener('click', async () => {
    $('share-url').select();
    try { await navigator.clipboard.writeText($('share-url').value); $('share-len').textContent = 'Copied.'; } catch { $('share-len').textContent = 'Press Ctrl+C to copy the selected link.'; }
  });
  // Router formats: what the core offers, named for people.
  const vendorNames = { frr: 'FRR', 'ios-xe': 'Cisco IOS XE', junos: 'Juniper Junos', vrp: 'Huawei VRP' };
  const fill = (formats) => {
    for (const v of formats.filter((f) => f !== 'plan' && f !== 'calls' && f !== 'provisioning')) {
      $('export-vendor').appendChild(h('option', { value: v }, vendorNames[v] || v));
    }
  };
  if (typeof page.api.exportFormats === 'function') page.api.exportFormats().then(fill, () => fill(Object.keys(vendorNames)));
  else fill(Object.keys(vendorNames));
  $('export-vendor').addEventListener('change', () => routerInterfaces.show($('export-vendor').value));
  for (const id of ['export-dc-if', 'export-wan-if']) {
    $(id).addEventListener('input', () => routerInterfaces.write($('export-vendor').value, { dc: $('export-dc-if').value.trim(), wan: $('export-wan-if').value.trim() }));
  }
  $('open-export').addEventListener('click', () => {
    routerInterfaces.show($('export-vendor').value);
    $('export-status').textContent = ''; $('export-preview-wrap').hidden = true; $('export-dialog').showModal();
  });
  for (const b of document.querySelectorAll('[data-export]')) b.addEventListener('click', () => page.exportAs(b.dataset.export));
  for (const b of document.querySelectorAll('[data-preview]')) b.addEventListener('click', () => page.preview(b.dataset.preview));
  $('export-copy').addEventListener('click', async () => {
    const text = $('export-preview').textContent;
    try {
      await navigator.clipboard.writeText(text);
      $('export-status').textContent = `Copied ${text.split('\n').length} lines.`;
    } catch {
      getSelection().selectAllChildren($('export-preview'));
      $('export-status').textContent = 'The browser refused the clipboard: the text is selected, press Ctrl+C.';
    }
  });
  $('undo').addEventListener('click', () => page.undo());
  $('redo').addEventListener('click', () => page.redo());
  // Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y (⌘ on a Mac) undo and redo plan edits
  // anywhere in the page, typing included: each keystroke is a plan edit,
  // so the plan's history covers the fields' own. Dialogs keep theirs.
  document.addEventListener('keydown', (ev) => {
    if (!(ev.ctrlKey || ev.metaKey) || ev.altKey || document.querySelector('dialog[open]')) return;
    const k = ev.key.toLowerCase();
    if (k === 'z' && !ev.shiftKey) { ev.preventDefault(); page.undo(); } else if ((k === 'z' && ev.shiftKey) || k === 'y') { ev.preventDefault(); page.redo(); }
  });
  page.updateUndo();
  for (const id of ['open-examples', 'new-plan', 'import-plan', 'open-drafts', 'share-plan', 'open-export']) $(id).disabled = false;
}

// wireSkipLinks makes the skip links move focus (and the pane's scroll)
// without touching the URL fragment, which carries share links.
function wireSkipLinks() {
  for (const a of document.querySelectorAll('.skip-links a')) {
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      const el = $(a.getAttribute('href').slice(1));
      if (!el || el.hidden) return;
      if (!el.hasAttribute('tabindex')) el.tabIndex = -1;
      el.scrollIntoView({ block: 'start' });
      el.focus({ preventScroll: true });
    });
  }
}

// probeServer loads the provisioning panel only when the hybridplan server
// served this page (it answers api/v1/health). Static hosting answers 404 or
// nothing; the page then stays quiet.
async function probeServer() {
  try {
    const res = await fetch('api/v1/health', { signal: AbortSignal.timeout(1500), cache: 'no-store', headers: { Accept: 'application/json' } });
    if (!res.ok || !(res.headers.get('content-type') || '').includes('json')) return;
    await import('./provision.js');
  } catch {
    // No server, a timeout, or a panel that failed to load: planning works
    // the same without it.
  }
}

boot();
