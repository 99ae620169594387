// 設定 › 操作者と画面ロック: minutes until the screen locks, and the
// signed-in member's own PIN.

import { api } from '../api.js';
import { h } from '../lib/dom.js';
import { field, input, onSubmit } from '../lib/forms.js';
import { showMessage } from '../lib/messages.js';
import { setLockMinutes } from '../lib/lock.js';

export async function render(container) {
  const status = await api.accessStatus();
  const section = h('section', { class: 'card', 'aria-labelledby': 'access-title' },
    h('h2', { id: 'access-title' }, '操作者と画面ロック'),
    h('p', { class: 'hint' }, status.actor
      ? `いまの操作者：${status.actor.name}。変更の記録には操作者の名前が残ります。`
      : '担当者が登録されていないため、操作者を選ばずに使っています。担当者は相談記録のリスト設定で登録できます。'),
    lockForm(status.lock_minutes),
    status.actor ? pinForm(status.actor) : null,
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

function pinForm(actor) {
  const pin = (name, id) => input(name, { id, type: 'password', inputmode: 'numeric', class: 'narrow' });
  const current = actor.has_pin ? pin('current_pin', 'current-pin') : null;
  const next = pin('new_pin', 'new-pin');
  const form = h('form', { class: 'pin-form', novalidate: true },
    h('h3', {}, `${actor.name} さんの暗証番号`),
    h('p', { class: 'hint' }, actor.has_pin
      ? '変更するときは、いまの暗証番号と新しい暗証番号を入力します。新しい暗証番号を空欄にすると、暗証番号なしになります。'
      : '4〜8桁の数字を設定すると、ロック解除のときに入力を求めます。'),
    current ? field('いまの暗証番号', current) : null,
    field('新しい暗証番号', next),
    h('button', { type: 'submit', class: 'secondary', id: 'save-pin' }, '暗証番号を保存'));
  onSubmit(form, async () => {
    const member = await api.setOwnPin(current?.value ?? '', next.value);
    form.reset();
    showMessage(member.has_pin ? '暗証番号を保存しました。' : '暗証番号をなくしました。', 'success');
  });
  return form;
}
