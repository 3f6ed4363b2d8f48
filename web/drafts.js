// Drafts: the plan being edited is saved to IndexedDB (through
// hybridplan.drafts, web/draftstore.js) shortly after each edit, listed,
// opened, renamed, duplicated and deleted. A save that fails is said out
// loud and the edit stays in the page; a save that would overwrite another
// tab's newer save is refused by the store (draft.conflict) and the
// architect chooses what happens.

import { h, replaceChildren, errorText, download } from './dom.js';

const $ = (id) => document.getElementById(id);

// Long enough to batch a burst of typing into one write, short enough that
// closing the tab right after typing rarely loses anything (beforeunload
// warns in that window too).
const autosaveDelay = 500;

const when = (d) => d.updatedAt || '';

export class Drafts {
  constructor(page) {
    this.page = page;
    this.current = null; // {id, name, revision} of the open draft
    this.timer = 0;
    this.dirty = false;
    this.saving = null;
    this.blocked = null; // 'conflict' | 'storage' while a problem is shown
    this.shown = null; // {text, kind} the save state shows
    addEventListener('beforeunload', (ev) => {
      if (this.dirty) { ev.preventDefault(); ev.returnValue = ''; }
    });
  }

  get api() {
    const d = this.page.api.drafts;
    if (!d) throw Object.assign(new Error('drafts are not available in this build of the planner core'), { code: 'draft.unavailable' });
    return d;
  }

  /**
   * leave is called before another plan replaces this one: pending edits
   * are saved now, and if they cannot be, the architect can still download
   * them. Then the draft is detached.
   */
  async leave() {
    clearTimeout(this.timer);
    if (this.dirty && this.blocked !== 'conflict') await this.save();
    if (this.dirty && this.page.plan) {
      const text = JSON.stringify(this.page.plan, null, 2) + '\n';
      const name = this.page.plan.name || 'plan';
      this.page.banner('unsaved', 'warning', `Your last edits to “${name}” could not be saved as a draft.`, [
        ['Download them', () => download(`${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.json`, text, 'application/json')],
      ]);
    }
    this.detach();
  }

  /** detach forgets the open draft: the next edit starts a new one. */
  detach() {
    clearTimeout(this.timer);
    this.current = null;
    this.dirty = false;
    this.blocked = null;
    this.page.clearBanner('draft');
    this.state('');
  }

  /**
   * state shows the save state. It is called on every keystroke, so it
   * touches the document only when the words or their kind change: a write
   * to the live region invalidates style and makes screen readers announce
   * it, which on a page showing a 5,000-segment plan is not free.
   */
  state(text, kind = '') {
    if (this.shown && this.shown.text === text && this.shown.kind === kind) return;
    this.shown = { text, kind };
    const el = $('save-state');
    el.textContent = text;
    el.className = 'save-state ' + kind;
  }

  /**
   * edited is called on every keystroke. It only marks the plan dirty and
   * (re)starts the autosave timer: no plan text is read, compared or
   * copied until the save, which runs once typing pauses.
   */
  edited() {
    this.dirty = true;
    if (this.blocked === 'conflict') return; // waiting for the architect's choice
    this.state('Unsaved changes');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), autosaveDelay);
  }

  /** save writes the plan to the open draft, or to a new one. */
  async save({ asCopy = false } = {}) {
    clearTimeout(this.timer);
    if (this.saving) { await this.saving; if (!this.dirty && !asCopy) return; }
    const page = this.page;
    const cur = asCopy ? null : this.current;
    // One plan, one name: a draft is always named after the plan it holds,
    // and a copy ("Copy of X", as the store names duplicates) holds a plan of
    // that name too.
    if (asCopy) page.renamePlan(copyName(page.plan?.name));
    const text = page.planText;
    const name = draftName(page.plan?.name);
    const req = { name, plan: text };
    if (cur) { req.id = cur.id; req.baseRevision = cur.revision; }
    this.state('Saving…');
    this.saving = (async () => {
      try {
        const res = await this.api.save(req);
        this.current = { id: res.id ?? cur?.id, name: res.name ?? name, revision: res.revision };
        this.dirty = page.planText !== text;
        this.blocked = null;
        page.clearBanner('draft');
        this.state(this.dirty ? 'Unsaved changes' : `Draft saved ${clock()}`, 'saved');
        if (this.dirty) this.edited();
      } catch (e) {
        if (e.code === 'draft.conflict') this.conflict(e);
        else this.storageFailed(e);
      }
    })();
    await this.saving;
    this.saving = null;
  }

  conflict(e) {
    this.blocked = 'conflict';
    this.state('Not saved: changed in another tab', 'problem');
    this.page.banner('draft', 'warning',
      `“${this.current?.name}” was saved in another tab after you opened it. Your edits are still here and were not saved over it.`,
      [
        ['Reload the saved draft (drop my edits)', () => this.open(this.current.id)],
        ['Save my edits as a copy', () => this.save({ asCopy: true })],
      ]);
  }

  storageFailed(e) {
    this.blocked = 'storage';
    this.state('Not saved', 'problem');
    // The browser's storage (storage.unavailable, storage.quota) is one
    // thing; a draft the store refuses (draft.invalid, draft.not-found) is
    // another, and the message says which.
    const what = !e.code || e.code.startsWith('storage.') || e.code === 'draft.unavailable'
      ? `Drafts cannot be saved in this browser: ${errorText(e)}.`
      : `The draft could not be saved: ${errorText(e)}${e.hint ? ` (${e.hint})` : ''}.`;
    this.page.banner('draft', 'error',
      `${what} Your edits are kept in this tab — download the plan file (Export) before closing it. Saving is retried on the next edit.`,
      [['Retry now', () => this.save()], ['Download plan file', () => this.page.exportAs('plan')]]);
  }

  /** saveShared keeps a plan opened from a link as the recipient's own draft. */
  async saveShared() {
    this.current = null;
    this.dirty = true;
    await this.save();
    if (this.current) {
      this.page.clearBanner('link');
      // The link has done its job; a reload now opens the draft.
      history.replaceState(null, '', location.pathname + location.search);
      this.page.banner('link', 'info', `Saved as your draft “${this.current.name}”.`);
    }
  }

  /**
   * openLatest opens the most recently saved draft; false if none. list is
   * drafts.list()'s result when the caller already asked ({failed} if it
   * rejected).
   */
  async openLatest(list) {
    try {
      if (list?.failed) throw list.failed;
      list ??= await this.api.list();
    } catch (e) {
      this.storageFailed(e);
      return false;
    }
    if (!list || list.length === 0) return false;
    const latest = [...list].sort((a, b) => String(when(b)).localeCompare(String(when(a))))[0];
    return this.open(latest.id);
  }

  async open(id) {
    try {
      const d = await this.api.get(id);
      if (this.current?.id === id) this.detach(); // reloading it drops the edits on purpose
      else await this.leave();
      this.page.load(parseDraft(d), { origin: 'draft' });
      this.current = { id: d.id, name: d.name, revision: d.revision };
      this.state(`Draft “${d.name}”`, 'saved');
      $('drafts-dialog').close();
      return true;
    } catch (e) {
      this.page.banner('draft', 'error', `The draft could not be opened: ${errorText(e)}`);
      return false;
    }
  }

  /**
   * rename renames a draft and the plan in it (and the plan in the editor
   * when that draft is open): they are one thing with one name.
   */
  async rename(id, name) {
    if (this.current?.id === id) {
      this.page.renamePlan(name);
      this.dirty = true;
      await this.save();
      return;
    }
    await this.renameStored(id, name);
  }

  /** renameStored renames a draft that is not open, plan included. */
  async renameStored(id, name) {
    const d = await this.api.get(id);
    let plan;
    try { plan = JSON.parse(d.plan); } catch { plan = null; }
    if (!plan || typeof plan !== 'object' || Array.isArray(plan)) {
      // Not a plan (saved from another tool): keep its text as it is.
      await this.api.rename(id, draftName(name));
      return;
    }
    plan.name = name;
    await this.api.save({ id, name: draftName(name), plan: JSON.stringify(plan), baseRevision: d.revision });
  }

  /** duplicate copies a draft; the copy's plan carries the copy's name. */
  async duplicate(id) {
    const copy = await this.api.duplicate(id);
    const newId = typeof copy === 'string' ? copy : copy?.id;
    const d = await this.api.get(newId);
    await this.renameStored(newId, d.name);
  }

  // ---- the drafts dialog -------------------------------------------------

  async openDialog() {
    const dlg = $('drafts-dialog');
    if (!dlg.open) dlg.showModal();
    await this.renderList();
  }

  async renderList() {
    const box = $('drafts-list');
    let list;
    try {
      list = await this.api.list();
    } catch (e) {
      replaceChildren(box, h('p', { class: 'field-msg error', role: 'alert' }, `Drafts cannot be read in this browser: ${errorText(e)}`));
      return;
    }
    if (!list.length) {
      replaceChildren(box, h('p', { class: 'muted' }, 'No drafts yet. Edit a plan and it is saved here automatically.'));
      return;
    }
    list = [...list].sort((a, b) => String(when(b)).localeCompare(String(when(a))));
    const act = async (fn) => {
      try { await fn(); } catch (e) { this.page.banner('draft', 'error', `Drafts: ${errorText(e)}`); }
      await this.renderList();
    };
    const rows = list.map((d) => {
      const isOpen = this.current?.id === d.id;
      const nameCell = h('td', { class: 'draft-name' }, d.name, isOpen ? h('span', { class: 'tag' }, 'open') : null);
      const rename = () => {
        const input = h('input', { type: 'text', value: d.name, 'aria-label': `New name for ${d.name}` });
        const done = (ok) => act(async () => {
          if (ok && input.value.trim() && input.value.trim() !== d.name) await this.rename(d.id, input.value.trim());
        });
        input.addEventListener('keydown', (ev) => {
          if (ev.key === 'Enter') { ev.preventDefault(); done(true); }
          if (ev.key === 'Escape') { ev.preventDefault(); ev.stopPropagation(); done(false); }
        });
        replaceChildren(nameCell, input, h('button', { type: 'button', onclick: () => done(true) }, 'Save'));
        input.focus();
        input.select();
      };
      let armed = false;
      const del = h('button', {
        type: 'button', class: 'danger',
        onclick: () => {
          if (!armed) { armed = true; del.textContent = 'Really delete?'; return; }
          act(async () => {
            await this.api.delete(d.id);
            if (this.current?.id === d.id) { this.current = null; this.dirty = true; this.state('Draft deleted; edits kept here', 'problem'); }
          });
        },
      }, 'Delete');
      return h('tr', { dataset: { id: d.id } },
        nameCell,
        h('td', { class: 'muted' }, fmtTime(when(d))),
        h('td', { class: 'row-actions' },
          h('button', { type: 'button', onclick: () => this.open(d.id) }, 'Open'),
          h('button', { type: 'button', onclick: rename }, 'Rename'),
          h('button', { type: 'button', onclick: () => act(() => this.duplicate(d.id)) }, 'Duplicate'),
          del));
    });
    replaceChildren(box, h('table', { class: 'grid drafts' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Saved'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
      h('tbody', null, rows)));
  }
}

// Drafts take names of up to 200 characters (the store's limit); a plan's
// name has no such limit, so the draft's is the plan's, cut to fit.
const maxDraftName = 200;

export function draftName(name) {
  const n = String(name || '').trim() || 'untitled plan';
  return [...n].slice(0, maxDraftName).join('');
}

export function copyName(name) {
  return `Copy of ${String(name || '').trim() || 'untitled plan'}`;
}

// parseDraft reads a draft's plan text. Drafts keep whatever was typed, so
// text that is not JSON (saved from another tool) still opens, as an empty
// plan named after the draft, rather than not at all.
function parseDraft(d) {
  try {
    const v = JSON.parse(d.plan);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v;
  } catch { /* fall through */ }
  return { version: 1, name: d.name };
}

function clock() {
  return new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function fmtTime(t) {
  if (!t) return '';
  const d = new Date(typeof t === 'number' ? t : String(t));
  return Number.isNaN(d.getTime()) ? String(t) : d.toLocaleString();
}
