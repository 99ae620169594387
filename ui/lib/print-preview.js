// The print preview: the SVG pages the Rust layout drew (the same drawing
// that goes into the PDF), a warning naming characters the font lacks,
// 「PDFを保存」 (native save dialog, opened by the Rust side) and
// 「開いて印刷」 (the saved PDF in the system viewer).
//
// The SVG comes from our own renderer, with user text escaped; it is parsed
// as XML and imported as nodes, never assigned as HTML.

import { api } from '../api.js';
import { h } from './dom.js';
import { savedFileMessage } from './plain-file.js';

let open = null;

/**
 * Closes the open preview, if any. `{ restoreFocus: false }` when the
 * screen locks: nothing behind the lock may take the focus.
 */
export function closePrintPreview({ restoreFocus = true } = {}) {
  if (open) open.close({ restoreFocus });
}

function screenLocked() {
  return !document.getElementById('lock')?.hidden;
}

function svgNode(text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = doc.documentElement;
  if (root.localName !== 'svg' || root.namespaceURI !== 'http://www.w3.org/2000/svg') return null;
  return document.importNode(root, true);
}

function missingText(missing) {
  return missing.map((c) => `「${c}」`).join('');
}

/**
 * Opens the preview of `job` (a PrintJob: { kind: 'booklet', imposed } …).
 * Resolves when the dialog is closed.
 */
/**
 * The two buttons every PDF offers: save (the native dialog, opened by the
 * app) and then open the saved file in the system viewer to print it.
 * `beforeSave` may refuse; `status` says how it went.
 */
export function wirePdfButtons({ saveButton, openButton, status, job, beforeSave = () => true, openedText }) {
  let savedPath = null;
  saveButton.addEventListener('click', async () => {
    if (!beforeSave()) return;
    saveButton.disabled = true;
    status.textContent = '保存先を選んでください…';
    try {
      const saved = await api.savePdf(job);
      if (!saved) {
        status.textContent = '保存を取りやめました。';
        return;
      }
      savedPath = saved.path;
      openButton.disabled = false;
      status.textContent = savedFileMessage(`保存しました（${saved.pages}ページ）`, saved.path);
      openButton.focus();
    } catch (error) {
      status.textContent = error.message;
    } finally {
      saveButton.disabled = false;
    }
  });
  openButton.addEventListener('click', async () => {
    if (!savedPath) return;
    try {
      await api.openPdf(savedPath);
      status.textContent = openedText;
    } catch (error) {
      status.textContent = error.message;
    }
  });
}

export async function showPrintPreview(job, { title = '印刷プレビュー' } = {}) {
  if (open) open.close();
  const preview = await api.printPreview(job);
  // Locked while the pages were drawn: the case text stays out of the page.
  if (screenLocked()) return;
  const previousFocus = document.activeElement;
  const status = h('p', { class: 'print-status', id: 'print-status', role: 'status' });
  const warning = preview.missing.length
    ? h('p', { class: 'print-missing', id: 'print-missing', role: 'alert' },
      `次の文字はフォントにないため、印刷すると空白になります：${missingText(preview.missing)}（赤い枠の所）。別の字に書き換えてください。`)
    : null;
  const pages = h('div', { class: 'print-pages', id: 'print-pages', tabindex: '0', 'aria-label': 'ページ' });
  preview.pages.forEach((text, i) => {
    const svg = svgNode(text);
    if (!svg) return;
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', `${i + 1}ページ目`);
    pages.append(h('figure', { class: 'print-page' }, svg, h('figcaption', {}, `${i + 1} / ${preview.pages.length}`)));
  });

  const saveButton = h('button', { type: 'button', class: 'primary', id: 'print-save' }, 'PDFを保存');
  const openButton = h('button', { type: 'button', class: 'secondary', id: 'print-open', disabled: true }, '開いて印刷');
  const closeButton = h('button', { type: 'button', class: 'secondary', id: 'print-close' }, '閉じる');

  wirePdfButtons({
    saveButton, openButton, status, job,
    // Asked before the save dialog: the missing characters print as blanks.
    beforeSave: () => !preview.missing.length || window.confirm(
      `次の文字はフォントにないため、印刷すると空白になります：${missingText(preview.missing)}\nこのまま保存しますか？`),
    openedText: 'PDFを開きました。表示されたアプリから印刷してください（冊子は両面・短辺とじ）。',
  });

  const panel = h('section', { class: 'print-preview', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'print-title' },
    h('header', { class: 'print-head' },
      h('h2', { id: 'print-title' }, `${title}（${preview.pages.length}ページ）`),
      h('div', { class: 'print-actions' }, saveButton, openButton, closeButton)),
    warning, status, pages);
  const overlay = h('div', { class: 'print-overlay', id: 'print-overlay' }, panel);

  return new Promise((resolve) => {
    const close = ({ restoreFocus = true } = {}) => {
      overlay.remove();
      document.removeEventListener('keydown', onKey, true);
      open = null;
      if (restoreFocus && previousFocus && previousFocus.focus) previousFocus.focus();
      resolve();
    };
    const onKey = (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        close();
      } else if (e.key === 'Tab') {
        // Keep focus inside the dialog.
        const focusable = [...panel.querySelectorAll('button:not([disabled]), [tabindex="0"]')];
        const first = focusable[0];
        const last = focusable[focusable.length - 1];
        if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
        else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
      }
    };
    closeButton.addEventListener('click', () => close());
    document.addEventListener('keydown', onKey, true);
    document.body.append(overlay);
    open = { close };
    saveButton.focus();
  });
}
