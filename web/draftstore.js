// Drafts: plans kept in the browser's IndexedDB (database "hybridplan",
// object store "drafts", one object {id, name, plan, revision, updatedAt}
// per draft, keyed by id), listed, opened, saved, renamed, duplicated and
// deleted. This is hybridplan.drafts of wasm/API.md, in JavaScript rather
// than in the Go core (web/hybridplan.wasm), which is smaller by the store
// and its IndexedDB binding. The page runs the store in a worker of its own
// (openDraftsWorker, web/draftworker.js): IndexedDB is asynchronous, but it
// copies values on the calling thread, which for a large plan is a long
// task.
//
// Concurrency: two tabs may edit one draft. Every record carries a revision
// that grows by one with each change. A save names the revision it was
// based on; when the stored revision differs (another tab saved, renamed or
// deleted it since), the save is refused with draft.conflict and the stored
// revision, and nothing is written. The check and the write happen in ONE
// readwrite transaction (IndexedDB runs readwrite transactions on one store
// one after another, across every connection), so two tabs can never both
// pass the check.
//
// Every call returns a Promise; failures reject with {code, message, hint}
// (and storedRevision with draft.conflict), as the core's calls do.

// Limits on what a draft holds.
export const maxNameRunes = 200; // a draft's name is a label in a list
export const maxIDLength = 64; // an id chosen by the page
export const maxPlanBytes = 8 << 20; // the plan decoder's limit (plan.MaxDocumentBytes)
export const untitledName = 'Untitled draft';

// storageTimeout bounds one call. IndexedDB normally answers in
// milliseconds; one that hangs (an upgrade blocked by another tab, a wedged
// profile) must end in storage.unavailable, not a Promise that never
// settles while the page waits to say the edit is unsaved.
export const storageTimeout = 15000;

// Names in IndexedDB. Changing the layout needs a new schemaVersion and an
// upgrade step in connect, or drafts already saved become unreadable.
const defaultDatabase = 'hybridplan';
const objectStore = 'drafts';
const schemaVersion = 1;

const argumentHint = 'this is a bug in the page calling the planner core; see wasm/API.md';

/**
 * openDrafts returns the drafts API over IndexedDB. It does not touch
 * IndexedDB until the first call, and after a failure the next call opens
 * the database again, so storage that comes back is used.
 *
 * options (tests pass their own to get exact values):
 *   factory  the IDBFactory (default globalThis.indexedDB, read now: where
 *            the page has none, every call rejects with storage.unavailable)
 *   database the database name (default "hybridplan")
 *   now      () => milliseconds since the epoch (default Date.now)
 *   newID    () => a new draft id (default randomID)
 *   timeout  milliseconds per call (default storageTimeout)
 */
export function openDrafts(options = {}) {
  const store = new Store(options);
  return Object.freeze({
    list: () => store.call(() => store.list()),
    get: (...args) => store.call(() => store.get(stringArg(args, 0, 'drafts.get(id)', 'id'))),
    save: (...args) => store.call(() => store.save(saveArg(args))),
    rename: (...args) => store.call(() => {
      const sig = 'drafts.rename(id, name)';
      return store.rename(stringArg(args, 0, sig, 'id'), stringArg(args, 1, sig, 'name'));
    }),
    duplicate: (...args) => store.call(() => store.duplicate(stringArg(args, 0, 'drafts.duplicate(id)', 'id'))),
    delete: (...args) => store.call(() => store.delete(stringArg(args, 0, 'drafts.delete(id)', 'id'))),
  });
}

/** The calls of the drafts API, in the order wasm/API.md lists them. */
export const draftFunctions = ['list', 'get', 'save', 'rename', 'duplicate', 'delete'];

/**
 * openDraftsWorker returns the drafts API (the same functions, arguments,
 * results and rejections as openDrafts) with the store running in a module
 * worker (web/draftworker.js), so IndexedDB's copying of large plans never
 * lands on the page's thread. The worker opens IndexedDB only where the
 * page has it (globalThis.indexedDB, read now). Arguments that cannot be
 * sent to a worker (a function, say) reject with call.argument; a worker
 * that cannot start rejects every call with storage.unavailable.
 */
export function openDraftsWorker() {
  const pending = new Map();
  let nextID = 1;
  let broken = null;
  const failAll = (why) => {
    broken = draftError('storage.unavailable', `drafts could not start (${why})`,
      'your edit stays in this tab; export the plan to a file to keep it, then reload the page');
    for (const p of pending.values()) p.reject(broken);
    pending.clear();
  };
  let worker;
  try {
    worker = new Worker(new URL('draftworker.js', import.meta.url), { type: 'module', name: 'hybridplan-drafts' });
  } catch (e) {
    // No workers here (a page's policy): the drafts fail, the page does not.
    failAll(e.message);
    return Object.freeze(Object.fromEntries(draftFunctions.map((fn) => [fn, () => Promise.reject(broken)])));
  }
  worker.onmessage = (ev) => {
    const m = ev.data;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(m.error);
  };
  worker.onerror = (ev) => {
    ev.preventDefault?.();
    failAll(ev.message || 'could not load web/draftworker.js or web/draftstore.js');
  };
  worker.postMessage({ type: 'start', storage: !!globalThis.indexedDB });
  const call = (fn, args) => new Promise((resolve, reject) => {
    if (broken) { reject(broken); return; }
    // A plan object is stored as its JSON text (saveArg): write it here, so
    // what JSON leaves out (functions, undefined) is left out, not refused
    // by postMessage. One it cannot write goes as it is, for saveArg to
    // refuse.
    if (fn === 'save' && args[0] && typeof args[0] === 'object' && args[0].plan && typeof args[0].plan === 'object') {
      try { args = [{ ...args[0], plan: JSON.stringify(args[0].plan) }, ...args.slice(1)]; } catch { /* saveArg says why */ }
    }
    const id = nextID++;
    try {
      worker.postMessage({ type: 'call', id, fn, args });
    } catch (e) {
      reject(argumentError(`drafts.${fn}: its arguments cannot be sent to the drafts worker (${e.message})`));
      return;
    }
    pending.set(id, { resolve, reject });
  });
  return Object.freeze(Object.fromEntries(draftFunctions.map((fn) => [fn, (...args) => call(fn, args)])));
}

/**
 * randomID returns "d-" and 16 random hex digits from
 * crypto.getRandomValues: unique across tabs without coordination, which a
 * counter could not be.
 */
export function randomID() {
  const b = crypto.getRandomValues(new Uint8Array(8));
  return 'd-' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

class Store {
  constructor(options) {
    const { database = defaultDatabase, now = Date.now, newID = randomID, timeout = storageTimeout } = options;
    // An explicit factory: undefined means none, as where the page has no IndexedDB.
    this.factory = 'factory' in options ? options.factory : globalThis.indexedDB;
    this.database = database;
    this.now = now;
    this.newID = newID;
    this.timeout = timeout;
    this.db = null; // a Promise of the open IDBDatabase, or null
  }

  /**
   * call runs fn (which may throw an argument or input error at once) and
   * bounds its time; every failure becomes a drafts rejection object.
   */
  call(fn) {
    let timer = 0;
    const work = new Promise((resolve) => resolve(fn()));
    const late = new Promise((_, reject) => {
      timer = setTimeout(() => reject(draftError('storage.unavailable', "the browser's storage did not answer in time",
        'your edit stays in this tab; close other tabs of hybridplan, then save again')), this.timeout);
    });
    return Promise.race([work, late])
      .catch((e) => { throw storageError('using the drafts database', e); })
      .finally(() => clearTimeout(timer));
  }

  /** connect returns the open database, opening (and creating) it if needed. */
  connect() {
    if (this.db) return this.db;
    const p = new Promise((resolve, reject) => {
      if (!this.factory) {
        reject(draftError('storage.unavailable', 'this browser offers no IndexedDB storage, so drafts cannot be kept',
          'your edit stays in this tab; export the plan to a file to keep it, or use a browser with site storage enabled'));
        return;
      }
      const req = this.factory.open(this.database, schemaVersion); // may throw (SecurityError): caught by the Promise
      req.onupgradeneeded = (ev) => {
        if (ev.oldVersion < 1) req.result.createObjectStore(objectStore, { keyPath: 'id' });
      };
      req.onsuccess = () => {
        const db = req.result;
        // Another tab upgrading the database, or the browser clearing site
        // data, ends this connection: drop it so the next call reopens.
        const drop = () => { if (this.db === p) this.db = null; };
        db.onversionchange = () => { db.close(); drop(); };
        db.onclose = drop;
        resolve(db);
      };
      req.onerror = (ev) => { ev.preventDefault?.(); reject(storageError('opening the drafts database', req.error)); };
    });
    this.db = p;
    p.catch(() => { if (this.db === p) this.db = null; });
    return p;
  }

  /**
   * transaction starts one on the drafts object store. A connection closed
   * under us (InvalidStateError) is opened again once.
   */
  async transaction(mode) {
    for (let attempt = 0; ; attempt++) {
      const db = await this.connect();
      try {
        const t = db.transaction(objectStore, mode);
        return { t, st: t.objectStore(objectStore) };
      } catch (e) {
        if (attempt === 0 && e?.name === 'InvalidStateError') {
          if (this.db) this.db = null;
          continue;
        }
        throw storageError('starting a transaction', e);
      }
    }
  }

  /** list returns a summary of every draft, most recently changed first. */
  async list() {
    const { st } = await this.transaction('readonly');
    const out = await new Promise((resolve, reject) => {
      const out = [];
      const req = st.openCursor();
      req.onsuccess = () => {
        const c = req.result;
        if (!c) { resolve(out); return; }
        try {
          const r = fromStored(c.value, false);
          out.push({ id: r.id, name: r.name, updatedAt: r.updatedAt, revision: r.revision });
        } catch (e) {
          // A record this code did not write (another version, a browser
          // extension): leave it, list the rest.
          console.warn('hybridplan: skipping a damaged draft: ' + e.message);
        }
        c.continue();
      };
      req.onerror = (ev) => { ev.preventDefault?.(); reject(storageError('listing drafts', req.error)); };
    });
    return out.sort((a, b) => compare(b.updatedAt, a.updatedAt) || compare(a.id, b.id));
  }

  /** get returns one draft with its plan. */
  async get(id) {
    checkID(id);
    const { st } = await this.transaction('readonly');
    const stored = await request(st.get(id), 'reading a draft');
    if (stored === undefined) throw notFound(id);
    return parseRecord(id, stored);
  }

  /**
   * update reads the record with that id (null if absent), calls fn, and
   * writes what fn returns (a record; null deletes it), all in one readwrite
   * transaction: no other change to the record, from any tab, can fall
   * between the read and the write. When fn throws nothing is written. It
   * resolves when the transaction has committed: a full disk shows up as
   * the transaction aborting with QuotaExceededError, after the put itself
   * succeeded.
   */
  async update(id, fn) {
    const { t, st } = await this.transaction('readwrite');
    return new Promise((resolve, reject) => {
      let failure = null;
      let result;
      const fail = (e) => {
        failure = e;
        try { t.abort(); } catch { /* already finished */ }
      };
      const req = st.get(id);
      req.onsuccess = () => {
        try {
          const stored = req.result;
          const cur = stored === undefined ? null : parseRecord(id, stored);
          const next = fn(cur);
          if (next) {
            st.put(next);
            result = next;
          } else if (stored !== undefined) {
            st.delete(id);
          }
        } catch (e) {
          fail(e);
        }
      };
      t.oncomplete = () => resolve(result);
      // A failed request aborts the transaction; its error is t.error.
      t.onabort = () => reject(failure ?? storageError('saving a draft', t.error));
    });
  }

  /**
   * deleteAny is update for delete: the record is removed even if it is
   * damaged (unreadable records must still be deletable).
   */
  async deleteAny(id) {
    const { t, st } = await this.transaction('readwrite');
    return new Promise((resolve, reject) => {
      st.delete(id);
      t.oncomplete = () => resolve(null);
      t.onabort = () => reject(storageError('deleting a draft', t.error));
    });
  }

  /**
   * save stores the plan if the stored revision is still baseRevision (0
   * meaning nothing stored under the id) and resolves with {id, revision,
   * updatedAt}; otherwise it rejects with draft.conflict and the stored
   * revision. An empty name keeps the stored one (untitledName for a new
   * draft).
   */
  async save(req) {
    const name = checkName(req.name, true);
    const bytes = planBytesOver(req.plan);
    if (bytes) {
      throw draftError('draft.invalid', `the plan is ${bytes} bytes, more than a draft may hold (${maxPlanBytes >> 20} MiB)`,
        'a plan is a few kilobytes; check that the right file was imported');
    }
    if (req.baseRevision < 0) {
      throw draftError('draft.invalid', `baseRevision ${req.baseRevision} is negative`,
        'pass the revision the draft was loaded or last saved with, or 0 for a new draft');
    }
    let id = req.id;
    if (id === '') {
      if (req.baseRevision !== 0) {
        throw draftError('draft.invalid', 'a new draft (no id) cannot have a base revision',
          'pass the draft\'s id with its revision, or baseRevision 0 for a new draft');
      }
      id = this.newID();
    } else {
      checkID(id);
    }
    const next = await this.update(id, (cur) => {
      const stored = cur ? cur.revision : 0;
      if (stored !== req.baseRevision) throw conflict(id, req.baseRevision, stored);
      return { id, name: name || (cur ? cur.name : untitledName), plan: req.plan, revision: stored + 1, updatedAt: this.timestamp() };
    });
    return { id, revision: next.revision, updatedAt: next.updatedAt };
  }

  /**
   * rename gives a draft a new name. It is a change like a save: the
   * revision grows, so another tab still holding the old revision is told
   * before its next save would put the old name back.
   */
  async rename(id, newName) {
    checkID(id);
    const name = checkName(newName, false);
    const next = await this.update(id, (cur) => {
      if (!cur) throw notFound(id);
      return { ...cur, name, revision: cur.revision + 1, updatedAt: this.timestamp() };
    });
    return { id, revision: next.revision, updatedAt: next.updatedAt };
  }

  /** duplicate copies a draft under a new id and "Copy of …"; resolves with the new id. */
  async duplicate(id) {
    const src = await this.get(id);
    const newID = this.newID();
    const name = [...('Copy of ' + src.name)].slice(0, maxNameRunes).join('');
    await this.update(newID, (cur) => {
      // A random 64-bit id never collides in practice; refuse rather than
      // overwrite if it ever does.
      if (cur) throw draftError('draft.invalid', "the new draft's id is taken", 'try again');
      return { id: newID, name, plan: src.plan, revision: 1, updatedAt: this.timestamp() };
    });
    return newID;
  }

  /**
   * delete removes a draft. Deleting a draft that is already gone succeeds:
   * the person's intent is met, and two tabs deleting at once must not
   * produce an error.
   */
  async delete(id) {
    checkID(id);
    return this.deleteAny(id);
  }

  /** timestamp is RFC 3339 in UTC with milliseconds, which sorts as text. */
  timestamp() {
    return new Date(this.now()).toISOString();
  }
}

// request resolves with an IDBRequest's result.
function request(req, doing) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = (ev) => { ev.preventDefault?.(); reject(storageError(doing, req.error)); };
  });
}

// parseRecord reads a stored draft with its plan; a damaged one is
// reported for its id.
function parseRecord(id, v) {
  try {
    return fromStored(v, true);
  } catch (e) {
    throw draftError('storage.unavailable', `draft ${id} is damaged: ${e.message}`, 'delete this draft; the others are not affected');
  }
}

// fromStored checks a stored object; withPlan also requires the plan text.
function fromStored(v, withPlan) {
  if (!v || typeof v !== 'object') throw new Error(`a stored draft is ${v === null ? 'null' : typeof v}, not an object`);
  const problems = [];
  for (const key of withPlan ? ['id', 'name', 'updatedAt', 'plan'] : ['id', 'name', 'updatedAt']) {
    if (typeof v[key] !== 'string') problems.push(`${key} is ${typeof v[key]}, not a string`);
  }
  if (!(Number.isInteger(v.revision) && v.revision >= 1)) problems.push('revision is not a positive whole number');
  if (problems.length) throw new Error(problems.join('; '));
  return { id: v.id, name: v.name, plan: withPlan ? v.plan : undefined, revision: v.revision, updatedAt: v.updatedAt };
}

// ---- the rules' errors ---------------------------------------------------

function draftError(code, message, hint) {
  return { code, message, hint };
}

function isDraftError(e) {
  return !!e && typeof e === 'object' && !(e instanceof Error) && typeof e.code === 'string' && typeof e.message === 'string';
}

function notFound(id) {
  return draftError('draft.not-found', `there is no draft ${id}; it may have been deleted in another tab`, 'reload the list of drafts');
}

function conflict(id, base, stored) {
  const e = { code: 'draft.conflict', message: '', hint: '', storedRevision: stored };
  if (stored === 0) {
    e.message = `draft ${id} was deleted in another tab after this tab loaded it`;
    e.hint = 'save this plan as a new draft to keep it';
  } else if (base === 0) {
    e.message = `a draft ${id} already exists (revision ${stored})`;
    e.hint = 'open it, or save this plan as a new draft';
  } else {
    e.message = `draft ${id} was changed in another tab (this tab has revision ${base}, the stored one is ${stored})`;
    e.hint = "reload the stored version, or save this tab's plan as a new draft so neither is lost";
  }
  return e;
}

/**
 * storageError turns an IndexedDB failure into the codes the page shows: a
 * full disk or quota is storage.quota, anything else storage.unavailable;
 * both say that the edit is not lost. A drafts error passes unchanged.
 */
export function storageError(doing, err) {
  if (isDraftError(err)) return err;
  switch (err?.name) {
    case 'QuotaExceededError':
      return draftError('storage.quota', "the browser's storage for this site is full, so the draft was not saved",
        'your edit stays in this tab; delete old drafts or free disk space, then save again (or export the plan to a file)');
    case 'InvalidStateError':
    case 'SecurityError':
      return draftError('storage.unavailable', 'the browser does not let this page store data (private browsing, or site data blocked)',
        'your edit stays in this tab; export the plan to a file to keep it, or allow site data for this page');
  }
  const what = err?.name && err?.message ? `${err.name}: ${err.message}` : String(err?.message ?? err);
  return draftError('storage.unavailable', `the browser's storage failed while ${doing}: ${what}`,
    'your edit stays in this tab; export the plan to a file to keep it, then reload the page');
}

// ---- input checks --------------------------------------------------------

function checkID(id) {
  if (id === '') {
    throw draftError('draft.invalid', 'the draft id is empty', 'pass the id that drafts.list or drafts.save returned');
  }
  if (id.length > maxIDLength || !/^[A-Za-z0-9_-]+$/.test(id)) {
    throw draftError('draft.invalid', `${JSON.stringify([...id].slice(0, 80).join(''))} is not a draft id`,
      `ids are up to ${maxIDLength} letters, digits, '-' and '_'; pass the id that drafts.list or drafts.save returned`);
  }
}

// The characters Go's strings.TrimSpace removes (unicode.IsSpace), so names
// are trimmed as they always were.
const edgeSpace = /^[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+|[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+$/g;

// checkName trims the name and checks it; empty is an error unless allowEmpty.
function checkName(name, allowEmpty) {
  name = name.replace(edgeSpace, '');
  const runes = [...name].length;
  if (/\p{Cs}/u.test(name)) { // a lone surrogate: not text that can be stored as UTF-8
    throw draftError('draft.invalid', 'the draft name is not valid text', 'type the name again');
  }
  if (name === '' && !allowEmpty) throw draftError('draft.invalid', 'a draft needs a name', 'type a name for the draft');
  if (runes > maxNameRunes) {
    throw draftError('draft.invalid', `the draft name is ${runes} characters long; the limit is ${maxNameRunes}`,
      "use a shorter name; the plan's description can hold the details");
  }
  return name;
}

// planBytesOver returns the plan's size in UTF-8 (as the core counts it)
// when that is over maxPlanBytes, else 0. Most plans are plainly under the
// limit from their length alone, and are not encoded to find out.
function planBytesOver(s) {
  if (s.length * 3 <= maxPlanBytes) return 0;
  const n = new TextEncoder().encode(s).length;
  return n > maxPlanBytes ? n : 0;
}

function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---- arguments (call.argument, as the core reports a page bug) -----------

function argumentError(message) {
  return draftError('call.argument', message, argumentHint);
}

function kind(v) {
  return v === null ? 'null' : Array.isArray(v) ? 'object' : typeof v;
}

function stringArg(args, i, sig, what) {
  if (typeof args[i] !== 'string') {
    throw argumentError(`${sig} needs ${what} as a string, not ${i < args.length ? kind(args[i]) : 'nothing'}`);
  }
  return args[i];
}

function optionalString(v, sig, what) {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw argumentError(`${sig} needs ${what} as a string, not ${kind(v)}`);
  return v;
}

// saveArg reads drafts.save's {id?, name?, plan, baseRevision}. The plan is
// JSON text or an object (stored as JSON.stringify); baseRevision is
// required with an id, so a page bug cannot turn into a blind overwrite of
// a draft stored under that id.
function saveArg(args) {
  const sig = 'drafts.save({id?, name, plan, baseRevision})';
  const o = args[0];
  if (!o || typeof o !== 'object') throw argumentError(`${sig} needs an object`);
  const req = { id: optionalString(o.id, sig, 'id'), name: optionalString(o.name, sig, 'name'), plan: '', baseRevision: 0 };
  const plan = o.plan;
  if (typeof plan === 'string') {
    req.plan = plan;
  } else if (plan && typeof plan === 'object') {
    let text;
    try { text = JSON.stringify(plan); } catch (e) { text = undefined; }
    if (typeof text !== 'string') throw argumentError(`${sig}: plan: the plan object cannot be written as JSON`);
    req.plan = text;
  } else {
    throw argumentError(`${sig}: plan needs the plan as JSON text or an object, not ${plan === undefined ? 'undefined' : kind(plan)}`);
  }
  const rev = o.baseRevision;
  if (typeof rev === 'number') {
    if (!Number.isInteger(rev)) throw argumentError(`${sig}: baseRevision ${rev} is not a whole number`);
    req.baseRevision = rev;
  } else if (rev === undefined || rev === null) {
    if (req.id !== '') throw argumentError(`${sig}: saving draft ${req.id} needs the baseRevision it was loaded or last saved with`);
  } else {
    throw argumentError(`${sig}: baseRevision must be a number, not ${kind(rev)}`);
  }
  return req;
}
