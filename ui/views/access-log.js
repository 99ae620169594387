// 設定 › 閲覧・出力記録: who opened a case, output a CSV or PDF, made a
// backup or restored, signed in or out, and when. Filters by 担当者, 種類
// and 期間, fifty rows a page, newest first, and the same rows as CSV.
// Only a 管理者 may read it: the Rust side refuses anyone else, and the
// refusal is shown in place of the table.

import { api } from '../api.js';
import { h, clear, table } from '../lib/dom.js';
import { attempt, field, fileKind, input, onSubmit, saveFile, select, setOptions } from '../lib/forms.js';

const ALL = [['', 'すべて']];

export async function render(container) {
  const results = h('div', { id: 'access-log-results' });
  const person = select('staff_id', ALL, { id: 'access-log-person' });
  const kind = select('kind', ALL, { id: 'access-log-kind' });
  const from = input('from', { id: 'access-log-from', size: 16, placeholder: '令和7年4月1日' });
  const to = input('to', { id: 'access-log-to', size: 16, placeholder: '2025-04-30' });
  const form = h('form', { class: 'case-filters', novalidate: true, 'aria-label': '閲覧・出力記録の絞り込み' },
    field('担当者', person), field('種類', kind),
    field('期間（から）', from), field('期間（まで）', to),
    h('button', { type: 'submit', class: 'secondary', id: 'access-log-show' }, '表示'),
    h('button', { type: 'button', class: 'secondary', id: 'access-log-csv', onclick: () => exportAs('csv') }, 'CSV出力'),
    h('button', { type: 'button', class: 'secondary', id: 'access-log-xlsx', onclick: () => exportAs('xlsx') }, 'Excel出力'));
  const filter = (page = 0) => ({ staff_id: person.value, kind: kind.value, from: from.value, to: to.value, page });
  const show = async (page) => {
    const found = await api.accessLog(filter(page));
    setOptions(person, [...ALL, ...found.people.map((p) => [p.staff_id, p.name])]);
    setOptions(kind, [...ALL, ...found.kinds.map((k) => [k.code, k.label])]);
    showPage(results, found, (next) => attempt(form, () => show(next)));
  };
  const exportAs = (format) => saveFile(() => api.exportAccessLog(filter(), format), { form, saved: `閲覧・出力記録を${fileKind(format)}に保存しました` });
  onSubmit(form, () => show(0));

  const section = h('section', { class: 'card', id: 'access-log', 'aria-labelledby': 'access-log-title' },
    h('h2', { id: 'access-log-title' }, '閲覧・出力記録'),
    h('p', { class: 'hint' }, '相談記録を開いた、CSVやPDFを出力した、バックアップや復元をした、サインイン・サインアウト・画面ロックをした記録です。'
      + '記録には番号（ID）だけを残し、対象者の名前などは残しません。アプリでは変更も削除もできません。'),
    form, results);
  container.append(section);
  try {
    await show(0);
  } catch (error) {
    // A 職員 is refused: say why here instead of failing the whole 設定 screen.
    section.replaceChildren(section.firstChild, h('p', { class: 'muted', id: 'access-log-refused' }, error.message));
  }
}

function showPage(box, found, go) {
  clear(box);
  if (found.total === 0) {
    box.append(h('p', { class: 'muted' }, '条件に合う記録はありません。'));
    return;
  }
  const first = found.page * found.page_size;
  const last = first + found.rows.length;
  box.append(
    h('p', { class: 'muted', id: 'access-log-count' }, `${found.total}件中 ${first + 1}〜${last}件（新しい順）`),
    table('閲覧・出力記録', ['日時', '担当者', '種類', '対象', '詳細'],
      found.rows.map((r) => h('tr', {},
        h('td', { class: 'nowrap' }, r.at_label),
        h('td', {}, r.staff_name || '（未設定）'),
        h('td', {}, r.kind_label),
        h('td', { class: 'audit-summary' }, r.target),
        h('td', {}, r.detail))),
      { className: 'audit-table', testid: 'access-log-table' }),
    h('div', { class: 'pager' },
      h('button', { type: 'button', class: 'secondary', disabled: found.page === 0, onclick: () => go(found.page - 1) }, `← 新しい${found.page_size}件`),
      h('button', { type: 'button', class: 'secondary', disabled: last >= found.total, onclick: () => go(found.page + 1) }, `古い${found.page_size}件 →`)));
}
