// The provisioning panel. The page imports this module only when the
// hybridplan server served it (api/v1/health answered). It signs in with a
// bearer token (kept in sessionStorage, so it leaves with the tab), and
// drives the server's workflow for the plan in the editor: submit, approve,
// dry run, provision with live progress over a WebSocket, and teardown.
//
// The panel holds no planning logic and no cloud credentials: the server
// re-validates the plan and makes every call.

import { judgeReadBack } from './readback.js';
import { scenarioTitle } from './analysis.js';

const TOKEN_KEY = 'hybridplan.token';
const API = new URL('../api/v1/', import.meta.url);
const WS_PROTOCOL = 'hybridplan.v1';

// ---- small DOM helpers ------------------------------------------------------

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v == null) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

// readablePath shows a dry-run request path with its placeholders as
// written ("<bgw.id>"), not URL-encoded ("%3Cbgw.id%3E").
function readablePath(p) {
  try { return decodeURI(String(p)).replace(/%3C/gi, '<').replace(/%3E/gi, '>'); } catch { return String(p); }
}

// A run has stopped for good: what it created can be torn down.
function isFinished(state) {
  return state === 'succeeded' || state === 'failed' || state === 'cancelled';
}

function short(hash) { return hash ? hash.slice(0, 12) : ''; }

function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

// ---- API --------------------------------------------------------------------

class APIError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `the server answered ${status}`);
    this.status = status;
    this.code = e.code || `http.${status}`;
    this.path = e.path;
    this.findings = e.findings || [];
  }
}

async function call(method, path, { token, body, raw } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload;
  if (raw != null) { headers['Content-Type'] = 'application/json'; payload = raw; }
  else if (body !== undefined) { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
  let res;
  try {
    res = await fetch(new URL(path, API), { method, headers, body: payload, cache: 'no-store' });
  } catch (e) {
    throw new APIError(0, { error: { code: 'network', message: `the server cannot be reached (${e.message}); is it still running?` } });
  }
  let data = null;
  try { data = await res.json(); } catch { /* not JSON: handled below */ }
  if (!res.ok) throw new APIError(res.status, data);
  return data;
}

// ---- the panel --------------------------------------------------------------

class Panel {
  constructor(root, health) {
    this.root = root;
    this.health = health;
    this.token = sessionStorage.getItem(TOKEN_KEY) || '';
    this.user = null;
    this.hash = '';          // hash of the plan in the editor
    this.planState = null;   // the server's record of that plan, or null
    this.runs = [];
    this.watch = null;       // the run being watched
    this.refreshSeq = 0;
    this.teardownApprovals = new Map(); // provisioning run id → approval seen in this tab
    this.runSteps = new Map(); // provisioning run id → its steps (for the teardown preview)
    this.build();
  }

  build() {
    const id = (s) => `prov-${s}`;
    this.el = {
      status: h('p', { class: 'prov-status muted', id: id('status'), 'aria-live': 'polite' }),
      error: h('div', { class: 'prov-error', role: 'alert', hidden: true }),
      tokenInput: h('input', { type: 'password', id: id('token'), class: 'mono', autocomplete: 'off', spellcheck: 'false', placeholder: 'paste your token' }),
      signIn: h('button', { type: 'submit' }, 'Sign in'),
      signOut: h('button', { type: 'button', onclick: () => this.signOut() }, 'Sign out'),
      who: h('span', { class: 'prov-who' }),
      plan: h('dl', { class: 'prov-plan' }),
      comment: h('input', { type: 'text', id: id('comment'), placeholder: 'optional note for the record', maxlength: 500 }),
      submit: h('button', { type: 'button', 'data-action': 'submit', onclick: () => this.act(() => this.submit()) }, 'Submit plan'),
      approve: h('button', { type: 'button', 'data-action': 'approve', onclick: () => this.act(() => this.approve()) }, 'Approve'),
      dryRun: h('button', { type: 'button', 'data-action': 'dry-run', onclick: () => this.act(() => this.dryRun()) }, 'Dry run'),
      preflight: h('button', { type: 'button', 'data-action': 'preflight', onclick: () => this.act(() => this.preflight()) }, 'Check the cloud'),
      preflightOut: h('div', { class: 'prov-preflight', 'aria-live': 'polite', hidden: true }),
      provision: h('button', { type: 'button', class: 'primary', 'data-action': 'provision', onclick: () => this.act(() => this.provision()) }, 'Provision'),
      cancel: h('button', { type: 'button', class: 'danger', 'data-action': 'cancel', onclick: () => this.act(() => this.cancel()) }, 'Cancel run'),
      approveTeardown: h('button', { type: 'button', 'data-action': 'approve-teardown', onclick: () => this.act(() => this.approveTeardown()) }, 'Approve teardown'),
      teardown: h('button', { type: 'button', class: 'danger', 'data-action': 'teardown', onclick: () => this.act(() => this.teardown()) }, 'Tear down'),
      whys: h('ul', { class: 'prov-whys', 'aria-label': 'Why some steps are not available' }),
      teardownPreview: h('details', { class: 'prov-teardown-preview', hidden: true }),
      calls: h('div', { class: 'prov-calls table-wrap' }),
      run: h('div', { class: 'prov-run' }),
    };
    const e = this.el;
    this.signInForm = h('form', { class: 'prov-signin', onsubmit: (ev) => { ev.preventDefault(); this.act(() => this.signIn(e.tokenInput.value.trim())); } },
      h('label', { for: id('token') }, 'Token'), e.tokenInput, e.signIn,
      h('span', { class: 'muted' }, 'to submit, approve or provision this plan: the token the server printed at start, or the one your administrator gave you.'));
    this.signedIn = h('div', { class: 'prov-signedin', hidden: true }, e.who, e.signOut);
    this.work = h('div', { class: 'prov-work', hidden: true },
      e.plan,
      h('div', { class: 'prov-actions', role: 'group', 'aria-label': 'Workflow' },
        e.submit, h('label', { class: 'sr-only', for: id('comment') }, 'Approval note'), e.comment, e.approve, e.dryRun, e.preflight, e.provision, e.cancel,
        h('span', { class: 'prov-sep', 'aria-hidden': 'true' }), e.approveTeardown, e.teardown),
      e.whys, e.preflightOut, e.teardownPreview, e.calls, e.run);
    this.root.replaceChildren(
      h('div', { class: 'card-head' },
        h('h2', { id: 'provision-h' }, 'Provision'),
        h('span', { class: 'muted prov-cloud' }, `calls go to ${this.health.cloud || 'the configured cloud'}`)),
      this.signInForm, this.signedIn, e.error, e.status, this.work);
    this.root.setAttribute('aria-labelledby', 'provision-h');
    this.root.classList.add('card', 'provision');
    this.root.hidden = false;
    const skip = document.getElementById('skip-provision');
    if (skip) skip.hidden = false;
  }

  say(text) { this.el.status.textContent = text; }

  showError(err) {
    const box = this.el.error;
    if (!err) { box.hidden = true; box.replaceChildren(); return; }
    const items = (err.findings || []).filter((f) => f.severity === 'error').slice(0, 8)
      .map((f) => h('li', {}, h('code', {}, f.path), ' ', f.message));
    // Native replaceChildren writes null as the text "null": only nodes
    // and strings go in.
    box.replaceChildren(...[h('strong', {}, err.code ? `${err.code}: ` : ''), err.message || '',
      err.path ? h('span', { class: 'muted' }, ` (${err.path})`) : null,
      items.length ? h('ul', {}, items) : null].filter((c) => c != null));
    box.hidden = false;
  }

  // act runs a user action: buttons stay disabled while it runs, and its
  // error is shown instead of thrown.
  async act(fn) {
    this.busy = true;
    this.render();
    this.showError(null);
    try {
      await fn();
    } catch (err) {
      if (err instanceof APIError && err.status === 401) this.forget();
      this.showError(err);
    } finally {
      this.busy = false;
      this.render();
    }
  }

  has(role) { return !!this.user && (role === 'viewer' || this.user.roles.includes(role)); }

  async signIn(token) {
    if (!token) throw new APIError(0, { error: { code: 'auth.no-token', message: 'paste the token the server printed (or your administrator gave you)' } });
    const me = await call('GET', 'me', { token });
    this.token = token;
    this.user = me;
    sessionStorage.setItem(TOKEN_KEY, token);
    this.el.tokenInput.value = '';
    this.say(`Signed in as ${me.name}.`);
    await this.refresh();
  }

  forget() {
    this.token = '';
    this.user = null;
    sessionStorage.removeItem(TOKEN_KEY);
    this.stopWatching();
  }

  signOut() {
    this.forget();
    this.showError(null);
    this.say('Signed out.');
    this.render();
    this.el.tokenInput.focus();
  }

  planJSON() {
    const page = globalThis.hybridplanPage;
    if (!page) throw new APIError(0, { error: { code: 'page.loading', message: 'the planner is still loading; try again in a moment' } });
    return page.getPlanJSON();
  }

  // refresh finds the server's view of the plan in the editor: its hash
  // (computed by the server, from the canonical plan), whether it was
  // submitted and approved, and its runs.
  async refresh() {
    if (!this.user) return;
    // The token this refresh speaks with: a sign-out (or another sign-in)
    // while it waits must not send the next request without it.
    const token = this.token;
    const seq = ++this.refreshSeq;
    let text;
    try { text = this.planJSON(); } catch { return; }
    let hash = '';
    let planState = null;
    let runs = [];
    try {
      const v = await call('POST', 'validate', { raw: text });
      hash = v.hash;
      if (token !== this.token) return;
      try {
        planState = await call('GET', `plans/${hash}`, { token });
        runs = (await call('GET', `runs?plan=${hash}`, { token })).runs;
      } catch (err) {
        if (!(err instanceof APIError && err.status === 404)) throw err;
      }
    } catch (err) {
      if (seq !== this.refreshSeq) return;
      if (err instanceof APIError && err.status === 400) {
        this.hash = ''; this.planState = null; this.runs = [];
        this.say('The plan in the editor cannot be read yet; fix it to submit it.');
        this.render();
        return;
      }
      throw err;
    }
    if (seq !== this.refreshSeq) return; // a newer refresh is under way
    if (token !== this.token) return;
    await this.loadTeardownApproval(runs.find((r) => r.kind === 'provision'));
    if (seq !== this.refreshSeq || token !== this.token) return;
    const changed = hash !== this.hash;
    this.hash = hash;
    this.planState = planState;
    this.runs = runs;
    if (changed) {
      this.el.calls.replaceChildren();
      this.stopWatching();
      const latest = runs.find((r) => r.kind === 'provision') || runs[0];
      if (latest) this.watchRun(latest.id);
      else this.el.run.replaceChildren();
    }
    this.render();
  }

  latestProvision() { return this.runs.find((r) => r.kind === 'provision'); }

  /**
   * renderTeardownPreview lists, before a teardown is approved or started,
   * what it deletes: every resource the provisioning run created (its
   * succeeded create steps and the ids they returned), so nobody approves
   * a teardown blind.
   */
  renderTeardownPreview(prov) {
    const box = this.el.teardownPreview;
    if (!prov || !isFinished(prov.state) || this.tornDown(prov)) { box.hidden = true; box.replaceChildren(); return; }
    if (!this.runSteps.has(prov.id)) {
      if (!this.token) return;
      this.runSteps.set(prov.id, null); // asked once; null while it loads
      call('GET', `runs/${encodeURIComponent(prov.id)}`, { token: this.token })
        .then((r) => { this.runSteps.set(prov.id, r.steps || []); this.render(); })
        .catch(() => this.runSteps.delete(prov.id));
      return;
    }
    const steps = this.runSteps.get(prov.id);
    if (!steps) return;
    const created = teardownItems(steps);
    box.replaceChildren(
      h('summary', {}, `Tear down deletes ${created.length} resource${created.length === 1 ? '' : 's'} that run ${prov.id} created`),
      created.length
        ? h('ol', { class: 'mono' }, created.map((c) => h('li', {}, c.call, c.id ? ` → ${c.id}` : '')))
        : h('p', { class: 'muted' }, 'The run created nothing: a teardown has nothing to delete.'));
    box.hidden = false;
  }

  /** tornDown: a teardown of prov ran to the end. */
  tornDown(prov) {
    return this.runs.some((r) => r.kind === 'teardown' && r.of === prov.id && r.state === 'succeeded');
  }

  /**
   * teardownApproval is the approval of prov's teardown if known: from
   * the server's record of the run, or from this tab's approval.
   */
  teardownApproval(prov) {
    const a = this.teardownApprovals.get(prov.id) || null;
    // One approval allows one teardown: a used one allows no other.
    return a && !a.usedBy ? a : null;
  }

  /**
   * loadTeardownApproval asks the server for the teardown approval of a
   * finished provisioning run (GET runs/{id}/teardown/approval; 404: none).
   * A server without that call leaves what this tab saw.
   */
  async loadTeardownApproval(prov) {
    if (!prov || !isFinished(prov.state) || !this.token) return;
    try {
      const a = await call('GET', `runs/${encodeURIComponent(prov.id)}/teardown/approval`, { token: this.token });
      this.teardownApprovals.set(prov.id, a);
    } catch (err) {
      if (err instanceof APIError && err.code === 'teardown.no-approval') this.teardownApprovals.delete(prov.id);
    }
  }

  async cancel() {
    const run = this.runs.find((r) => r.state === 'queued' || r.state === 'running');
    if (!run) return;
    await call('POST', `runs/${encodeURIComponent(run.id)}/cancel`, { token: this.token, body: {} });
    this.say(`Cancel of run ${run.id} requested: it stops at its current call. What it created stays, for a teardown.`);
  }

  render() {
    const signed = !!this.user;
    this.signInForm.hidden = signed;
    this.signedIn.hidden = !signed;
    this.work.hidden = !signed;
    if (!signed) return;
    this.el.who.replaceChildren('Signed in as ', h('strong', {}, this.user.name), ' ',
      ...this.user.roles.map((r) => h('span', { class: 'pill' }, r)));
    const p = this.planState;
    const rows = [['Plan hash', this.hash ? h('code', { title: this.hash }, short(this.hash)) : '—']];
    if (p) {
      rows.push(['Submitted', `by ${p.submittedBy}, ${when(p.submittedAt)}`]);
      rows.push(['Approval', p.approval ? `approved by ${p.approval.by}, ${when(p.approval.at)}${p.approval.comment ? ` — “${p.approval.comment}”` : ''}` : h('span', { class: 'prov-wait' }, 'waiting for an approver')]);
    } else if (this.hash) {
      rows.push(['Submitted', h('span', { class: 'prov-wait' }, 'not yet: submit this plan for review')]);
    }
    const prov0 = this.latestProvision();
    if (prov0) {
      const a = this.teardownApproval(prov0);
      const torn = this.tornDown(prov0);
      rows.push(['Teardown', torn ? `run ${prov0.id} was torn down`
        : a ? `approved by ${a.by}${a.at ? `, ${when(a.at)}` : ''}${a.comment ? ` — “${a.comment}”` : ''}`
          : isFinished(prov0.state) ? h('span', { class: 'muted' }, 'not approved') : '—']);
    }
    this.el.plan.replaceChildren(...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
    this.renderTeardownPreview(prov0);

    const active = this.runs.some((r) => r.state === 'queued' || r.state === 'running');
    const prov = this.latestProvision();
    const b = this.busy;
    // Every disabled step says why, in text on the page (not a tooltip
    // only a mouse can reach); each button points at its reason.
    const whys = [];
    const set = (btn, enabled, why) => {
      btn.disabled = b || !enabled;
      btn.title = enabled ? '' : why;
      const action = btn.dataset.action;
      if (!enabled && why) {
        whys.push(h('li', { id: `prov-why-${action}`, 'data-why': action }, h('strong', {}, btn.textContent), ': ', why));
        btn.setAttribute('aria-describedby', `prov-why-${action}`);
      } else btn.removeAttribute('aria-describedby');
    };
    set(this.el.submit, this.has('planner') && this.hash && !p, !this.has('planner') ? 'needs the planner role' : p ? 'this plan is already submitted' : 'the plan cannot be read');
    set(this.el.approve, this.has('approver') && p && !p.approval && p.submittedBy !== this.user.name,
      !this.has('approver') ? 'needs the approver role' : !p ? 'submit the plan first' : p.approval ? 'already approved' : 'you submitted this plan; another approver must approve it');
    set(this.el.dryRun, !!p, 'submit the plan first');
    set(this.el.preflight, (this.has('operator') || this.has('approver')) && p && this.cloudCheck !== false,
      !(this.has('operator') || this.has('approver')) ? 'needs the approver or operator role: it reads JD Cloud with the server\u2019s credentials'
        : !p ? 'submit the plan first' : 'this server has no cloud check');
    set(this.el.provision, this.has('operator') && p && p.approval && !active,
      !this.has('operator') ? 'needs the operator role' : !p?.approval ? 'the plan must be approved first' : 'a run is in progress');
    const running = this.runs.find((r) => r.state === 'queued' || r.state === 'running');
    set(this.el.cancel, (this.has('operator') || this.has('canceller')) && !!running,
      !(this.has('operator') || this.has('canceller')) ? 'needs the operator or canceller role' : 'no run of this plan is queued or running');
    const finished = prov && isFinished(prov.state);
    const torn = prov && this.tornDown(prov);
    const tdApproval = prov && this.teardownApproval(prov);
    set(this.el.approveTeardown, this.has('approver') && finished && !torn && !tdApproval,
      !this.has('approver') ? 'needs the approver role'
        : !finished ? 'needs a finished provisioning run'
          : torn ? `run ${prov.id} was already torn down`
            : tdApproval ? `already approved by ${tdApproval.by}${tdApproval.at ? `, ${when(tdApproval.at)}` : ''}` : '');
    set(this.el.teardown, this.has('operator') && finished && !torn && !!tdApproval && tdApproval.by !== this.user.name && !active,
      !this.has('operator') ? 'needs the operator role'
        : !finished ? 'needs a finished provisioning run'
          : torn ? `run ${prov.id} was already torn down`
            : !tdApproval ? 'an approver must approve the teardown first'
              : tdApproval.by === this.user.name ? 'you approved this teardown; another operator must start it'
                : 'a run is in progress');
    this.el.whys.replaceChildren(...whys);
    this.el.whys.hidden = whys.length === 0;
    this.el.comment.disabled = b || !(this.has('approver'));
  }

  async submit() {
    const res = await call('POST', 'plans', { token: this.token, raw: this.planJSON() });
    this.say(`Submitted as ${short(res.hash)}. An approver (not you) must approve it next.`);
    await this.refresh();
  }

  async approve() {
    const body = this.el.comment.value.trim() ? { comment: this.el.comment.value.trim() } : {};
    await call('POST', `plans/${this.hash}/approval`, { token: this.token, body });
    this.el.comment.value = '';
    this.say(`Approved ${short(this.hash)}.`);
    await this.refresh();
  }

  /**
   * preflight reads the region with the server's credentials (read-only
   * describe calls: POST plans/{hash}/preflight) and shows the plan against
   * the cloud: how many resources of each kind the plan creates against
   * what the region already holds and its quotas, what the plan needs that
   * is present or absent, and any operation JD Cloud does not offer.
   */
  async preflight() {
    // The diff (approver or operator) and the preflight (operator): both
    // read-only; a server without one says so and the other still shows.
    const absent = (err) => err instanceof APIError && [404, 405, 501].includes(err.status);
    const get = async (what) => {
      try { return await call('POST', `plans/${this.hash}/${what}`, { token: this.token }); } catch (err) {
        if (absent(err)) return null;
        throw err;
      }
    };
    const [diff, pf] = await Promise.all([get('diff'), this.has('operator') ? get('preflight') : Promise.resolve(undefined)]);
    if (!diff && !pf) {
      if (pf === null) this.cloudCheck = false; // this server cannot: say so once
      this.el.preflightOut.replaceChildren(h('p', { class: 'muted' }, 'This server cannot compare the plan with the cloud.'));
      this.el.preflightOut.hidden = false;
      return;
    }
    this.el.preflightOut.replaceChildren(...[
      diff ? renderDiff(diff) : null,
      pf ? renderPreflight(pf) : pf === undefined ? h('p', { class: 'muted' }, 'Quotas and operations (the preflight) need the operator role.') : null,
    ].filter((c) => c != null));
    this.el.preflightOut.hidden = false;
    const d = diff?.diff;
    this.say(d ? `Cloud checked: ${d.create} to create, ${d.exists} already there, ${d.conflict} conflicting.` : `Cloud checked: ${pf.report?.ready ? 'ready' : 'not ready'}.`);
  }

  async dryRun() {
    const res = await call('POST', `plans/${this.hash}/dry-run`, { token: this.token });
    const rows = res.calls.map((c, i) => h('tr', {},
      h('td', {}, String(i + 1)),
      h('td', {}, String(c.step)),
      h('td', {}, h('code', {}, c.id), h('div', { class: 'muted' }, c.summary)),
      h('td', {}, h('code', {}, `${c.request.method} ${readablePath(c.request.path)}`),
        c.request.body ? h('details', { class: 'sub' }, h('summary', {}, 'body'), h('pre', { class: 'mono' }, JSON.stringify(c.request.body, null, 2))) : null)));
    this.el.calls.replaceChildren(h('table', { class: 'grid' },
      h('caption', {}, `Dry run: ${res.calls.length} calls, in order, to ${res.cloud}. Secrets are masked; “<call.output>” is an id the earlier call returns.`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, 'Step'), h('th', { scope: 'col' }, 'Call'), h('th', { scope: 'col' }, 'Request'))),
      h('tbody', {}, rows)));
    this.say(`Dry run: ${res.calls.length} calls. Nothing was sent.`);
  }

  async provision({ again = false } = {}) {
    const run = await call('POST', `plans/${this.hash}/runs`, { token: this.token, body: {} });
    this.say(again ? `Checking again: run ${run.id} finds what exists and reads the state back.` : `Provisioning started: run ${run.id}.`);
    this.runs.unshift(run);
    this.watchRun(run.id);
  }

  async approveTeardown() {
    const prov = this.latestProvision();
    const body = this.el.comment.value.trim() ? { comment: this.el.comment.value.trim() } : {};
    const a = await call('POST', `runs/${prov.id}/teardown/approval`, { token: this.token, body });
    this.teardownApprovals.set(prov.id, a && a.by ? a : { by: this.user.name });
    this.el.comment.value = '';
    this.say(`Teardown of run ${prov.id} approved.`);
  }

  async teardown() {
    const prov = this.latestProvision();
    const run = await call('POST', `runs/${prov.id}/teardown`, { token: this.token, body: {} });
    const used = this.teardownApprovals.get(prov.id);
    if (used) used.usedBy = run.id; // consumed: another teardown needs another approval
    this.say(`Teardown started: run ${run.id}.`);
    this.runs.unshift(run);
    this.watchRun(run.id);
  }

  stopWatching() {
    if (this.watch) this.watch.stop();
    this.watch = null;
  }

  async watchRun(id) {
    this.stopWatching();
    let run;
    try {
      run = await call('GET', `runs/${id}`, { token: this.token });
    } catch (err) { this.showError(err); return; }
    this.watch = new RunView(this, run);
    this.el.run.replaceChildren(this.watch.el);
    this.watch.start();
  }

  runChanged(run) {
    const i = this.runs.findIndex((r) => r.id === run.id);
    if (i >= 0) this.runs[i] = { ...this.runs[i], state: run.state };
    this.render();
  }
}

// RunView shows one run: its steps and its events, live. It follows the
// run over a WebSocket and, when the connection drops, reconnects with
// ?after= the last event it saw, so nothing is missed or shown twice.
class RunView {
  constructor(panel, run) {
    this.panel = panel;
    this.run = run;
    this.lastSeq = 0;
    this.retry = 0;
    this.refused = 0;
    this.stopped = false;
    this.stepEls = new Map();
    const kind = run.kind === 'teardown' ? `Teardown of ${run.of}` : 'Provisioning';
    this.state = h('span', { class: 'pill' });
    this.conn = h('span', { class: 'muted prov-conn', 'aria-live': 'polite' });
    this.steps = h('ol', { class: 'prov-steps' });
    for (const s of run.steps) {
      const li = h('li', { 'data-state': s.state }, h('code', {}, s.callId), ' ', h('span', { class: 'prov-step-state' }, s.state));
      this.stepEls.set(s.callId, li);
      this.steps.append(li);
    }
    this.log = h('ol', { class: 'prov-events mono', 'aria-label': 'Run events', 'aria-live': 'polite', 'aria-relevant': 'additions' });
    this.verdict = h('div', { class: 'prov-verdict', 'aria-live': 'polite', hidden: true });
    this.el = h('section', { class: 'prov-runview', 'aria-label': `Run ${run.id}` },
      h('h3', {}, `${kind} — run `, h('code', {}, run.id), ' ', this.state, ' ', this.conn),
      this.verdict,
      h('div', { class: 'prov-rungrid' }, this.steps, this.log));
    this.setState(run.state, run.failure);
  }

  setState(state, failure) {
    const was = this.run.state;
    this.run.state = state;
    this.state.textContent = state;
    this.state.className = `pill prov-${state}`;
    if (failure) this.state.title = `${failure.code}: ${failure.message}`;
    this.panel.runChanged(this.run);
    if (this.run.kind === 'provision' && state === 'succeeded' && (was !== 'succeeded' || !this.judged)) {
      this.judged = true;
      this.judge().catch((err) => this.panel.showError(err));
    }
  }

  /**
   * judge reads the run's verification (step 6: JD Cloud's read-back and
   * the matrix to check from the customer router) and says what the
   * succeeded calls mean: a cloud side that carries traffic, or one that
   * waits for the customer router.
   */
  async judge() {
    const v = await call('GET', `runs/${encodeURIComponent(this.run.id)}/verification`, { token: this.panel.token });
    const j = judgeReadBack(v.readBack);
    if (j.verdict !== 'ready') {
      this.state.classList.add('prov-attention');
      this.state.textContent = 'calls succeeded';
      this.state.title = j.headline;
    }
    const rows = j.items.map((i) => h('tr', { 'data-ok': String(i.ok) },
      h('td', {}, i.what), h('td', { class: i.ok ? 'ok' : 'bad' }, i.state), h('td', { class: 'muted mono' }, i.call)));
    // Check again: provisioning is idempotent (each call first finds what
    // exists and creates only what is missing), so a new run of the same
    // approved plan re-reads JD Cloud's state in its read-back step.
    const p = this.panel;
    const again = j.verdict === 'ready' ? null : h('p', { class: 'prov-again' },
      h('button', {
        type: 'button', 'data-action': 'check-again', disabled: !p.has('operator') || p.busy,
        onclick: () => p.act(() => p.provision({ again: true })),
      }, 'Check again'),
      h('span', { class: 'muted' }, p.has('operator')
        ? ' runs the approved plan again: every resource that exists is found, not created, then JD Cloud\u2019s state is read back.'
        : ' needs the operator role (it runs the approved plan again, which finds what exists and reads the state back).'));
    this.verdict.replaceChildren(
      h('p', { class: `prov-verdict-line ${j.verdict}`, 'data-verdict': j.verdict }, h('strong', {}, j.headline)),
      again,
      h('div', { class: 'prov-verify-grid' },
        h('div', { class: 'prov-readback' },
          h('h4', {}, 'What JD Cloud reports (read-back)'),
          h('table', { class: 'grid' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Resource'), h('th', { scope: 'col' }, 'State'), h('th', { scope: 'col' }, 'Call'))),
            h('tbody', {}, rows))),
        runbook(v.matrix)));
    this.verdict.hidden = false;
  }

  start() { this.connect(); }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000);
  }

  connect() {
    if (this.stopped) return;
    const url = new URL(`runs/${encodeURIComponent(this.run.id)}/events/ws?after=${this.lastSeq}`, API);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url, [WS_PROTOCOL, `bearer.${this.panel.token}`]);
    this.ws = ws;
    this.conn.textContent = this.retry ? 'reconnecting…' : 'connecting…';
    let opened = false;
    ws.onopen = () => { opened = true; this.retry = 0; this.refused = 0; this.conn.textContent = 'live'; };
    ws.onmessage = (m) => {
      let ev;
      try { ev = JSON.parse(m.data); } catch { return; }
      if (ev.seq <= this.lastSeq) return;
      this.lastSeq = ev.seq;
      this.show(ev);
    };
    ws.onclose = (c) => {
      if (this.stopped || this.ws !== ws) return;
      if (c.code === 1000) { this.conn.textContent = ''; return; } // the run finished
      // A handshake the server keeps refusing is most likely a token that
      // is no longer valid: ask once, and send the person to sign in.
      if (!opened && ++this.refused >= 3) {
        call('GET', 'me', { token: this.panel.token }).catch((err) => {
          if (err instanceof APIError && err.status === 401) {
            this.stop();
            this.panel.forget();
            this.panel.showError(err);
            this.panel.render();
          }
        });
      }
      // Dropped (server restart, network): back off and continue from the
      // last event seen.
      this.retry++;
      const wait = Math.min(10000, 500 * 2 ** Math.min(this.retry, 5));
      this.conn.textContent = `connection lost; reconnecting in ${Math.round(wait / 1000)} s…`;
      this.timer = setTimeout(() => this.connect(), wait);
    };
  }

  show(ev) {
    const li = h('li', { class: `ev ev-${ev.type.replace('.', '-')}` },
      h('span', { class: 'muted' }, new Date(ev.time).toLocaleTimeString()), ' ', ev.message);
    if (ev.failure) li.append(h('div', { class: 'prov-failure' }, `${ev.failure.code}${ev.failure.status ? ` ${ev.failure.status}` : ''}: ${ev.failure.message}${ev.failure.requestId ? ` (request ${ev.failure.requestId})` : ''}`));
    this.log.append(li);
    this.log.scrollTop = this.log.scrollHeight;
    const step = ev.step && this.stepEls.get(ev.step);
    if (step) {
      const st = { 'step.started': 'running', 'step.retry': 'retrying', 'step.succeeded': 'succeeded', 'step.failed': 'failed' }[ev.type];
      if (st) {
        step.dataset.state = st;
        step.querySelector('.prov-step-state').textContent = st + (ev.attempt > 1 ? ` (attempt ${ev.attempt})` : '');
      }
    }
    switch (ev.type) {
      case 'run.started': case 'run.resumed': this.setState('running'); break;
      case 'run.succeeded': this.setState('succeeded'); this.panel.say(`Run ${this.run.id} succeeded.`); break;
      case 'run.cancelled':
        // The call under way when the cancel came stops there.
        for (const li of this.stepEls.values()) {
          if (li.dataset.state === 'running' || li.dataset.state === 'retrying') {
            li.dataset.state = 'cancelled';
            li.querySelector('.prov-step-state').textContent = 'stopped by the cancel';
          }
        }
        this.setState('cancelled');
        this.panel.say(`Run ${this.run.id} was cancelled: ${ev.message}`);
        break;
      case 'run.failed': this.setState('failed', ev.failure); this.panel.say(`Run ${this.run.id} failed: ${ev.failure ? ev.failure.message : ev.message}`); break;
    }
  }
}

/**
 * renderDiff shows the plan against the region like `terraform plan`: N to
 * create, M already there and matching, K conflicting, with each
 * resource and why it conflicts.
 */
export function renderDiff(res) {
  const d = res?.diff || {};
  const items = d.items || [];
  const order = { conflict: 0, unknown: 1, create: 2, exists: 3 };
  const label = { create: 'to create', exists: 'already there, matching', conflict: 'conflicting', unknown: 'could not be read' };
  const head = `Plan versus ${d.region || 'the region'}: ${d.create ?? 0} to create, ${d.exists ?? 0} already there and matching, ${d.conflict ?? 0} conflicting` +
    (d.unknown ? `, ${d.unknown} could not be read` : '') + '.';
  return h('div', { class: 'prov-diff', 'data-create': String(d.create ?? 0), 'data-exists': String(d.exists ?? 0), 'data-conflict': String(d.conflict ?? 0) },
    h('p', { class: `prov-verdict-line ${d.conflict || d.unknown ? 'attention' : 'ready'}` }, h('strong', {}, head)),
    h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, ['Resource', 'Name', 'In the region', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, [...items].sort((a, b) => order[a.state] - order[b.state]).map((i) => h('tr', { 'data-state': i.state },
        h('td', { class: 'mono' }, i.call), h('td', {}, i.name || ''),
        h('td', { class: i.state === 'exists' ? 'ok' : i.state === 'create' ? '' : 'bad' }, label[i.state] || i.state, i.id ? h('span', { class: 'muted mono' }, ` ${i.id}`) : null),
        h('td', { class: 'muted' }, i.message || ''))))));
}

/**
 * renderPreflight shows a preflight report (docs/provisioning.md) as the
 * plan against the cloud: a headline, a table per resource kind (the plan
 * creates N; the region holds M of a quota of L), the plan's needs
 * (present / absent / unknown) and operations JD Cloud refused or lacks.
 */
export function renderPreflight(res) {
  const r = res?.report || {};
  const quotas = r.quotas || [], needs = r.needs || [], ops = r.operations || [];
  const short = quotas.filter((q) => q.result === 'insufficient');
  const absent = needs.filter((n) => n.result === 'absent');
  const badOps = ops.filter((o) => o.result !== 'accepted');
  const parts = [];
  if (short.length) parts.push(`${short.length} quota${short.length === 1 ? '' : 's'} too small`);
  if (absent.length) parts.push(`${absent.length} thing${absent.length === 1 ? '' : 's'} the plan refers to absent`);
  if ((r.missing || []).length) parts.push(`operations JD Cloud does not offer: ${r.missing.join(', ')}`);
  const head = `${r.ready ? 'Ready' : 'Not ready'} in ${r.region || 'the region'}: ${parts.length ? parts.join('; ')
    : 'JD Cloud offers every operation the plan uses, the quotas it reports have room, and what the plan refers to is there'}.`;
  const cls = (x) => (['ok', 'present', 'accepted'].includes(x) ? 'ok' : ['warning', 'unknown', 'unreadable'].includes(x) ? 'warn' : 'bad');
  return h('div', { 'data-ready': String(!!r.ready) },
    h('p', { class: `prov-verdict-line ${r.ready ? 'ready' : 'attention'}` }, h('strong', {}, head)),
    quotas.length ? h('table', { class: 'grid prov-pf-quotas' },
      h('caption', {}, 'The plan against the region (read-only describe calls; nothing was created)'),
      h('thead', {}, h('tr', {}, ['Resource', 'Plan creates', 'In the region', 'Quota', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, quotas.map((q) => h('tr', {},
        h('td', {}, q.type, q.parentResourceId ? h('span', { class: 'muted mono' }, ` ${q.parentResourceId}`) : null),
        h('td', {}, String(q.need ?? '')), h('td', {}, String(q.count ?? '')), h('td', {}, q.maxLimit ? String(q.maxLimit) : '—'),
        h('td', { class: cls(q.result) }, q.result, q.message ? h('div', { class: 'muted' }, q.message) : null))))) : null,
    needs.length ? h('ul', { class: 'prov-pf-needs' }, needs.map((n) => h('li', { class: cls(n.result) }, h('strong', {}, n.result), ' ', n.what, n.message ? h('span', { class: 'muted' }, ` — ${n.message}`) : null))) : null,
    badOps.length ? h('ul', { class: 'prov-pf-ops' }, badOps.map((o) => h('li', { class: 'bad' }, h('code', {}, o.action), ` ${o.result}`, o.message ? ` — ${o.message}` : ''))) : null,
    h('p', { class: 'muted' }, `${ops.length} describe call${ops.length === 1 ? '' : 's'} to ${res?.cloud || r.endpoint || 'the cloud'}.`));
}

/**
 * teardownItems are the resources a provisioning run created, newest
 * first (the order a teardown deletes them in): its succeeded steps other
 * than the read-back, with the id each returned.
 */
export function teardownItems(steps) {
  return steps.filter((st) => st.state === 'succeeded' && !String(st.callId).startsWith('readback/'))
    .sort((a, b) => b.index - a.index)
    .map((st) => ({ call: st.callId, id: st.outputs?.id || '' }));
}

/**
 * runbook is step 6 of the seed document beside the read-back: per failure
 * scenario, what to test from the customer router and the path each IDC ×
 * VPC pair must take (the verification matrix; the CSV under Export has
 * every cell).
 */
function runbook(m) {
  if (!m || !m.cells) return null;
  const byScenario = new Map();
  for (const c of m.cells) {
    if (!byScenario.has(c.scenario)) byScenario.set(c.scenario, []);
    byScenario.get(c.scenario).push(c);
  }
  const desc = new Map((m.scenarios || []).map((s) => [s.name, s.description]));
  const path = (v) => (v.reachable ? `${v.kind === 'direct-connection' ? 'Direct Connection' : v.kind === 'vpn' ? 'VPN' : v.kind}` : 'unreachable');
  const items = [...byScenario.entries()].filter(([name]) => !name.includes('-failback')).map(([name, cells]) => {
    const counts = new Map();
    for (const c of cells) {
      const k = c.reachable ? `IDC → VPC over ${path(c.return)}, back over ${path(c.forward)}` : 'unreachable';
      counts.set(k, (counts.get(k) || 0) + 1);
    }
    return h('li', {}, h('strong', {}, scenarioTitle(name)), desc.get(name) ? h('span', { class: 'muted' }, ` — ${desc.get(name)}`) : null, ': ',
      [...counts.entries()].map(([k, n]) => `${n} pair${n === 1 ? '' : 's'} ${k}`).join('; '), '.');
  });
  return h('div', { class: 'prov-runbook' },
    h('h4', {}, 'Step 6: check from the customer router'),
    h('p', { class: 'muted' }, 'Bring each failure about (shut the session, pull the port) and ping between the segments; every pair must take the path listed. The verification matrix (Export… → CSV) lists every pair.'),
    h('ol', {}, items));
}

// ---- start ------------------------------------------------------------------

function stylesheet() {
  if (document.querySelector('link[data-provision-css]')) return;
  document.head.append(h('link', { rel: 'stylesheet', href: new URL('./provision.css', import.meta.url).href, 'data-provision-css': true }));
}

async function main() {
  const root = document.getElementById('provision');
  if (!root) return;
  stylesheet();
  const health = await call('GET', 'health');
  const panel = new Panel(root, health);
  globalThis.hybridplanProvision = panel; // for tests and the console
  // Follow the editor: the panel always speaks about the plan shown.
  let timer;
  const follow = () => { clearTimeout(timer); timer = setTimeout(() => panel.refresh().catch((e) => panel.showError(e)), 400); };
  const hook = () => {
    if (!globalThis.hybridplanPage) { setTimeout(hook, 200); return; }
    globalThis.hybridplanPage.onPlanChange(follow);
    follow();
  };
  hook();
  if (panel.token) await panel.act(() => panel.signIn(panel.token));
  else panel.render();
}

main().catch((e) => console.error('the provisioning panel could not start:', e));
