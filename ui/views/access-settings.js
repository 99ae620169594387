// 設定 › 操作者と画面ロック: minutes until the screen locks (管理者), and
// the signed-in member's own PIN or password.

import { api } from '../api.js';
import { h } from '../lib/dom.js';
import { field, input, onSubmit } from '../lib/forms.js';
import { showMessage } from '../lib/messages.js';
import { setLockMinutes, isAdmin } from '../lib/lock.js';
import { credentialFields, fitInput, kindLabel } from '../lib/credential.js';

export async function render(container) {
  const status = await api.accessStatus();
  const section = h('section', { class: 'card', 'aria-labelledby': 'access-title' },
    h('h2', { id: 'access-title' }, '操作者と画面ロック'),
    h('p', { class: 'hint' }, status.actor
      ? `いまの操作者：${status.actor.name}。変更の記録には操作者の名前が残ります。`
      : '担当者が登録されていないため、操作者を選ばずに使っています。「担当者」で最初の担当者（管理者）を登録してください。'),
    isAdmin() ? lockForm(status.lock_minutes) : h('p', { class: 'muted' }, `${status.lock_minutes === 0 ? '画面は自動ではロックしません' : `${status.lock_minutes}分操作がないと画面をロックします`}（管理者が設定します）。`),
    status.actor ? credentialForm(status.actor) : null,
    auditTable(await api.recentAuditLog()));
  container.append(section);
}

// Who changed which setting (newest 50). Cases and booklet entries show
// their own, more detailed histories on their screens.
function auditTable(entries) {
  return h('details', { class: 'audit', id: 'audit-log' },
    h('summary', {}, `設定の変更の記録（新しい順に${entries.length}件）`),
    entries.length === 0 ? h('p', { class: 'muted' }, 'まだ記録はありません。') : h('table', { class: 'audit-table' },
      h('thead', {}, h('tr', {}, ['日時', '操作者', '対象', '操作', '内容'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, entries.map((e) => h('tr', {},
        h('td', {}, e.at_label), h('td', {}, e.actor), h('td', {}, e.table_label), h('td', {}, e.action_label),
        h('td', { class: 'audit-summary' }, e.summary))))));
}

function lockForm(minutes) {
  const lockMinutes = input('lock_minutes', { id: 'lock-minutes', type: 'number', min: '0', max: '240', value: String(minutes), class: 'narrow' });
  const form = h('form', { class: 'inline-form', novalidate: true },
    field('自動ロックまでの分数（0はロックしない）', lockMinutes),
    h('button', { type: 'submit', class: 'secondary', id: 'save-lock-minutes' }, '保存'));
  onSubmit(form, async () => {
    const saved = await api.saveLockMinutes(Number(lockMinutes.value));
    setLockMinutes(saved);
    showMessage(saved === 0 ? '画面をロックしない設定にしました。' : `${saved}分操作がないと画面をロックします。`, 'success');
  });
  return form;
}

function credentialForm(actor) {
  const current = input('current_credential', { id: 'current-credential', autocomplete: 'current-password' });
  fitInput(current, actor.credential);
  const fields = credentialFields({ name: 'new_credential', idPrefix: 'new', kind: actor.credential ?? 'pin' });
  const form = h('form', { class: 'pin-form', id: 'own-credential', novalidate: true },
    h('h3', {}, `${actor.name} さんの暗証番号・パスワード`),
    h('p', { class: 'hint' }, `いまは${kindLabel(actor.credential)}でサインインしています。変更するときは、いまのものと新しいものを入力します。暗証番号は4〜8桁の数字、パスワードは8文字以上です。`),
    field(`いまの${kindLabel(actor.credential)}`, current, { required: true }),
    ...fields.nodes,
    h('button', { type: 'submit', class: 'secondary', id: 'save-credential' }, '変更を保存'));
  onSubmit(form, async () => {
    const { kind, credential } = fields.read();
    const member = await api.setOwnCredential(current.value, kind, credential);
    form.reset();
    fitInput(current, member.credential);
    showMessage(`${kindLabel(member.credential)}を変更しました。次のサインインから使います。`, 'success');
  });
  return form;
}
