// Loads the Go planning core (WebAssembly) and hands back its API object,
// globalThis.hybridplan. Every URL is relative to this module, so the page
// works from any static host and any sub-path, with no server behind it.

const wasmURL = new URL('hybridplan.wasm', import.meta.url);
const execURL = new URL('wasm_exec.js', import.meta.url);

/**
 * loadCore starts the WebAssembly core and resolves with its API once it is
 * registered. It rejects with an Error saying what to do when the files are
 * missing or the runtime stops.
 */
export async function loadCore() {
  if (!globalThis.Go) {
    // wasm_exec.js is a classic script that defines globalThis.Go; importing
    // it as a module runs it the same way (it only touches globalThis).
    await import(execURL.href);
  }
  const go = new globalThis.Go();
  const instance = await instantiate(go);
  let exited = false;
  let exitErr = null;
  go.run(instance).then(
    () => { exited = true; },
    (e) => { exited = true; exitErr = e; },
  );
  // go.run runs main() until it first blocks; a core that registers its API
  // before blocking is ready now. Otherwise wait a little, bounded.
  const deadline = performance.now() + 15000;
  while (!globalThis.hybridplan) {
    if (exited) {
      throw new Error('the planner core stopped while starting' + (exitErr ? ': ' + exitErr.message : '') + '; reload the page');
    }
    if (performance.now() > deadline) {
      throw new Error('the planner core did not start within 15 s; reload the page');
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const api = globalThis.hybridplan;
  if (api.ready && typeof api.ready.then === 'function') await api.ready;
  return api;
}

async function instantiate(go) {
  // instantiateStreaming compiles while downloading, but needs the server to
  // say application/wasm; static hosts that do not fall back to a buffer.
  if (WebAssembly.instantiateStreaming) {
    try {
      const res = await fetch(wasmURL);
      if (!res.ok) throw new HTTPError(res);
      const { instance } = await WebAssembly.instantiateStreaming(res, go.importObject);
      return instance;
    } catch (e) {
      if (e instanceof HTTPError) throw e.toError();
      // Wrong content type or a proxy that re-encodes: fall through.
    }
  }
  const res = await fetch(wasmURL);
  if (!res.ok) throw new HTTPError(res).toError();
  const { instance } = await WebAssembly.instantiate(await res.arrayBuffer(), go.importObject);
  return instance;
}

class HTTPError {
  constructor(res) { this.status = res.status; }
  toError() {
    return new Error(`could not fetch the planner core (${wasmURL.pathname}: HTTP ${this.status}); run “make wasm” or serve the built web/ folder`);
  }
}
