// 名簿: four tabs — 往診登録医, もの忘れ相談医, 療養支援ベッド, 関係機関 — each
// with search as you type, filters, a CSV of what is shown, and a form to
// add or edit an entry. Validation is Rust's; its messages appear next to
// the field. Nothing is deleted: an entry is marked 登録終了 instead.

import { api } from '../api.js';
import { h, clear, uniqueId, table, tabList, selectTab } from '../lib/dom.js';
import { field, input, textarea, select, checkbox, values, onSubmit, saveFile, fileKind } from '../lib/forms.js';
import { num, todayIso } from '../lib/format.js';
import { showMessage, showError, clearMessage } from '../lib/messages.js';
import { showPrintPreview } from '../lib/print-preview.js';
import { todayBanner, rotaTab, registrationsTab, staysTab, figuresTab } from './beds.js';

const TAB_KEY = 'zaitaku-registry-tab';
// [key, label, the function that draws the tab]
const TABS = [
  ['doctors', '往診登録医', doctorsTab],
  ['dementia', 'もの忘れ相談医', dementiaTab],
  ['beds', '療養支援ベッド', bedsTab],
  // 療養支援ベッド as the scheme runs it (views/beds.js).
  ['bed-rota', '輪番表', () => rotaTab(ui.panel)],
  ['bed-registrations', '事前登録', () => registrationsTab(ui.panel)],
  ['bed-stays', '利用記録', () => staysTab(ui.panel)],
  ['bed-figures', 'ベッド集計', () => figuresTab(ui.panel)],
  ['organisations', '関係機関', organisationsTab],
];

let office = null;
let options = null;
let ui = null;
let tab = 'doctors';
let searchTimer = null;

function cityChoices(empty = '（指定なし）') {
  return [['', empty], ...office.cities.map((c) => [c.id, c.name])];
}

function areaChoices() {
  return [['', '（すべての圏域）'], ...office.cities.flatMap((c) => c.areas.map((a) => [a.id, `${c.name} ${a.name}`]))];
}

function registryTable(caption, head, rows, testid) {
  return table(caption, head, rows, { className: 'data-table registry-table', testid });
}

function badge(text, cls = '') {
  return h('span', { class: `badge ${cls}` }, text);
}

// ------------------------------------------------------------- the screen

export async function render(container) {
  [office, options] = await Promise.all([api.getOffice(), api.registryOptions()]);
  const saved = sessionStorage.getItem(TAB_KEY);
  tab = TABS.some(([key]) => key === saved) ? saved : 'doctors';
  ui = {
    tabs: tabList('名簿の種類', TABS, { controls: () => 'registry-panel', show: switchTab }),
    panel: h('section', { id: 'registry-panel', role: 'tabpanel', class: 'registry-panel' }),
  };
  container.append(h('header', { class: 'view-header' }, h('h1', {}, '名簿')), todayBanner(), ui.tabs, ui.panel);
  await switchTab(tab);
}

async function switchTab(key) {
  tab = key;
  sessionStorage.setItem(TAB_KEY, key);
  selectTab(ui.tabs, key);
  ui.panel.setAttribute('aria-labelledby', `tab-${key}`);
  clearMessage();
  clear(ui.panel);
  await TABS.find(([k]) => k === key)[2]();
}

/**
 * A tab: the search row (a search box, `filters` and buttons), an editor
 * when `open(editor, entry, refresh)` adds and edits entries, and the list
 * `draw(list, rows, tab)` shows of what `load(filter)` finds. The filter
 * is the search text with `query()`; searching as you type redraws.
 */
async function listTab({ name, placeholder, filters = [], query, load, draw, open = null, newLabel, csv, csvLabel = 'CSVを保存', printJob, printTitle, note = null }) {
  const search = h('input', { type: 'search', id: 'registry-search', placeholder, autocomplete: 'off', 'aria-label': '検索' });
  const list = h('div', { id: `${name}-list` });
  const editor = open ? h('div', { id: `${name}-editor` }) : null;
  const filter = () => ({ query: search.value, ...query() });
  const tab = {
    editor,
    refresh: async () => {
      try {
        draw(list, await load(filter()), tab);
      } catch (error) {
        showError(error);
      }
    },
    edit: (entry) => open(editor, entry, tab.refresh),
  };
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(tab.refresh, 150);
  });
  for (const f of filters) f.addEventListener('change', tab.refresh);
  const bar = h('div', { class: 'registry-toolbar' },
    search,
    filters.map((f) => (f.type === 'checkbox' ? f.closest('label') || f : f)),
    h('span', { class: 'toolbar-space' }),
    open ? h('button', { type: 'button', class: 'primary', id: 'registry-new', onclick: () => tab.edit(null) }, newLabel) : null,
    h('button', {
      type: 'button', class: 'secondary', id: 'registry-print', title: '登録中のすべてを印刷します（検索・絞り込みは反映しません）',
      onclick: () => showPrintPreview(printJob, { title: printTitle }).catch(showError),
    }, '印刷'),
    h('button', { type: 'button', class: 'secondary', id: 'registry-csv', onclick: () => saveFile(() => api.exportRegistryCsv(csv(filter()))) }, csvLabel),
    h('button', {
      type: 'button', class: 'secondary', id: 'registry-xlsx',
      onclick: () => saveFile(() => api.exportRegistryCsv(csv(filter()), 'xlsx'), { saved: `${fileKind('xlsx')}を保存しました` }),
    }, 'Excelで保存'));
  ui.panel.append(...[bar, note, editor, list].filter(Boolean));
  await tab.refresh();
  search.focus();
}

/** A count above a list, and the table or `none` when there is nothing. */
function listOf(list, { count, testid, rows, none, caption, head }) {
  clear(list).append(
    h('p', { class: 'registry-count', 'data-testid': `${testid}-count` }, count),
    rows.length === 0 ? h('p', { class: 'muted' }, none) : registryTable(caption, head, rows, `${testid}-table`));
}

function filterCheckbox(label) {
  return checkbox('', label).box;
}

/**
 * The add/edit form of one entry: its heading with 閉じる, the fields, and
 * 保存 with the 登録終了 box. `save()` returns the saved entry, named by
 * `done(saved)` in the message before the list is drawn again.
 */
function entryForm(editor, { id, title, fields, extra = [], retired, saveId, saveLabel = '保存', save, done, refresh }) {
  const form = h('form', { class: 'card editor registry-form', id, novalidate: true, 'aria-labelledby': `${id}-title` },
    h('div', { class: 'editor-head' },
      h('h2', { id: `${id}-title` }, title),
      h('button', { type: 'button', class: 'secondary small', onclick: () => clear(editor) }, '閉じる')),
    h('div', { class: 'form-grid registry-grid' }, fields),
    extra,
    h('div', { class: 'form-actions-inline' },
      h('button', { type: 'submit', class: 'primary', id: saveId }, saveLabel), retired?.label));
  onSubmit(form, async () => {
    const saved = await save();
    clear(editor);
    showMessage(done(saved), 'success');
    await refresh();
  });
  clear(editor).append(form);
  return form;
}

// ------------------------------------------------------------ 往診登録医

async function doctorsTab() {
  const city = select('', cityChoices('（すべての市）'), { 'aria-label': '市' });
  const area = select('', areaChoices(), { 'aria-label': '対応圏域' });
  const eol = filterCheckbox('看取り対応');
  const allDay = filterCheckbox('24時間対応');
  const due = filterCheckbox('登録シート要更新');
  const retired = filterCheckbox('登録終了も表示');
  await listTab({
    name: 'doctor',
    placeholder: '医師名・ふりがな・医療機関・住所で検索',
    filters: [city, area, eol, allDay, due, retired],
    query: () => ({
      city_id: city.value || null,
      area_id: area.value || null,
      end_of_life_only: eol.checked,
      round_the_clock_only: allDay.checked,
      sheet_due_only: due.checked,
      include_retired: retired.checked,
    }),
    load: api.listDoctors,
    draw: drawDoctors,
    open: openDoctor,
    newLabel: '医師を登録',
    csv: (filter) => ({ list: 'doctors', filter }),
    printJob: { kind: 'doctors' },
    printTitle: '往診登録医一覧の印刷',
  });
}

function services(d) {
  return [
    d.home_visits ? badge('往診') : null,
    d.regular_visits ? badge('訪問診療') : null,
    d.end_of_life ? badge('看取り') : null,
    d.round_the_clock ? badge('24時間') : null,
    d.dementia_consult ? badge('もの忘れ', 'dementia') : null,
  ];
}

function drawDoctors(list, doctors, { edit }) {
  const due = doctors.filter((d) => d.sheet_due && !d.retired).length;
  listOf(list, {
    testid: 'doctor',
    count: [`${num(doctors.length)}人`, due ? h('span', { class: 'due-note' }, `（登録シートの更新が必要：${num(due)}人）`) : null],
    none: '該当する医師はいません。',
    caption: '往診登録医',
    head: ['医師名', '医療機関', '市・対応圏域', '対応', '電話・FAX', '登録シート更新日', ''],
    rows: doctors.map((d) => h('tr', { dataset: { id: d.id }, class: d.retired ? 'retired' : null },
          h('td', {}, h('strong', {}, d.name), d.kana ? h('span', { class: 'kana' }, d.kana) : null,
            d.retired ? badge('登録終了', 'void') : null),
          h('td', {}, d.clinic, d.address ? h('span', { class: 'kana' }, d.address) : null),
          h('td', {}, d.city_name || '—', h('span', { class: 'kana' }, d.area_names.join('・'))),
          h('td', {}, services(d)),
          h('td', { class: 'nowrap' }, d.phone || '—', d.fax ? h('span', { class: 'kana' }, `FAX ${d.fax}`) : null),
          h('td', { class: 'nowrap' }, d.sheet_label,
            d.sheet_due && !d.retired ? h('span', { class: 'sheet-due', role: 'note' }, '要更新（1年以上前）') : null),
          h('td', {}, h('button', { type: 'button', class: 'secondary small', onclick: () => edit(d) }, '編集')))),
  });
}

/** The text fields every registry entry shares: address and how to reach it. */
function contactFields(v) {
  return {
    postal_code: input('postal_code', { value: v.postal_code, size: 10 }),
    address: input('address', { value: v.address }),
    phone: input('phone', { value: v.phone, type: 'tel' }),
    fax: input('fax', { value: v.fax, type: 'tel' }),
  };
}

/**
 * 登録終了 with the two dates a past year's report counts by: 登録日 and
 * 登録終了日 (only with 登録終了; empty means today on the Rust side).
 */
function retiredBox(v) {
  const box = checkbox('retired', '登録終了（一覧に出さない）', { checked: v.retired });
  const registered = input('registered_on', { value: v.registered_on, size: 14 });
  const retiredOn = input('retired_on', { value: v.retired_on, size: 14, disabled: !v.retired });
  box.box.addEventListener('change', () => {
    retiredOn.disabled = !box.box.checked;
    if (!box.box.checked) retiredOn.value = '';
  });
  return {
    ...box,
    registered,
    retiredOn,
    fields: [
      field('登録日', registered, { hint: '空欄なら今日。例：令和2年4月1日' }),
      field('登録終了日', retiredOn, { hint: '「登録終了」のとき。空欄なら今日' }),
    ],
  };
}

/** An entry as the Rust side takes it: what was typed, no city as null, 登録終了 and its dates. */
function entryValues(entry, f, retired) {
  return {
    id: entry?.id ?? null, ...values(f), city_id: f.city_id.value || null,
    retired: retired.box.checked, registered_on: retired.registered.value, retired_on: retired.retiredOn.value,
  };
}

function openDoctor(editor, d, refresh) {
  clearMessage();
  const v = d ?? {};
  const f = {
    name: input('name', { value: v.name }),
    kana: input('kana', { value: v.kana }),
    clinic: input('clinic', { value: v.clinic }),
    ...contactFields(v),
    city_id: select('city_id', cityChoices(), { value: v.city_id }),
    sheet_updated_on: input('sheet_updated_on', { value: v.sheet_updated_on, size: 14 }),
    notes: textarea('notes', { rows: 2, value: v.notes }),
  };
  const flags = Object.fromEntries([
    ['home_visits', '往診'], ['regular_visits', '訪問診療'], ['end_of_life', '看取り対応'],
    ['round_the_clock', '24時間対応'], ['dementia_consult', 'もの忘れ相談医'],
  ].map(([key, text]) => [key, checkbox(key, text, { checked: v[key] })]));
  const retired = retiredBox(v);
  const areaBoxes = office.cities.map((c) => h('div', { class: 'area-group' },
    h('span', { class: 'area-city' }, c.name),
    c.areas.map((a) => checkbox('', a.name, { checked: (v.area_ids ?? []).includes(a.id), dataset: { area: a.id } }).label)));
  const areas = h('fieldset', { class: 'plain area-boxes', 'data-field': 'area_ids', tabindex: '-1' },
    h('legend', {}, '対応する日常生活圏域'), areaBoxes);
  entryForm(editor, {
    id: 'doctor-form',
    title: d ? `${d.name}（${d.clinic}）を編集` : '往診登録医を登録',
    fields: [
      field('医師名', f.name, { required: true }),
      field('ふりがな', f.kana),
      field('医療機関名', f.clinic, { required: true }),
      field('市', f.city_id),
      field('郵便番号', f.postal_code),
      field('住所', f.address),
      field('電話番号', f.phone),
      field('FAX番号', f.fax),
      field('登録シート更新日', f.sheet_updated_on, { hint: '例：令和7年4月1日 または 2025-04-01（1年を過ぎると要更新）' }),
      field('備考', f.notes),
      ...retired.fields],
    extra: [h('fieldset', { class: 'plain' }, h('legend', {}, '対応'), Object.values(flags).map((x) => x.label)), areas],
    retired,
    saveId: 'doctor-save',
    save: () => api.saveDoctor({
      ...entryValues(d, f, retired),
      area_ids: [...areas.querySelectorAll('input[data-area]')].filter((b) => b.checked).map((b) => b.dataset.area),
      ...Object.fromEntries(Object.entries(flags).map(([k, x]) => [k, x.box.checked])),
    }),
    done: (saved) => `${saved.name}（${saved.clinic}）を保存しました。`,
    refresh,
  });
  f.name.focus();
}

// ---------------------------------------------------------- もの忘れ相談医

async function dementiaTab() {
  const city = select('', cityChoices('（すべての市）'), { 'aria-label': '市' });
  await listTab({
    name: 'dementia',
    placeholder: '医師名・医療機関・住所で検索',
    filters: [city],
    query: () => ({ city_id: city.value || null, dementia_only: true }),
    load: api.listDoctors,
    draw: (list, doctors) => listOf(list, {
      testid: 'dementia',
      count: `${num(doctors.length)}人`,
      none: '該当するもの忘れ相談医はいません。往診登録医の「もの忘れ相談医」にチェックを入れると載ります。',
      caption: 'もの忘れ相談医リスト',
      head: ['市', '医療機関', '医師名', '住所', '電話番号'],
      rows: doctors.map((d) => h('tr', { dataset: { id: d.id } },
        h('td', {}, d.city_name || '—'), h('td', {}, d.clinic), h('td', {}, d.name),
        h('td', {}, d.address), h('td', { class: 'nowrap' }, d.phone))),
    }),
    csv: () => ({ list: 'dementia' }),
    printJob: { kind: 'dementiaList' },
    printTitle: 'もの忘れ相談医リストの印刷',
    csvLabel: '配布用リストをCSVで保存',
    note: h('p', { class: 'muted' }, '市民に配るもの忘れ相談医リストです。登録・変更は「往診登録医」で行います。「印刷」で市民に配る一覧（市ごと）をプレビューし、PDFの保存や印刷ができます。'),
  });
}

// ---------------------------------------------------------- 療養支援ベッド

async function bedsTab() {
  const city = select('', cityChoices('（すべての市）'), { 'aria-label': '市' });
  const free = filterCheckbox('空床ありのみ');
  const retired = filterCheckbox('登録終了も表示');
  await listTab({
    name: 'bed',
    placeholder: '病院名で検索',
    filters: [city, free, retired],
    query: () => ({ city_id: city.value || null, free_only: free.checked, include_retired: retired.checked }),
    load: api.listSupportBeds,
    draw: drawBeds,
    open: openBed,
    newLabel: '病院を登録',
    csv: (filter) => ({ list: 'beds', filter }),
    printJob: { kind: 'beds' },
    printTitle: '療養支援ベッド一覧の印刷',
  });
}

function drawBeds(list, beds, { edit, editor, refresh }) {
  // h() drops the null parts; the DOM's own append() would print them.
  clear(list).append(h('div', {},
    h('p', { class: 'registry-count', 'data-testid': 'bed-count' }, `${num(beds.length)}病院・${num(beds.reduce((a, b) => a + b.beds, 0))}床`),
    beds.length === 0 ? h('p', { class: 'muted' }, '該当する病院はありません。') : null,
    beds.map((b) => {
      const latest = b.updates[0];
      return h('article', { class: 'card bed-card', dataset: { id: b.id } },
        h('div', { class: 'editor-head' },
          h('h2', {}, b.hospital, b.retired ? badge('登録終了', 'void') : null),
          h('div', { class: 'header-tools' },
            h('button', { type: 'button', class: 'primary small', onclick: () => openBedUpdate(editor, b, refresh) }, '空床を記録'),
            h('button', { type: 'button', class: 'secondary small', onclick: () => edit(b) }, '編集'))),
        h('p', {}, `${b.city_name || '市の記録なし'}・${num(b.beds)}床`, b.phone ? `・電話 ${b.phone}` : ''),
        latest
          ? h('p', { class: latest.free_beds > 0 ? 'bed-latest free' : 'bed-latest full', 'data-testid': 'bed-latest' },
            `最新：${latest.checked_label} 空床 ${num(latest.free_beds)}床`, latest.note ? `（${latest.note}）` : '')
          : h('p', { class: 'muted' }, '空床の記録はまだありません。'),
        b.updates.length > 1
          ? h('details', {}, h('summary', {}, `これまでの記録（${num(b.updates.length)}件、新しい順）`),
            h('ul', { class: 'history' }, b.updates.map((u) => h('li', {}, `${u.checked_label} 空床 ${num(u.free_beds)}床${u.note ? `（${u.note}）` : ''}`))))
          : null,
        b.notes ? h('p', { class: 'muted' }, b.notes) : null);
    })));
}

function openBed(editor, b, refresh) {
  clearMessage();
  const v = b ?? {};
  const f = {
    hospital: input('hospital', { value: v.hospital }),
    city_id: select('city_id', cityChoices(), { value: v.city_id }),
    phone: input('phone', { value: v.phone, type: 'tel' }),
    beds: input('beds', { value: v.beds, size: 5, inputmode: 'numeric' }),
    notes: textarea('notes', { rows: 2, value: v.notes }),
  };
  const retired = retiredBox(v);
  entryForm(editor, {
    id: 'bed-form',
    title: b ? `${b.hospital}を編集` : '療養支援ベッドのある病院を登録',
    fields: [
      field('病院名', f.hospital, { required: true }),
      field('床数', f.beds, { required: true }),
      field('市', f.city_id),
      field('電話番号', f.phone),
      ...retired.fields,
      field('備考', f.notes, { wide: true })],
    retired,
    saveId: 'bed-save',
    save: () => api.saveSupportBed(entryValues(b, f, retired)),
    done: (saved) => `${saved.hospital}を保存しました。`,
    refresh,
  });
  f.hospital.focus();
}

function openBedUpdate(editor, b, refresh) {
  clearMessage();
  const f = {
    checked_on: input('checked_on', { value: todayIso(), size: 14 }),
    free_beds: input('free_beds', { size: 5, inputmode: 'numeric' }),
    note: input('note'),
  };
  entryForm(editor, {
    id: 'bed-update-form',
    title: `${b.hospital}の空床を記録（${num(b.beds)}床）`,
    fields: [
      field('空床数', f.free_beds, { required: true }),
      field('確認日', f.checked_on, { required: true }),
      field('メモ', f.note, { wide: true })],
    saveId: 'bed-update-save',
    saveLabel: '記録',
    save: () => api.addSupportBedUpdate(b.id, values(f)),
    done: (saved) => `${saved.hospital}の空床（${saved.updates[0]?.free_beds ?? ''}床）を記録しました。`,
    refresh,
  });
  f.free_beds.focus();
}

// ---------------------------------------------------------- 関係機関

async function organisationsTab() {
  const kind = select('', [['', '（すべての種別）'], ...options.organisation_kinds.map((k) => [k, k])], { 'aria-label': '種別' });
  const city = select('', cityChoices('（すべての市）'), { 'aria-label': '市' });
  const retired = filterCheckbox('登録終了も表示');
  await listTab({
    name: 'organisation',
    placeholder: '機関名・部署・住所・担当者で検索',
    filters: [kind, city, retired],
    query: () => ({ kind: kind.value, city_id: city.value || null, include_retired: retired.checked }),
    load: api.searchOrganisations,
    draw: (list, orgs, { edit }) => listOf(list, {
      testid: 'organisation',
      count: `${num(orgs.length)}件`,
      none: '該当する関係機関はありません。',
      caption: '関係機関',
      head: ['種別', '機関名・部署', '住所', '電話・FAX', '担当者', ''],
      rows: orgs.map((o) => h('tr', { dataset: { id: o.id }, class: o.retired ? 'retired' : null },
        h('td', {}, o.kind || '—'),
        h('td', {}, h('strong', {}, o.name), o.department ? h('span', { class: 'kana' }, o.department) : null,
          o.retired ? badge('登録終了', 'void') : null),
        h('td', {}, o.address),
        h('td', { class: 'nowrap' }, o.phone || '—', o.fax ? h('span', { class: 'kana' }, `FAX ${o.fax}`) : null),
        h('td', {}, o.contact_person),
        h('td', {}, h('button', { type: 'button', class: 'secondary small', onclick: () => edit(o) }, '編集')))),
    }),
    open: openOrganisation,
    newLabel: '関係機関を登録',
    csv: (filter) => ({ list: 'organisations', filter }),
    printJob: { kind: 'organisations' },
    printTitle: '関係機関一覧の印刷',
  });
}

function openOrganisation(editor, o, refresh) {
  clearMessage();
  const v = o ?? {};
  const kinds = h('datalist', { id: uniqueId('kinds') }, options.organisation_kinds.map((k) => h('option', { value: k })));
  const f = {
    kind: input('kind', { value: v.kind, list: kinds.id }),
    name: input('name', { value: v.name }),
    department: input('department', { value: v.department }),
    ...contactFields(v),
    city_id: select('city_id', cityChoices(), { value: v.city_id }),
    email: input('email', { value: v.email, type: 'email' }),
    contact_person: input('contact_person', { value: v.contact_person }),
    notes: textarea('notes', { rows: 2, value: v.notes }),
  };
  const retired = retiredBox(v);
  entryForm(editor, {
    id: 'organisation-form',
    title: o ? `${o.name}を編集` : '関係機関を登録',
    fields: [
      kinds,
      field('機関名', f.name, { required: true }),
      field('部署', f.department, { hint: '例：地域連携室' }),
      field('種別', f.kind, { hint: '候補から選ぶか入力' }),
      field('市', f.city_id),
      field('郵便番号', f.postal_code),
      field('住所', f.address),
      field('電話番号', f.phone),
      field('FAX番号', f.fax),
      field('メール', f.email),
      field('担当者', f.contact_person),
      ...retired.fields,
      field('備考', f.notes, { wide: true })],
    retired,
    saveId: 'organisation-save',
    save: () => api.saveRegistryOrganisation(entryValues(o, f, retired)),
    done: (saved) => `${saved.name}を保存しました。`,
    refresh,
  });
  f.name.focus();
}
