// 意志表示帳: stock per edition, quick 配布 / 入庫 forms, the period overview
// with its chart, the ledger with corrections and voids, and the editions
// and channels. The fixed DOM is built once; update() redraws the parts
// that depend on data, so focus stays in the form after each entry.

import { api } from '../api.js';
import { h, clear, uniqueId } from '../lib/dom.js';
import { stackedBars, PALETTE } from '../lib/chart.js';
import { clearFieldErrors, showFieldError } from '../lib/forms.js';
import { showMessage, showError, clearMessage } from '../lib/messages.js';
import { renderBookletPrint } from './booklet-print.js';

const PERIOD_KEY = 'zaitaku-booklet-period';

let data = null;
let period = null;
let ui = null;

const n = (value) => Number(value).toLocaleString('ja-JP');

function todayIso() {
  const d = new Date();
  const pad = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function fiscalYearOf(date) {
  return date.getMonth() >= 3 ? date.getFullYear() : date.getFullYear() - 1;
}

function loadPeriod() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(PERIOD_KEY) || 'null');
    if (saved && (saved.kind === 'fiscal' || saved.kind === 'calendar') && Number.isInteger(saved.year)) return saved;
  } catch { /* fall through to the current fiscal year */ }
  return { kind: 'fiscal', year: fiscalYearOf(new Date()) };
}


// ------------------------------------------------------------ form parts

function field({ label, control, hint, wide = false, required = false }) {
  const hintId = hint ? `${control.id}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  const name = control.dataset.field?.replace(/\W/g, '_');
  return h('div', { class: `${wide ? 'field wide' : 'field'}${name ? ` f-${name}` : ''}` },
    h('label', { for: control.id }, label, required ? h('span', { class: 'required', 'aria-hidden': 'true' }, '必須') : null),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    control);
}

function input(fieldName, props = {}) {
  return h('input', { id: uniqueId('b'), type: 'text', autocomplete: 'off', 'data-field': fieldName, name: fieldName, ...props });
}

function select(fieldName, options, props = {}) {
  const el = h('select', { id: uniqueId('b'), 'data-field': fieldName, name: fieldName, ...props });
  setOptions(el, options);
  return el;
}

/** options: [[value, label]]; keeps the current choice when it still exists. */
function setOptions(el, options, wanted = el.value) {
  clear(el);
  for (const [value, label] of options) el.append(h('option', { value }, label));
  if (options.some(([value]) => value === wanted)) el.value = wanted;
}

function editionOptions() {
  // The title is the same for every edition in most offices; then the
  // edition alone fits the field.
  const oneTitle = new Set(data.editions.map((e) => e.title)).size <= 1;
  return data.editions.map((e) => [e.id, `${oneTitle ? '' : `${e.title} `}${e.edition}（在庫 ${n(e.stock)}冊）`]);
}

function channelOptions(keep = null) {
  return data.channels.filter((c) => c.active || c.id === keep).map((c) => [c.id, c.name]);
}

function cityOptions() {
  return [['', '（記録しない）'], ...data.cities.map((c) => [c.id, c.name])];
}

function entryFields(kind) {
  const f = {
    entry_date: input('entry_date', { value: todayIso(), size: 12, 'aria-required': 'true' }),
    edition_id: select('edition_id', [], { 'aria-required': 'true' }),
    quantity: input('quantity', { value: '1', size: 6, inputmode: 'numeric', 'aria-required': 'true' }),
    note: input('note'),
  };
  if (kind === 'issue') {
    f.channel_id = select('channel_id', [], { 'aria-required': 'true' });
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

function entryValues(kind, f) {
  const value = (key) => (f[key] ? f[key].value : '');
  return {
    kind,
    entry_date: value('entry_date'),
    edition_id: value('edition_id'),
    quantity: value('quantity'),
    source: value('source'),
    channel_id: value('channel_id'),
    recipient_type: value('recipient_type'),
    recipient_name: value('recipient_name'),
    city_id: value('city_id'),
    note: value('note'),
  };
}

// ------------------------------------------------------------- the screen

export async function render(container) {
  period = loadPeriod();
  data = await api.bookletScreen(period);

  const periodKind = h('select', { id: 'period-kind', 'aria-label': '集計の区切り' },
    h('option', { value: 'fiscal' }, '年度（4月〜3月）'), h('option', { value: 'calendar' }, '暦年（1月〜12月）'));
  const periodYear = h('select', { id: 'period-year', 'aria-label': '年' });
  periodKind.value = period.kind;
  const onPeriod = () => {
    period = { kind: periodKind.value, year: Number(periodYear.value) };
    sessionStorage.setItem(PERIOD_KEY, JSON.stringify(period));
    reload();
  };
  periodKind.addEventListener('change', onPeriod);
  periodYear.addEventListener('change', onPeriod);

  const issue = entryFields('issue');
  const issueForm = h('form', { id: 'issue-form', class: 'card booklet-form', novalidate: true, 'aria-labelledby': 'issue-title' },
    h('h2', { id: 'issue-title' }, '配布を記録'),
    h('div', { class: 'form-grid issue-grid' },
      field({ label: '冊数', control: issue.quantity, required: true }),
      field({ label: '配布経路', control: issue.channel_id, required: true }),
      field({ label: '日付', control: issue.entry_date, required: true }),
      field({ label: '版', control: issue.edition_id, required: true }),
      field({ label: '配布先の種別', control: issue.recipient_type }),
      field({ label: '配布先（氏名・団体名）', control: issue.recipient_name }),
      field({ label: '市', control: issue.city_id }),
      field({ label: '備考', control: issue.note })),
    h('div', { class: 'booklet-actions' },
      h('button', { type: 'submit', class: 'primary', id: 'issue-submit' }, '配布を記録'),
      h('span', { class: 'muted shortcut' }, '窓口で1冊なら Enter だけで記録できます')));
  issueForm.addEventListener('submit', (e) => {
    e.preventDefault();
    submitEntry(issueForm, 'issue', issue);
  });

  const receipt = entryFields('receipt');
  receipt.quantity.value = '';
  const receiptForm = h('form', { id: 'receipt-form', class: 'card booklet-form', novalidate: true, 'aria-labelledby': 'receipt-title' },
    h('h2', { id: 'receipt-title' }, '入庫を記録'),
    h('div', { class: 'form-grid receipt-grid' },
      field({ label: '冊数', control: receipt.quantity, required: true }),
      field({ label: '入庫元', control: receipt.source, required: true }),
      field({ label: '日付', control: receipt.entry_date, required: true }),
      field({ label: '版', control: receipt.edition_id, required: true }),
      field({ label: '備考', control: receipt.note, wide: true })),
    h('div', { class: 'booklet-actions' },
      h('button', { type: 'submit', class: 'secondary', id: 'receipt-submit' }, '入庫を記録')));
  receiptForm.addEventListener('submit', (e) => {
    e.preventDefault();
    submitEntry(receiptForm, 'receipt', receipt);
  });

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
        h('button', { type: 'button', class: 'secondary', id: 'export-csv', onclick: exportCsv }, 'CSV出力'))),
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
      h('p', { class: 'stock-number' }, h('span', { class: 'stock-value', dataset: { stock: String(e.stock) } }, n(e.stock)), h('span', { class: 'unit' }, '冊')),
      h('p', { class: 'muted stock-sub' }, `入庫 ${n(e.received)}冊・配布 ${n(e.issued)}冊`),
      e.low_stock
        ? h('p', { class: 'stock-warning', role: 'status' }, `在庫が少なくなっています（警告ライン ${n(e.low_stock_threshold)}冊）。増刷を検討してください。`)
        : null));
  }
}

function table(caption, head, rows, className = 'data-table') {
  return h('table', { class: className },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows));
}

function renderOverview() {
  const s = data.summary;
  ui.overviewTitle.textContent = `${s.period_label}の配布`;
  ui.totals.textContent = `配布 ${n(s.issued)}冊（${n(s.issue_entries)}件）・入庫 ${n(s.received)}冊`;
  const series = s.channels.map((c) => ({ name: c.name }));
  clear(ui.chart).append(stackedBars({
    title: `${s.period_label}の月別配布冊数（配布経路別）`,
    months: s.months.map((m) => ({ key: m.month, label: m.label, values: m.by_channel })),
    series,
  }));
  clear(ui.legend);
  s.channels.forEach((c, i) => {
    if (c.quantity === 0 && !data.channels.find((x) => x.id === c.id)?.active) return;
    ui.legend.append(h('li', {}, h('span', { class: 'swatch', dataset: { color: PALETTE[i % PALETTE.length] } }), c.name));
  });
  // Colours set through the DOM, not an inline style string (CSP).
  ui.legend.querySelectorAll('.swatch').forEach((el) => { el.style.background = el.dataset.color; });

  const channelRows = s.channels.filter((c) => c.quantity > 0 || data.channels.find((x) => x.id === c.id)?.active)
    .map((c) => h('tr', {}, h('td', {}, c.name), h('td', { class: 'num' }, n(c.quantity)), h('td', { class: 'num' }, n(c.entries))));
  clear(ui.byChannel).append(table('配布経路別', ['配布経路', '冊数', '件数'], channelRows, 'data-table compact'));
  const cityRows = s.cities.map((c) => h('tr', {}, h('td', {}, c.name), h('td', { class: 'num' }, n(c.quantity)), h('td', { class: 'num' }, n(c.entries))));
  clear(ui.byCity).append(table('市別', ['市', '冊数', '件数'], cityRows, 'data-table compact'));
}

function renderLedger() {
  const entries = data.entries;
  ui.ledgerTitle.textContent = `台帳（${data.summary.period_label}、${n(entries.length)}件）`;
  clear(ui.ledger);
  if (entries.length === 0) {
    ui.ledger.append(h('p', { class: 'muted' }, 'この期間の記録はありません。'));
    return;
  }
  const rows = entries.map((e) => h('tr', { class: e.voided ? 'voided' : null, dataset: { entry: e.id, kind: e.kind } },
    h('td', { class: 'nowrap' }, e.date_label),
    h('td', {}, h('span', { class: `kind kind-${e.kind}` }, e.kind_label)),
    h('td', {}, e.edition_label),
    h('td', { class: 'num' }, n(e.quantity)),
    h('td', {}, e.kind === 'issue' ? e.channel_name : e.source_label),
    h('td', {}, [e.recipient_type, e.recipient_name].filter(Boolean).join('／')),
    h('td', {}, e.city_name),
    h('td', {}, e.note),
    h('td', {}, e.voided ? h('span', { class: 'badge void' }, '取消') : (e.corrections ? h('span', { class: 'badge' }, `訂正${e.corrections}`) : '')),
    h('td', {}, h('button', { type: 'button', class: 'secondary small', 'aria-label': `${e.date_label}の${e.kind_label}を開く`, onclick: () => openEditor(e) }, e.voided ? '履歴' : '訂正・取消'))));
  ui.ledger.append(table('入庫・配布の記録（新しい順）', ['日付', '区分', '版', '冊数', '経路・入庫元', '配布先', '市', '備考', '状態', ''], rows, 'data-table ledger'));
}

// ------------------------------------------------------------- saving

async function submitEntry(form, kind, f) {
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  clearFieldErrors(form);
  clearMessage();
  try {
    const saved = await api.addBookletEntry(entryValues(kind, f));
    data = await api.bookletScreen(period);
    update();
    const stockNow = data.editions.find((e) => e.id === saved.edition_id)?.stock ?? 0;
    const what = kind === 'issue' ? `配布を記録しました：${saved.edition_label} ${n(saved.quantity)}冊（${saved.channel_name}）` : `入庫を記録しました：${saved.edition_label} ${n(saved.quantity)}冊（${saved.source_label}）`;
    showMessage(`${what}。在庫 ${n(stockNow)}冊`, 'success');
    // Ready for the next one: the date, edition and channel stay.
    f.quantity.value = kind === 'issue' ? '1' : '';
    if (f.recipient_name) f.recipient_name.value = '';
    f.note.value = '';
    f.quantity.focus();
    f.quantity.select();
  } catch (error) {
    // Nothing was saved; what was typed stays to be corrected.
    showError(error);
    showFieldError(form, error);
  } finally {
    button.disabled = false;
  }
}

async function exportCsv() {
  clearMessage();
  try {
    const path = await api.exportBookletsCsv(period);
    showMessage(`CSVを保存しました：${path}`, 'success');
  } catch (error) {
    showError(error);
  }
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
      h('h2', { id: 'edit-title' }, `${entry.kind_label}の記録（${entry.date_label}・${entry.edition_label}・${n(entry.quantity)}冊）`),
      h('button', { type: 'button', class: 'secondary small', onclick: close }, '閉じる')),
    entry.voided ? h('p', { class: 'stock-warning' }, `この記録は取り消されています（${entry.void_reason || '理由の記入なし'}）。`) : null,
    entry.voided ? null : h('fieldset', { class: 'plain' },
      h('legend', {}, '訂正'),
      h('div', { class: 'form-grid issue-grid' },
        field({ label: '冊数', control: f.quantity, required: true }),
        entry.kind === 'issue' ? field({ label: '配布経路', control: f.channel_id, required: true }) : field({ label: '入庫元', control: f.source, required: true }),
        field({ label: '日付', control: f.entry_date, required: true }),
        field({ label: '版', control: f.edition_id, required: true }),
        entry.kind === 'issue' ? field({ label: '配布先の種別', control: f.recipient_type }) : null,
        entry.kind === 'issue' ? field({ label: '配布先（氏名・団体名）', control: f.recipient_name }) : null,
        entry.kind === 'issue' ? field({ label: '市', control: f.city_id }) : null,
        field({ label: '備考', control: f.note })),
      h('div', { class: 'booklet-actions' }, h('button', { type: 'submit', class: 'primary', id: 'save-correction' }, '訂正を保存'))),
    entry.voided ? null : h('fieldset', { class: 'plain' },
      h('legend', {}, '取消'),
      h('p', { class: 'hint' }, '取り消した記録は台帳に「取消」として残り、在庫と集計に数えなくなります。'),
      h('div', { class: 'void-row' },
        field({ label: '取消の理由', control: reason }),
        h('button', { type: 'button', class: 'danger', id: 'void-entry', onclick: () => voidEntry(form, entry, reason) }, 'この記録を取り消す'))),
    h('h3', {}, '変更の履歴'),
    history);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    clearMessage();
    try {
      await api.correctBookletEntry(entry.id, entryValues(entry.kind, f));
      close();
      await reload();
      showMessage('訂正を保存しました。変更前の値は履歴に残っています。', 'success');
    } catch (error) {
      showError(error);
      showFieldError(form, error);
    }
  });
  clear(ui.editor).append(form);
  form.scrollIntoView({ block: 'start' });
  (entry.voided ? form.querySelector('button') : f.quantity).focus({ preventScroll: true });
  try {
    const changes = await api.bookletEntryHistory(entry.id);
    for (const c of changes) {
      const detail = c.field ? `${c.field}：${c.old_value || '（空）'} → ${c.new_value || '（空）'}` : c.new_value;
      history.append(h('li', {}, h('span', { class: 'muted' }, `${c.changed_label}　${c.changed_by}　`), h('strong', {}, c.action), ` ${detail}`));
    }
  } catch (error) {
    showError(error);
  }
}

async function voidEntry(form, entry, reason) {
  if (!window.confirm(`${entry.date_label}の${entry.kind_label}（${n(entry.quantity)}冊）を取り消しますか？`)) return;
  clearFieldErrors(form);
  clearMessage();
  try {
    await api.voidBookletEntry(entry.id, reason.value);
    clear(ui.editor);
    await reload();
    showMessage('記録を取り消しました。台帳には「取消」として残ります。', 'success');
  } catch (error) {
    showError(error);
    showFieldError(form, error);
  }
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
  };
  const form = h('form', { class: edition ? 'edition-form' : 'edition-form new', novalidate: true, dataset: { edition: edition?.id ?? 'new' } },
    h('p', { class: 'edition-head' }, edition ? `${edition.title} ${edition.edition}` : '新しい版を追加'),
    h('div', { class: 'form-grid edition-grid' },
      field({ label: '冊子名', control: f.title, required: true }),
      field({ label: '版', control: f.edition, required: true }),
      field({ label: '発行者', control: f.publisher }),
      field({ label: '在庫の警告ライン（冊）', control: f.low_stock_threshold }),
      field({ label: 'メモ', control: f.notes, wide: true })),
    h('button', { type: 'submit', class: 'secondary small' }, edition ? 'この版を保存' : '版を追加'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    clearMessage();
    try {
      const values = Object.fromEntries(Object.entries(f).map(([k, el]) => [k, el.value]));
      const saved = await api.saveBookletEdition({ id: edition?.id ?? null, ...values });
      await reload();
      showMessage(`「${saved.title} ${saved.edition}」を保存しました。`, 'success');
    } catch (error) {
      showError(error);
      showFieldError(form, error);
    }
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
      const active = h('input', { type: 'checkbox', id: uniqueId('b'), checked: c.active });
      active.addEventListener('change', () => { c.active = active.checked; });
      rows.append(h('li', {}, name,
        h('label', { class: 'inline', for: active.id }, active, '使う'),
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
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    clearMessage();
    try {
      await api.saveBookletChannels(list.map((c) => ({ id: c.id, name: c.name, active: c.active })));
      await reload();
      showMessage('配布経路を保存しました。', 'success');
    } catch (error) {
      showError(error);
      showFieldError(form, error);
    }
  });
  ui.channels.append(form);
}
