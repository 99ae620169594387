// 集計・報告: the items イ・ウ・エ・カ・ク from 会議・研修 (and meetings whose
// kind is filed under ア・オ・キ), the MCS figures under エ and 研修会 under
// カ, drawn from report.meetings as the PDF and CSV show them.

import { h, table } from '../lib/dom.js';
import { num, pct } from '../lib/format.js';

function reportTable(caption, head, rows, testid) {
  return table(caption, head, rows, { className: 'data-table report-table', testid, numeric: true });
}

function figureRow(name, ...figures) {
  return h('tr', { dataset: { name } }, h('th', { scope: 'row' }, name), figures.map((f) => h('td', { class: 'num' }, f)));
}

/** The sections of the items `letters` that the report has, in that order. */
export function meetingSections(r, letters) {
  const m = r.meetings;
  return letters
    .map((letter) => m.items.find((i) => i.letter === letter))
    .filter(Boolean)
    .map((item) => section(m, item));
}

function section(m, item) {
  const id = `sec-meetings-${item.letter}`;
  return h('section', { class: 'card wide-card', 'aria-labelledby': id, 'data-testid': `report-item-${item.letter}` },
    h('h2', { id }, ['イ', 'ウ', 'エ', 'カ', 'ク'].includes(item.letter) ? item.heading : `${item.heading}（会議・研修）`),
    item.letter === 'エ' && m.mcs
      ? h('p', { 'data-testid': 'report-mcs' }, `MCS（${m.mcs.month_label}）：登録事業所数 ${num(m.mcs.offices)}機関・登録者数 ${num(m.mcs.members)}人`)
      : null,
    h('p', { 'data-testid': `report-meetings-${item.letter}` },
      item.meetings ? `会議・研修 ${num(item.meetings)}回（参加者 延べ ${num(item.attendees)}人）` : '会議・研修：期間内の記録なし'),
    item.meetings ? h('div', { class: 'report-tables' },
      reportTable('種類別', ['種類', '開催回数', '参加者数'], item.kinds.map((k) => figureRow(k.name, num(k.meetings), num(k.attendees))), `report-kinds-${item.letter}`),
      reportTable('職種別の参加者（延べ）', ['職種', '参加した回数', '参加者数'], item.occupations.map((o) => figureRow(o.name, num(o.meetings), num(o.attendees))), `report-occupations-${item.letter}`),
      table('開催した会議・研修', ['開催日', '種類', '名称', '参加者数'],
        item.listed.map((l) => h('tr', {}, h('td', { class: 'nowrap' }, l.date_label), h('td', {}, l.kind), h('td', {}, l.title), h('td', { class: 'num' }, num(l.attendees)))),
        { className: 'data-table report-table', testid: `report-listed-${item.letter}` })) : null,
    item.letter === 'カ'
      ? h('p', { 'data-testid': 'report-training-lectures' },
        `講座・チラシの研修会 ${num(m.training.sessions)}回（延べ参加者 ${num(m.training.participants)}人）・研修会のアンケート回収 ${num(m.training.figures.forms_returned)}枚（回収率 ${pct(m.training.figures.response_rate)}）`)
      : null);
}
