// 設定 › 報告の設定: how the yearly report counts what the office chooses
// (the 浸透度 definition). The same on every PC; a 管理者 changes it.

import { api } from '../api.js';
import { h } from '../lib/dom.js';
import { field, input, select, onSubmit } from '../lib/forms.js';
import { showMessage } from '../lib/messages.js';
import { isAdmin } from '../lib/lock.js';

export async function render(container) {
  const [settings, labels] = await Promise.all([api.reportSettings(), api.reportLabels()]);
  const current = settings.awareness_choices.find((c) => c.value === settings.awareness_rule);
  container.append(h('section', { class: 'card', 'aria-labelledby': 'report-settings-title' },
    h('h2', { id: 'report-settings-title' }, '報告の設定'),
    h('p', { class: 'hint' }, '講座アンケートの浸透度（地域包括ケアシステムを知っている人の割合）に、どの答えまでを数えるかを選びます。事業報告と講座の指標に使い、報告の「定義」にも印刷されます。'),
    isAdmin()
      ? awarenessForm(settings)
      : h('p', { class: 'muted', id: 'awareness-rule' }, `浸透度に数える答え：${current?.label ?? ''}（管理者が設定します）。`),
    isAdmin() ? wordingForm(labels) : null));
}

/**
 * 見出しと行の名前: each city's form words the report its own way. Empty
 * is the default (shown as the placeholder).
 */
function wordingForm(labels) {
  const inputs = labels.map((l, i) => input(`labels.${i}.value`, {
    value: l.value === l.default ? '' : l.value, placeholder: l.default, 'aria-label': l.default,
  }));
  const groups = [...new Set(labels.map((l) => l.group))];
  const form = h('form', { id: 'report-labels-form', novalidate: true },
    h('details', {},
      h('summary', {}, '見出しと行の名前（市の様式に合わせる）'),
      h('p', { class: 'hint' }, '事業報告の画面・PDF・CSV・Excel の章の見出しと、名簿・相談支援の行や表の名前を変えられます。空欄は元の名前です。相談者種別や分類など一覧項目の名前は「相談記録の一覧項目」で変えます。'),
      groups.map((group) => h('fieldset', { class: 'plain wording-group' },
        h('legend', {}, group),
        labels.map((l, i) => (l.group === group ? field(l.default, inputs[i]) : null)))),
      h('button', { type: 'submit', class: 'secondary', id: 'save-report-labels' }, '見出しと名前を保存')));
  onSubmit(form, async () => {
    const saved = await api.saveReportLabels(labels.map((l, i) => ({ default: l.default, value: inputs[i].value })));
    saved.forEach((l, i) => { inputs[i].value = l.value === l.default ? '' : l.value; });
    const changed = saved.filter((l) => l.value !== l.default).length;
    showMessage(changed ? `見出しと名前を保存しました（${changed}か所を変更）。` : '見出しと名前を元に戻しました。', 'success');
  });
  return form;
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
