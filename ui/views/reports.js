// 集計・報告: the figures of a 年度 or a month range in the order of the
// programme items (ア 名簿, オ 相談支援, キ 普及啓発), with a bar chart by
// month, shares by category, the tables, the definitions, and a CSV of the
// whole report. Every figure comes from Rust (report::build); nothing is
// computed here except percentages for the charts.

import { api } from '../api.js';
import { h, clear, uniqueId } from '../lib/dom.js';
import { stackedBars, shareBars, PALETTE } from '../lib/chart.js';
import { clearFieldErrors, showFieldError } from '../lib/forms.js';
import { showMessage, showError, clearMessage } from '../lib/messages.js';
import { showPrintPreview } from '../lib/print-preview.js';

const PERIOD_KEY = 'zaitaku-report-period';
const n = (value) => Number(value).toLocaleString('ja-JP');

let ui = null;
let period = null;

function fiscalYearOf(date) {
  return date.getMonth() >= 3 ? date.getFullYear() : date.getFullYear() - 1;
}

function loadPeriod() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(PERIOD_KEY) || 'null');
    if (saved && (saved.kind === 'fiscal' || saved.kind === 'months')) return saved;
  } catch { /* the current 年度 */ }
  return { kind: 'fiscal', year: fiscalYearOf(new Date()) };
}

function eraLabel(year) {
  // 令和 starts 2019; earlier years are shown in 西暦 only.
  if (year >= 2019) return `令和${year === 2019 ? '元' : year - 2018}年度`;
  if (year >= 1989) return `平成${year === 1989 ? '元' : year - 1988}年度`;
  return `${year}年度`;
}

function field(label, control, hint) {
  const hintId = hint ? `${control.id}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' },
    h('label', { for: control.id }, label),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    control);
}

export async function render(container) {
  period = loadPeriod();
  const current = fiscalYearOf(new Date());
  const kind = h('select', { id: uniqueId('r'), 'data-field': 'kind' },
    h('option', { value: 'fiscal' }, '年度（4月〜3月）'),
    h('option', { value: 'months' }, '月の範囲'));
  const year = h('select', { id: 'report-year', 'data-field': 'year' });
  for (let y = current + 1; y >= current - 15; y -= 1) {
    year.append(h('option', { value: String(y) }, `${eraLabel(y)}（${y}年4月〜）`));
  }
  const from = h('input', { id: 'report-from', type: 'text', size: 9, 'data-field': 'from', placeholder: '2025-04', autocomplete: 'off' });
  const to = h('input', { id: 'report-to', type: 'text', size: 9, 'data-field': 'to', placeholder: '2025-09', autocomplete: 'off' });
  kind.value = period.kind;
  year.value = String(period.year ?? current);
  from.value = period.from ?? `${current}-04`;
  to.value = period.to ?? `${current + 1}-03`;

  const yearBox = h('div', { class: 'report-choice' }, field('年度', year));
  const monthBox = h('div', { class: 'report-choice months' },
    field('開始月', from, '例：2025-04'), field('終了月', to, '例：2026-03（24か月まで）'));
  const syncKind = () => {
    yearBox.hidden = kind.value !== 'fiscal';
    monthBox.hidden = kind.value !== 'months';
  };
  kind.addEventListener('change', syncKind);
  syncKind();

  const form = h('form', { class: 'card report-form', id: 'report-form', novalidate: true, 'aria-label': '集計の期間' },
    h('div', { class: 'report-form-row' },
      field('集計の区切り', kind), yearBox, monthBox,
      h('div', { class: 'report-buttons' },
        h('button', { type: 'submit', class: 'primary', id: 'report-run' }, '集計する'),
        h('button', { type: 'button', class: 'secondary', id: 'report-pdf', onclick: () => previewPdf(form) }, 'PDF（プレビュー・印刷）'),
        h('button', { type: 'button', class: 'secondary', id: 'report-csv', onclick: () => exportCsv(form) }, 'CSVを保存'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    run(form);
  });
  year.addEventListener('change', () => run(form));

  ui = { kind, year, from, to, form, body: h('div', { id: 'report-body', 'aria-live': 'polite' }) };
  container.append(
    h('header', { class: 'view-header' }, h('h1', {}, '集計・報告')),
    form,
    ui.body);
  await run(form);
}

function chosenPeriod() {
  if (ui.kind.value === 'fiscal') return { kind: 'fiscal', year: Number(ui.year.value) };
  return { kind: 'months', from: ui.from.value, to: ui.to.value };
}

async function run(form) {
  clearMessage();
  clearFieldErrors(form);
  const wanted = chosenPeriod();
  try {
    const report = await api.buildReport(wanted);
    period = wanted;
    sessionStorage.setItem(PERIOD_KEY, JSON.stringify(period));
    draw(report);
  } catch (error) {
    showError(error);
    showFieldError(form, error);
  }
}

async function exportCsv(form) {
  clearMessage();
  clearFieldErrors(form);
  try {
    const path = await api.exportReportCsv(chosenPeriod());
    showMessage(`CSVを保存しました：${path}`, 'success');
  } catch (error) {
    showError(error);
    showFieldError(form, error);
  }
}

async function previewPdf(form) {
  clearMessage();
  clearFieldErrors(form);
  try {
    await showPrintPreview({ kind: 'yearReport', period: chosenPeriod() }, { title: '事業報告の印刷' });
  } catch (error) {
    showError(error);
    showFieldError(form, error);
  }
}

// ------------------------------------------------------------- drawing

function table(caption, head, rows, testid, extraClass = '') {
  return h('table', { class: `data-table report-table ${extraClass}`, 'data-testid': testid },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, head.map((c, i) => h('th', { scope: 'col', class: i ? 'num' : null }, c)))),
    h('tbody', {}, rows));
}

/** 実数・受付件数・経過記録・延べ件数 per row. */
function tallyTable(caption, tallies, testid, { hideEmpty = false } = {}) {
  const rows = tallies
    .filter((t) => !hideEmpty || t.total > 0)
    .map((t) => h('tr', { dataset: { name: t.name } },
      h('th', { scope: 'row' }, t.name),
      h('td', { class: 'num' }, n(t.persons)),
      h('td', { class: 'num' }, n(t.cases)),
      h('td', { class: 'num' }, n(t.entries)),
      h('td', { class: 'num total' }, n(t.total))));
  return table(caption, ['区分', '実数', '受付件数', '経過記録', '延べ件数'], rows, testid);
}

function stat(label, value, unit, testid, sub) {
  return h('div', { class: 'stat', 'data-testid': testid },
    h('p', { class: 'stat-label' }, label),
    h('p', { class: 'stat-number' }, h('span', { class: 'stat-value' }, value), h('span', { class: 'unit' }, unit)),
    sub ? h('p', { class: 'muted stat-sub' }, sub) : null);
}

function legend(names) {
  const list = h('ul', { class: 'chart-legend' },
    names.map((name, i) => h('li', {}, h('span', { class: 'swatch', dataset: { color: PALETTE[i % PALETTE.length] } }), name)));
  // Colours through the DOM, not an inline style string (CSP).
  list.querySelectorAll('.swatch').forEach((el) => { el.style.background = el.dataset.color; });
  return list;
}

function draw(r) {
  const c = r.consultations;
  const a = r.resources;
  const b = r.awareness.booklets;
  clear(ui.body).append(
    h('section', { class: 'card wide-card report-head' },
      h('h2', { id: 'report-title' }, r.title),
      h('p', { class: 'muted' }, `${r.office_name}　対象期間：${r.range_label}　出力日：${r.output_date}`),
      r.note ? h('p', { class: 'report-note', role: 'status', 'data-testid': 'report-note' }, r.note) : null),

    h('section', { class: 'card wide-card', 'aria-labelledby': 'sec-a' },
      h('h2', { id: 'sec-a' }, 'ア 地域の医療・介護の資源の把握'),
      h('p', { class: 'muted' }, `名簿に登録中のもの（${r.output_date}現在）`),
      table('名簿の登録数', ['名簿', '件数'], [
        ['往診登録医', a.doctors], ['　うち往診', a.home_visits], ['　うち訪問診療', a.regular_visits],
        ['　うち看取り対応', a.end_of_life], ['　うち24時間対応', a.round_the_clock],
        ['もの忘れ相談医', a.dementia_consult], ['登録シートの更新が必要な医師', a.sheets_due],
        ['療養支援ベッドのある病院', a.bed_hospitals], ['療養支援ベッドの床数', a.beds], ['関係機関', a.organisations],
      ].map(([name, value]) => h('tr', {}, h('th', { scope: 'row' }, name), h('td', { class: 'num' }, n(value)))), 'report-resources', 'report-resources-table')),

    h('section', { class: 'card wide-card', 'aria-labelledby': 'sec-o' },
      h('h2', { id: 'sec-o' }, 'オ 在宅医療・介護連携に関する相談支援'),
      h('div', { class: 'stats' },
        stat('実数', n(c.persons), '人', 'stat-persons', '相談の対象者（同じ人は1人）'),
        stat('延べ件数', n(c.total), '件', 'stat-total', `受付 ${n(c.cases)}件＋経過記録 ${n(c.entries)}件`),
        stat('受付件数', n(c.cases), '件', 'stat-cases', `新規 ${n(c.new_cases)}件・継続 ${n(c.continuing_cases)}件`),
        stat('平均所要時間', c.average_minutes === null ? '—' : c.average_minutes.toFixed(1), '分', 'stat-minutes',
          c.timed ? `記録のある ${n(c.timed)}件の平均` : '所要時間の記録なし')),
      h('h3', {}, '月別の延べ件数'),
      h('div', { class: 'chart-box', id: 'report-month-chart' },
        stackedBars({
          title: `${r.period_label}の月別延べ件数（受付件数と経過記録）`,
          months: c.months.map((m) => ({ key: m.name, label: m.name.replace(/^.*?年/, ''), values: [m.cases, m.entries] })),
          series: [{ name: '受付件数' }, { name: '経過記録' }],
          unit: '件',
        })),
      legend(['受付件数', '経過記録']),
      h('div', { class: 'report-grid' },
        h('div', {}, h('h3', {}, '相談内容分類の割合（延べ件数）'),
          shareBars({ title: '相談内容分類別の延べ件数', items: c.categories.map((t) => ({ name: t.name, value: t.total })), total: c.total })),
        h('div', {}, h('h3', {}, '相談者種別の割合（延べ件数）'),
          shareBars({ title: '相談者種別の延べ件数', items: c.consulter_types.map((t) => ({ name: t.name, value: t.total })), total: c.total }))),
      h('div', { class: 'report-tables' },
        tallyTable('月別', c.months, 'report-months'),
        tallyTable('相談者種別', c.consulter_types, 'report-consulter-types'),
        tallyTable('相談内容分類（複数選択のため合計は延べ件数を超えることがあります）', c.categories, 'report-categories'),
        tallyTable('市別', c.cities, 'report-cities'),
        tallyTable('日常生活圏域別', c.areas, 'report-areas'),
        tallyTable('受付方法', c.intake_methods, 'report-intake'))),

    h('section', { class: 'card wide-card', 'aria-labelledby': 'sec-ki' },
      h('h2', { id: 'sec-ki' }, 'キ 地域住民への普及啓発'),
      h('h3', {}, '私の意志表示帳の配布'),
      h('p', { 'data-testid': 'report-booklets' }, `配布 ${n(b.issued)}冊（${n(b.issue_entries)}回）`),
      h('div', { class: 'report-tables' },
        table('配布経路別', ['配布経路', '冊数', '回数'], b.channels.map((q) => h('tr', {},
          h('th', { scope: 'row' }, q.name), h('td', { class: 'num' }, n(q.quantity)), h('td', { class: 'num' }, n(q.entries)))), 'report-booklet-channels'),
        table('市別', ['市', '冊数', '回数'], b.cities.map((q) => h('tr', {},
          h('th', { scope: 'row' }, q.name), h('td', { class: 'num' }, n(q.quantity)), h('td', { class: 'num' }, n(q.entries)))), 'report-booklet-cities')),
      r.awareness.lectures ? lecturesPart(r.awareness.lectures) : null),

    h('section', { class: 'card wide-card definitions', 'aria-labelledby': 'sec-def' },
      h('h2', { id: 'sec-def' }, '数え方'),
      h('dl', {}, r.definitions.map((d) => [h('dt', {}, d.term), h('dd', {}, d.text)]))),
  );
}

function pct(value) {
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)}%`;
}

function lecturesPart(l) {
  return [
    h('h3', {}, '講座（出前講座・市民公開講座・研修会など）'),
    h('p', { 'data-testid': 'report-lectures-summary' },
      `実施 ${n(l.sessions_held)}回・延べ参加者 ${n(l.participants)}人・アンケート回収 ${n(l.forms_returned)}枚（回収率 ${pct(l.response_rate)}）・浸透度 ${pct(l.awareness)}`),
    table('講座の種類別', ['種類', '開催回数', '延べ参加者', '回収率'], l.by_kind.map((k) => h('tr', {},
      h('th', { scope: 'row' }, k.kind), h('td', { class: 'num' }, n(k.sessions)),
      h('td', { class: 'num' }, n(k.participants)), h('td', { class: 'num' }, pct(k.response_rate)))), 'report-lectures'),
  ];
}
