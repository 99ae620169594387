// 集計・報告: the figures of a 年度 or a month range in the order of the
// programme items (ア 名簿, オ 相談支援, キ 普及啓発), with a bar chart by
// month, shares by category, the tables, the definitions, and a CSV of the
// whole report. Every figure comes from Rust (report::build); nothing is
// computed here except percentages for the charts.

import { api } from '../api.js';
import { h, clear, table } from '../lib/dom.js';
import { stackedBars, shareBars, legend } from '../lib/chart.js';
import { field, input, select, attempt, saveFile } from '../lib/forms.js';
import { num, pct } from '../lib/format.js';
import { loadPeriod, savePeriod } from '../lib/period.js';
import { showPrintPreview } from '../lib/print-preview.js';
import { reportSection as bedSection } from './beds.js';
import { meetingSections } from './report-meetings.js';

const PERIOD_KEY = 'zaitaku-report-period';

let ui = null;
let period = null;

export async function render(container) {
  const options = await api.periodOptions();
  // 全体, each of the office's cities, and 市外 (the choices of a person's 市).
  const cityChoices = (await api.caseFormOptions()).cities;
  const current = options.current_year;
  period = loadPeriod(PERIOD_KEY, (p) => p.kind === 'fiscal' || p.kind === 'months', current);
  const years = options.fiscal_years.map((y) => [String(y.year), y.label]);
  const kind = select('kind', [['fiscal', '年度（4月〜3月）'], ['months', '月の範囲']], { value: period.kind });
  const year = select('year', years, { id: 'report-year', value: String(period.year ?? current) });
  const from = input('from', { id: 'report-from', size: 9, placeholder: '2025-04', value: period.from ?? options.current_from });
  const to = input('to', { id: 'report-to', size: 9, placeholder: '2025-09', value: period.to ?? options.current_to });

  const city = select('city_id', [['', '全体'], ...cityChoices.map((c) => [c.id, c.name])], { id: 'report-city', value: period.city_id ?? '' });
  const yearBox = h('div', { class: 'report-choice' }, field('年度', year));
  const monthBox = h('div', { class: 'report-choice months' },
    field('開始月', from, { hint: '例：2025-04' }), field('終了月', to, { hint: '例：2026-03（24か月まで）' }));
  const syncKind = () => {
    yearBox.hidden = kind.value !== 'fiscal';
    monthBox.hidden = kind.value !== 'months';
  };
  kind.addEventListener('change', syncKind);
  syncKind();

  const form = h('form', { class: 'card report-form', id: 'report-form', novalidate: true, 'aria-label': '集計の期間' },
    h('div', { class: 'report-form-row' },
      field('集計の区切り', kind), yearBox, monthBox, field('対象の市', city),
      h('div', { class: 'report-buttons' },
        h('button', { type: 'submit', class: 'primary', id: 'report-run' }, '集計する'),
        h('button', { type: 'button', class: 'secondary', id: 'report-pdf', onclick: () => previewPdf(form) }, 'PDF（プレビュー・印刷）'),
        h('button', { type: 'button', class: 'secondary', id: 'report-csv', onclick: () => exportCsv(form) }, 'CSVを保存'),
        h('button', { type: 'button', class: 'secondary', id: 'report-xlsx', onclick: () => exportXlsx(form) }, 'Excelで保存'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    run(form);
  });
  year.addEventListener('change', () => run(form));
  city.addEventListener('change', () => run(form));

  ui = { kind, year, from, to, city, form, body: h('div', { id: 'report-body', 'aria-live': 'polite' }) };
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

// Each of these shows a bad period by its field (開始月, 終了月).

async function run(form) {
  const wanted = chosenPeriod();
  await attempt(form, async () => {
    const report = await api.buildReport(wanted, ui.city.value);
    period = wanted;
    savePeriod(PERIOD_KEY, { ...period, city_id: ui.city.value });
    draw(report);
  });
}

function exportCsv(form) {
  return saveFile(() => api.exportReportCsv(chosenPeriod(), ui.city.value), { form });
}

function exportXlsx(form) {
  return saveFile(() => api.exportReportXlsx(chosenPeriod(), ui.city.value), { form, saved: 'Excelファイルを保存しました' });
}

async function previewPdf(form) {
  await attempt(form, () => showPrintPreview({ kind: 'yearReport', period: chosenPeriod(), cityId: ui.city.value }, { title: '事業報告の印刷' }));
}

// ------------------------------------------------------------- drawing

function reportTable(caption, head, rows, testid, extraClass = '') {
  return table(caption, head, rows, { className: `data-table report-table ${extraClass}`, testid, numeric: true });
}

/** A row: its name as the row head, then the figures. */
function figureRow(name, ...figures) {
  return h('tr', { dataset: { name } }, h('th', { scope: 'row' }, name), figures.map((f) => h('td', { class: 'num' }, f)));
}

/** 実人数・受付件数・経過記録（連絡・対応）・延べ件数 per row. */
function tallyTable(caption, tallies, testid, { hideEmpty = false } = {}) {
  const rows = tallies
    .filter((t) => !hideEmpty || t.total > 0)
    .map((t) => {
      const row = figureRow(t.name, num(t.persons), num(t.cases), num(t.entries), num(t.total));
      row.lastChild.classList.add('total');
      return row;
    });
  return reportTable(caption, ['区分', '実人数', '受付件数', '経過記録', '延べ件数'], rows, testid);
}

function stat(label, value, unit, testid, sub) {
  return h('div', { class: 'stat', 'data-testid': testid },
    h('p', { class: 'stat-label' }, label),
    h('p', { class: 'stat-number' }, h('span', { class: 'stat-value' }, value), h('span', { class: 'unit' }, unit)),
    sub ? h('p', { class: 'muted stat-sub' }, sub) : null);
}

function draw(r) {
  const c = r.consultations;
  const b = r.awareness.booklets;
  clear(ui.body).append(
    h('section', { class: 'card wide-card report-head' },
      h('h2', { id: 'report-title' }, r.title),
      h('p', { class: 'muted' }, `${r.office_name}　対象期間：${r.range_label}　出力日：${r.output_date}`),
      r.note ? h('p', { class: 'report-note', role: 'status', 'data-testid': 'report-note' }, r.note) : null),

    h('section', { class: 'card wide-card', 'aria-labelledby': 'sec-a' },
      h('h2', { id: 'sec-a' }, 'ア 地域の医療・介護の資源の把握'),
      h('p', { class: 'muted' }, `名簿に登録中のもの（${r.resources_on}）`),
      reportTable('名簿の登録数', ['名簿', '件数'],
        r.resource_rows.map(({ name, value }) => figureRow(name.startsWith('うち') ? `　${name}` : name, num(value))),
        'report-resources', 'report-resources-table')),
    ...meetingSections(r, ['ア', 'イ', 'ウ', 'エ']),

    h('section', { class: 'card wide-card', 'aria-labelledby': 'sec-o' },
      h('h2', { id: 'sec-o' }, 'オ 在宅医療・介護連携に関する相談支援'),
      h('div', { class: 'stats' },
        stat('実人数', num(c.persons), '人', 'stat-persons', `新規 ${num(c.new_persons)}人・継続 ${num(c.continuing_persons)}人（受付か連絡・対応のあった人）`),
        stat('延べ件数', num(c.total), '件', 'stat-total', `受付 ${num(c.cases)}件＋連絡・対応 ${num(c.entries)}件（メモ ${num(c.memos)}件は含めない）`),
        stat('受付件数', num(c.cases), '件', 'stat-cases', `新規 ${num(c.new_cases)}件・継続 ${num(c.continuing_cases)}件・うち対象者なし ${num(c.no_person_cases)}件`),
        stat('平均所要時間', c.average_minutes === null ? '—' : c.average_minutes.toFixed(1), '分', 'stat-minutes',
          c.timed ? `記録のある ${num(c.timed)}件の平均` : '所要時間の記録なし')),
      h('h3', {}, '月別の延べ件数'),
      h('div', { class: 'chart-box', id: 'report-month-chart' },
        stackedBars({
          title: `${r.period_label}の月別延べ件数（受付件数と連絡・対応）`,
          months: c.months.map((m) => ({ key: m.name, label: m.name.replace(/^.*?年/, ''), values: [m.cases, m.entries] })),
          series: [{ name: '受付件数' }, { name: '連絡・対応' }],
          unit: '件',
        })),
      legend(['受付件数', '連絡・対応']),
      h('div', { class: 'report-grid' },
        h('div', {}, h('h3', {}, '相談内容分類の割合（延べ件数）'),
          shareBars({ title: '相談内容分類別の延べ件数', items: c.categories.map((t) => ({ name: t.name, value: t.total })), total: c.total })),
        h('div', {}, h('h3', {}, '相談者種別の割合（延べ件数）'),
          shareBars({ title: '相談者種別の延べ件数', items: c.consulter_types.map((t) => ({ name: t.name, value: t.total })), total: c.total }))),
      h('div', { class: 'report-tables' },
        tallyTable('月別', c.months, 'report-months'),
        tallyTable('相談者種別・相手別（経過記録は相手で数える）', c.consulter_types, 'report-consulter-types', { hideEmpty: true }),
        tallyTable('相談内容分類（複数選択のため合計は延べ件数を超えることがあります）', c.categories, 'report-categories'),
        tallyTable('4つの場面別（複数選択あり）', c.scenes, 'report-scenes'),
        tallyTable('対応別（複数選択あり）', c.responses, 'report-responses'),
        tallyTable('転帰別（出力時点の転帰）', c.outcomes, 'report-outcomes'),
        tallyTable('市別', c.cities, 'report-cities'),
        tallyTable('日常生活圏域別', c.areas, 'report-areas'),
        tallyTable('受付方法・手段別（経過記録は手段で数える）', c.intake_methods, 'report-intake'))),
    ...meetingSections(r, ['オ', 'カ']),

    h('section', { class: 'card wide-card', 'aria-labelledby': 'sec-ki' },
      h('h2', { id: 'sec-ki' }, 'キ 地域住民への普及啓発'),
      h('h3', {}, '私の意志表示帳の配布'),
      h('p', { 'data-testid': 'report-booklets' }, `配布 ${num(b.issued)}冊（${num(b.issue_entries)}回）`),
      h('div', { class: 'report-tables' },
        reportTable('配布経路別', ['配布経路', '冊数', '回数'], b.channels.map((q) => figureRow(q.name, num(q.quantity), num(q.entries))), 'report-booklet-channels'),
        reportTable('市別', ['市', '冊数', '回数'], b.cities.map((q) => figureRow(q.name, num(q.quantity), num(q.entries))), 'report-booklet-cities'),
        reportTable('版別', ['版', '冊数', '回数'], b.editions.map((q) => figureRow(q.name, num(q.quantity), num(q.entries))), 'report-booklet-editions')),
      b.materials.length ? h('div', { class: 'report-tables' },
        reportTable('その他の配布物（意志表示帳の冊数には入りません）', ['題名', '部数', '回数'], b.materials.map((q) => figureRow(q.name, num(q.quantity), num(q.entries))), 'report-materials')) : null,
      r.awareness.lectures ? lecturesPart(r.awareness.lectures) : null),
    ...meetingSections(r, ['キ', 'ク']),

    bedSection(r.beds),

    h('section', { class: 'card wide-card definitions', 'aria-labelledby': 'sec-def' },
      h('h2', { id: 'sec-def' }, '数え方'),
      h('dl', {}, r.definitions.map((d) => [h('dt', {}, d.term), h('dd', {}, d.text)]))),
  );
  applyWording(ui.body, r.wording);
}

/**
 * The office's words for headings and fixed names (設定 › 報告の設定),
 * the same map the core applies to the PDF, CSV and Excel: a text that is
 * a default is replaced, keeping a うち row's indent.
 */
function applyWording(root, wording) {
  if (!wording || Object.keys(wording).length === 0) return;
  for (const el of root.querySelectorAll('h2, h3, caption, th, dt, .stat-label')) {
    if (el.children.length > 0) continue;
    const text = el.textContent;
    const bare = text.replace(/^　+/, '');
    const word = wording[bare];
    if (word !== undefined) el.textContent = text.slice(0, text.length - bare.length) + word;
  }
}

function lecturesPart(l) {
  return [
    h('h3', {}, '講座（出前講座・市民公開講座など。研修会は「カ」）'),
    h('p', { 'data-testid': 'report-lectures-summary' },
      `実施 ${num(l.sessions_held)}回・延べ参加者 ${num(l.participants)}人・アンケート回収 ${num(l.forms_returned)}枚（回収率 ${pct(l.response_rate)}）・浸透度 ${pct(l.awareness)}`),
    reportTable('講座の種類別', ['種類', '開催回数', '延べ参加者', '回収率'], l.by_kind.map((k) => figureRow(k.kind, num(k.sessions), num(k.participants), pct(k.response_rate))), 'report-lectures'),
  ];
}
