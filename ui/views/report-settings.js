// 設定 › 報告の設定: how the yearly report counts what the office chooses
// (the 浸透度 definition). The same on every PC; a 管理者 changes it.

import { api } from '../api.js';
import { h } from '../lib/dom.js';
import { field, select, onSubmit } from '../lib/forms.js';
import { showMessage } from '../lib/messages.js';
import { isAdmin } from '../lib/lock.js';

export async function render(container) {
  const settings = await api.reportSettings();
  const current = settings.awareness_choices.find((c) => c.value === settings.awareness_rule);
  container.append(h('section', { class: 'card', 'aria-labelledby': 'report-settings-title' },
    h('h2', { id: 'report-settings-title' }, '報告の設定'),
    h('p', { class: 'hint' }, '講座アンケートの浸透度（地域包括ケアシステムを知っている人の割合）に、どの答えまでを数えるかを選びます。事業報告と講座の指標に使い、報告の「定義」にも印刷されます。'),
    isAdmin()
      ? awarenessForm(settings)
      : h('p', { class: 'muted', id: 'awareness-rule' }, `浸透度に数える答え：${current?.label ?? ''}（管理者が設定します）。`)));
}

function awarenessForm(settings) {
  const rule = select('awareness_rule', settings.awareness_choices.map((c) => [c.value, c.label]),
    { id: 'awareness-rule', value: settings.awareness_rule });
  const form = h('form', { class: 'inline-form', novalidate: true, id: 'report-settings-form' },
    field('浸透度に数える答え', rule),
    h('button', { type: 'submit', class: 'secondary', id: 'save-report-settings' }, '保存'));
  onSubmit(form, async () => {
    const saved = await api.saveReportSettings({ awareness_rule: rule.value });
    const label = saved.awareness_choices.find((c) => c.value === saved.awareness_rule)?.label;
    showMessage(`浸透度に数える答えを「${label}」にしました。`, 'success');
  });
  return form;
}
