// 子機として開始: on 初期設定's first screen, beside 「デモデータで試す」.
// The new, empty database is replaced by the office's records from the
// setup file written on the 親機 (「子機を準備」); an encrypted office's
// file is opened with the password of one of its staff.

import { api } from '../api.js';
import { h, clear } from '../lib/dom.js';
import { attempt, whileBusy } from '../lib/forms.js';

export function childChoice(wizard) {
  const error = h('p', { class: 'field-error', id: 'first-run-child-error', role: 'alert' });
  const button = h('button', { type: 'button', class: 'secondary', id: 'first-run-child' }, '子機として開始…');
  const extra = h('div', { class: 'first-run-child-credential' });
  const box = h('aside', { class: 'first-run-demo first-run-child', 'aria-labelledby': 'first-run-child-title' },
    h('div', {},
      h('h2', { id: 'first-run-child-title' }, '事務所の親機のデータで始めるときは'),
      h('p', { class: 'hint' }, '親機の「設定 › 端末とデータ共有」で「子機を準備」して作った準備ファイル（.zds）を選ぶと、親機の記録をそのまま持ったこのパソコン（子機）で始められます。'),
      extra,
      error),
    button);
  const start = async (staffId, password) => {
    const id = await attempt(null, () => api.startExchangeChild(staffId, password), { summary: error });
    if (id) wizard.finish({ child: id });
  };
  button.addEventListener('click', () => whileBusy(box, async () => {
    clear(extra);
    const file = await attempt(null, () => api.chooseSetupFile(), { summary: error });
    if (!file) return;
    if (!file.encrypted) {
      if (!window.confirm(`準備ファイル「${file.file_name}」から、このパソコンを子機として開始します。よろしいですか？`)) return;
      button.textContent = '開始しています…';
      await start('', '');
      button.textContent = '子機として開始…';
      return;
    }
    extra.append(credentialForm(file, start));
    extra.querySelector('select')?.focus();
  }, [button]));
  return box;
}

/** An encrypted office: who opens the file, with their password. */
function credentialForm(file, start) {
  const staff = h('select', { id: 'first-run-child-staff' },
    file.holders.map((m) => h('option', { value: m.staff_id }, m.name)));
  const password = h('input', { type: 'password', id: 'first-run-child-password', autocomplete: 'current-password' });
  const go = h('button', { type: 'submit', class: 'primary', id: 'first-run-child-start' }, '開始');
  const form = h('form', { class: 'first-run-child-form', novalidate: true },
    h('p', {}, `「${file.file_name}」は暗号化されています。親機の担当者の名前とパスワードを入力してください。`),
    h('label', { for: staff.id }, '担当者'), staff,
    h('label', { for: password.id }, 'パスワード'), password,
    go);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    whileBusy(form, () => start(staff.value, password.value));
  });
  return form;
}
