// 設定 › バックアップ: last backup (with a warning when it is old), the
// folder and generations, "今すぐバックアップ", and restore with a preview.
// A restore names a backup of the list by its file name, or a file chosen
// in the native dialog (opened by the app, not the page): never a path.

import { api } from '../api.js';
import { h, clear } from '../lib/dom.js';
import { field, input, attempt, onSubmit } from '../lib/forms.js';
import { fileSize } from '../lib/format.js';
import { showMessage, showError, clearMessage } from '../lib/messages.js';
import { isAdmin } from '../lib/lock.js';

let shown = null;

export async function render(container) {
  const section = h('section', { class: 'card backup', 'aria-labelledby': 'backup-title' });
  container.append(section);
  shown = section;
  await refresh(section);
}

// The automatic backup ending while this screen is open updates the last
// backup and the list, leaving whatever is being typed in the form alone.
window.addEventListener('zaitaku:auto-backup-done', async () => {
  if (!shown?.isConnected) return;
  const section = shown;
  const [status, files] = await Promise.all([api.backupStatus(), api.listBackups()]).catch(() => []);
  if (!status || !section.isConnected) return;
  section.querySelector('#backup-status')?.replaceWith(statusLine(status));
  clear(section.querySelector('.backup-files')).append(backupList(section, files));
});

async function refresh(section) {
  const [status, files] = await Promise.all([api.backupStatus(), api.listBackups()]);
  clear(section).append(
    h('h2', { id: 'backup-title' }, 'バックアップ'),
    statusLine(status),
    // The folder, generations and restore are the 管理者' (refused to others).
    isAdmin() ? settingsForm(section, status) : null,
    h('div', { class: 'backup-actions' },
      h('button', { type: 'button', class: 'primary', id: 'backup-now', onclick: (e) => backupNow(section, e.target) }, '今すぐバックアップ'),
      isAdmin() ? h('button', { type: 'button', class: 'secondary', id: 'restore-file', onclick: () => restoreFile() }, 'ファイルを選んで復元…') : null),
    h('div', { class: 'backup-files' }, backupList(section, files)),
  );
}

function statusLine(status) {
  let text;
  if (!status.last_label) text = 'まだバックアップがありません。「今すぐバックアップ」を押してください。';
  else if (status.stale) text = `最後のバックアップ：${status.last_label}　7日以上バックアップされていません。「今すぐバックアップ」を押してください。`;
  else text = `最後のバックアップ：${status.last_label}`;
  return h('p', { class: status.stale ? 'backup-status stale' : 'backup-status', id: 'backup-status', role: status.stale ? 'alert' : null }, text);
}

function settingsForm(section, status) {
  const generations = (name, id, value, min, max) => input(name, { id, type: 'number', min, max, value: String(value), class: 'narrow' });
  // The core refuses fewer (7 and 3); the fields say so before it has to.
  const f = {
    dir: input('backup_dir', { id: 'backup-dir', value: status.settings.dir, placeholder: '例：E:\\バックアップ' }),
    keep_daily: generations('keep_daily', 'keep-daily', status.settings.keep_daily, 7, 366),
    keep_monthly: generations('keep_monthly', 'keep-monthly', status.settings.keep_monthly, 3, 120),
  };
  const form = h('form', { class: 'backup-settings', novalidate: true },
    field('保存先のフォルダ', f.dir, { hint: `空欄のときはデータベースと同じ場所の backups フォルダ。いまの保存先：${status.dir}` }),
    h('div', { class: 'backup-generations' },
      field('毎日の世代数', f.keep_daily, { hint: '7〜366（7より少なくはできません）' }),
      field('毎月の世代数', f.keep_monthly, { hint: '3〜120（3より少なくはできません）' })),
    h('button', { type: 'submit', class: 'secondary', id: 'save-backup-settings' }, '保存先と世代数を保存'),
  );
  onSubmit(form, async () => {
    await api.saveBackupSettings({ dir: f.dir.value, keep_daily: Number(f.keep_daily.value), keep_monthly: Number(f.keep_monthly.value) });
    await refresh(section);
    showMessage('バックアップの設定を保存しました。', 'success');
  });
  return form;
}

async function backupNow(section, button) {
  button.disabled = true;
  button.textContent = 'バックアップ中…';
  clearMessage();
  try {
    const file = await api.backupNow();
    await refresh(section);
    showMessage(`バックアップを作成しました（${file.created_label}、${fileSize(file.size_bytes)}、検査済み）。`, 'success');
  } catch (error) {
    showError(error);
    button.disabled = false;
    button.textContent = '今すぐバックアップ';
  }
}

function backupList(section, files) {
  if (files.length === 0) return h('p', { class: 'muted' }, '保存先にバックアップはありません。');
  return h('table', { class: 'backup-list' },
    h('caption', { class: 'visually-hidden' }, 'バックアップの一覧'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '作成日時'), h('th', { scope: 'col' }, '種類'), h('th', { scope: 'col' }, '大きさ'), h('th', { scope: 'col' }, ''))),
    h('tbody', {}, files.map((f) => h('tr', {},
      h('td', {}, f.created_label),
      h('td', {}, f.kind_label),
      h('td', {}, fileSize(f.size_bytes)),
      h('td', {}, isAdmin() ? h('button', { type: 'button', class: 'secondary small', onclick: () => restoreGeneration(f.file_name) }, 'この時点に復元…') : null)))));
}

async function restoreGeneration(name) {
  const contents = await attempt(null, () => api.inspectBackup(name));
  if (contents) await restore(contents, { generation: name });
}

// A backup kept elsewhere (a USB stick): chosen in the native dialog; the
// app checks it before showing what it holds.
async function restoreFile() {
  const contents = await attempt(null, () => api.chooseBackupFile());
  if (contents) await restore(contents, 'chosen');
}

async function restore(contents, source) {
  const counts = contents.counts.map(([label, n]) => `・${label}：${n}件`).join('\n');
  const question = `${contents.file.created_label} のバックアップ（${contents.file.file_name}）に戻します。\n\n`
    + `事業所名：${contents.office_name || '（未登録）'}\n${counts}\n\n`
    + 'いまのデータは先にバックアップしてから置き換えます。変更の記録などの履歴は消えずに引き継がれます。復元しますか？';
  if (!window.confirm(question)) return;
  try {
    const safety = await api.restoreBackup(source);
    sessionStorage.setItem('zaitaku-restored', `${contents.file.created_label} の状態に復元しました。復元前のデータは「${safety.created_label}（復元前）」として保存してあります。`);
    // Reopen every screen on the restored data.
    location.reload();
  } catch (error) {
    showError(error);
  }
}
