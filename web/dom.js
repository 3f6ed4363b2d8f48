// Small DOM helpers shared by the page's modules. No framework: the page is
// a handful of views rebuilt from plain data, so a tiny element builder is
// all the abstraction it needs.

/**
 * h builds an element. attrs keys starting with "on" become listeners;
 * "class", "for", "dataset" and boolean attributes are handled; children may
 * be strings, nodes, arrays or null/false (skipped).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') {
        el.addEventListener(k.slice(2), v);
      } else if (k === 'class') {
        el.className = v;
      } else if (k === 'style' && typeof v === 'object') {
        // Through the CSSOM, which a Content-Security-Policy without
        // 'unsafe-inline' allows (a style attribute it would block).
        Object.assign(el.style, v);
      } else if (k === 'dataset') {
        Object.assign(el.dataset, v);
      } else if (k === 'value' && (tag === 'input' || tag === 'textarea' || tag === 'select')) {
        el.value = v;
      } else if (v === true) {
        el.setAttribute(k, '');
      } else {
        el.setAttribute(k, String(v));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** clear removes every child of el and appends the given children. */
export function replaceChildren(el, ...children) {
  el.textContent = '';
  append(el, children);
}

/** esc escapes text for inclusion in markup (the SVG diagram is a string). */
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** download offers text as a file, without any server round trip. */
export function download(name, text, type = 'text/plain') {
  const url = URL.createObjectURL(new Blob([text], { type: type + ';charset=utf-8' }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke later: revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** idFor turns a JSON path into a string usable as an element id. */
export function idFor(path) {
  return 'f' + path.replace(/[^A-Za-z0-9]+/g, '-');
}

/** errorText renders a bridge rejection ({code, message, path?}) or an Error. */
export function errorText(err) {
  if (!err) return 'unknown error';
  if (typeof err === 'string') return err;
  const msg = err.message || String(err);
  return err.code ? `${msg} (${err.code})` : msg;
}

/**
 * FrameRenders coalesces view renders into one per animation frame: a view
 * asked to render several times before the frame (a validation and a
 * strategy answer, a matrix and a simulation arriving together) renders
 * once, from the state at that moment. Renders that run long are split
 * over tasks, so one frame's work does not become one long task. onDone is
 * called whenever the queue has drained.
 */
export class FrameRenders {
  constructor(onDone = () => {}) {
    this.jobs = new Map(); // key → render function
    this.frame = 0;
    this.timer = 0;
    this.onDone = onDone;
  }

  get pending() { return this.jobs.size > 0; }

  /** request renders the view key with fn in the next frame (replacing an earlier request). */
  request(key, fn) {
    this.jobs.delete(key); // in the order of the latest requests
    this.jobs.set(key, fn);
    if (this.frame || this.timer) return;
    const run = () => this.flush();
    this.frame = requestAnimationFrame(run);
    // A hidden page gets no frames: its views (and whenIdle) still follow.
    this.timer = setTimeout(run, 100);
  }

  flush() {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.timer);
    this.frame = this.timer = 0;
    const t0 = performance.now();
    for (const [key, fn] of this.jobs) {
      this.jobs.delete(key);
      try { fn(); } catch (e) { reportError(e); }
      if (this.jobs.size && performance.now() - t0 > sliceMillis) {
        // The rest in a task of its own.
        this.timer = setTimeout(() => this.flush(), 0);
        return;
      }
    }
    this.onDone();
  }
}

// A frame's renders run in one task until this long, then yield.
const sliceMillis = 10;
