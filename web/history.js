// Undo and redo for the plan: a bounded list of earlier plan texts. Every
// edit records the text before it; a run of keystrokes in one field is one
// step (so undo takes back a word, not a letter), while a structural edit
// (a row added or removed, a mode switched) is always its own step.

// Enough for a working session; each entry is one plan text.
const maxSteps = 200;
// Keystrokes in the same field closer than this join the same step.
const typingRun = 1500;

export class History {
  constructor(now = () => performance.now()) {
    this.now = now;
    this.reset();
  }

  /** reset forgets every step (another plan was opened). */
  reset() {
    this.undos = [];
    this.redos = [];
    this.lastKey = null;
    this.lastAt = -Infinity;
  }

  /**
   * record notes that the plan was before (text) when the edit of key
   * (a JSON path) happened.
   */
  record(before, key, structural) {
    const t = this.now();
    const sameRun = !structural && key === this.lastKey && t - this.lastAt < typingRun && this.undos.length > 0;
    this.lastKey = structural ? null : key;
    this.lastAt = t;
    this.redos = [];
    if (sameRun) return;
    this.undos.push(before);
    if (this.undos.length > maxSteps) this.undos.shift();
  }

  /** undo returns the text to go back to from current, or null. */
  undo(current) {
    if (!this.undos.length) return null;
    this.redos.push(current);
    this.lastKey = null;
    return this.undos.pop();
  }

  /** redo returns the text to go forward to from current, or null. */
  redo(current) {
    if (!this.redos.length) return null;
    this.undos.push(current);
    this.lastKey = null;
    return this.redos.pop();
  }

  get canUndo() { return this.undos.length > 0; }
  get canRedo() { return this.redos.length > 0; }
}
