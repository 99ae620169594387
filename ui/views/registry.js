// 名簿: four tabs — 往診登録医, もの忘れ相談医, 療養支援ベッド, 関係機関 — each
// with search as you type, filters, a CSV of what is shown, and a form to
// add or edit an entry. Validation is Rust's; its messages appear next to
// the field. Nothing is deleted: an entry is marked 登録終了 instead.

import { api } from '../api.js';
import { h, clear, uniqueId } from '../lib/dom.js';
import { clearFieldErrors, showFieldError } from '../lib/forms.js';
import { showMessage, showError, clearMessage } from '../lib/messages.js';
import { showPrintPreview } from '../lib/print-preview.js';

const TAB_KEY = 'zaitaku-registry-tab';
const TABS = [
  { key: 'doctors', label: '往診登録医' },
  { key: 'dementia', label: 'もの忘れ相談医' },
  { key: 'beds', label: '療養支援ベッド' },
  { key: 'organisations', label: '関係機関' },
];

let office = null;
let options = null;
let ui = null;
let tab = 'doctors';
let searchTimer = null;

const n = (value) => Number(value).toLocaleString('ja-JP');

function todayIso() {
  const d = new Date();
  const pad = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// ------------------------------------------------------------ form parts

function input(fieldName, props = {}) {
  return h('input', { id: uniqueId('g'), type: 'text', autocomplete: 'off', 'data-field': fieldName, name: fieldName, ...props });
}

function select(fieldName, choices, value = '', props = {}) {
  const el = h('select', { id: uniqueId('g'), 'data-field': fieldName, name: fieldName, ...props },
    choices.map(([v, label]) => h('option', { value: v }, label)));
  el.value = value ?? '';
  return el;
}

function checkbox(fieldName, label, checked = false) {
  const box = h('input', { type: 'checkbox', id: uniqueId('g'), name: fieldName, 'data-field': fieldName });
  box.checked = Boolean(checked);
  return { box, label: h('label', { class: 'inline', for: box.id }, box, label) };
}

function field(label, control, { hint = '', required = false, wide = false } = {}) {
  const hintId = hint ? `${control.id}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  if (required) control.setAttribute('aria-required', 'true');
  return h('div', { class: wide ? 'field wide' : 'field' },
    h('label', { for: control.id }, label, required ? h('span', { class: 'required', 'aria-hidden': 'true' }, '必須') : null),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    control);
}

function cityChoices(empty = '（指定なし）') {
  return [['', empty], ...office.cities.map((c) => [c.id, c.name])];
}

function areaChoices() {
  return [['', '（すべての圏域）'], ...office.cities.flatMap((c) => c.areas.map((a) => [a.id, `${c.name} ${a.name}`]))];
}

function table(caption, head, rows, testid) {
  return h('table', { class: 'data-table registry-table', 'data-testid': testid },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows));
}

function badge(text, cls = '') {
  return h('span', { class: `badge ${cls}` }, text);
}

// ------------------------------------------------------------- the screen

export async function render(container) {
  [office, options] = await Promise.all([api.getOffice(), api.registryOptions()]);
  const saved = sessionStorage.getItem(TAB_KEY);
  tab = TABS.some((t) => t.key === saved) ? saved : 'doctors';

  const tabList = h('div', { class: 'tabs', role: 'tablist', 'aria-label': '名簿の種類' },
    TABS.map((t) => h('button', {
      type: 'button', role: 'tab', id: `tab-${t.key}`, 'aria-controls': 'registry-panel', dataset: { tab: t.key },
      onclick: () => switchTab(t.key),
    }, t.label)));
  // Arrow keys move between tabs (WAI-ARIA tabs pattern).
  tabList.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = TABS.findIndex((t) => t.key === tab);
    const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length].key;
    switchTab(next);
    document.getElementById(`tab-${next}`).focus();
  });
  ui = {
    tabList,
    panel: h('section', { id: 'registry-panel', role: 'tabpanel', class: 'registry-panel' }),
  };
  container.append(h('header', { class: 'view-header' }, h('h1', {}, '名簿')), tabList, ui.panel);
  await switchTab(tab);
}

async function switchTab(key) {
  tab = key;
  sessionStorage.setItem(TAB_KEY, key);
  ui.tabList.querySelectorAll('[role="tab"]').forEach((b) => {
    const selected = b.dataset.tab === key;
    b.setAttribute('aria-selected', String(selected));
    b.tabIndex = selected ? 0 : -1;
  });
  ui.panel.setAttribute('aria-labelledby', `tab-${key}`);
  clearMessage();
  const builders = { doctors: doctorsTab, dementia: dementiaTab, beds: bedsTab, organisations: organisationsTab };
  clear(ui.panel);
  await builders[key]();
}

/** The search row shared by the tabs: a search box, filters, buttons. */
function toolbar({ placeholder, filters = [], onChange, onNew, newLabel, onCsv, csvLabel = 'CSVを保存', printJob, printTitle }) {
  const search = h('input', {
    type: 'search', id: 'registry-search', placeholder, autocomplete: 'off', 'aria-label': '検索',
  });
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(onChange, 150);
  });
  for (const f of filters) f.addEventListener('change', onChange);
  const bar = h('div', { class: 'registry-toolbar' },
    search,
    filters.map((f) => (f.type === 'checkbox' ? f.closest('label') || f : f)),
    h('span', { class: 'toolbar-space' }),
    onNew ? h('button', { type: 'button', class: 'primary', id: 'registry-new', onclick: onNew }, newLabel) : null,
    printJob ? h('button', {
      type: 'button', class: 'secondary', id: 'registry-print', title: '登録中のすべてを印刷します（検索・絞り込みは反映しません）',
      onclick: () => showPrintPreview(printJob, { title: printTitle }).catch(showError),
    }, '印刷') : null,
    h('button', { type: 'button', class: 'secondary', id: 'registry-csv', onclick: onCsv }, csvLabel));
  return { bar, search };
}

function filterCheckbox(label) {
  const { box, label: wrap } = checkbox('', label);
  box.removeAttribute('data-field');
  return { box, wrap };
}

async function saveCsv(choice) {
  clearMessage();
  try {
    const path = await api.exportRegistryCsv(choice);
    showMessage(`CSVを保存しました：${path}`, 'success');
  } catch (error) {
    showError(error);
  }
}

/** Runs `save`; on a field error shows it by the field. Returns the result or null. */
async function submit(form, button, save) {
  clearMessage();
  clearFieldErrors(form);
  button.disabled = true;
  try {
    return await save();
  } catch (error) {
    showError(error);
    showFieldError(form, error);
    return null;
  } finally {
    button.disabled = false;
  }
}

// ------------------------------------------------------------ 往診登録医

async function doctorsTab() {
  const city = select('', cityChoices('（すべての市）'), '', { 'aria-label': '市' });
  const area = select('', areaChoices(), '', { 'aria-label': '対応圏域' });
  const eol = filterCheckbox('看取り対応');
  const allDay = filterCheckbox('24時間対応');
  const due = filterCheckbox('登録シート要更新');
  const retired = filterCheckbox('登録終了も表示');
  const list = h('div', { id: 'doctor-list' });
  const editor = h('div', { id: 'doctor-editor' });
  const filter = () => ({
    query: tools.search.value,
    city_id: city.value || null,
    area_id: area.value || null,
    end_of_life_only: eol.box.checked,
    round_the_clock_only: allDay.box.checked,
    sheet_due_only: due.box.checked,
    include_retired: retired.box.checked,
  });
  const refresh = async () => {
    try {
      drawDoctors(list, await api.listDoctors(filter()), (d) => openDoctor(editor, d, refresh));
    } catch (error) {
      showError(error);
    }
  };
  const tools = toolbar({
    placeholder: '医師名・ふりがな・医療機関・住所で検索',
    filters: [city, area, eol.box, allDay.box, due.box, retired.box],
    onChange: refresh,
    onNew: () => openDoctor(editor, null, refresh),
    newLabel: '医師を登録',
    onCsv: () => saveCsv({ list: 'doctors', filter: filter() }),
    printJob: { kind: 'doctors' },
    printTitle: '往診登録医一覧の印刷',
  });
  ui.panel.append(tools.bar, editor, list);
  await refresh();
  tools.search.focus();
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

function drawDoctors(list, doctors, onEdit) {
  const due = doctors.filter((d) => d.sheet_due && !d.retired).length;
  clear(list).append(
    h('p', { class: 'registry-count', 'data-testid': 'doctor-count' },
      `${n(doctors.length)}人`, due ? h('span', { class: 'due-note' }, `（登録シートの更新が必要：${n(due)}人）`) : null),
    doctors.length === 0
      ? h('p', { class: 'muted' }, '該当する医師はいません。')
      : table('往診登録医', ['医師名', '医療機関', '市・対応圏域', '対応', '電話・FAX', '登録シート更新日', ''],
        doctors.map((d) => h('tr', { dataset: { id: d.id }, class: d.retired ? 'retired' : null },
          h('td', {}, h('strong', {}, d.name), d.kana ? h('span', { class: 'kana' }, d.kana) : null,
            d.retired ? badge('登録終了', 'void') : null),
          h('td', {}, d.clinic, d.address ? h('span', { class: 'kana' }, d.address) : null),
          h('td', {}, d.city_name || '—', h('span', { class: 'kana' }, d.area_names.join('・'))),
          h('td', {}, services(d)),
          h('td', { class: 'nowrap' }, d.phone || '—', d.fax ? h('span', { class: 'kana' }, `FAX ${d.fax}`) : null),
          h('td', { class: 'nowrap' }, d.sheet_label,
            d.sheet_due && !d.retired ? h('span', { class: 'sheet-due', role: 'note' }, '要更新（1年以上前）') : null),
          h('td', {}, h('button', { type: 'button', class: 'secondary small', onclick: () => onEdit(d) }, '編集')))),
        'doctor-table'));
}

function openDoctor(editor, d, refresh) {
  clearMessage();
  const v = d ?? {};
  const f = {
    name: input('name', { value: v.name ?? '' }),
    kana: input('kana', { value: v.kana ?? '' }),
    clinic: input('clinic', { value: v.clinic ?? '' }),
    postal_code: input('postal_code', { value: v.postal_code ?? '', size: 10 }),
    address: input('address', { value: v.address ?? '' }),
    phone: input('phone', { value: v.phone ?? '', type: 'tel' }),
    fax: input('fax', { value: v.fax ?? '', type: 'tel' }),
    city_id: select('city_id', cityChoices(), v.city_id ?? ''),
    sheet_updated_on: input('sheet_updated_on', { value: v.sheet_updated_on ?? '', size: 14 }),
    notes: h('textarea', { id: uniqueId('g'), 'data-field': 'notes', name: 'notes', rows: 2 }, v.notes ?? ''),
  };
  const flags = {
    home_visits: checkbox('home_visits', '往診', v.home_visits),
    regular_visits: checkbox('regular_visits', '訪問診療', v.regular_visits),
    end_of_life: checkbox('end_of_life', '看取り対応', v.end_of_life),
    round_the_clock: checkbox('round_the_clock', '24時間対応', v.round_the_clock),
    dementia_consult: checkbox('dementia_consult', 'もの忘れ相談医', v.dementia_consult),
  };
  const retired = checkbox('retired', '登録終了（一覧に出さない）', v.retired);
  const areaBoxes = office.cities.map((c) => h('div', { class: 'area-group' },
    h('span', { class: 'area-city' }, c.name),
    c.areas.map((a) => {
      const cb = checkbox('', a.name, (v.area_ids ?? []).includes(a.id));
      cb.box.dataset.area = a.id;
      cb.box.removeAttribute('data-field');
      return cb.label;
    })));
  const areas = h('fieldset', { class: 'plain area-boxes', 'data-field': 'area_ids', tabindex: '-1' },
    h('legend', {}, '対応する日常生活圏域'), areaBoxes);
  const save = h('button', { type: 'submit', class: 'primary', id: 'doctor-save' }, '保存');
  const form = h('form', { class: 'card editor registry-form', id: 'doctor-form', novalidate: true, 'aria-labelledby': 'doctor-form-title' },
    h('div', { class: 'editor-head' },
      h('h2', { id: 'doctor-form-title' }, d ? `${d.name}（${d.clinic}）を編集` : '往診登録医を登録'),
      h('button', { type: 'button', class: 'secondary small', onclick: () => clear(editor) }, '閉じる')),
    h('div', { class: 'form-grid registry-grid' },
      field('医師名', f.name, { required: true }),
      field('ふりがな', f.kana),
      field('医療機関名', f.clinic, { required: true }),
      field('市', f.city_id),
      field('郵便番号', f.postal_code),
      field('住所', f.address),
      field('電話番号', f.phone),
      field('FAX番号', f.fax),
      field('登録シート更新日', f.sheet_updated_on, { hint: '例：令和7年4月1日 または 2025-04-01（1年を過ぎると要更新）' }),
      field('備考', f.notes)),
    h('fieldset', { class: 'plain' }, h('legend', {}, '対応'), Object.values(flags).map((x) => x.label)),
    areas,
    h('div', { class: 'form-actions-inline' }, save, retired.label));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const input = {
      id: d?.id ?? null,
      ...Object.fromEntries(Object.entries(f).map(([k, el]) => [k, el.value])),
      city_id: f.city_id.value || null,
      area_ids: [...areas.querySelectorAll('input[data-area]')].filter((b) => b.checked).map((b) => b.dataset.area),
      ...Object.fromEntries(Object.entries(flags).map(([k, x]) => [k, x.box.checked])),
      retired: retired.box.checked,
    };
    const saved = await submit(form, save, () => api.saveDoctor(input));
    if (saved) {
      clear(editor);
      showMessage(`${saved.name}（${saved.clinic}）を保存しました。`, 'success');
      await refresh();
    }
  });
  clear(editor).append(form);
  f.name.focus();
}

// ---------------------------------------------------------- もの忘れ相談医

async function dementiaTab() {
  const city = select('', cityChoices('（すべての市）'), '', { 'aria-label': '市' });
  const list = h('div', { id: 'dementia-list' });
  const refresh = async () => {
    try {
      const doctors = await api.listDoctors({ query: tools.search.value, city_id: city.value || null, dementia_only: true });
      clear(list).append(
        h('p', { class: 'registry-count', 'data-testid': 'dementia-count' }, `${n(doctors.length)}人`),
        doctors.length === 0
          ? h('p', { class: 'muted' }, '該当するもの忘れ相談医はいません。往診登録医の「もの忘れ相談医」にチェックを入れると載ります。')
          : table('もの忘れ相談医リスト', ['市', '医療機関', '医師名', '住所', '電話番号'],
            doctors.map((d) => h('tr', { dataset: { id: d.id } },
              h('td', {}, d.city_name || '—'), h('td', {}, d.clinic), h('td', {}, d.name),
              h('td', {}, d.address), h('td', { class: 'nowrap' }, d.phone))), 'dementia-table'));
    } catch (error) {
      showError(error);
    }
  };
  const tools = toolbar({
    placeholder: '医師名・医療機関・住所で検索',
    filters: [city],
    onChange: refresh,
    onCsv: () => saveCsv({ list: 'dementia' }),
    printJob: { kind: 'dementiaList' },
    printTitle: 'もの忘れ相談医リストの印刷',
    csvLabel: '配布用リストをCSVで保存',
  });
  ui.panel.append(tools.bar,
    h('p', { class: 'muted' }, '市民に配るもの忘れ相談医リストです。登録・変更は「往診登録医」で行います。「印刷」で市民に配る一覧（市ごと）をプレビューし、PDFの保存や印刷ができます。'),
    list);
  await refresh();
  tools.search.focus();
}

// ---------------------------------------------------------- 療養支援ベッド

async function bedsTab() {
  const city = select('', cityChoices('（すべての市）'), '', { 'aria-label': '市' });
  const free = filterCheckbox('空床ありのみ');
  const retired = filterCheckbox('登録終了も表示');
  const list = h('div', { id: 'bed-list' });
  const editor = h('div', { id: 'bed-editor' });
  const filter = () => ({ query: tools.search.value, city_id: city.value || null, free_only: free.box.checked, include_retired: retired.box.checked });
  const refresh = async () => {
    try {
      drawBeds(list, editor, await api.listSupportBeds(filter()), refresh);
    } catch (error) {
      showError(error);
    }
  };
  const tools = toolbar({
    placeholder: '病院名で検索',
    filters: [city, free.box, retired.box],
    onChange: refresh,
    onNew: () => openBed(editor, null, refresh),
    newLabel: '病院を登録',
    onCsv: () => saveCsv({ list: 'beds', filter: filter() }),
    printJob: { kind: 'beds' },
    printTitle: '療養支援ベッド一覧の印刷',
  });
  ui.panel.append(tools.bar, editor, list);
  await refresh();
  tools.search.focus();
}

function drawBeds(list, editor, beds, refresh) {
  // h() drops the null parts; the DOM's own append() would print them.
  clear(list).append(h('div', {},
    h('p', { class: 'registry-count', 'data-testid': 'bed-count' }, `${n(beds.length)}病院・${n(beds.reduce((a, b) => a + b.beds, 0))}床`),
    beds.length === 0 ? h('p', { class: 'muted' }, '該当する病院はありません。') : null,
    beds.map((b) => {
      const latest = b.updates[0];
      return h('article', { class: 'card bed-card', dataset: { id: b.id } },
        h('div', { class: 'editor-head' },
          h('h2', {}, b.hospital, b.retired ? badge('登録終了', 'void') : null),
          h('div', { class: 'header-tools' },
            h('button', { type: 'button', class: 'primary small', onclick: () => openBedUpdate(editor, b, refresh) }, '空床を記録'),
            h('button', { type: 'button', class: 'secondary small', onclick: () => openBed(editor, b, refresh) }, '編集'))),
        h('p', {}, `${b.city_name || '市の記録なし'}・${n(b.beds)}床`, b.phone ? `・電話 ${b.phone}` : ''),
        latest
          ? h('p', { class: latest.free_beds > 0 ? 'bed-latest free' : 'bed-latest full', 'data-testid': 'bed-latest' },
            `最新：${latest.checked_label} 空床 ${n(latest.free_beds)}床`, latest.note ? `（${latest.note}）` : '')
          : h('p', { class: 'muted' }, '空床の記録はまだありません。'),
        b.updates.length > 1
          ? h('details', {}, h('summary', {}, `これまでの記録（${n(b.updates.length)}件、新しい順）`),
            h('ul', { class: 'history' }, b.updates.map((u) => h('li', {}, `${u.checked_label} 空床 ${n(u.free_beds)}床${u.note ? `（${u.note}）` : ''}`))))
          : null,
        b.notes ? h('p', { class: 'muted' }, b.notes) : null);
    })));
}

function openBed(editor, b, refresh) {
  clearMessage();
  const v = b ?? {};
  const f = {
    hospital: input('hospital', { value: v.hospital ?? '' }),
    city_id: select('city_id', cityChoices(), v.city_id ?? ''),
    phone: input('phone', { value: v.phone ?? '', type: 'tel' }),
    beds: input('beds', { value: v.beds === undefined ? '' : String(v.beds), size: 5, inputmode: 'numeric' }),
    notes: h('textarea', { id: uniqueId('g'), 'data-field': 'notes', name: 'notes', rows: 2 }, v.notes ?? ''),
  };
  const retired = checkbox('retired', '登録終了（一覧に出さない）', v.retired);
  const save = h('button', { type: 'submit', class: 'primary', id: 'bed-save' }, '保存');
  const form = h('form', { class: 'card editor registry-form', id: 'bed-form', novalidate: true, 'aria-labelledby': 'bed-form-title' },
    h('div', { class: 'editor-head' },
      h('h2', { id: 'bed-form-title' }, b ? `${b.hospital}を編集` : '療養支援ベッドのある病院を登録'),
      h('button', { type: 'button', class: 'secondary small', onclick: () => clear(editor) }, '閉じる')),
    h('div', { class: 'form-grid registry-grid' },
      field('病院名', f.hospital, { required: true }),
      field('床数', f.beds, { required: true }),
      field('市', f.city_id),
      field('電話番号', f.phone),
      field('備考', f.notes, { wide: true })),
    h('div', { class: 'form-actions-inline' }, save, retired.label));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const bed = {
      id: b?.id ?? null, hospital: f.hospital.value, city_id: f.city_id.value || null,
      phone: f.phone.value, beds: f.beds.value, notes: f.notes.value, retired: retired.box.checked,
    };
    const saved = await submit(form, save, () => api.saveSupportBed(bed));
    if (saved) {
      clear(editor);
      showMessage(`${saved.hospital}を保存しました。`, 'success');
      await refresh();
    }
  });
  clear(editor).append(form);
  f.hospital.focus();
}

function openBedUpdate(editor, b, refresh) {
  clearMessage();
  const f = {
    checked_on: input('checked_on', { value: todayIso(), size: 14 }),
    free_beds: input('free_beds', { value: '', size: 5, inputmode: 'numeric' }),
    note: input('note'),
  };
  const save = h('button', { type: 'submit', class: 'primary', id: 'bed-update-save' }, '記録');
  const form = h('form', { class: 'card editor registry-form', id: 'bed-update-form', novalidate: true, 'aria-labelledby': 'bed-update-title' },
    h('div', { class: 'editor-head' },
      h('h2', { id: 'bed-update-title' }, `${b.hospital}の空床を記録（${n(b.beds)}床）`),
      h('button', { type: 'button', class: 'secondary small', onclick: () => clear(editor) }, '閉じる')),
    h('div', { class: 'form-grid registry-grid' },
      field('空床数', f.free_beds, { required: true }),
      field('確認日', f.checked_on, { required: true }),
      field('メモ', f.note, { wide: true })),
    h('div', { class: 'form-actions-inline' }, save));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const update = { checked_on: f.checked_on.value, free_beds: f.free_beds.value, note: f.note.value };
    const saved = await submit(form, save, () => api.addSupportBedUpdate(b.id, update));
    if (saved) {
      clear(editor);
      showMessage(`${saved.hospital}の空床（${saved.updates[0]?.free_beds ?? ''}床）を記録しました。`, 'success');
      await refresh();
    }
  });
  clear(editor).append(form);
  f.free_beds.focus();
}

// ---------------------------------------------------------- 関係機関

async function organisationsTab() {
  const kind = select('', [['', '（すべての種別）'], ...options.organisation_kinds.map((k) => [k, k])], '', { 'aria-label': '種別' });
  const city = select('', cityChoices('（すべての市）'), '', { 'aria-label': '市' });
  const retired = filterCheckbox('登録終了も表示');
  const list = h('div', { id: 'organisation-list' });
  const editor = h('div', { id: 'organisation-editor' });
  const filter = () => ({ query: tools.search.value, kind: kind.value, city_id: city.value || null, include_retired: retired.box.checked });
  const refresh = async () => {
    try {
      const orgs = await api.searchOrganisations(filter());
      clear(list).append(
        h('p', { class: 'registry-count', 'data-testid': 'organisation-count' }, `${n(orgs.length)}件`),
        orgs.length === 0
          ? h('p', { class: 'muted' }, '該当する関係機関はありません。')
          : table('関係機関', ['種別', '機関名・部署', '住所', '電話・FAX', '担当者', ''],
            orgs.map((o) => h('tr', { dataset: { id: o.id }, class: o.retired ? 'retired' : null },
              h('td', {}, o.kind || '—'),
              h('td', {}, h('strong', {}, o.name), o.department ? h('span', { class: 'kana' }, o.department) : null,
                o.retired ? badge('登録終了', 'void') : null),
              h('td', {}, o.address),
              h('td', { class: 'nowrap' }, o.phone || '—', o.fax ? h('span', { class: 'kana' }, `FAX ${o.fax}`) : null),
              h('td', {}, o.contact_person),
              h('td', {}, h('button', { type: 'button', class: 'secondary small', onclick: () => openOrganisation(editor, o, refresh) }, '編集')))),
            'organisation-table'));
    } catch (error) {
      showError(error);
    }
  };
  const tools = toolbar({
    placeholder: '機関名・部署・住所・担当者で検索',
    filters: [kind, city, retired.box],
    onChange: refresh,
    onNew: () => openOrganisation(editor, null, refresh),
    newLabel: '関係機関を登録',
    onCsv: () => saveCsv({ list: 'organisations', filter: filter() }),
    printJob: { kind: 'organisations' },
    printTitle: '関係機関一覧の印刷',
  });
  ui.panel.append(tools.bar, editor, list);
  await refresh();
  tools.search.focus();
}

function openOrganisation(editor, o, refresh) {
  clearMessage();
  const v = o ?? {};
  const kinds = h('datalist', { id: uniqueId('kinds') }, options.organisation_kinds.map((k) => h('option', { value: k })));
  const f = {
    kind: input('kind', { value: v.kind ?? '', list: kinds.id }),
    name: input('name', { value: v.name ?? '' }),
    department: input('department', { value: v.department ?? '' }),
    postal_code: input('postal_code', { value: v.postal_code ?? '', size: 10 }),
    address: input('address', { value: v.address ?? '' }),
    city_id: select('city_id', cityChoices(), v.city_id ?? ''),
    phone: input('phone', { value: v.phone ?? '', type: 'tel' }),
    fax: input('fax', { value: v.fax ?? '', type: 'tel' }),
    email: input('email', { value: v.email ?? '', type: 'email' }),
    contact_person: input('contact_person', { value: v.contact_person ?? '' }),
    notes: h('textarea', { id: uniqueId('g'), 'data-field': 'notes', name: 'notes', rows: 2 }, v.notes ?? ''),
  };
  const retired = checkbox('retired', '登録終了（一覧に出さない）', v.retired);
  const save = h('button', { type: 'submit', class: 'primary', id: 'organisation-save' }, '保存');
  const form = h('form', { class: 'card editor registry-form', id: 'organisation-form', novalidate: true, 'aria-labelledby': 'organisation-form-title' },
    h('div', { class: 'editor-head' },
      h('h2', { id: 'organisation-form-title' }, o ? `${o.name}を編集` : '関係機関を登録'),
      h('button', { type: 'button', class: 'secondary small', onclick: () => clear(editor) }, '閉じる')),
    kinds,
    h('div', { class: 'form-grid registry-grid' },
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
      field('備考', f.notes, { wide: true })),
    h('div', { class: 'form-actions-inline' }, save, retired.label));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const organisation = {
      id: o?.id ?? null,
      ...Object.fromEntries(Object.entries(f).map(([k, el]) => [k, el.value])),
      city_id: f.city_id.value || null,
      retired: retired.box.checked,
    };
    const saved = await submit(form, save, () => api.saveRegistryOrganisation(organisation));
    if (saved) {
      clear(editor);
      showMessage(`${saved.name}を保存しました。`, 'success');
      await refresh();
    }
  });
  clear(editor).append(form);
  f.name.focus();
}
