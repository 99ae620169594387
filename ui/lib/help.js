// ヘルプ (F1): the user guide, which is README's user part, parsed by the
// Rust side into sections of plain-text blocks and drawn here with DOM
// calls only (text through text nodes, never HTML). It opens over whatever
// is on screen, the lock screen included (the guide holds no office data),
// and Esc closes it, back where the user was with nothing redrawn.
//
// Keys: F1 opens (or goes to the search box), / or Ctrl+F search, Esc
// closes. The search folds text the way the case search of the Rust side
// does (cases::search::fold: NFKC, カタカナ→ひらがな, lower case, no
// spaces), so 「ｻｲﾝｲﾝ」 finds 「サインイン」 and 「csv」 finds 「ＣＳＶ」.

import { api } from '../api.js';
import { h, clear } from './dom.js';
import { wirePdfButtons } from './print-preview.js';

let guide = null;
let open = null;

function screenLocked() {
  return !document.getElementById('lock')?.hidden;
}

// ---- folding, as cases::search::fold ---------------------------------

function foldChar(ch) {
  let out = '';
  for (const c of ch.normalize('NFKC')) {
    if (/[\s\p{Cc}\p{Co}]/u.test(c)) continue;
    const code = c.codePointAt(0);
    // ァ..ヶ and ヽヾ have their ひらがな exactly 0x60 below.
    const kana = (code >= 0x30a1 && code <= 0x30f6) || code === 0x30fd || code === 0x30fe;
    out += (kana ? String.fromCodePoint(code - 0x60) : c).toLowerCase();
  }
  return out;
}

/** The query's words, each folded (a space separates words; all must match). */
function queryTerms(query) {
  return query.normalize('NFKC').split(/\s+/).map((w) => [...w].map(foldChar).join('')).filter(Boolean);
}

/** `text` folded, with the index in `text` where each folded unit came from. */
function foldWithOrigins(text) {
  let folded = '';
  const from = [];
  const to = [];
  let i = 0;
  for (const ch of text) {
    const f = foldChar(ch);
    for (let k = 0; k < f.length; k += 1) {
      from.push(i);
      to.push(i + ch.length);
    }
    folded += f;
    i += ch.length;
  }
  return { folded, from, to };
}

/** `text` as strings and <mark> nodes around what the terms match. */
function marked(text, terms) {
  if (!terms.length) return [text];
  const { folded, from, to } = foldWithOrigins(text);
  const ranges = [];
  for (const term of terms) {
    for (let at = folded.indexOf(term); at >= 0; at = folded.indexOf(term, at + term.length)) {
      ranges.push([from[at], to[at + term.length - 1]]);
    }
  }
  if (!ranges.length) return [text];
  ranges.sort((a, b) => a[0] - b[0]);
  const out = [];
  let done = 0;
  for (const [start, end] of ranges) {
    if (end <= done) continue;
    const s = Math.max(start, done);
    if (s > done) out.push(text.slice(done, s));
    out.push(h('mark', {}, text.slice(s, end)));
    done = end;
  }
  if (done < text.length) out.push(text.slice(done));
  return out;
}

// ---- drawing -----------------------------------------------------------

function spansText(spans) {
  return spans.map((s) => s.text).join('');
}

function blockText(block) {
  switch (block.kind) {
    case 'paragraph': return spansText(block.spans);
    case 'list': return block.items.flat().map(blockText).join('\n');
    case 'code': return block.text;
    case 'quote': return block.blocks.map(blockText).join('\n');
    case 'table': return [block.head, ...block.rows].map((row) => row.map(spansText).join(' ')).join('\n');
    case 'image': return block.alt;
    default: return '';
  }
}

function drawSpans(spans, ctx) {
  return spans.map((span) => {
    let node = marked(span.text, ctx.terms);
    if (span.code) node = h('code', {}, node);
    if (span.strong) node = h('strong', {}, node);
    if (span.link && ctx.ids.has(span.link)) {
      node = h('a', { href: `#${span.link}`, class: 'help-link', onclick: (e) => { e.preventDefault(); ctx.goTo(span.link); } }, node);
    }
    return node;
  });
}

function drawBlock(block, ctx) {
  switch (block.kind) {
    case 'paragraph': return h('p', {}, drawSpans(block.spans, ctx));
    case 'list':
      return h(block.ordered ? 'ol' : 'ul', {}, block.items.map((item) => h('li', {}, item.map((b) => (
        // A tight item's text is a paragraph without its margins.
        b.kind === 'paragraph' && item.length === 1 ? drawSpans(b.spans, ctx) : drawBlock(b, ctx))))));
    case 'code': return h('pre', {}, h('code', {}, marked(block.text, ctx.terms)));
    case 'quote': return h('blockquote', {}, block.blocks.map((b) => drawBlock(b, ctx)));
    case 'table':
      return h('table', { class: 'data-table help-table' },
        h('thead', {}, h('tr', {}, block.head.map((c) => h('th', { scope: 'col' }, drawSpans(c, ctx))))),
        h('tbody', {}, block.rows.map((row) => h('tr', {}, row.map((c) => h('td', {}, drawSpans(c, ctx)))))));
    case 'image':
      // src is help/<name>.png, checked by the Rust side.
      return h('figure', { class: 'help-figure' },
        h('img', { src: block.src, alt: block.alt, loading: 'lazy' }),
        h('figcaption', {}, block.alt));
    default: return null;
  }
}

function headingTag(level) {
  return `h${Math.min(Math.max(level, 2), 4)}`;
}

// ---- the dialog ----------------------------------------------------------

/** Opens the help (or, when open, moves to its search box). */
export async function openHelp() {
  if (open) {
    open.focusSearch();
    return;
  }
  const previousFocus = document.activeElement;
  if (!guide) guide = await api.helpGuide();
  if (open) return;
  const sections = guide.sections.map((s) => ({
    ...s,
    folded: foldWithOrigins([s.title, ...s.blocks.map(blockText)].join('\n')).folded,
  }));
  const ids = new Set(sections.map((s) => s.id));

  const search = h('input', {
    type: 'search', id: 'help-search', class: 'help-search', autocomplete: 'off',
    placeholder: 'ヘルプを検索（/ キー）', 'aria-label': 'ヘルプを検索', 'aria-describedby': 'help-count',
  });
  const count = h('span', { class: 'help-count', id: 'help-count', role: 'status' });
  const status = h('p', { class: 'help-status', id: 'help-status', role: 'status' });
  const pdfButton = h('button', { type: 'button', class: 'secondary', id: 'help-pdf' }, 'PDFで保存');
  const openButton = h('button', { type: 'button', class: 'secondary', id: 'help-open', disabled: true }, '開いて印刷');
  const closeButton = h('button', { type: 'button', class: 'primary', id: 'help-close' }, '閉じる（Esc）');
  const toc = h('nav', { class: 'help-toc', id: 'help-toc', 'aria-label': '目次' });
  const content = h('article', { class: 'help-content', id: 'help-content', tabindex: '0', 'aria-label': 'ヘルプの本文' });
  const panel = h('section', { class: 'help-panel', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'help-title' },
    h('header', { class: 'help-head' },
      h('h1', { id: 'help-title' }, 'ヘルプ'),
      search, count,
      h('div', { class: 'help-actions' }, pdfButton, openButton, closeButton)),
    status,
    h('div', { class: 'help-body' }, toc, content));
  const overlay = h('div', { class: 'help-overlay', id: 'help' }, panel);

  const goTo = (id) => {
    const target = content.querySelector(`[data-section="${CSS.escape(id)}"]`);
    if (!target) return;
    target.hidden = false;
    target.scrollIntoView({ block: 'start' });
    target.querySelector('.help-heading')?.focus({ preventScroll: true });
  };

  const draw = () => {
    const terms = queryTerms(search.value);
    const ctx = { terms, ids, goTo };
    const shown = sections.filter((s) => terms.every((t) => s.folded.includes(t)));
    clear(toc).append(h('ul', {}, shown.filter((s) => s.title).map((s) => h('li', { class: `help-toc-l${s.level}` },
      h('a', { href: `#${s.id}`, dataset: { section: s.id }, onclick: (e) => { e.preventDefault(); goTo(s.id); } }, s.title)))));
    clear(content).append(...shown.map((s) => h('section', { class: 'help-section', dataset: { section: s.id } },
      s.title ? h(headingTag(s.level), { class: 'help-heading', tabindex: '-1' }, marked(s.title, terms)) : null,
      s.blocks.map((b) => drawBlock(b, ctx)))));
    if (!terms.length) count.textContent = '';
    else count.textContent = shown.length ? `${shown.length}件の項目` : '見つかりません';
    content.scrollTop = 0;
  };

  let pending = null;
  search.addEventListener('input', () => {
    clearTimeout(pending);
    pending = setTimeout(draw, 80);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    clearTimeout(pending);
    draw();
    const first = content.querySelector('.help-section');
    if (first) goTo(first.dataset.section);
  });

  wirePdfButtons({
    saveButton: pdfButton, openButton, status, job: { kind: 'guide' },
    // The save dialog shows the computer's folders: not from the lock screen.
    beforeSave: () => {
      if (!screenLocked()) return true;
      status.textContent = 'PDFで保存するには、ヘルプを閉じてサインインしてください。';
      return false;
    },
    openedText: 'PDFを開きました。表示されたアプリから印刷してください。',
  });

  const focusSearch = () => {
    search.focus();
    search.select();
  };
  const close = () => {
    overlay.remove();
    open = null;
    if (previousFocus && previousFocus.isConnected && previousFocus.focus) previousFocus.focus();
  };
  closeButton.addEventListener('click', close);
  // Keys typed in the help stay in it: the screen behind must not take
  // Ctrl+1… or Ctrl+S meant for nothing there.
  overlay.addEventListener('keydown', (e) => {
    e.stopPropagation();
    if (e.key !== 'Tab') return;
    const focusable = [...panel.querySelectorAll('input, button:not([disabled]), a[href], [tabindex="0"]')];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
  });

  draw();
  if (screenLocked()) status.textContent = 'ロック中はヘルプを読むことだけができます。PDFで保存するにはサインインしてください。';
  document.body.append(overlay);
  open = { close, focusSearch };
  focusSearch();
}

function typingInField(target) {
  return target instanceof HTMLElement
    && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

/**
 * F1 anywhere (the lock screen too) and the menu's ヘルプ button open the
 * help; while it is open, Esc closes it and / or Ctrl+F go to its search.
 * Listened to on window in the capture phase, before the print preview's
 * and the screens' own keys.
 */
export function installHelp() {
  document.getElementById('open-help')?.addEventListener('click', () => openHelp());
  window.addEventListener('keydown', (e) => {
    if (e.key === 'F1') {
      e.preventDefault();
      e.stopPropagation();
      openHelp();
      return;
    }
    if (!open) return;
    const search = (e.key === 'f' || e.key === 'F') && (e.ctrlKey || e.metaKey) && !e.altKey;
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      open.close();
    } else if (search || (e.key === '/' && !typingInField(e.target))) {
      e.preventDefault();
      e.stopPropagation();
      open.focusSearch();
    }
  }, true);
}
