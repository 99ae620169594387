// The 回復キー of an encrypted database, shown once: the key, 「PDFで保存」
// (the app's save dialog), what to do with it, and the checkbox that the
// office kept it. 初期設定's last step and 設定's conversion to encryption
// both show it; the Rust side keeps the key shown last for its PDF
// (`save_recovery_key_pdf`).

import { api } from '../api.js';
import { h } from './dom.js';
import { whileBusy, attempt } from './forms.js';
import { plainFileNotice } from './plain-file.js';

/**
 * Appends the panel to `form`, its ids starting with `prefix`, and fills
 * in the key from `key()` (a promise). Answers the "kept" checkbox.
 */
export function recoveryKeyPanel(form, { prefix, lead, key }) {
  const shown = h('p', { class: 'recovery-key', id: `${prefix}-recovery-key`, 'aria-live': 'polite' }, '作成中…');
  const saved = h('p', { class: 'hint', id: `${prefix}-recovery-saved`, role: 'status' });
  const save = h('button', { type: 'button', class: 'secondary', id: `${prefix}-recovery-pdf` }, 'PDFで保存');
  const kept = h('input', { type: 'checkbox', id: `${prefix}-recovery-kept`, dataset: { field: 'kept' } });
  save.addEventListener('click', () => whileBusy(form, async () => {
    const path = await attempt(form, () => api.saveRecoveryKeyPdf());
    if (path) saved.textContent = `保存しました：${path}（印刷したら、このPDFは削除してください。${plainFileNotice}）`;
  }, [save]));
  form.append(
    h('p', { class: 'first-run-lead' }, lead),
    shown,
    h('ul', { class: 'first-run-notes' },
      h('li', {}, 'PDFで保存して印刷し、事務所の金庫など鍵のかかる場所に保管してください。パソコンと一緒に置かないでください。'),
      h('li', {}, '印刷したら、パソコンに保存したPDFは削除してください。'),
      h('li', {}, '回復キーを知っている人は誰でもデータを開けます。写真やコピーを取らないでください。')),
    h('p', {}, save),
    saved,
    h('div', { class: 'field' }, h('label', { class: 'first-run-choice', for: kept.id }, kept,
      h('span', {}, '回復キーを保存し、安全な場所に保管しました'))));
  attempt(form, async () => { shown.textContent = await key(); });
  return kept;
}
