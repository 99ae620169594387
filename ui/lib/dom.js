// Building DOM without HTML strings: user text only ever reaches the page
// through textContent and attributes, so it cannot become markup.

/**
 * h('button', { type: 'button', class: 'x', onclick: fn, dataset: { id } }, '保存')
 * Children may be strings, nodes, arrays, null or false.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value') el.value = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

let idCounter = 0;
export function uniqueId(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** A table with its caption and column heads; `numeric` right-aligns every head but the first. */
export function table(caption, head, rows, { className = 'data-table', testid = null, numeric = false } = {}) {
  return h('table', { class: className, 'data-testid': testid },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, head.map((c, i) => h('th', { scope: 'col', class: numeric && i ? 'num' : null }, c)))),
    h('tbody', {}, rows));
}

/**
 * A WAI-ARIA tab list of `items` ([[key, label]]): tab `key` has the id
 * tab-<key> and controls the panel `controls(key)`; a click or ←/→ calls
 * `show(key)`, which marks it with selectTab().
 */
export function tabList(label, items, { controls, show }) {
  const list = h('div', { class: 'tabs', role: 'tablist', 'aria-label': label },
    items.map(([key, text]) => h('button', {
      type: 'button', role: 'tab', id: `tab-${key}`, 'aria-controls': controls(key), dataset: { tab: key },
      onclick: () => show(key),
    }, text)));
  list.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const keys = items.map(([key]) => key);
    const i = keys.indexOf(e.target.dataset.tab);
    const next = keys[(i + (e.key === 'ArrowRight' ? 1 : keys.length - 1)) % keys.length];
    e.preventDefault();
    show(next);
    document.getElementById(`tab-${next}`).focus();
  });
  return list;
}

/** Marks tab `key` of `list` as selected; only it is in the Tab order. */
export function selectTab(list, key) {
  list.querySelectorAll('[role="tab"]').forEach((b) => {
    const selected = b.dataset.tab === key;
    b.setAttribute('aria-selected', String(selected));
    b.tabIndex = selected ? 0 : -1;
  });
}
