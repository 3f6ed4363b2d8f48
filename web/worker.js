// The Go planning core's Web Worker: runs web/hybridplan.wasm off the page's
// main thread and answers the page's calls (web/bridge.js) by message.
//
// Protocol (every message is a plain object; see wasm/API.md, "Workers"):
//   page → worker  {type: 'start', module}            a compiled WebAssembly.Module
//                  {type: 'call', id, fn, args}       fn: 'validate', 'strategy', …
//                  {type: 'call', id, fn, args, sameText: true}  args[0]: the last text
//                                                     sent (see unpackArgs)
//   worker → page  {type: 'ready', functions, apiVersion}
//                  {type: 'failed', message}          the core could not start
//                  {type: 'started', id}                the call is running
//                  {type: 'exited', message}            the Go program ended
//                  {type: 'result', id, ok: true, value}
//                  {type: 'result', id, ok: false, error}
// A result whose value carries ArrayBuffers (the compact matrix's cells) is
// posted with them transferred, not copied.
//
// Calls run in the order they arrive. Cancelling a call is the page's side: it ends
// this worker (Worker.terminate) and starts a fresh one, the only way to stop
// Go code that is computing, since a worker takes no message while Go runs.

import './wasm_exec.js'; // a classic script: defines globalThis.Go

let api = null;
const early = []; // calls that came before the core was ready

self.onmessage = (ev) => {
  const msg = ev.data;
  if (msg.type === 'start') {
    start(msg.module);
  } else if (msg.type === 'call') {
    unpackArgs(msg);
    if (api) run(msg);
    else early.push(msg);
  }
};

async function start(module) {
  try {
    const go = new globalThis.Go();
    const instance = await WebAssembly.instantiate(module, go.importObject);
    let stopped = null;
    go.run(instance).then(
      () => { stopped = new Error('the planner core stopped'); },
      (e) => { stopped = e; },
    ).then(() => {
      // After start, an exit (a fatal Go error) leaves nothing to answer
      // calls: the page starts a fresh worker.
      if (api) self.postMessage({ type: 'exited', message: stopped.message });
    });
    // main() installs globalThis.hybridplan before its first pause, so it is
    // there when go.run returns its Promise.
    if (stopped || !globalThis.hybridplan) throw stopped || new Error('the planner core did not install its API');
    api = globalThis.hybridplan;
    const fns = (o) => Object.keys(o).filter((k) => typeof o[k] === 'function');
    self.postMessage({ type: 'ready', functions: fns(api), apiVersion: api.apiVersion });
    for (const msg of early.splice(0)) run(msg);
  } catch (e) {
    self.postMessage({ type: 'failed', message: (e && e.message) || String(e) });
  }
}

async function run({ id, fn, args }) {
  // Own properties only: a name like "constructor" must not reach the
  // prototype. "page." calls are the page-only views (pageCalls).
  const [table, name] = fn.startsWith('page.') ? [pageCalls, fn.slice(5)] : [api, fn];
  const f = Object.hasOwn(table, name) ? table[name] : undefined;
  if (typeof f !== 'function') {
    self.postMessage({ type: 'result', id, ok: false, error: { code: 'call.argument', message: `the planner core has no function ${fn}`, hint: 'see wasm/API.md' } });
    return;
  }
  // The page learns that the call is running now (the worker answers no
  // message until the Go code returns): a cancellation then says so.
  self.postMessage({ type: 'started', id });
  try {
    const value = await f.apply(api, args);
    self.postMessage({ type: 'result', id, ok: true, value }, transferables(value));
  } catch (error) {
    self.postMessage({ type: 'result', id, ok: false, error: plain(error) });
  }
}

// transferables lists the ArrayBuffers directly inside a result (one level:
// that is where the core puts them), so they move instead of being copied.
function transferables(v) {
  if (!v || typeof v !== 'object') return [];
  const out = [];
  for (const x of Object.values(v)) {
    if (ArrayBuffer.isView(x)) out.push(x.buffer);
    else if (x instanceof ArrayBuffer) out.push(x);
  }
  return out;
}

// plain turns a rejection into something postMessage can clone: the core's
// rejection objects already are; an Error (a bug in this file) becomes one.
function plain(e) {
  if (e instanceof Error) return { code: 'internal', message: e.message };
  return e;
}

// ---- Plan text sent once per worker (web/bridge.js, callMessage) ------------
//
// A call whose first argument is a string leaves it here as lastText; a
// call marked sameText means that text again as its first argument (the
// page did not copy it into the message). Unpacked as each message
// arrives, so in the page's order.
let lastText = null;

function unpackArgs(msg) {
  if (!Array.isArray(msg.args)) return;
  if (msg.sameText) msg.args[0] = lastText;
  else if (typeof msg.args[0] === 'string') lastText = msg.args[0];
}

// ---- Page views: results cut to what the page shows ------------------------
//
// Calls 'page.NAME' (web/bridge.js, addPageViews), for the page only and not
// part of the core's API. The page's advertisements (web/analysis.js) list
// the first entries of each list and how many there are; a 5,000-segment
// plan's strategy holds 10,000 prefixes, and receiving them cost the page's
// main thread tens of milliseconds per pause in typing (issue 14). The
// worker cuts the lists before they are copied.
const pageCalls = {
  /**
   * strategyShown is strategy(plan) with each advertisement list cut to its
   * first limit entries, and totals: {idcToCloud: {path: length}, cloudToIdc: {…}}.
   */
  async strategyShown(plan, limit) {
    const r = await api.strategy(plan);
    const cut = (side) => {
      if (!side || typeof side !== 'object') return [side, {}];
      const lists = {}, totals = {};
      for (const [k, v] of Object.entries(side)) {
        lists[k] = Array.isArray(v) ? v.slice(0, limit) : v;
        if (Array.isArray(v)) totals[k] = v.length;
      }
      return [lists, totals];
    };
    const [idcToCloud, idcTotals] = cut(r.idcToCloud), [cloudToIdc, cloudTotals] = cut(r.cloudToIdc);
    return { ...r, idcToCloud, cloudToIdc, totals: { idcToCloud: idcTotals, cloudToIdc: cloudTotals } };
  },
};
