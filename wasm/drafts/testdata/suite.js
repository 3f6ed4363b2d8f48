// The drafts rules (wasm/API.md, "Drafts") as a suite over web/draftstore.js
// and the browser's real IndexedDB. browser_test.go loads index.html in
// headless Chromium and runs run(); each case resolves or throws, and the
// Go test reports each as a subtest.

import { openDrafts, openDraftsWorker, draftFunctions, storageError, randomID, maxNameRunes, maxIDLength, untitledName } from '/web/draftstore.js';

let dbCounter = 0;

// fixture is a drafts API over a fresh database, with a clock that moves
// one second per reading and sequential ids, so every expected value is
// exact; tab() opens another connection to the same database, as another
// tab has.
function fixture() {
  const database = `hybridplan-test-${Date.now()}-${++dbCounter}`;
  let clock = Date.UTC(2026, 10, 26, 12, 0, 0);
  let ids = 0;
  const opts = { database, now: () => (clock += 1000), newID: () => `d-${++ids}` };
  return { svc: openDrafts(opts), tab: () => openDrafts(opts), database };
}

function fail(msg) { throw new Error(msg); }
function eq(got, want, what) {
  const g = JSON.stringify(got), w = JSON.stringify(want);
  if (g !== w) fail(`${what}: got ${g}, want ${w}`);
}

// rejects awaits p and returns its rejection, checking the code and that
// it carries a message and a hint.
async function rejects(p, code) {
  let e;
  try { await p; } catch (err) { e = err; }
  if (!e) fail(`resolved, want a rejection ${code}`);
  if (e.code !== code) fail(`rejected with ${JSON.stringify(e)}${e instanceof Error ? ' ' + e.stack : ''}, want code ${code}`);
  if (!e.message || !e.hint) fail(`rejection ${code} without message or hint: ${JSON.stringify(e)}`);
  return e;
}

const cases = {
  async 'new draft'() {
    const { svc } = fixture();
    const s = await svc.save({ name: '  Beijing  ', plan: '{"version":1}' });
    eq(s, { id: 'd-1', revision: 1, updatedAt: '2026-11-26T12:00:01.000Z' }, 'saved');
    eq(await svc.get('d-1'), { id: 'd-1', name: 'Beijing', plan: '{"version":1}', revision: 1, updatedAt: '2026-11-26T12:00:01.000Z' }, 'stored');
  },

  async 'unnamed draft'() {
    const { svc } = fixture();
    const s = await svc.save({ plan: '{}' });
    eq((await svc.get(s.id)).name, untitledName, 'name');
    // Saving again without a name keeps the one it has.
    await svc.rename(s.id, 'Named');
    await svc.save({ id: s.id, plan: '{ }', baseRevision: 2 });
    const r = await svc.get(s.id);
    eq([r.name, r.plan, r.revision], ['Named', '{ }', 3], 'after a save without name');
  },

  async 'an invalid plan is kept as typed'() {
    const { svc } = fixture();
    const text = '{"version": 1, "idc": {"segments": [{"cidr": "10.0.0.0/'; // mid-edit
    const s = await svc.save({ name: 'wip', plan: text });
    eq((await svc.get(s.id)).plan, text, 'plan');
  },

  async 'a plan object is stored as its JSON text'() {
    const { svc } = fixture();
    const s = await svc.save({ name: 'obj', plan: { version: 1, name: 'x' } });
    eq((await svc.get(s.id)).plan, '{"version":1,"name":"x"}', 'plan');
  },

  async 'saves in sequence'() {
    const { svc } = fixture();
    let s = await svc.save({ name: 'a', plan: '1' });
    for (let i = 2; i <= 4; i++) {
      s = await svc.save({ id: s.id, name: 'a', plan: String(i), baseRevision: s.revision });
      eq(s.revision, i, 'revision');
    }
    const r = await svc.get(s.id);
    eq([r.plan, r.revision], ['4', 4], 'stored');
  },

  async 'two tabs'() {
    const { svc: tabA, tab } = fixture();
    const tabB = tab(); // its own connection
    const s = await tabA.save({ name: 'shared', plan: 'v1' });
    eq((await tabB.get(s.id)).plan, 'v1', "tab B sees tab A's draft");
    // Both tabs opened revision 1. Tab A saves first.
    const a = await tabA.save({ id: s.id, name: 'shared', plan: 'from A', baseRevision: 1 });
    // Tab B's save, based on revision 1, is refused with the stored revision.
    const e = await rejects(tabB.save({ id: s.id, name: 'shared', plan: 'from B', baseRevision: 1 }), 'draft.conflict');
    eq(e.storedRevision, a.revision, 'storedRevision');
    // Nothing of B was written.
    const r = await tabA.get(s.id);
    eq([r.plan, r.revision], ['from A', 2], "A's plan at revision 2");
    // B reloads (revision 2) and saves on top knowingly.
    eq((await tabB.save({ id: s.id, name: 'shared', plan: 'from B', baseRevision: 2 })).revision, 3, "B's save");
  },

  async 'racing saves from eight connections: exactly one wins'() {
    const { svc, tab } = fixture();
    const s = await svc.save({ name: 'race', plan: '0' });
    const tabs = Array.from({ length: 8 }, () => tab());
    // Every tab has its connection open first, so the saves really race.
    await Promise.all(tabs.map((t) => t.list()));
    const results = await Promise.allSettled(tabs.map((t, i) => t.save({ id: s.id, name: 'race', plan: String(i + 1), baseRevision: 1 })));
    const wins = results.filter((r) => r.status === 'fulfilled');
    if (wins.length !== 1) fail(`${wins.length} saves on revision 1 succeeded, want exactly 1`);
    for (const r of results) {
      if (r.status === 'rejected' && (r.reason.code !== 'draft.conflict' || r.reason.storedRevision !== 2)) {
        fail(`a losing save rejected with ${JSON.stringify(r.reason)}, want draft.conflict with storedRevision 2`);
      }
    }
    const got = await svc.get(s.id);
    eq(got.revision, 2, 'revision');
    eq(got.plan, String(results.indexOf(wins[0]) + 1), "the winner's plan");
  },

  async 'save after delete in another tab'() {
    const { svc, tab } = fixture();
    const s = await svc.save({ name: 'x', plan: 'p' });
    await tab().delete(s.id);
    const e = await rejects(svc.save({ id: s.id, name: 'x', plan: 'p2', baseRevision: 1 }), 'draft.conflict');
    if (e.storedRevision !== 0 || !e.message.includes('deleted')) fail(`conflict ${JSON.stringify(e)}, want storedRevision 0 and 'deleted'`);
    await rejects(svc.get(s.id), 'draft.not-found'); // the refused save did not recreate it
  },

  async 'page-chosen id'() {
    const { svc } = fixture();
    eq(await svc.save({ id: 'imported_1', name: 'i', plan: 'p', baseRevision: 0 }),
      { id: 'imported_1', revision: 1, updatedAt: '2026-11-26T12:00:01.000Z' }, 'saved');
    // Creating it again with base 0 is a conflict, not an overwrite.
    const e = await rejects(svc.save({ id: 'imported_1', name: 'i', plan: 'other', baseRevision: 0 }), 'draft.conflict');
    eq(e.storedRevision, 1, 'storedRevision');
  },

  async rename() {
    const { svc } = fixture();
    const s = await svc.save({ name: 'old', plan: 'p' });
    const r = await svc.rename(s.id, ' new name ');
    eq(r.revision, 2, 'rename revision');
    const got = await svc.get(s.id);
    eq([got.name, got.plan, got.updatedAt], ['new name', 'p', r.updatedAt], 'after rename');
    // A tab that still has revision 1 would put the old name back: refused.
    await rejects(svc.save({ id: s.id, name: 'old', plan: 'p', baseRevision: 1 }), 'draft.conflict');
    await rejects(svc.rename(s.id, '   '), 'draft.invalid');
    await rejects(svc.rename('d-404', 'x'), 'draft.not-found');
  },

  async duplicate() {
    const { svc } = fixture();
    const s = await svc.save({ name: 'orig', plan: 'plan text' });
    await svc.save({ id: s.id, name: 'orig', plan: 'plan text 2', baseRevision: 1 });
    const id = await svc.duplicate(s.id);
    if (typeof id !== 'string' || id === s.id) fail(`duplicate resolved with ${JSON.stringify(id)}`);
    const c = await svc.get(id);
    eq([c.name, c.plan, c.revision], ['Copy of orig', 'plan text 2', 1], 'copy');
    const o = await svc.get(s.id);
    eq([o.name, o.revision], ['orig', 2], 'original');
    await rejects(svc.duplicate('d-404'), 'draft.not-found');
    // The copy's name is cut to the limit.
    const long = await svc.save({ name: 'é'.repeat(maxNameRunes), plan: 'p' });
    eq([...(await svc.get(await svc.duplicate(long.id))).name].length, maxNameRunes, 'copy name length');
  },

  async delete() {
    const { svc } = fixture();
    const s = await svc.save({ name: 'gone', plan: 'p' });
    const keep = await svc.save({ name: 'kept', plan: 'q' });
    eq(await svc.delete(s.id), null, 'delete resolves with');
    await rejects(svc.get(s.id), 'draft.not-found');
    // Deleting again (another tab did it first) succeeds.
    eq(await svc.delete(s.id), null, 'second delete');
    await svc.get(keep.id);
  },

  async list() {
    const { svc } = fixture();
    eq(await svc.list(), [], 'empty store');
    const a = await svc.save({ name: 'a', plan: '1' });
    const b = await svc.save({ name: 'b', plan: '2' });
    await svc.save({ id: a.id, name: 'a', plan: '1b', baseRevision: 1 }); // a is now newest
    eq(await svc.list(), [
      { id: a.id, name: 'a', updatedAt: '2026-11-26T12:00:03.000Z', revision: 2 },
      { id: b.id, name: 'b', updatedAt: '2026-11-26T12:00:02.000Z', revision: 1 },
    ], 'list');
  },

  async 'survives a new connection'() {
    // A reloaded page or a restarted browser opens a new connection and
    // finds what an earlier one saved (default clock and ids).
    const database = `hybridplan-test-reload-${Date.now()}`;
    const saved = await openDrafts({ database }).save({ name: 'kept', plan: '{"version":1}' });
    if (!/^d-[0-9a-f]{16}$/.test(saved.id)) fail(`id ${saved.id}, want d- and 16 hex digits`);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(saved.updatedAt)) fail(`updatedAt ${saved.updatedAt}`);
    const got = await openDrafts({ database }).get(saved.id);
    eq([got.name, got.plan, got.revision], ['kept', '{"version":1}', 1], 'after reopening');
  },

  async 'random ids'() {
    const seen = new Set();
    for (let i = 0; i < 100; i++) {
      const id = randomID();
      if (!/^d-[0-9a-f]{16}$/.test(id)) fail(`randomID() = ${id}`);
      seen.add(id);
    }
    eq(seen.size, 100, 'distinct ids');
  },

  async 'bad input'() {
    const { svc } = fixture();
    const tests = [
      ['empty id on get', () => svc.get('')],
      ['id with a slash', () => svc.get('../x')],
      ['id too long', () => svc.get('a'.repeat(maxIDLength + 1))],
      ['name too long', () => svc.save({ name: 'é'.repeat(maxNameRunes + 1), plan: 'p' })],
      ['name not valid text', () => svc.save({ name: 'a\uD800b', plan: 'p' })],
      ['plan too large', () => svc.save({ name: 'big', plan: ' '.repeat((8 << 20) + 1) })],
      ['plan too large in UTF-8', () => svc.save({ name: 'big', plan: 'é'.repeat((4 << 20) + 1) })],
      ['negative base', () => svc.save({ id: 'd-1', name: 'n', plan: 'p', baseRevision: -1 })],
      ['base without id', () => svc.save({ name: 'n', plan: 'p', baseRevision: 3 })],
      ['empty id on delete', () => svc.delete('')],
      ['empty id on rename', () => svc.rename('', 'x')],
      ['empty name on rename', () => svc.rename('d-1', ' \u3000 ')],
    ];
    for (const [name, call] of tests) {
      try { await rejects(call(), 'draft.invalid'); } catch (e) { fail(`${name}: ${e.message}`); }
    }
    // The limits themselves are allowed.
    await svc.save({ id: 'a'.repeat(maxIDLength), name: 'é'.repeat(maxNameRunes), plan: 'é'.repeat(4 << 20), baseRevision: 0 });
    eq((await svc.list()).length, 1, 'drafts stored by bad input (only the one at the limits)');
  },

  async 'bad arguments'() {
    const { svc } = fixture();
    const tests = [
      ['save without an object', () => svc.save('plan')],
      ['save without plan', () => svc.save({ name: 'x' })],
      ['save with a number plan', () => svc.save({ plan: 5 })],
      ['save with an id but no baseRevision', () => svc.save({ id: 'd-1', plan: '{}' })],
      ['save with a fractional baseRevision', () => svc.save({ plan: '{}', baseRevision: 1.5 })],
      ['save with a string baseRevision', () => svc.save({ plan: '{}', baseRevision: '3' })],
      ['save with a numeric name', () => svc.save({ plan: '{}', name: 7 })],
      ['save with a cyclic plan', () => { const p = {}; p.p = p; return svc.save({ plan: p }); }],
      ['get without id', () => svc.get()],
      ['get with a number', () => svc.get(1)],
      ['rename without name', () => svc.rename('d-1')],
      ['duplicate without id', () => svc.duplicate()],
      ['delete without id', () => svc.delete(null)],
    ];
    for (const [name, call] of tests) {
      try { await rejects(call(), 'call.argument'); } catch (e) { fail(`${name}: ${e.message}`); }
    }
  },

  async 'damaged records'() {
    const { svc, database } = fixture();
    const good = await svc.save({ name: 'good', plan: 'p' });
    // A record this code did not write, put there directly.
    await new Promise((resolve, reject) => {
      const req = indexedDB.open(database, 1);
      req.onsuccess = () => {
        const db = req.result;
        const t = db.transaction('drafts', 'readwrite');
        t.objectStore('drafts').put({ id: 'bad', name: 3, revision: 'x' });
        t.oncomplete = () => { db.close(); resolve(); };
        t.onabort = () => reject(t.error);
      };
      req.onerror = () => reject(req.error);
    });
    eq((await svc.list()).map((d) => d.id), [good.id], 'list skips the damaged record');
    const e = await rejects(svc.get('bad'), 'storage.unavailable');
    if (!e.message.includes('damaged')) fail(`get of a damaged draft: ${e.message}`);
    await rejects(svc.save({ id: 'bad', plan: 'p', baseRevision: 1 }), 'storage.unavailable');
    eq(await svc.delete('bad'), null, 'a damaged draft can be deleted');
    await rejects(svc.get('bad'), 'draft.not-found');
  },

  async 'unusable storage'() {
    const factories = {
      'no IndexedDB': undefined,
      'IndexedDB refuses': { open() { throw new DOMException('The operation is insecure.', 'SecurityError'); } },
      'open fails': {
        open() {
          const req = {};
          setTimeout(() => { req.error = new DOMException('Internal error opening backing store', 'UnknownError'); req.onerror?.({ preventDefault() {} }); });
          return req;
        },
      },
    };
    for (const [name, factory] of Object.entries(factories)) {
      const svc = openDrafts({ factory, database: 'unusable' });
      for (const [call, p] of [['list', svc.list()], ['get', svc.get('d-1')], ['save', svc.save({ name: 'n', plan: 'p' })], ['delete', svc.delete('d-1')]]) {
        try {
          const e = await rejects(p, 'storage.unavailable');
          if (!e.hint.includes('edit stays in this tab')) fail(`hint ${e.hint}`);
        } catch (e) { fail(`${name}, ${call}: ${e.message}`); }
      }
    }
  },

  async 'storage that does not answer'() {
    // An open blocked for good (another tab never lets an upgrade through).
    const svc = openDrafts({ factory: { open: () => ({}) }, timeout: 100 });
    const e = await rejects(svc.list(), 'storage.unavailable');
    if (!e.message.includes('did not answer in time')) fail(`message ${e.message}`);
  },

  async 'storage comes back after a failure'() {
    const { database } = fixture();
    let refuse = true;
    const factory = { open: (...a) => { if (refuse) throw new DOMException('blocked', 'SecurityError'); return indexedDB.open(...a); } };
    const svc = openDrafts({ factory, database });
    await rejects(svc.list(), 'storage.unavailable');
    refuse = false;
    eq(await svc.list(), [], 'list once storage is back');
  },

  async 'through the drafts worker'() {
    // The page's drafts (openDraftsWorker): the store in web/draftworker.js,
    // the same results and rejections through messages.
    const w = openDraftsWorker();
    eq(Object.keys(w), draftFunctions, 'functions');
    const s = await w.save({ name: ' via worker ', plan: { version: 1, skip: () => 1 } });
    if (!/^d-[0-9a-f]{16}$/.test(s.id) || s.revision !== 1) fail(`save resolved with ${JSON.stringify(s)}`);
    const got = await w.get(s.id);
    eq([got.name, got.plan, got.revision], ['via worker', '{"version":1}', 1], 'stored (a plan object as its JSON)');
    await w.save({ id: s.id, name: 'via worker', plan: 'A', baseRevision: 1 });
    const e = await rejects(w.save({ id: s.id, name: 'via worker', plan: 'B', baseRevision: 1 }), 'draft.conflict');
    eq(e.storedRevision, 2, 'storedRevision through the worker');
    eq((await w.rename(s.id, 'renamed')).revision, 3, 'rename');
    const copy = await w.duplicate(s.id);
    eq((await w.list()).map((d) => d.name).sort(), ['Copy of renamed', 'renamed'], 'list');
    eq(await w.delete(copy), null, 'delete');
    await rejects(w.get(copy), 'draft.not-found');
    await rejects(w.rename(s.id, ' '), 'draft.invalid');
    await rejects(w.save({ plan: '{}', baseRevision: 1.5 }), 'call.argument');
    await rejects(w.get(() => 'x'), 'call.argument'); // cannot be sent to a worker
    const cyclic = {}; cyclic.self = cyclic;
    await rejects(w.save({ plan: cyclic }), 'call.argument');
  },

  async 'drafts worker where the page has no IndexedDB'() {
    const had = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB');
    Object.defineProperty(globalThis, 'indexedDB', { value: undefined, configurable: true });
    let w;
    try { w = openDraftsWorker(); } finally { Object.defineProperty(globalThis, 'indexedDB', had); }
    const e = await rejects(w.save({ name: 'n', plan: 'p' }), 'storage.unavailable');
    if (!e.message.includes('no IndexedDB')) fail(`message ${e.message}`);
  },

  async 'no workers at all'() {
    // A page where workers cannot start: the drafts reject, the page goes on.
    const had = globalThis.Worker;
    globalThis.Worker = class { constructor() { throw new DOMException('workers are blocked here', 'SecurityError'); } };
    let w;
    try { w = openDraftsWorker(); } finally { globalThis.Worker = had; }
    const e = await rejects(w.list(), 'storage.unavailable');
    if (!e.message.includes('workers are blocked here')) fail(`message ${e.message}`);
    await rejects(w.save({ plan: 'p' }), 'storage.unavailable');
  },

  async 'storage error codes'() {
    const tests = [
      ['quota', new DOMException('quota', 'QuotaExceededError'), 'storage.quota', 'full'],
      ['private mode', new DOMException('closing', 'InvalidStateError'), 'storage.unavailable', 'private browsing'],
      ['blocked by policy', new DOMException('insecure', 'SecurityError'), 'storage.unavailable', 'private browsing'],
      ['anything else', new DOMException('what', 'UnknownError'), 'storage.unavailable', 'UnknownError'],
      ['a JavaScript error', new TypeError('boom'), 'storage.unavailable', 'boom'],
    ];
    for (const [name, err, code, wantIn] of tests) {
      const e = storageError('saving a draft', err);
      if (e.code !== code || !e.message.includes(wantIn) || !e.hint.includes('edit stays in this tab')) {
        fail(`${name}: got ${JSON.stringify(e)}, want ${code} containing ${wantIn} and a hint that the edit is kept`);
      }
    }
    const conflict = { code: 'draft.conflict', message: 'm', hint: 'h', storedRevision: 2 };
    if (storageError('x', conflict) !== conflict) fail('a drafts error was rewritten');
  },
};

// The quota case needs the browser's quota lowered first (browser_test.go
// does it through the DevTools protocol), so it runs on its own.
export const quotaCase = async () => {
  const { svc } = fixture();
  const small = await svc.save({ name: 'small', plan: 'p' });
  // Random text does not compress: the browser cannot squeeze it under the quota.
  const big = Array.from({ length: 20 }, () => Array.from(crypto.getRandomValues(new Uint32Array(16384)), (x) => x.toString(36)).join('')).join('');
  const e = await rejects(svc.save({ id: small.id, name: 'small', plan: big, baseRevision: 1 }), 'storage.quota');
  if (!e.message.includes('full')) fail(`message ${e.message}`);
  const r = await svc.get(small.id);
  eq([r.plan, r.revision], ['p', 1], 'the stored draft after the refused save');
};

/** run runs every case (or those named) and resolves with [{name, error}]. */
export async function run(only) {
  const out = [];
  for (const [name, fn] of Object.entries(only === 'quota' ? { quota: quotaCase } : cases)) {
    try {
      await fn();
      out.push({ name, error: '' });
    } catch (e) {
      out.push({ name, error: (e && e.message) || JSON.stringify(e) });
    }
  }
  return out;
}

/**
 * benchSave measures what autosaving costs the page's thread for a plan of
 * n segments, with the store on the page's thread or (viaWorker) as the page
 * runs it, in its worker (the size the editor holds for a 5,000-segment plan): the
 * synchronous part of drafts.save (until it returns its Promise) and the
 * whole save, and the main thread's long tasks (over 50 ms) over the rounds
 * of saves and, as the anchor, over as many rounds of the same loop without
 * the save (the same text copies and pauses), interleaved: on a shared
 * machine long tasks happen without any work of ours, and only an excess
 * over the anchor is the drafts'. Resolves with {bytes, syncMs, totalMs,
 * saveTasks, anchorTasks, saveLongestMs, anchorLongestMs}; times are the
 * fastest round.
 */
export async function benchSave(n, rounds, viaWorker) {
  const segments = Array.from({ length: n }, (_, i) => ({
    name: `seg-${i}`, cidr: `10.${(i >> 8) & 255}.${i & 255}.0/24`, description: `segment ${i} of the bench plan`,
  }));
  const text = JSON.stringify({ version: 1, name: 'bench-plan', idc: { asn: 65001, segments } });
  const svc = viaWorker ? openDraftsWorker() : fixture().svc;
  let s = await svc.save({ name: 'bench', plan: text });
  let phase = 'anchor';
  const tasks = { save: [], anchor: [] };
  const obs = new PerformanceObserver((l) => { for (const e of l.getEntries()) tasks[phase].push(e.duration); });
  obs.observe({ type: 'longtask' });
  const settle = () => new Promise((r) => setTimeout(r, 60)); // long tasks are reported after they end
  let syncMs = Infinity, totalMs = Infinity;
  for (let r = 0; r < rounds; r++) {
    phase = 'anchor';
    structuredClone(text + r); // a fresh string, as an edit makes
    await new Promise((r) => setTimeout(r, 15));
    await settle();
    phase = 'save';
    const copy = structuredClone(text + r);
    const t1 = performance.now();
    const p = svc.save({ id: s.id, name: 'bench', plan: copy, baseRevision: s.revision });
    syncMs = Math.min(syncMs, performance.now() - t1);
    s = await p;
    totalMs = Math.min(totalMs, performance.now() - t1);
    await settle();
  }
  obs.disconnect();
  const longest = (a) => (a.length ? Math.max(...a) : 0);
  return { bytes: text.length, syncMs, totalMs, saveTasks: tasks.save.length, anchorTasks: tasks.anchor.length,
    saveLongestMs: longest(tasks.save), anchorLongestMs: longest(tasks.anchor) };
}
