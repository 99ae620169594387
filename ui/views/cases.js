// 相談記録: the case list with search-as-you-type and filters, the intake
// form (new and edit), the case with its timeline (経過記録), and the
// change history. Every check happens in Rust; this module only shows.

import { api } from '../api.js';
import { h, clear, uniqueId } from '../lib/dom.js';
import {
  field, input, textarea, select, checkbox, setOptions, requiredMark, clearFieldErrors, reportError, attempt, saveFile, fileKind, onSubmit, saveShortcut,
} from '../lib/forms.js';
import { showMessage, showError, clearMessage } from '../lib/messages.js';
import { currentActor } from '../lib/lock.js';
import { showPrintPreview } from '../lib/print-preview.js';

const SEARCH_DELAY_MS = 200;

let root = null;      // the view container
let options = null;   // FormOptions from Rust
let body = null;      // where the current screen is drawn
let filter = { query: '', from: '', to: '', status: '', category_id: '', consulter_type_id: '', city_id: '', staff_id: '', offset: 0 };
let listSeq = 0;
let formDirty = false;

export function hasUnsavedChanges() {
  return formDirty;
}

// ----------------------------------------------------------------- dates
// 和暦 and ages come from the core: dates with their labels, today as
// options.today_label, the age of a typed 生年月日 from similarPersons.

function nowTime() {
  const d = new Date();
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

// ------------------------------------------------------------- helpers

function list(kind) {
  return options.lists.find((l) => l.kind === kind)?.items ?? [];
}

/** [[id, name]] of the active items, plus `keep` (a retired one in use). */
function itemOptions(kind, keep = [], blank = '選んでください') {
  const keepIds = new Set([keep].flat().filter(Boolean));
  const items = list(kind).filter((i) => !i.retired || keepIds.has(i.id));
  return [...(blank === null ? [] : [['', blank]]), ...items.map((i) => [i.id, i.retired ? `${i.name}（使用しない）` : i.name])];
}

/** The signed-in member (from the lock screen): the default 担当者. */
function operator() {
  return currentActor()?.id || '';
}

function checkGroup(name, legend, opts, checked = [], required = false) {
  const set = new Set(checked);
  return h('fieldset', { class: 'check-group', 'data-group': name },
    h('legend', {}, legend, required ? requiredMark() : null),
    opts.map(([id, label], i) => {
      const boxId = uniqueId('c');
      return h('label', { class: 'check', for: boxId },
        h('input', { type: 'checkbox', id: boxId, name, value: id, checked: set.has(id), 'data-field': i === 0 ? name : null }),
        ` ${label}`);
    }));
}

function statusBadge(status) {
  const tone = { 受付: 'status-new', 対応中: 'status-open', 終結: 'status-closed' }[status] || '';
  return h('span', { class: `badge ${tone}` }, status);
}

// ---------------------------------------------------------------- shell

export async function render(container) {
  root = container;
  formDirty = false;
  options = await api.caseFormOptions();
  const staff = itemOptions('staff', [], '（選んでください）');
  body = h('div', { id: 'cases-body' });
  container.append(
    h('header', { class: 'view-header cases-header' },
      h('h1', { id: 'cases-title' }, '相談記録'),
      h('div', { class: 'header-tools' },
        h('button', { type: 'button', class: 'primary', id: 'new-case', title: 'Alt+N', onclick: () => showForm(null) }, '＋ 新規受付'))),
    body,
  );
  if (staff.length <= 1) {
    body.append(h('p', { class: 'notice' }, '担当者が登録されていません。「設定」の「相談記録の一覧項目」で担当者を登録してください。'));
  }
  container.addEventListener('keydown', (e) => {
    if (e.altKey && (e.key === 'n' || e.key === 'N')) {
      e.preventDefault();
      showForm(null);
    }
  });
  await showList();
}

function confirmLeave() {
  if (!formDirty) return true;
  if (!window.confirm('保存していない入力があります。破棄しますか？')) return false;
  formDirty = false;
  return true;
}

// ----------------------------------------------------------------- list

const FILTER_LABELS = {
  from: '期間（から）', to: '期間（まで）', status: '状態', category_id: '相談内容分類',
  consulter_type_id: '相談者種別', city_id: '市', staff_id: '担当者',
};

async function showList({ focusSearch = true } = {}) {
  if (!confirmLeave()) return;
  clear(body);
  const search = h('input', {
    type: 'search', id: 'case-search', value: filter.query, autocomplete: 'off',
    placeholder: '氏名・ふりがな・所属・相談内容（カタカナ・ひらがなどちらでも）',
    'aria-describedby': 'case-count',
  });
  const resultBox = h('div', { class: 'case-results', id: 'case-results' });
  const count = h('p', { id: 'case-count', class: 'muted', 'aria-live': 'polite' });
  const f = {
    from: input('from', { value: filter.from, placeholder: '令和7年4月1日', size: 14 }),
    to: input('to', { value: filter.to, placeholder: '令和8年3月31日', size: 14 }),
    status: select('status', [['', 'すべて'], ...options.statuses.map((s) => [s, s])], { value: filter.status }),
    category_id: select('category_id', itemOptions('category', filter.category_id, 'すべて'), { value: filter.category_id }),
    consulter_type_id: select('consulter_type_id', itemOptions('consulter_type', filter.consulter_type_id, 'すべて'), { value: filter.consulter_type_id }),
    city_id: select('city_id', [['', 'すべて'], ...options.cities.map((c) => [c.id, c.name])], { value: filter.city_id }),
    staff_id: select('staff_id', itemOptions('staff', filter.staff_id, 'すべて'), { value: filter.staff_id }),
  };
  const filters = h('form', { class: 'case-filters', id: 'case-filters', novalidate: true, onsubmit: (e) => e.preventDefault() },
    h('div', { class: 'field search-field' }, h('label', { for: 'case-search' }, '検索'), search),
    Object.entries(f).map(([key, el]) => field(FILTER_LABELS[key], el)),
    h('div', { class: 'field' }, h('button', { type: 'button', class: 'secondary', id: 'clear-filters', onclick: () => {
      filter = { ...filter, query: '', from: '', to: '', status: '', category_id: '', consulter_type_id: '', city_id: '', staff_id: '', offset: 0 };
      showList();
    } }, '条件をクリア'),
    h('button', { type: 'button', class: 'secondary', id: 'export-cases', onclick: () => exportCases('csv') }, 'CSV出力'),
    h('button', { type: 'button', class: 'secondary', id: 'export-cases-xlsx', onclick: () => exportCases('xlsx') }, 'Excel出力')));
  let timer = null;
  const refresh = () => {
    filter.query = search.value;
    for (const [k, el] of Object.entries(f)) filter[k] = el.value;
    filter.offset = 0;
    loadList(filters, resultBox, count);
  };
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, SEARCH_DELAY_MS);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      const first = resultBox.querySelector('.case-open');
      if (first) { e.preventDefault(); first.focus(); }
    }
  });
  for (const el of [f.status, f.category_id, f.consulter_type_id, f.city_id, f.staff_id]) el.addEventListener('change', refresh);
  for (const el of [f.from, f.to]) el.addEventListener('change', refresh);
  body.append(filters, count, resultBox);
  await loadList(filters, resultBox, count);
  if (focusSearch) search.focus();
}

async function loadList(form, box, count) {
  const seq = ++listSeq;
  let page;
  try {
    page = await api.listCases({ ...filter, limit: 50 });
  } catch (error) {
    if (seq === listSeq) reportError(form, error);
    return;
  }
  if (seq !== listSeq) return; // a newer search has started
  clearFieldErrors(form);
  clear(box);
  const total = page.total_capped ? `${page.total}件以上` : `${page.total}件`;
  count.textContent = page.total === 0 ? '該当する相談記録はありません。'
    : `${total}（${page.offset + 1}〜${page.offset + page.rows.length}件目を表示、新しい順）`;
  if (page.rows.length === 0) return;
  box.append(h('table', { class: 'data-table case-table' },
    h('thead', {}, h('tr', {}, ['No.', '受付日時', '対象者', '市', '相談者種別', '相談内容分類', '状態', '担当者'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, page.rows.map((r) => h('tr', {},
      h('td', { class: 'num' }, String(r.case_no)),
      h('td', { class: 'nowrap' }, r.received_label),
      h('td', {},
        h('button', { type: 'button', class: r.no_person ? 'link case-open no-person' : 'link case-open', dataset: { id: r.id }, onclick: () => showCase(r.id), onkeydown: rowKeys }, r.person_name),
        r.person_kana ? h('span', { class: 'kana' }, r.person_kana) : null),
      h('td', {}, r.city),
      h('td', {}, r.consulter_type, r.consulter_affiliation ? h('span', { class: 'kana' }, r.consulter_affiliation) : null),
      h('td', {}, r.categories),
      h('td', {}, statusBadge(r.status)),
      h('td', { class: 'nowrap' }, r.staff))))));
  const pager = h('div', { class: 'pager' },
    h('button', { type: 'button', class: 'secondary', disabled: page.offset === 0, onclick: () => { filter.offset = Math.max(0, page.offset - 50); loadList(form, box, count); } }, '← 新しい50件'),
    h('button', { type: 'button', class: 'secondary', id: 'next-page', disabled: !page.has_more, onclick: () => { filter.offset = page.offset + 50; loadList(form, box, count); } }, '古い50件 →'));
  box.append(pager);
}

function exportCases(format) {
  return saveFile(() => api.exportCasesCsv({ ...filter, offset: 0 }, format), { saved: `いまの条件の相談記録を${fileKind(format)}に保存しました` });
}

function rowKeys(e) {
  const buttons = [...document.querySelectorAll('.case-open')];
  const i = buttons.indexOf(e.target);
  if (e.key === 'ArrowDown' && i < buttons.length - 1) { e.preventDefault(); buttons[i + 1].focus(); }
  if (e.key === 'ArrowUp') {
    e.preventDefault();
    if (i > 0) buttons[i - 1].focus(); else document.getElementById('case-search')?.focus();
  }
}

// ----------------------------------------------------------------- form

/** The intake form's values for editing the case `d`. */
function inputFromDetail(d) {
  return {
    received_date: d.received_date,
    received_time: d.received_time,
    intake_method_id: d.intake_method.id,
    consulter_type_id: d.consulter_type.id,
    consulter_affiliation: d.consulter_affiliation,
    consulter_name: d.consulter_name,
    info_source: d.info_source,
    is_new: d.is_new,
    no_person: d.person === null,
    person: d.person === null ? {} : {
      id: d.person.id,
      name: d.person.name,
      kana: d.person.kana,
      sex: d.person.sex,
      birth_date: d.person.birth_label,
      city_id: d.person.city_id || '',
      area_id: d.person.area_id || '',
      care_level: d.person.care_level,
      family_doctor: d.person.family_doctor,
    },
    category_ids: d.categories.map((c) => c.id),
    scene_ids: d.scenes.map((c) => c.id),
    content: d.content,
    response_ids: d.responses.map((r) => r.id),
    referral_to: d.referral_to,
    minutes: d.minutes === null ? '' : String(d.minutes),
    staff_id: d.staff.id,
    status: d.status,
    outcome_id: d.outcome?.id || '',
    version: d.version,
  };
}

/** The intake form; `detail` null for a new case. */
async function showForm(detail) {
  if (!confirmLeave()) return;
  clear(body);
  clearMessage();
  const editing = Boolean(detail);
  const v = editing ? inputFromDetail(detail) : {
    received_date: options.today_label, received_time: nowTime(), is_new: true, status: '受付',
    staff_id: operator(), person: {}, category_ids: [], scene_ids: [], response_ids: [], no_person: false,
  };
  let attached = editing ? detail.person?.id ?? null : null; // existing person the case belongs to
  let newPerson = false;
  const p = v.person;
  const f = {
    received_date: input('received_date', { value: v.received_date, size: 16 }),
    received_time: input('received_time', { value: v.received_time, size: 6 }),
    intake_method_id: select('intake_method_id', itemOptions('intake_method', v.intake_method_id), { value: v.intake_method_id }),
    consulter_type_id: select('consulter_type_id', itemOptions('consulter_type', v.consulter_type_id), { value: v.consulter_type_id }),
    consulter_affiliation: input('consulter_affiliation', { value: v.consulter_affiliation ?? '' }),
    consulter_name: input('consulter_name', { value: v.consulter_name ?? '' }),
    info_source: input('info_source', { value: v.info_source ?? '' }),
    name: input('person.name', { value: p.name ?? '' }),
    kana: input('person.kana', { value: p.kana ?? '' }),
    sex: select('person.sex', [['', '—'], ...options.sexes.map((s) => [s, s])], { value: p.sex ?? '' }),
    birth_date: input('person.birth_date', { value: p.birth_date ?? '', size: 16 }),
    city_id: select('person.city_id', [['', '—'], ...options.cities.map((c) => [c.id, c.name])], { value: p.city_id ?? '' }),
    area_id: select('person.area_id', [['', '—']], { value: '' }),
    care_level: select('person.care_level', [['', '—'], ...options.care_levels.map((s) => [s, s])], { value: p.care_level ?? '' }),
    family_doctor: select('person.family_doctor', [['', '—'], ...options.family_doctor.map((s) => [s, s])], { value: p.family_doctor ?? '' }),
    content: textarea('content', { rows: 6, value: v.content }),
    referral_to: input('referral_to', { value: v.referral_to ?? '' }),
    minutes: input('minutes', { value: v.minutes ?? '', size: 6, inputmode: 'numeric' }),
    staff_id: select('staff_id', itemOptions('staff', v.staff_id), { value: v.staff_id }),
    status: select('status', options.statuses.map((s) => [s, s]), { value: v.status }),
    outcome_id: select('outcome_id', itemOptions('outcome', v.outcome_id, '—'), { value: v.outcome_id ?? '' }),
  };
  // 関係機関 from 名簿 as suggestions for 所属 and 紹介先; typing stays free.
  const organisations = h('datalist', { id: uniqueId('orgs') });
  api.searchOrganisations({}).then((orgs) => {
    organisations.append(...orgs.map((o) => h('option', { value: o.department ? `${o.name} ${o.department}` : o.name })));
  }).catch(() => { /* suggestions only */ });
  f.consulter_affiliation.setAttribute('list', organisations.id);
  f.referral_to.setAttribute('list', organisations.id);
  const age = h('span', { class: 'age', id: 'person-age', 'aria-live': 'polite' });
  const showAge = (years) => { age.textContent = years == null ? '' : `${years}歳`; };
  let ageSeq = 0;
  let ageTimer = null;
  const readAge = async () => {
    const seq = ++ageSeq;
    // A date still being typed has no age; the save names any problem.
    const answer = await api.similarPersons({ birth_date: f.birth_date.value }).catch(() => null);
    if (seq === ageSeq) showAge(answer?.age);
  };
  const fillAreas = (keep) => {
    const city = options.cities.find((c) => c.id === f.city_id.value);
    setOptions(f.area_id, [['', '—'], ...(city?.areas ?? []).map((a) => [a.id, a.name])], keep);
  };
  fillAreas(p.area_id ?? '');
  showAge(editing ? detail.person?.age : null);
  f.city_id.addEventListener('change', () => fillAreas(''));
  f.birth_date.addEventListener('input', () => {
    clearTimeout(ageTimer);
    ageTimer = setTimeout(readAge, SEARCH_DELAY_MS);
  });
  const isNew = h('fieldset', { class: 'radio-group' },
    h('legend', {}, '新規・継続'),
    h('label', { class: 'check' }, h('input', { type: 'radio', name: 'is_new', value: 'new', checked: v.is_new, 'data-field': 'is_new' }), ' 新規'),
    h('label', { class: 'check' }, h('input', { type: 'radio', name: 'is_new', value: 'continuing', checked: !v.is_new }), ' 継続'));
  const categories = checkGroup('category_ids', '相談内容分類（複数選択可）', itemOptions('category', v.category_ids, null), v.category_ids, true);
  const responses = checkGroup('response_ids', '対応（複数選択可）', itemOptions('response', v.response_ids, null), v.response_ids);
  const scenes = checkGroup('scene_ids', '4つの場面（該当するものを選ぶ・複数選択可）', itemOptions('scene', v.scene_ids, null), v.scene_ids);
  const dupBox = h('div', { class: 'dup-box', id: 'dup-box', 'aria-live': 'polite' });
  const attachNote = h('p', { class: 'attach-note', id: 'attach-note' });
  // 「対象者なし」: an enquiry about no one in particular. The person's
  // fields are hidden, and emptied (after asking) so nothing typed is kept
  // out of sight.
  const noPerson = checkbox('no_person', ' 対象者なし（一般的な相談・問い合わせ）', { checked: v.no_person, id: 'no-person' });
  const personFields = [f.name, f.kana, f.sex, f.birth_date, f.city_id, f.area_id, f.care_level, f.family_doctor];
  const personGrid = h('div', { class: 'form-grid case-grid', id: 'person-fields' });
  const showNoPerson = () => {
    const none = noPerson.box.checked;
    personGrid.hidden = none;
    dupBox.hidden = none;
    attachNote.hidden = none;
  };
  noPerson.box.addEventListener('change', () => {
    if (noPerson.box.checked && (attached || personFields.some((el) => el.value !== ''))) {
      if (!window.confirm('入力した対象者の情報を消して「対象者なし」にしますか？')) {
        noPerson.box.checked = false;
        return;
      }
      for (const el of personFields) el.value = '';
      fillAreas('');
      attached = null;
      showAge(null);
      clear(dupBox);
      showAttached();
    }
    showNoPerson();
    if (!noPerson.box.checked) f.name.focus();
  });

  const showAttached = () => {
    clear(attachNote);
    if (attached && !editing) {
      attachNote.append('登録済みの対象者の相談として登録します。 ',
        h('button', { type: 'button', class: 'link', id: 'detach-person', onclick: () => { attached = null; showAttached(); checkDuplicates(); } }, '解除して新しい対象者にする'));
    }
  };
  const checkDuplicates = async () => {
    if (editing || attached) { clear(dupBox); return; }
    let matches = [];
    try {
      ({ matches } = await api.similarPersons({ name: f.name.value, kana: f.kana.value, birth_date: f.birth_date.value }));
    } catch {
      return; // the save reports bad input
    }
    clear(dupBox);
    newPerson = false;
    if (matches.length === 0) return;
    dupBox.append(
      h('p', { class: 'dup-title', role: 'alert' }, '同じ氏名・ふりがな・生年月日の対象者が既に登録されています。同じ人なら、その人の相談として登録してください。'),
      h('ul', {}, matches.map((m) => h('li', {},
        `${m.person.name}（${m.person.kana || 'ふりがななし'}）${m.person.birth_label ? `　${m.person.birth_label}生` : ''}${m.person.city ? `　${m.person.city}` : ''}　相談${m.cases}件（最終 ${m.last_received_label}）　`,
        h('button', { type: 'button', class: 'secondary attach-person', onclick: () => {
          attached = m.person.id;
          f.name.value = m.person.name;
          f.kana.value = m.person.kana;
          f.birth_date.value = m.person.birth_label;
          if (m.person.sex) f.sex.value = m.person.sex;
          f.city_id.value = m.person.city_id || '';
          fillAreas(m.person.area_id || '');
          if (m.person.care_level) f.care_level.value = m.person.care_level;
          if (m.person.family_doctor) f.family_doctor.value = m.person.family_doctor;
          form.querySelector('input[name="is_new"][value="continuing"]').checked = true;
          showAge(m.person.age);
          clear(dupBox);
          showAttached();
          formDirty = true;
        } }, 'この人の相談として登録')))),
      h('button', { type: 'button', class: 'link', id: 'separate-person', onclick: () => {
        newPerson = true;
        clear(dupBox);
        dupBox.append(h('p', { class: 'muted' }, '別の人として新しく登録します。'));
      } }, '別の人として登録する'));
    dupBox.scrollIntoView({ block: 'nearest' });
  };
  for (const el of [f.name, f.kana, f.birth_date]) el.addEventListener('change', checkDuplicates);

  const form = h('form', { class: 'case-form', id: 'case-form', novalidate: true, 'aria-labelledby': 'case-form-title' },
    organisations,
    h('h2', { id: 'case-form-title' }, editing ? `相談記録 No.${detail.case_no} を編集` : '新規受付'),
    h('fieldset', { class: 'card' }, h('legend', {}, '受付'),
      h('div', { class: 'form-grid case-grid' },
        field('受付日', f.received_date, { required: true, hint: '例：令和7年4月1日' }),
        field('受付時刻', f.received_time, { required: true, hint: '例：14:05' }),
        field('受付方法', f.intake_method_id, { required: true }),
        isNew)),
    h('fieldset', { class: 'card' }, h('legend', {}, '相談者'),
      h('div', { class: 'form-grid case-grid' },
        field('相談者種別', f.consulter_type_id, { required: true }),
        field('所属', f.consulter_affiliation, { hint: '例：〇〇病院 地域連携室' }),
        field('相談者の氏名・続柄', f.consulter_name),
        field('情報入手経路', f.info_source, { hint: 'この相談室を何で知ったか' }))),
    h('fieldset', { class: 'card' }, h('legend', {}, '対象者'),
      h('div', { class: 'no-person-choice' }, noPerson.label,
        h('p', { class: 'hint', id: 'no-person-hint' }, '特定の人についてでない問い合わせ（例：夜間に往診できる診療所は？）。受付件数・延べ件数に数え、実人数には数えません。')),
      attachNote,
      personGrid,
      dupBox),
    h('fieldset', { class: 'card' }, h('legend', {}, '相談内容と対応'),
      categories,
      scenes,
      field('相談内容', f.content, { wide: true }),
      responses,
      h('div', { class: 'form-grid case-grid' },
        field('紹介先', f.referral_to),
        field('所要時間（分）', f.minutes, { hint: '例：30' }),
        field('担当者', f.staff_id, { required: true }),
        field('状態', f.status, { required: true }),
        field('転帰', f.outcome_id))),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary', id: 'save-case' }, '保存'),
      h('button', { type: 'button', class: 'secondary', id: 'cancel-case', onclick: () => {
        if (!confirmLeave()) return;
        if (editing) showCase(detail.id); else showList();
      } }, 'キャンセル'),
      h('span', { class: 'muted shortcut' }, 'Ctrl+S で保存')));
  personGrid.append(
    field('氏名', f.name, { required: true }),
    field('ふりがな', f.kana),
    field('性別', f.sex),
    field('生年月日', f.birth_date, { hint: '例：昭和15年4月2日', extra: age }),
    field('市', f.city_id),
    field('日常生活圏域', f.area_id, { hint: '市を選ぶと、その市の圏域が選べます' }),
    field('要介護度', f.care_level),
    field('かかりつけ医', f.family_doctor));
  noPerson.box.setAttribute('aria-describedby', 'no-person-hint');
  showAttached();
  showNoPerson();

  const collect = () => ({
    received_date: f.received_date.value,
    received_time: f.received_time.value,
    intake_method_id: f.intake_method_id.value,
    consulter_type_id: f.consulter_type_id.value,
    consulter_affiliation: f.consulter_affiliation.value,
    consulter_name: f.consulter_name.value,
    info_source: f.info_source.value,
    is_new: form.querySelector('input[name="is_new"][value="new"]').checked,
    no_person: noPerson.box.checked,
    person: noPerson.box.checked ? {} : {
      id: attached,
      name: f.name.value,
      kana: f.kana.value,
      sex: f.sex.value,
      birth_date: f.birth_date.value,
      city_id: f.city_id.value,
      area_id: f.area_id.value,
      care_level: f.care_level.value,
      family_doctor: f.family_doctor.value,
    },
    new_person: newPerson,
    category_ids: [...categories.querySelectorAll('input:checked')].map((c) => c.value),
    scene_ids: [...scenes.querySelectorAll('input:checked')].map((c) => c.value),
    content: f.content.value,
    response_ids: [...responses.querySelectorAll('input:checked')].map((c) => c.value),
    referral_to: f.referral_to.value,
    minutes: f.minutes.value,
    staff_id: f.staff_id.value,
    status: f.status.value,
    outcome_id: f.outcome_id.value,
    version: editing ? detail.version : null,
  });

  form.addEventListener('input', () => { formDirty = true; });
  saveShortcut(form);
  // On an error what was typed stays in the form; nothing was saved.
  onSubmit(form, async () => {
    const saved = editing
      ? await api.updateCase(detail.id, collect())
      : await api.createCase(collect());
    formDirty = false;
    await showCase(saved.id);
    showMessage(editing ? `相談記録 No.${saved.case_no} を保存しました。` : `相談記録 No.${saved.case_no} を登録しました。`, 'success');
  }, { onError: (error) => { if (error.field === 'person.name' && !editing) checkDuplicates(); } });
  body.append(form);
  f.received_date.focus();
  f.received_date.select();
}

// ------------------------------------------------------------ the case

function dl(pairs) {
  return h('dl', { class: 'case-facts' }, pairs.filter(([, value]) => value !== null).map(([label, value]) => [
    h('dt', {}, label), h('dd', {}, value === '' ? '—' : value)]));
}

async function showCase(id, { focus = true } = {}) {
  if (!confirmLeave()) return;
  const d = await attempt(null, () => api.getCase(id));
  if (!d) return;
  clear(body);
  const p = d.person;
  const title = h('h2', { id: 'case-title', tabindex: '-1' }, `No.${d.case_no}　${d.person_label}`, p?.kana ? h('span', { class: 'kana' }, p.kana) : null, ' ', statusBadge(d.status));
  const actions = h('div', { class: 'case-actions' },
    h('button', { type: 'button', class: 'secondary', id: 'back-to-list', onclick: () => showList() }, '← 一覧へ'),
    h('button', { type: 'button', class: 'primary', id: 'edit-case', onclick: () => showForm(d) }, '編集'),
    d.status !== '終結' ? h('button', { type: 'button', class: 'secondary', id: 'close-case', onclick: () => setStatus(d, '終結') }, '終結にする') : null,
    h('button', { type: 'button', class: 'secondary', id: 'show-history', onclick: () => showHistory(d) }, '変更履歴'),
    h('button', { type: 'button', class: 'secondary', id: 'print-case', onclick: () =>
      showPrintPreview({ kind: 'caseSummary', caseId: d.id }, { title: `相談記録 No.${d.case_no}` }).catch(showError) }, '印刷'),
    h('button', { type: 'button', class: 'danger', id: 'delete-case', onclick: () => deleteCase(d) }, '削除'));
  const facts = h('div', { class: 'case-columns' },
    h('section', { class: 'card' }, h('h3', {}, '受付・相談者'), dl([
      ['受付日時', d.received_label],
      ['受付方法', d.intake_method.name],
      ['新規・継続', d.is_new ? '新規' : '継続'],
      ['相談者種別', d.consulter_type.name],
      ['所属', d.consulter_affiliation],
      ['相談者', d.consulter_name],
      ['情報入手経路', d.info_source],
      ['担当者', d.staff.name],
      ['最終更新', d.updated_label],
    ])),
    h('section', { class: 'card' }, h('h3', {}, '対象者'), p === null
      ? h('p', { id: 'no-person-note' }, '対象者なし（一般的な相談・問い合わせ）。実人数には数えません。')
      : dl([
        ['氏名', `${p.name}${p.kana ? `（${p.kana}）` : ''}`],
        ['性別', p.sex],
        ['生年月日', p.birth_label ? `${p.birth_label}（${p.age}歳）` : ''],
        ['市・圏域', [p.city, p.area].filter(Boolean).join('　')],
        ['要介護度', p.care_level],
        ['かかりつけ医', p.family_doctor],
      ]), d.other_cases.length ? h('div', { class: 'other-cases' }, h('h4', {}, 'この人のほかの相談'),
      h('ul', {}, d.other_cases.map((o) => h('li', {},
        h('button', { type: 'button', class: 'link', onclick: () => showCase(o.id) }, `No.${o.case_no}　${o.received_label}`), ' ', statusBadge(o.status))))) : null));
  const content = h('section', { class: 'card' }, h('h3', {}, '相談内容'), dl([
    ['相談内容分類', d.categories.map((c) => c.name).join('、')],
    ['4つの場面', d.scenes.map((c) => c.name).join('、')],
    ['相談内容', h('span', { class: 'pre' }, d.content)],
    ['対応', d.responses.map((r) => r.name).join('、')],
    ['紹介先', d.referral_to],
    ['所要時間', d.minutes === null ? '' : `${d.minutes}分`],
    ['転帰', d.outcome?.name ?? ''],
  ]));
  body.append(h('div', { class: 'case-head' }, title, actions), facts, content, timeline(d));
  if (focus) title.focus();
}

function timeline(d) {
  const f = {
    date: input('entry.date', { value: options.today_label, size: 16 }),
    // 手段 defaults to how the case came in; 相手 is optional.
    method_id: select('entry.method_id', itemOptions('intake_method', [d.intake_method.id], '—'), { value: d.intake_method.id }),
    party_id: select('entry.party_id', itemOptions('contact_party', [], '—'), { value: '' }),
    staff_id: select('entry.staff_id', itemOptions('staff'), { value: operator() }),
    response_id: select('entry.response_id', itemOptions('response', [], '—'), { value: '' }),
    note: textarea('entry.note'),
    minutes: input('entry.minutes', { size: 6, inputmode: 'numeric' }),
  };
  // 連絡・対応 (counted in 延べ) or a memo to self (not counted).
  const kindName = uniqueId('entry-kind');
  const radio = (value, text, checked) => h('label', { class: 'check' },
    h('input', { type: 'radio', name: kindName, value, checked, id: `entry-kind-${value}`, 'data-field': value === 'contact' ? 'entry.contact' : null }), ` ${text}`);
  const kind = h('fieldset', { class: 'radio-group', id: 'entry-kind' },
    h('legend', {}, '種別'),
    radio('contact', '連絡・対応あり', true),
    radio('memo', 'メモ（延べ件数に数えない）', false));
  const isContact = () => kind.querySelector('input[value="contact"]').checked;
  const showKind = () => {
    f.method_id.disabled = !isContact();
    f.party_id.disabled = !isContact();
  };
  kind.addEventListener('change', showKind);
  let editing = null; // the entry being corrected, or null when adding
  const heading = h('h4', { id: 'entry-form-title' }, '経過を追加');
  const submit = h('button', { type: 'submit', class: 'primary', id: 'add-entry' }, '経過を追加');
  const cancel = h('button', { type: 'button', class: 'secondary', id: 'cancel-entry-edit', hidden: true, onclick: () => startEdit(null) }, '訂正をやめる');
  const startEdit = (entry) => {
    editing = entry;
    heading.textContent = entry ? `${entry.date_label} の経過を訂正` : '経過を追加';
    submit.textContent = entry ? '訂正を保存' : '経過を追加';
    cancel.hidden = !entry;
    f.date.value = entry ? entry.date_input : options.today_label;
    setOptions(f.staff_id, itemOptions('staff', entry?.staff.id), entry ? entry.staff.id : operator());
    setOptions(f.response_id, itemOptions('response', entry?.response?.id, '—'), entry?.response?.id ?? '');
    const method = entry ? entry.method?.id ?? (entry.contact ? d.intake_method.id : '') : d.intake_method.id;
    setOptions(f.method_id, itemOptions('intake_method', [method], '—'), method);
    setOptions(f.party_id, itemOptions('contact_party', [entry?.party?.id], '—'), entry?.party?.id ?? '');
    kind.querySelector(`input[value="${!entry || entry.contact ? 'contact' : 'memo'}"]`).checked = true;
    showKind();
    f.note.value = entry ? entry.note : '';
    f.minutes.value = entry && entry.minutes !== null ? String(entry.minutes) : '';
    clearFieldErrors(form);
    f.note.focus();
  };
  const form = h('form', { class: 'entry-form', id: 'entry-form', novalidate: true },
    heading,
    h('div', { class: 'form-grid entry-grid' },
      field('日付', f.date, { required: true }),
      kind,
      field('手段', f.method_id, { hint: '電話・訪問・会議など' }),
      field('相手', f.party_id),
      field('担当者', f.staff_id, { required: true }),
      field('対応', f.response_id),
      field('所要時間（分）', f.minutes),
      field('内容', f.note, { required: true, wide: true })),
    h('div', { class: 'form-actions' }, submit, cancel));
  onSubmit(form, async () => {
    const contact = isContact();
    const entry = {
      date: f.date.value, staff_id: f.staff_id.value, response_id: f.response_id.value, note: f.note.value, minutes: f.minutes.value,
      contact, method_id: contact ? f.method_id.value : '', party_id: contact ? f.party_id.value : '',
    };
    if (editing) {
      await api.updateCaseEntry(editing.id, entry);
      formDirty = false;
      await showCase(d.id, { focus: false });
      showMessage('経過記録を訂正しました。', 'success');
      return;
    }
    const reopen = d.status === '終結';
    if (reopen && !window.confirm('この相談は終結しています。相談を再開（状態を「対応中」に）して経過を追加しますか？')) return;
    await api.addCaseEntry(d.id, entry, reopen);
    formDirty = false;
    await showCase(d.id, { focus: false });
    showMessage(reopen ? '相談を再開し、経過を追加しました。' : '経過を追加しました。', 'success');
    document.querySelector('#entry-form textarea')?.focus();
  });
  form.addEventListener('input', () => { formDirty = true; });
  saveShortcut(form, ['s', 'Enter']);
  const entries = d.entries.length === 0
    ? h('p', { class: 'muted' }, 'まだ経過記録はありません。')
    : h('ol', { class: 'timeline', id: 'timeline' }, d.entries.map((e) => h('li', {},
      h('div', { class: 'timeline-head' },
        h('strong', {}, e.date_label), '　',
        e.contact ? h('span', { class: 'entry-kind' }, [e.method?.name, e.party?.name].filter(Boolean).join('・') || '連絡・対応')
          : h('span', { class: 'badge entry-memo' }, 'メモ'),
        `　${e.staff.name}`, e.response ? `　${e.response.name}` : '', e.minutes !== null ? `　${e.minutes}分` : '',
        h('button', { type: 'button', class: 'link edit-entry', onclick: () => startEdit(e) }, '訂正'),
        h('button', { type: 'button', class: 'link danger-link', onclick: () => deleteEntry(d, e) }, '削除')),
      h('p', { class: 'pre' }, e.note))));
  return h('section', { class: 'card' }, h('h3', {}, '経過記録'), entries, form);
}

async function setStatus(d, status) {
  await attempt(null, async () => {
    await api.setCaseStatus(d.id, status, d.version);
    await showCase(d.id);
    showMessage(`状態を「${status}」にしました。`, 'success');
  });
}

async function deleteEntry(d, e) {
  if (!window.confirm(`${e.date_label} の経過記録を削除しますか？（削除したことは変更履歴に残ります）`)) return;
  await attempt(null, async () => {
    await api.deleteCaseEntry(e.id);
    await showCase(d.id, { focus: false });
    showMessage('経過記録を削除しました。', 'success');
  });
}

async function deleteCase(d) {
  if (!window.confirm(`相談記録 No.${d.case_no}（${d.person_label}）を削除しますか？\n経過記録も削除されます。削除したことは変更履歴に残ります。`)) return;
  await attempt(null, async () => {
    await api.deleteCase(d.id, d.version);
    formDirty = false;
    await showList();
    showMessage(`相談記録 No.${d.case_no} を削除しました。`, 'success');
  });
}

async function showHistory(d) {
  const changes = await attempt(null, () => api.caseHistory(d.id));
  if (!changes) return;
  clear(body);
  const title = h('h2', { id: 'history-title', tabindex: '-1' }, `相談記録 No.${d.case_no}（${d.person_label}）の変更履歴`);
  body.append(
    h('div', { class: 'case-head' }, title,
      h('div', { class: 'case-actions' }, h('button', { type: 'button', class: 'secondary', id: 'back-to-case', onclick: () => showCase(d.id) }, '← 相談記録へ戻る'))),
    h('table', { class: 'data-table history-table', id: 'history-table' },
      h('thead', {}, h('tr', {}, ['日時', '操作者', '対象', '操作', '内容'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, changes.map((c) => h('tr', {},
        h('td', { class: 'nowrap' }, c.changed_label),
        h('td', { class: 'nowrap' }, c.changed_by),
        h('td', { class: 'nowrap' }, c.record_label),
        h('td', { class: 'nowrap' }, c.action),
        h('td', {}, h('ul', { class: 'changes' }, c.values.map((v) => h('li', {},
          h('span', { class: 'change-label' }, v.label), '：',
          c.action === '変更' ? [h('del', {}, v.old || '（なし）'), ' → ', h('ins', {}, v.new || '（なし）')]
            : (c.action === '削除' ? v.old : v.new) || '—')))))))));
  title.focus();
}
