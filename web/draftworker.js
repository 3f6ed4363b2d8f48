// The drafts' Web Worker: runs web/draftstore.js's store off the page's main
// thread. IndexedDB is asynchronous, but it copies each value on the calling
// thread (the plan is serialised, and wrapped in a blob past 64 KB, as it is
// stored; the stored one is deserialised as it is read): for a
// 5,000-segment plan that measured 4–218 ms per save on a busy 2-core
// machine, long tasks the page must not have. Here they delay only this
// worker; the page pays a string copy per message.
//
// Protocol (plain objects, structured-cloned; openDraftsWorker in
// draftstore.js is the other side):
//   page → worker  {type: 'start', storage}     storage: the page has IndexedDB
//                  {type: 'call', id, fn, args} fn: 'list', 'save', …
//   worker → page  {type: 'result', id, ok: true, value}
//                  {type: 'result', id, ok: false, error}

import { openDrafts } from './draftstore.js';

let drafts = null;
const early = []; // calls before start

self.onmessage = (ev) => {
  const msg = ev.data;
  if (msg.type === 'start') {
    // Storage follows the page: where the page has no IndexedDB (private
    // modes, site data off, a test that removes it) the drafts fail here
    // the same way.
    drafts = openDrafts(msg.storage ? {} : { factory: undefined });
    for (const m of early.splice(0)) run(m);
  } else if (msg.type === 'call') {
    if (drafts) run(msg);
    else early.push(msg);
  }
};

async function run({ id, fn, args }) {
  try {
    if (!Object.hasOwn(drafts, fn)) throw { code: 'call.argument', message: `hybridplan.drafts has no function ${fn}`, hint: 'see wasm/API.md' };
    self.postMessage({ type: 'result', id, ok: true, value: await drafts[fn](...args) });
  } catch (error) {
    self.postMessage({ type: 'result', id, ok: false, error: error instanceof Error ? { code: 'internal', message: error.message } : error });
  }
}
