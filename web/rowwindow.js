// A windowed table body: of a long list (a plan's 5,000 IDC segments) only
// the rows in and near the scroll pane's view are in the page, the rest are
// spacer rows of the same height. Laying out and painting a form of 5,000
// rows took the main thread hundreds of milliseconds per keystroke (the
// table's width depends on every row); a window of a few dozen rows is laid
// out in a millisecond (issue 14).
//
// What a person sees and does stays the same:
//   - the pane scrolls over the whole list (the spacers keep its height,
//     from the measured height of each row seen and an estimate for the
//     others), and rows appear as they scroll into view;
//   - the row being edited stays in the page wherever the pane scrolls, so
//     typing never loses focus (a row that leaves the page would take the
//     focus with it);
//   - the first and the last row are always there, so Tab into the table
//     and Shift+Tab back from the control after it land on the right row,
//     and Tab and Shift+Tab across a row not in the page bring it in;
//   - table and rows carry aria-rowcount / aria-rowindex, so a screen
//     reader announces the position in the whole list.

// Rendered above and below the visible part of the pane, in pixels: room
// for a fast scroll before the next frame brings new rows in.
const marginPx = 800;
// Rows rendered at most for the visible part, whatever the pane's height.
const maxWindowRows = 160;
// Used until a row has been measured.
const defaultRowPx = 36;

const controls = (tr) => [...tr.querySelectorAll('input,select,textarea,button')].filter((c) => !c.disabled);

export class RowWindow {
  /**
   * @param {object} o
   * @param {HTMLElement} o.scroller the scrolling pane
   * @param {HTMLTableSectionElement} o.tbody the table body to fill
   * @param {number} o.count rows in the list
   * @param {number} o.columns cells per row (for the spacers)
   * @param {(i: number) => HTMLTableRowElement} o.build makes row i
   * @param {(i: number, tr: HTMLTableRowElement) => void} o.dropped row i left the page
   * @param {(indexes: number[]) => void} o.added rows that entered the page
   * @param {{heights?: number[], estimate?: number, range?: [number, number]}} [o.state]
   *   what an earlier window of the same list measured (kept across renders)
   * @param {number[]} [o.pins] rows to render from the start (the focused one)
   */
  constructor(o) {
    this.scroller = o.scroller;
    this.tbody = o.tbody;
    this.count = o.count;
    this.columns = o.columns;
    this.build = o.build;
    this.dropped = o.dropped;
    this.added = o.added;
    const st = o.state || {};
    this.heights = (st.heights || []).slice(0, this.count);
    this.estimate = st.estimate || defaultRowPx;
    const [s, e] = st.range || [0, 24];
    this.range = [Math.min(s, this.count), Math.min(Math.max(e, s), this.count)];
    this.rows = new Map(); // index → tr in the page
    this.spacers = [];
    this.reveal = -1; // a row asked for (focusPath, Tab) until the view holds it
    for (const p of o.pins || []) if (p >= 0 && p < this.count) this.reveal = p;
    this.tbody.addEventListener('keydown', (ev) => this.onKey(ev));
    this.reconcile();
  }

  /** state is what a later window of the same list starts from. */
  state() {
    return { heights: this.heights, estimate: this.estimate, range: this.range };
  }

  height(i) { return this.heights[i] || this.estimate; }

  /** indexOf is the list index of a row in the page, or -1. */
  indexOf(tr) {
    const i = Number(tr?.dataset?.rowIndex);
    return Number.isInteger(i) && this.rows.get(i) === tr ? i : -1;
  }

  /** has reports whether row i is in the page. */
  has(i) { return this.rows.has(i); }

  /** show puts row i (and the rows around it) in the page now. */
  show(i) {
    if (i < 0 || i >= this.count) return;
    this.reveal = i;
    if (i < this.range[0] || i >= this.range[1]) {
      const half = 12;
      this.range = [Math.max(0, i - half), Math.min(this.count, i + half + 1)];
    }
    this.reconcile();
  }

  /**
   * update follows the pane's scroll position: the rows in view (plus the
   * margin) go in, the others out. Called once per frame at most.
   */
  update() {
    if (!this.tbody.isConnected || !this.count) return;
    const first = this.rows.get(0);
    if (!first) return;
    const r0 = first.getBoundingClientRect();
    if (!r0.height) return; // in a closed section: nothing to follow
    const pane = this.scroller.getBoundingClientRect();
    // Where row 0 starts, in the pane's viewport: the list's coordinates.
    const y0 = r0.top - pane.top;
    const lo = -y0 - marginPx, hi = -y0 + pane.height + marginPx;
    let y = 0, s = 0;
    while (s < this.count && y + this.height(s) <= lo) y += this.height(s++);
    let e = s;
    while (e < this.count && y < hi && e - s < maxWindowRows + (2 * marginPx) / this.estimate) y += this.height(e++);
    if (s >= this.count) { s = Math.max(0, this.count - 1); e = this.count; }
    if (this.reveal >= s && this.reveal < e) this.reveal = -1;
    this.range = [s, e];
    const order = this.wanted();
    if (order.length === this.rows.size && order.every((i) => this.rows.has(i))) { this.measure(); return; }
    this.reconcile(order);
  }

  /** wanted lists, in order, the rows that must be in the page. */
  wanted() {
    const want = new Set([0, this.count - 1]);
    for (let i = this.range[0]; i < this.range[1]; i++) want.add(i);
    if (this.reveal >= 0) want.add(this.reveal);
    const a = document.activeElement;
    if (a && this.tbody.contains(a)) {
      const i = this.indexOf(a.closest('tr'));
      if (i >= 0) want.add(i);
    }
    return [...want].filter((i) => i >= 0 && i < this.count).sort((x, y) => x - y);
  }

  /**
   * reconcile makes the page hold exactly the wanted rows, with spacers
   * for the gaps. Rows that stay are never detached (that would take the
   * focus and the caret away); new ones are inserted around them.
   */
  reconcile(order = this.wanted()) {
    const want = new Set(order);
    for (const [i, tr] of this.rows) {
      if (want.has(i)) continue;
      tr.remove();
      this.rows.delete(i);
      this.dropped(i, tr);
    }
    for (const sp of this.spacers) sp.remove();
    this.spacers = [];
    const added = [];
    let cursor = this.tbody.firstChild;
    let prev = -1;
    for (const i of order) {
      if (i > prev + 1) this.tbody.insertBefore(this.spacer(prev + 1, i), cursor);
      let tr = this.rows.get(i);
      if (tr) {
        cursor = tr.nextSibling;
      } else {
        tr = this.build(i);
        tr.dataset.rowIndex = String(i);
        tr.setAttribute('aria-rowindex', String(i + 2)); // the header is row 1
        this.rows.set(i, tr);
        this.tbody.insertBefore(tr, cursor);
        added.push(i);
      }
      prev = i;
    }
    if (added.length) this.added(added);
    if (this.tbody.isConnected) this.measure();
  }

  spacer(from, to) {
    const td = document.createElement('td');
    td.colSpan = this.columns;
    td.className = 'row-spacer';
    const tr = document.createElement('tr');
    tr.setAttribute('aria-hidden', 'true');
    tr.className = 'row-spacer';
    tr.appendChild(td);
    tr.range = [from, to];
    this.sizeSpacer(tr);
    this.spacers.push(tr);
    return tr;
  }

  sizeSpacer(tr) {
    let px = 0;
    for (let i = tr.range[0]; i < tr.range[1]; i++) px += this.height(i);
    tr.firstChild.style.height = `${px}px`;
  }

  /**
   * measure records the height of every row in the page (a row showing a
   * finding's message is taller) and resizes the spacers to match.
   */
  measure() {
    let min = Infinity, changed = false;
    for (const [i, tr] of this.rows) {
      const px = tr.getBoundingClientRect().height;
      if (!px) continue;
      if (this.heights[i] !== px) { this.heights[i] = px; changed = true; }
      min = Math.min(min, px);
    }
    if (min !== Infinity && min !== this.estimate) { this.estimate = min; changed = true; }
    if (changed) for (const sp of this.spacers) this.sizeSpacer(sp);
  }

  /**
   * onKey keeps Tab order across rows not in the page: from the last
   * control of a row, Tab goes to the first of the next row (brought into
   * the page), and Shift+Tab likewise backwards.
   */
  onKey(ev) {
    if (ev.key !== 'Tab' || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const tr = ev.target.closest?.('tr');
    const i = this.indexOf(tr);
    if (i < 0) return;
    const back = ev.shiftKey;
    const cs = controls(tr);
    if (ev.target !== (back ? cs[0] : cs[cs.length - 1])) return;
    const j = back ? i - 1 : i + 1;
    if (j < 0 || j >= this.count) return;
    const sib = back ? tr.previousElementSibling : tr.nextElementSibling;
    if (sib && this.rows.get(j) === sib) return; // the page's own order is right
    ev.preventDefault();
    this.show(j);
    const next = controls(this.rows.get(j));
    (back ? next[next.length - 1] : next[0])?.focus();
  }
}
