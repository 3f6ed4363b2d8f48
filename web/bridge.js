// Loads the Go planning core (WebAssembly) into Web Workers and hands back
// an API object with the same functions as the core's globalThis.hybridplan
// (wasm/API.md): each returns a Promise, and the work runs off the page's
// main thread, which only renders. Every URL is relative to this module, so
// the page works from any static host and any sub-path, with no server.
//
// Two workers run the one compiled module:
//   - the core worker: validate, profile and the export formats;
//   - the analysis worker: strategy, scenarios, simulate, trace, matrix.
//     A newer plan supersedes an analysis in flight: validate(text), or an
//     analysis call, for a plan text other than the one being analysed
//     rejects the older calls with {code: 'cancelled'} and replaces the
//     analysis worker with a fresh one (terminating a worker is the only way
//     to stop Go code that is computing). The fresh worker instantiates the
//     already compiled module, so a restart costs no download or compile.
//
// A third worker runs the later module (hybridplan-later.wasm: share links
// and exports, which the first screen never calls), fetched and compiled
// on the first call of one of laterFunctions. If it cannot be loaded, those
// calls reject with {code: 'core.later'} saying why, and the next call tries
// again; the rest of the API is unaffected.
//
// Two parts of the API are not Go: drafts (web/draftstore.js, IndexedDB in
// a worker of their own, web/draftworker.js) and examples
// (web/examples.json, a static file fetched while the core compiles and
// preloaded by index.html), which keeps both out of the core's download.

import { openDraftsWorker } from './draftstore.js';

const wasmURL = new URL('hybridplan.wasm', import.meta.url);
const laterURL = new URL('hybridplan-later.wasm', import.meta.url);
const workerURL = new URL('worker.js', import.meta.url);
const examplesURL = new URL('examples.json', import.meta.url);

const analysisFunctions = new Set(['strategy', 'scenarios', 'simulate', 'trace', 'matrix', 'matrixTable']);
// The later module's functions (wasm/later_bridge.go).
const laterFunctions = ['shareEncode', 'shareDecode', 'exportConfig'];

/**
 * loadCore compiles the WebAssembly core, starts its workers and resolves
 * with the API once the core worker is ready. It rejects with an Error
 * saying what to do when the files are missing or the core stops.
 *
 * options.onStarted(fn), for tests and benchmarks, is called when a worker
 * begins running a call.
 */
export async function loadCore(options = {}) {
  // The core worker starts loading its scripts (worker.js, wasm_exec.js)
  // while the wasm downloads and compiles, keeping them off the critical
  // path; it gets the module when it is compiled.
  const module = compile(wasmURL);
  const examples = fetchExamples();
  examples.catch(() => {}); // reported by api.examples(), if the page calls it
  const drafts = openDraftsWorker(); // starts now, beside the core
  const onStarted = typeof options.onStarted === 'function' ? options.onStarted : null;
  const Lane = class extends BaseLane {
    started(c) { super.started(c); if (onStarted) onStarted(c.fn); }
  };
  const core = new Lane('hybridplan-core', module);
  const info = await core.ready;
  let analysis = null;
  const analysisLane = () => (analysis ??= new Lane('hybridplan-analysis', module));

  let later = null;
  const laterLane = () => {
    if (later) return later;
    const lane = new Lane('hybridplan-later', compile(laterURL));
    // A module that failed to load is dropped, so the next call retries.
    lane.ready.catch(() => { if (later === lane) later = null; });
    return (later = lane);
  };

  const api = { apiVersion: info.apiVersion };
  for (const fn of laterFunctions) {
    api[fn] = (...args) => laterLane().call(fn, args, null).catch((e) => {
      throw e && e.code === 'internal' && !later ? { code: 'core.later', message: `${fn} needs the planner core's second module, which could not be loaded: ${e.message.replace(/^the planner core stopped \((.*)\)$/, '$1')}`, hint: 'check the connection and try again; run “make wasm” if the file is missing' } : e;
    });
  }
  for (const fn of info.functions) {
    if (analysisFunctions.has(fn)) {
      api[fn] = (...args) => {
        const lane = analysisLane();
        lane.supersede(planKey(args));
        return lane.call(fn, args, planKey(args));
      };
    } else if (fn === 'validate') {
      // The page validates every edit: the plan it validates is the plan,
      // and an analysis of any other text is stale.
      api[fn] = (...args) => {
        analysis?.supersede(planKey(args));
        return core.call(fn, args, null);
      };
    } else {
      api[fn] = (...args) => core.call(fn, args, null);
    }
  }
  // matrix: fetched as the indexed table (a transferred Int32Array and each
  // verdict once) and rebuilt here into the documented shape, with the
  // cells sharing their verdict objects.
  if (info.functions.includes('matrixTable')) {
    api.matrix = (...args) => api.matrixTable(...args).then(expandMatrix);
  }
  api.examples = () => examples;
  api.drafts = drafts;
  if (info.functions.includes('strategy')) addPageViews(api, analysisLane);
  // Start the analysis worker now, while the page shows the first plan.
  analysisLane();
  return Object.freeze(api);
}

/**
 * fetchExamples resolves with examples() of wasm/API.md, [{name, json}]:
 * web/examples.json, written from examples/*.json by the build. It rejects
 * like a core call ({code, message, hint}) when the file cannot be had.
 */
async function fetchExamples() {
  const fail = (why) => ({ code: 'internal', message: `could not fetch the example plans (${examplesURL.pathname}: ${why})`, hint: 'run “make wasm” or serve the built web/ folder, then reload the page' });
  let res;
  try { res = await fetch(examplesURL); } catch (e) { throw fail(e.message); }
  if (!res.ok) throw fail(`HTTP ${res.status}`);
  try { return await res.json(); } catch (e) { throw fail(e.message); }
}

// ---- Plan text sent once per worker -------------------------------------------
//
// The calls of one pause in typing (strategy, matrix, simulate) are about
// the same plan text, ~220 KB for 5,000 segments and a few milliseconds of
// the main thread to copy into each message (issue 14). A lane sends a text
// once: a later call whose first argument is the same text leaves it out
// and says sameText, and the worker (worker.js, unpackArgs) puts back the
// last text it received. Messages reach a worker in order, and a fresh
// worker (spawn) gets the whole text again.
const packFrom = 4096; // shorter texts are sent as they are

/** callMessage is the message of a call on lane, its plan text sent once. */
function callMessage(lane, id, fn, args) {
  const t = args[0];
  if (typeof t === 'string') {
    if (t.length >= packFrom && t === lane.lastText) return { type: 'call', id, fn, args: [null, ...args.slice(1)], sameText: true };
    lane.lastText = t;
  }
  return { type: 'call', id, fn, args };
}

// ---- Page views: results cut to what the page shows --------------------------
//
// addPageViews adds the calls only the page uses (web/worker.js, pageCalls),
// run by the analysis worker and superseded like its other calls:
//   strategyShown(plan, limit): strategy(plan) with each advertisement list
//   cut to its first limit entries in the worker, and totals (the lists'
//   lengths), so a plan of thousands of prefixes is not copied to the page.
function addPageViews(api, analysisLane) {
  api.strategyShown = (text, limit) => {
    const lane = analysisLane();
    lane.supersede(planKey([text]));
    return lane.call('page.strategyShown', [text, limit], planKey([text]));
  };
}

// Fields of a matrixTable cell (wasm/api.MatrixTable).
const cellFields = 6, cellReachable = 1, cellSymmetric = 2;

/** expandMatrix turns a matrixTable result into matrix's documented shape. */
function expandMatrix(t) {
  const c = t.cells;
  const cells = new Array(c.length / cellFields);
  const verdict = (i) => (i < 0 ? null : t.verdicts[i]);
  for (let i = 0, j = 0; i < cells.length; i++, j += cellFields) {
    cells[i] = {
      scenario: t.scenarios[c[j]].name,
      idc: t.idcSegments[c[j + 1]].name,
      vpc: t.vpcSegments[c[j + 2]].name,
      idcIndex: c[j + 1],
      vpcIndex: c[j + 2],
      forward: verdict(c[j + 3]),
      return: verdict(c[j + 4]),
      reachable: (c[j + 5] & cellReachable) !== 0,
      symmetric: (c[j + 5] & cellSymmetric) !== 0,
    };
  }
  return { scenarios: t.scenarios, idcSegments: t.idcSegments, vpcSegments: t.vpcSegments, cells };
}

// planKey is what identifies the plan of a call: its text. A plan passed as
// an object has no cheap identity and is never superseded.
function planKey(args) {
  return typeof args[0] === 'string' ? args[0] : null;
}

/** BaseLane is one worker running the core, with its calls in flight. */
class BaseLane {
  constructor(name, module) {
    this.name = name;
    this.module = module; // a Promise of the WebAssembly.Module
    this.nextId = 1;
    this.pending = new Map(); // id → {fn, args, key, resolve, reject}
    this.spawn();
  }

  spawn() {
    const w = new Worker(workerURL, { type: 'module', name: this.name });
    this.worker = w;
    this.ready = new Promise((resolve, reject) => {
      w.onmessage = (ev) => {
        const m = ev.data;
        if (m.type === 'result') this.settle(m);
        else if (m.type === 'started') { const c = this.pending.get(m.id); if (c) this.started(c); }
        else if (m.type === 'ready') resolve(m);
        else if (m.type === 'exited') { this.failAll(m.message); this.worker.terminate(); this.spawn(); }
        else if (m.type === 'failed') { reject(new Error(`the planner core could not start: ${m.message}; reload the page`)); this.failAll(m.message); }
      };
      w.onerror = (ev) => {
        ev.preventDefault?.();
        const why = ev.message || `could not load ${workerURL.pathname} or the files it imports`;
        this.fail(new Error(`the planner core could not start (${why}); run “make wasm” or serve the built web/ folder`));
      };
      this.fail = (err) => { reject(err); this.failAll(err.message); };
    });
    // A failure is reported through calls; an unobserved rejection here
    // would only add noise to the console.
    this.ready.catch(() => {});
    this.module.then(
      (module) => { if (this.worker === w) w.postMessage({ type: 'start', module }); },
      (e) => { w.terminate(); this.fail(e); },
    );
    this.lastText = null; // a fresh worker has no plan text yet
    for (const [id, c] of this.pending) { c.running = false; w.postMessage(callMessage(this, id, c.fn, c.args)); }
  }

  call(fn, args, key) {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { fn, args, key, resolve, reject });
      this.worker.postMessage(callMessage(this, id, fn, args));
    });
  }

  started(c) { c.running = true; }

  settle(m) {
    const c = this.pending.get(m.id);
    if (!c) return; // cancelled meanwhile
    this.pending.delete(m.id);
    if (m.ok) c.resolve(m.value);
    else c.reject(m.error);
  }

  /**
   * supersede cancels the calls in flight for a plan other than key: they
   * reject with code "cancelled" and the worker is replaced, the calls for
   * key (if any) going to the new one.
   */
  supersede(key) {
    if (key === null) return;
    let cancelled = 0;
    for (const [id, c] of this.pending) {
      if (c.key === null || c.key === key) continue;
      this.pending.delete(id);
      c.reject({ code: 'cancelled', running: !!c.running, message: `${c.fn} was cancelled: the plan changed` + (c.running ? ' while it ran' : ' before it ran') });
      cancelled++;
    }
    if (!cancelled) return;
    this.worker.terminate();
    this.spawn();
  }

  failAll(why) {
    for (const c of this.pending.values()) c.reject({ code: 'internal', message: `the planner core stopped (${why})`, hint: 'reload the page; drafts are kept' });
    this.pending.clear();
  }
}

// compile fetches and compiles the core once, on the main thread's behalf
// but off it (the browser compiles in the background); every worker then
// instantiates the same WebAssembly.Module.
async function compile(url) {
  // compileStreaming compiles while downloading, but needs the server to say
  // application/wasm; static hosts that do not fall back to a buffer.
  if (WebAssembly.compileStreaming) {
    try {
      const res = await fetch(url);
      if (!res.ok) throw new HTTPError(res, url);
      return await WebAssembly.compileStreaming(res);
    } catch (e) {
      if (e instanceof HTTPError) throw e.toError();
      // Wrong content type or a proxy that re-encodes: fall through.
    }
  }
  const res = await fetch(url);
  if (!res.ok) throw new HTTPError(res, url).toError();
  return WebAssembly.compile(await res.arrayBuffer());
}

class HTTPError {
  constructor(res, url) { this.status = res.status; this.url = url; }
  toError() {
    return new Error(`could not fetch the planner core (${this.url.pathname}: HTTP ${this.status}); run “make wasm” or serve the built web/ folder`);
  }
}
