// 意志表示帳: stock per edition, quick 配布 / 入庫 forms, the period overview
// with its chart, the ledger with corrections and voids, and the editions
// and channels. The fixed DOM is built once; update() redraws the parts
// that depend on data, so focus stays in the form after each entry.

import { api } from '../api.js';
import { h, clear, table } from '../lib/dom.js';
import { stackedBars, legend } from '../lib/chart.js';
import { field, input, select, setOptions, checkbox, values, onSubmit, attempt, saveFile, fileKind } from '../lib/forms.js';
import { num, todayIso } from '../lib/format.js';
import { showMessage, showError, clearMessage } from '../lib/messages.js';
import { loadPeriod, savePeriod } from '../lib/period.js';
import { renderBookletPrint } from './booklet-print.js';

const PERIOD_KEY = 'zaitaku-booklet-period';

let data = null;
let period = null;
let ui = null;

// ------------------------------------------------------------ form parts

function editionOptions() {
  // The title is the same for every edition in most offices; then the
  // edition alone fits the field.
  const oneTitle = new Set(data.editions.map((e) => e.title)).size <= 1;
  return data.editions.map((e) => [e.id, `${oneTitle ? '' : `${e.title} `}${e.edition}（在庫 ${num(e.stock)}冊）`]);
}

function channelOptions(keep = null) {
  return data.channels.filter((c) => c.active || c.id === keep).map((c) => [c.id, c.name]);
}

function cityOptions() {
  return [['', '（記録しない）'], ...data.cities.map((c) => [c.id, c.name])];
}

function entryFields(kind) {
  const f = {
    entry_date: input('entry_date', { value: todayIso(), size: 12 }),
    edition_id: select('edition_id', []),
    quantity: input('quantity', { value: '1', size: 6, inputmode: 'numeric' }),
    note: input('note'),
  };
  if (kind === 'issue') {
    f.channel_id = select('channel_id', []);
    f.recipient_type = select('recipient_type', []);
    f.recipient_name = input('recipient_name');
    f.city_id = select('city_id', []);
  } else {
    f.source = select('source', []);
  }
  return f;
}

function fillEntryOptions(f, entry = null) {
  setOptions(f.edition_id, editionOptions(), entry?.edition_id ?? (f.edition_id.value || data.default_edition_id));
  if (f.channel_id) {
    setOptions(f.channel_id, channelOptions(entry?.channel_id), entry?.channel_id ?? f.channel_id.value);
    setOptions(f.recipient_type, [['', '（記録しない）'], ...data.recipient_types.map((t) => [t, t])], entry?.recipient_type ?? f.recipient_type.value);
    setOptions(f.city_id, cityOptions(), entry?.city_id ?? f.city_id.value);
  }
  if (f.source) setOptions(f.source, data.sources, entry?.source ?? f.source.value);
}

const NO_ENTRY_VALUES = { source: '', channel_id: '', recipient_type: '', recipient_name: '', city_id: '' };

/** What the form says, with the fields the other kind has left empty. */
function entryValues(kind, f) {
  return { ...NO_ENTRY_VALUES, ...values(f), kind };
}

/**
 * The fields of an entry in the order of the grid: 冊数 and 配布経路 (or
 * 入庫元) first, where a counter hand-out starts.
 */
function entryGrid(kind, f, className) {
  const issue = kind === 'issue';
  return h('div', { class: `form-grid ${className}` },
    field('冊数', f.quantity, { required: true }),
    issue ? field('配布経路', f.channel_id, { required: true }) : field('入庫元', f.source, { required: true }),
    field('日付', f.entry_date, { required: true }),
    field('版', f.edition_id, { required: true }),
    issue ? [
      field('配布先の種別', f.recipient_type),
      field('配布先（氏名・団体名）', f.recipient_name),
      field('市', f.city_id)] : null,
    field('備考', f.note, { wide: className === 'receipt-grid' }));
}

// ------------------------------------------------------------- the screen

export async function render(container) {
  const { current_year: currentYear } = await api.periodOptions();
  period = loadPeriod(PERIOD_KEY, (p) => (p.kind === 'fiscal' || p.kind === 'calendar') && Number.isInteger(p.year), currentYear);
  data = await api.bookletScreen(period);

  const periodKind = h('select', { id: 'period-kind', 'aria-label': '集計の区切り' },
    h('option', { value: 'fiscal' }, '年度（4月〜3月）'), h('option', { value: 'calendar' }, '暦年（1月〜12月）'));
  const periodYear = h('select', { id: 'period-year', 'aria-label': '年' });
  periodKind.value = period.kind;
  const onPeriod = () => {
    period = { kind: periodKind.value, year: Number(periodYear.value) };
    savePeriod(PERIOD_KEY, period);
    reload();
  };
  periodKind.addEventListener('change', onPeriod);
  periodYear.addEventListener('change', onPeriod);

  const issue = entryFields('issue');
  const issueForm = h('form', { id: 'issue-form', class: 'card booklet-form', novalidate: true, 'aria-labelledby': 'issue-title' },
    h('h2', { id: 'issue-title' }, '配布を記録'),
    entryGrid('issue', issue, 'issue-grid'),
    h('div', { class: 'booklet-actions' },
      h('button', { type: 'submit', class: 'primary', id: 'issue-submit' }, '配布を記録'),
      h('span', { class: 'muted shortcut' }, '窓口で1冊なら Enter だけで記録できます')));
  onSubmit(issueForm, () => saveEntry('issue', issue));

  const receipt = entryFields('receipt');
  receipt.quantity.value = '';
  const receiptForm = h('form', { id: 'receipt-form', class: 'card booklet-form', novalidate: true, 'aria-labelledby': 'receipt-title' },
    h('h2', { id: 'receipt-title' }, '入庫を記録'),
    entryGrid('receipt', receipt, 'receipt-grid'),
    h('div', { class: 'booklet-actions' },
      h('button', { type: 'submit', class: 'secondary', id: 'receipt-submit' }, '入庫を記録')));
  onSubmit(receiptForm, () => saveEntry('receipt', receipt));

  ui = {
    periodKind, periodYear, issue, issueForm, receipt, receiptForm,
    stock: h('section', { class: 'stock-cards', id: 'stock-cards', 'aria-label': '版ごとの在庫' }),
    overviewTitle: h('h2', { id: 'overview-title' }),
    totals: h('p', { class: 'overview-totals', id: 'overview-totals' }),
    chart: h('div', { class: 'chart-box', id: 'booklet-chart' }),
    legend: h('ul', { class: 'chart-legend', id: 'chart-legend', 'aria-label': '配布経路の色' }),
    byChannel: h('div', { id: 'by-channel' }),
    byCity: h('div', { id: 'by-city' }),
    editor: h('div', { id: 'entry-editor' }),
    ledgerTitle: h('h2', { id: 'ledger-title' }),
    ledger: h('div', { class: 'ledger-box', id: 'ledger' }),
    editions: h('div', { id: 'editions' }),
    channels: h('div', { id: 'channels' }),
  };

  container.append(
    h('header', { class: 'view-header booklet-header' },
      h('h1', {}, '意志表示帳'),
      h('div', { class: 'header-tools' },
        periodKind, periodYear,
        ['csv', 'xlsx'].map((format) => h('button', {
          type: 'button', class: 'secondary', id: format === 'csv' ? 'export-csv' : 'export-xlsx',
          onclick: () => saveFile(() => api.exportBookletsCsv(period, format), { saved: `${fileKind(format)}を保存しました` }),
        }, `${fileKind(format)}出力`)))),
    ui.stock,
    h('div', { class: 'booklet-forms' }, issueForm, receiptForm),
    h('section', { class: 'card wide-card', 'aria-labelledby': 'overview-title' },
      h('div', { class: 'overview-head' }, ui.overviewTitle, ui.totals),
      h('div', { class: 'overview-grid' },
        h('div', {}, ui.chart, ui.legend),
        h('div', { class: 'overview-tables' }, ui.byChannel, ui.byCity))),
    ui.editor,
    h('section', { class: 'card wide-card', 'aria-labelledby': 'ledger-title' }, ui.ledgerTitle, ui.ledger),
    h('details', { class: 'card wide-card booklet-settings', id: 'booklet-settings' },
      h('summary', {}, '版と配布経路の設定'),
      h('div', { class: 'settings-columns' },
        h('div', {}, h('h3', {}, '版'), ui.editions),
        h('div', {}, h('h3', {}, '配布経路'), ui.channels))),
  );
  update();
  await renderBookletPrint(container);
  // A counter hand-out: the screen opens with 冊数 (1) selected, so Enter
  // records it. After main.js has put focus on the content area.
  setTimeout(() => {
    issue.quantity.focus();
    issue.quantity.select();
  }, 0);
}

async function reload() {
  try {
    data = await api.bookletScreen(period);
    update();
  } catch (error) {
    showError(error);
  }
}

function update() {
  setOptions(ui.periodYear, data.years.map((y) => [String(y.year), period.kind === 'fiscal' ? y.fiscal_label : y.calendar_label]), String(period.year));
  fillEntryOptions(ui.issue);
  fillEntryOptions(ui.receipt);
  renderStock();
  renderOverview();
  renderLedger();
  renderEditions();
  renderChannels();
}

function renderStock() {
  clear(ui.stock);
  if (data.editions.length === 0) {
    ui.stock.append(h('p', { class: 'card muted' }, 'まだ版が登録されていません。下の「版と配布経路の設定」から登録してください。'));
    return;
  }
  for (const e of data.editions) {
    ui.stock.append(h('div', { class: e.low_stock ? 'stock-card low' : 'stock-card', dataset: { edition: e.id } },
      h('p', { class: 'stock-title' }, e.title, ' ', h('strong', {}, e.edition)),
      h('p', { class: 'stock-number' }, h('span', { class: 'stock-value', dataset: { stock: String(e.stock) } }, num(e.stock)), h('span', { class: 'unit' }, '冊')),
      h('p', { class: 'muted stock-sub' }, `入庫 ${num(e.received)}冊・配布 ${num(e.issued)}冊`),
      e.low_stock
        ? h('p', { class: 'stock-warning', role: 'status' }, `在庫が少なくなっています（警告ライン ${num(e.low_stock_threshold)}冊）。増刷を検討してください。`)
        : null));
  }
}

function renderOverview() {
  const s = data.summary;
  ui.overviewTitle.textContent = `${s.period_label}の配布`;
  ui.totals.textContent = `配布 ${num(s.issued)}冊（${num(s.issue_entries)}件）・入庫 ${num(s.received)}冊`;
  const series = s.channels.map((c) => ({ name: c.name }));
  clear(ui.chart).append(stackedBars({
    title: `${s.period_label}の月別配布冊数（配布経路別）`,
    months: s.months.map((m) => ({ key: m.month, label: m.label, values: m.by_channel })),
    series,
  }));
  // A retired channel without hand-outs keeps its colour but is not listed.
  const shown = (c) => c.quantity > 0 || data.channels.find((x) => x.id === c.id)?.active;
  const key = legend(s.channels.map((c) => (shown(c) ? c.name : null)), { id: 'chart-legend', 'aria-label': '配布経路の色' });
  ui.legend.replaceWith(key);
  ui.legend = key;

  const countRow = (c) => h('tr', {}, h('td', {}, c.name), h('td', { class: 'num' }, num(c.quantity)), h('td', { class: 'num' }, num(c.entries)));
  const compact = { className: 'data-table compact' };
  clear(ui.byChannel).append(table('配布経路別', ['配布経路', '冊数', '件数'], s.channels.filter(shown).map(countRow), compact));
  clear(ui.byCity).append(table('市別', ['市', '冊数', '件数'], s.cities.map(countRow), compact),
    s.editions.length > 1 ? table('版別', ['版', '冊数', '件数'], s.editions.map(countRow), compact) : null,
    s.materials.length ? table('その他の配布物（意志表示帳の冊数には入りません）', ['題名', '部数', '件数'], s.materials.map(countRow), compact) : null);
}

function renderLedger() {
  const entries = data.entries;
  ui.ledgerTitle.textContent = `台帳（${data.summary.period_label}、${num(entries.length)}件）`;
  clear(ui.ledger);
  if (entries.length === 0) {
    ui.ledger.append(h('p', { class: 'muted' }, 'この期間の記録はありません。'));
    return;
  }
  const rows = entries.map((e) => h('tr', { class: e.voided ? 'voided' : null, dataset: { entry: e.id, kind: e.kind } },
    h('td', { class: 'nowrap' }, e.date_label),
    h('td', {}, h('span', { class: `kind kind-${e.kind}` }, e.kind_label)),
    h('td', {}, e.edition_label),
    h('td', { class: 'num' }, num(e.quantity)),
    h('td', {}, e.kind === 'issue' ? e.channel_name : e.source_label),
    h('td', {}, [e.recipient_type, e.recipient_name].filter(Boolean).join('／')),
    h('td', {}, e.city_name),
    h('td', {}, e.note),
    h('td', {}, e.voided ? h('span', { class: 'badge void' }, '取消') : (e.corrections ? h('span', { class: 'badge' }, `訂正${e.corrections}`) : '')),
    h('td', {}, h('button', { type: 'button', class: 'secondary small', 'aria-label': `${e.date_label}の${e.kind_label}を開く`, onclick: () => openEditor(e) }, e.voided ? '履歴' : '訂正・取消'))));
  ui.ledger.append(table('入庫・配布の記録（新しい順）', ['日付', '区分', '版', '冊数', '経路・入庫元', '配布先', '市', '備考', '状態', ''], rows, { className: 'data-table ledger' }));
}

// ------------------------------------------------------------- saving

/** Records a new entry; on an error nothing was saved and what was typed stays. */
async function saveEntry(kind, f) {
  const saved = await api.addBookletEntry(entryValues(kind, f));
  data = await api.bookletScreen(period);
  update();
  const stockNow = data.editions.find((e) => e.id === saved.edition_id)?.stock ?? 0;
  const what = kind === 'issue' ? `配布を記録しました：${saved.edition_label} ${num(saved.quantity)}冊（${saved.channel_name}）` : `入庫を記録しました：${saved.edition_label} ${num(saved.quantity)}冊（${saved.source_label}）`;
  showMessage(`${what}。在庫 ${num(stockNow)}冊`, 'success');
  // Ready for the next one: the date, edition and channel stay.
  f.quantity.value = kind === 'issue' ? '1' : '';
  if (f.recipient_name) f.recipient_name.value = '';
  f.note.value = '';
  f.quantity.focus();
  f.quantity.select();
}


// ------------------------------------------------- correction and void

async function openEditor(entry) {
  clearMessage();
  const f = entryFields(entry.kind);
  fillEntryOptions(f, entry);
  f.entry_date.value = entry.entry_date;
  f.quantity.value = String(entry.quantity);
  f.note.value = entry.note;
  if (f.recipient_name) f.recipient_name.value = entry.recipient_name;
  const reason = input('void_reason', { placeholder: '例：二重に入力したため' });
  const history = h('ol', { class: 'history', id: 'entry-history' });
  const close = () => clear(ui.editor);
  const form = h('form', { class: 'card wide-card editor', id: 'edit-form', novalidate: true, 'aria-labelledby': 'edit-title' },
    h('div', { class: 'editor-head' },
      h('h2', { id: 'edit-title' }, `${entry.kind_label}の記録（${entry.date_label}・${entry.edition_label}・${num(entry.quantity)}冊）`),
      h('button', { type: 'button', class: 'secondary small', onclick: close }, '閉じる')),
    entry.voided ? h('p', { class: 'stock-warning' }, `この記録は取り消されています（${entry.void_reason || '理由の記入なし'}）。`) : null,
    entry.voided ? null : h('fieldset', { class: 'plain' },
      h('legend', {}, '訂正'),
      entryGrid(entry.kind, f, 'issue-grid'),
      h('div', { class: 'booklet-actions' }, h('button', { type: 'submit', class: 'primary', id: 'save-correction' }, '訂正を保存'))),
    entry.voided ? null : h('fieldset', { class: 'plain' },
      h('legend', {}, '取消'),
      h('p', { class: 'hint' }, '取り消した記録は台帳に「取消」として残り、在庫と集計に数えなくなります。'),
      h('div', { class: 'void-row' },
        field('取消の理由', reason),
        h('button', { type: 'button', class: 'danger', id: 'void-entry', onclick: () => voidEntry(form, entry, reason) }, 'この記録を取り消す'))),
    h('h3', {}, '変更の履歴'),
    history);
  onSubmit(form, async () => {
    await api.correctBookletEntry(entry.id, entryValues(entry.kind, f));
    close();
    await reload();
    showMessage('訂正を保存しました。変更前の値は履歴に残っています。', 'success');
  });
  clear(ui.editor).append(form);
  form.scrollIntoView({ block: 'start' });
  (entry.voided ? form.querySelector('button') : f.quantity).focus({ preventScroll: true });
  const changes = await attempt(null, () => api.bookletEntryHistory(entry.id)) ?? [];
  for (const c of changes) {
    const detail = c.field ? `${c.field}：${c.old_value || '（空）'} → ${c.new_value || '（空）'}` : c.new_value;
    history.append(h('li', {}, h('span', { class: 'muted' }, `${c.changed_label}　${c.changed_by}　`), h('strong', {}, c.action), ` ${detail}`));
  }
}

async function voidEntry(form, entry, reason) {
  if (!window.confirm(`${entry.date_label}の${entry.kind_label}（${num(entry.quantity)}冊）を取り消しますか？`)) return;
  await attempt(form, async () => {
    await api.voidBookletEntry(entry.id, reason.value);
    clear(ui.editor);
    await reload();
    showMessage('記録を取り消しました。台帳には「取消」として残ります。', 'success');
  });
}

// ------------------------------------------------- editions and channels

function renderEditions() {
  clear(ui.editions);
  const rows = [...data.editions, null];
  for (const e of rows) ui.editions.append(editionForm(e));
}

function editionForm(edition) {
  const f = {
    title: input('title', { value: edition?.title ?? '私の意志表示帳' }),
    edition: input('edition', { value: edition?.edition ?? '', placeholder: '例：第3版 令和8年4月' }),
    publisher: input('publisher', { value: edition?.publisher ?? '' }),
    notes: input('notes', { value: edition?.notes ?? '' }),
    low_stock_threshold: input('low_stock_threshold', { value: edition ? String(edition.low_stock_threshold || '') : '', size: 6, inputmode: 'numeric' }),
    is_booklet: select('is_booklet', [['1', '私の意志表示帳'], ['0', 'その他の配布物（パンフレットなど）']], { value: edition && !edition.is_booklet ? '0' : '1' }),
  };
  const form = h('form', { class: edition ? 'edition-form' : 'edition-form new', novalidate: true, dataset: { edition: edition?.id ?? 'new' } },
    h('p', { class: 'edition-head' }, edition ? `${edition.title} ${edition.edition}` : '新しい版を追加'),
    h('div', { class: 'form-grid edition-grid' },
      field('冊子名', f.title, { required: true }),
      field('版', f.edition, { required: true }),
      field('発行者', f.publisher),
      field('在庫の警告ライン（冊）', f.low_stock_threshold),
      field('種類', f.is_booklet, { hint: 'その他の配布物は題名ごとに数え、意志表示帳の冊数には入れません' }),
      field('メモ', f.notes, { wide: true })),
    h('button', { type: 'submit', class: 'secondary small' }, edition ? 'この版を保存' : '版を追加'));
  onSubmit(form, async () => {
    const saved = await api.saveBookletEdition({ id: edition?.id ?? null, ...values(f), is_booklet: f.is_booklet.value === '1' });
    await reload();
    showMessage(`「${saved.title} ${saved.edition}」を保存しました。`, 'success');
  });
  return form;
}

function renderChannels() {
  clear(ui.channels);
  const list = data.channels.map((c) => ({ ...c }));
  const form = h('form', { id: 'channels-form', novalidate: true });
  const rows = h('ul', { class: 'channel-list' });
  const draw = () => {
    clear(rows);
    list.forEach((c, i) => {
      const name = input(`channels.${i}.name`, { value: c.name, 'aria-label': `配布経路${i + 1}` });
      name.addEventListener('input', () => { c.name = name.value; });
      const active = checkbox('', '使う', { checked: c.active });
      active.box.addEventListener('change', () => { c.active = active.box.checked; });
      rows.append(h('li', {}, name, active.label,
        c.id ? null : h('button', { type: 'button', class: 'danger-link', onclick: () => { list.splice(i, 1); draw(); } }, '削除')));
    });
  };
  draw();
  form.append(
    h('p', { class: 'hint' }, '記録で使った経路は消さずに「使う」を外すと、新しい配布の選択肢から隠れます。'),
    rows,
    h('div', { class: 'booklet-actions' },
      h('button', { type: 'button', class: 'secondary small', onclick: () => { list.push({ id: null, name: '', active: true }); draw(); rows.lastChild?.querySelector('input')?.focus(); } }, '＋ 経路を追加'),
      h('button', { type: 'submit', class: 'secondary small' }, '経路を保存')));
  onSubmit(form, async () => {
    await api.saveBookletChannels(list.map((c) => ({ id: c.id, name: c.name, active: c.active })));
    await reload();
    showMessage('配布経路を保存しました。', 'success');
  });
  ui.channels.append(form);
}
