// The findings panel: every finding of the last validation, worst first, each
// a button that takes the keyboard to the field at fault.

import { h, replaceChildren } from './dom.js';

// Rendering thousands of list items on every keystroke would be the lag the
// page must not have; the fields still carry every finding.
const maxListed = 200;

/**
 * renderFindings fills the list and the counts. onPick(path) is called when a
 * finding is chosen.
 */
export function renderFindings(listEl, countEl, findings, onPick) {
  const n = { error: 0, warning: 0, info: 0 };
  for (const f of findings) n[f.severity] = (n[f.severity] || 0) + 1;
  replaceChildren(countEl,
    h('span', { class: 'count error', title: 'errors' }, `${n.error} error${n.error === 1 ? '' : 's'}`),
    h('span', { class: 'count warning', title: 'warnings' }, `${n.warning} warning${n.warning === 1 ? '' : 's'}`),
    n.info ? h('span', { class: 'count info', title: 'notes' }, `${n.info} note${n.info === 1 ? '' : 's'}`) : null,
  );
  if (findings.length === 0) {
    replaceChildren(listEl, h('li', { class: 'ok' }, 'No findings: the plan passes every check.'));
    return;
  }
  const items = findings.slice(0, maxListed).map((f) =>
    h('li', { class: 'finding ' + f.severity, dataset: { code: f.code, path: f.path } },
      h('button', { type: 'button', onclick: () => onPick(f.path), title: 'Go to ' + f.path },
        h('span', { class: 'sev' }, f.severity),
        h('span', { class: 'msg' }, f.message,
          f.hint ? h('span', { class: 'hint' }, ' ', f.hint) : null),
        h('span', { class: 'where mono' }, f.path, ' · ', f.code))));
  if (findings.length > maxListed) {
    items.push(h('li', { class: 'more' }, `${findings.length - maxListed} more findings; fix the ones above first.`));
  }
  replaceChildren(listEl, items);
}
