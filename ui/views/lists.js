// 設定 › 相談記録の一覧項目: 受付方法, 相談者種別, 相談内容分類, 対応 and
// 転帰. Add, rename, reorder and retire; an entry used by old cases is
// never removed, only marked 「使用しない」. 担当者 have their own section
// (staff.js): each needs a credential and a 権限.

import { api } from '../api.js';
import { h, clear } from '../lib/dom.js';
import { field, input, select, checkbox, clearFieldErrors, onSubmit } from '../lib/forms.js';
import { showMessage } from '../lib/messages.js';

let lists = [];
let kind = 'intake_method';
let items = []; // [{ id, name, retired }] being edited

export async function render(container) {
  const options = await api.caseFormOptions();
  lists = options.lists.filter((l) => l.kind !== 'staff');
  if (!lists.some((l) => l.kind === kind)) kind = lists[0]?.kind;
  const kindSelect = select('', lists.map((l) => [l.kind, l.label]), { id: 'case-list-kind', value: kind });
  const rows = h('ol', { class: 'list-items', id: 'case-list-items' });
  const form = h('form', { class: 'card case-lists', id: 'case-lists', novalidate: true, 'aria-labelledby': 'case-lists-title' },
    h('h2', { id: 'case-lists-title' }, '相談記録の一覧項目'),
    h('p', { class: 'hint' }, '相談記録で選ぶ項目です。過去の記録で使われた項目は削除できません。使わなくなった項目は「使用しない」にすると、新しい入力では選べなくなり、過去の記録にはそのまま表示されます。'),
    field('一覧', kindSelect),
    rows,
    h('div', { class: 'form-actions' },
      h('button', { type: 'button', class: 'secondary', id: 'add-list-item', onclick: () => { items.push({ id: null, name: '', retired: false }); draw(rows, items.length - 1); } }, '＋ 項目を追加'),
      h('button', { type: 'submit', class: 'primary', id: 'save-case-list' }, 'この一覧を保存')));
  const load = () => {
    const list = lists.find((l) => l.kind === kind);
    items = (list?.items ?? []).map((i) => ({ ...i }));
    draw(rows);
  };
  kindSelect.addEventListener('change', () => {
    kind = kindSelect.value;
    clearFieldErrors(form);
    load();
  });
  onSubmit(form, async () => {
    const saved = await api.saveCaseList(kind, items.map((i) => ({ id: i.id, name: i.name, retired: i.retired })));
    lists = lists.map((l) => (l.kind === saved.kind ? saved : l));
    load();
    showMessage(`「${saved.label}」の一覧を保存しました。`, 'success');
  });
  container.append(form);
  load();
}

function draw(rows, focusIndex = null) {
  clear(rows);
  items.forEach((item, i) => {
    const name = input(`items.${i}.name`, { value: item.name, 'aria-label': `項目${i + 1}の名前` });
    name.addEventListener('input', () => { item.name = name.value; });
    const retired = checkbox('', ' 使用しない', { checked: item.retired, class: 'check' });
    retired.box.addEventListener('change', () => { item.retired = retired.box.checked; row.classList.toggle('retired', retired.box.checked); });
    const move = (delta) => {
      const j = i + delta;
      if (j < 0 || j >= items.length) return;
      [items[i], items[j]] = [items[j], items[i]];
      draw(rows);
      rows.querySelectorAll('li')[j]?.querySelector(delta < 0 ? '.move-up' : '.move-down')?.focus();
    };
    const row = h('li', { class: item.retired ? 'list-item retired' : 'list-item' },
      name,
      retired.label,
      h('button', { type: 'button', class: 'secondary move-up', disabled: i === 0, 'aria-label': `${item.name || '項目'}を上へ`, onclick: () => move(-1) }, '↑'),
      h('button', { type: 'button', class: 'secondary move-down', disabled: i === items.length - 1, 'aria-label': `${item.name || '項目'}を下へ`, onclick: () => move(1) }, '↓'),
      item.id ? null : h('button', { type: 'button', class: 'link danger-link', onclick: () => { items.splice(i, 1); draw(rows); } }, '取り消す'));
    rows.append(row);
    if (focusIndex === i) setTimeout(() => name.focus());
  });
}
