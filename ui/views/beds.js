// 療養支援ベッド as the scheme runs it, four tabs of 名簿: 輪番表 (a month
// calendar filled from a weekly pattern, single days changed, printed),
// 事前登録 (with expiry warnings), 利用記録 (stays, entered from a day of
// the calendar or the list) and 集計 (the 補助事業's yearly figures).
// Every rule and message is Rust's; this only draws and sends.

import { api } from '../api.js';
import { h, clear, table } from '../lib/dom.js';
import { field, input, textarea, select, setOptions, checkbox, values, onSubmit, saveFile, attempt } from '../lib/forms.js';
import { num } from '../lib/format.js';
import { showMessage, showError, clearMessage } from '../lib/messages.js';
import { showPrintPreview } from '../lib/print-preview.js';

const MONTH_KEY = 'zaitaku-bed-rota-month';
const WEEKDAYS = ['月', '火', '水', '木', '金', '土', '日'];

/** 令和7年4月1日（火） → 令和7年4月1日, a date the form fields read back. */
function dateOnly(label) {
  return (label ?? '').replace(/（.）$/, '');
}

function badge(text, cls = '') {
  return h('span', { class: `badge ${cls}` }, text);
}

function thisMonth() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** Hospitals that may take turns: the registered support-bed hospitals. */
async function hospitals() {
  return (await api.listSupportBeds({})).filter((b) => !b.retired);
}

/**
 * A small form in `editor`: heading with 閉じる, `fields`, and the submit
 * button; `save()` runs on Enter or the button, then `done(result)`.
 */
function editorForm(editor, { id, title, fields, saveLabel = '保存', save, done }) {
  const form = h('form', { class: 'card editor registry-form', id, novalidate: true, 'aria-labelledby': `${id}-title` },
    h('div', { class: 'editor-head' },
      h('h2', { id: `${id}-title` }, title),
      h('button', { type: 'button', class: 'secondary small', onclick: () => clear(editor) }, '閉じる')),
    h('div', { class: 'form-grid registry-grid' }, fields),
    h('div', { class: 'form-actions-inline' }, h('button', { type: 'submit', class: 'primary', id: `${id}-save` }, saveLabel)));
  onSubmit(form, async () => {
    const result = await save();
    clear(editor);
    await done(result);
  });
  clear(editor).append(form);
  return form;
}

// ------------------------------------------------------ 本日の療養支援ベッド

/** 「本日の療養支援ベッド」: today's holder and its phone, at the top of 名簿. */
export function todayBanner() {
  const box = h('p', { class: 'today-bed', id: 'today-bed', 'data-testid': 'today-bed', role: 'status' }, '本日の療養支援ベッド：確認中…');
  api.todayBed().then((day) => {
    clear(box).append(h('strong', {}, '本日の療養支援ベッド：'),
      h('span', { 'data-testid': 'today-bed-hospital' }, day ? `${day.hospital}${day.phone ? `（電話 ${day.phone}）` : ''}` : '輪番表に今日の担当病院がありません。'));
  }).catch(() => { clear(box).append('本日の療養支援ベッド：読み込めませんでした。'); });
  return box;
}

// ------------------------------------------------------------ 輪番表

export async function rotaTab(panel) {
  let month = sessionStorage.getItem(MONTH_KEY) || thisMonth();
  const beds = await hospitals();
  const choices = [['', '（なし）'], ...beds.map((b) => [b.id, b.hospital])];
  const title = h('h2', { id: 'rota-title', tabindex: '-1' });
  const calendar = h('div', { id: 'rota-calendar' });
  const totals = h('p', { class: 'muted', id: 'rota-totals' });
  const editor = h('div', { id: 'rota-editor' });
  const pattern = WEEKDAYS.map((d, i) => select(`pattern.${i}`, choices, { 'aria-label': `${d}曜日の病院`, value: beds[i % Math.max(beds.length, 1)]?.id ?? '' }));
  const patternForm = h('form', { class: 'card rota-pattern', id: 'rota-pattern', novalidate: true, 'aria-labelledby': 'rota-pattern-title' },
    h('h3', { id: 'rota-pattern-title' }, '曜日ごとの担当で月を埋める'),
    h('div', { class: 'rota-pattern-grid' }, pattern.map((s, i) => field(`${WEEKDAYS[i]}曜日`, s))),
    h('div', { class: 'form-actions-inline' },
      h('button', { type: 'submit', class: 'primary', id: 'rota-fill' }, 'この月に当てはめる'),
      h('span', { class: 'muted' }, '当てはめたあと、日ごとに「変更」で担当病院を直せます。')));
  let current = null;

  const draw = (m) => {
    current = m;
    month = m.month;
    sessionStorage.setItem(MONTH_KEY, month);
    title.textContent = `${m.label}の輪番表`;
    const cells = [];
    // Blank cells before the 1st (weeks start on Monday).
    for (let i = 0; i < m.days[0].weekday; i += 1) cells.push(h('td', { class: 'rota-blank' }));
    for (const d of m.days) {
      cells.push(h('td', { class: `rota-day wd-${d.weekday}${d.bed_id ? '' : ' open'}`, dataset: { day: d.day } },
        h('div', { class: 'rota-date' }, `${d.day_of_month}日`),
        h('div', { class: 'rota-hospital', 'data-testid': 'rota-hospital' }, d.hospital || '（未定）'),
        d.admissions ? badge(`入院${num(d.admissions)}件`, 'stay') : null,
        h('div', { class: 'rota-actions' },
          h('button', { type: 'button', class: 'link rota-change', 'aria-label': `${d.label}の担当病院を変更`, onclick: () => openDay(d) }, '変更'),
          h('button', { type: 'button', class: 'link rota-stay', 'aria-label': `${d.label}の利用を記録`, onclick: () => openStay(d) }, '利用を記録'))));
    }
    while (cells.length % 7) cells.push(h('td', { class: 'rota-blank' }));
    const rows = [];
    for (let i = 0; i < cells.length; i += 7) rows.push(h('tr', {}, cells.slice(i, i + 7)));
    clear(calendar).append(table(`${m.label}の輪番表`, WEEKDAYS, rows, { className: 'rota-table', testid: 'rota-table' }));
    totals.textContent = `担当日数：${m.hospitals.map((x) => `${x.hospital} ${x.days}日`).join('、') || 'なし'}${m.open_days ? `、未定 ${m.open_days}日` : ''}`;
  };
  const load = async (wanted) => {
    try {
      draw(await api.bedRotaMonth(wanted));
    } catch (error) {
      showError(error);
    }
  };
  const openDay = (d) => {
    clearMessage();
    const bed = select('bed_id', choices, { value: d.bed_id ?? '' });
    editorForm(editor, {
      id: 'rota-day-form',
      title: `${d.label}の担当病院`,
      fields: [field('担当病院', bed)],
      save: () => api.setBedRotaDay(d.day, bed.value),
      done: async (saved) => {
        showMessage(`${saved.label}の担当を${saved.hospital || '未定'}にしました。`, 'success');
        await load(month);
      },
    });
    bed.focus();
  };
  const openStay = (d) => openStayForm(editor, { day: d.day }, async (saved) => {
    await load(month);
    return saved;
  });
  onSubmit(patternForm, async () => {
    if (current && current.days.some((d) => d.bed_id)
      && !window.confirm(`${current.label}の輪番を曜日ごとの担当で置き換えます。日ごとに直した担当も置き換わります。よろしいですか？`)) return;
    const filled = await api.fillBedRota({ month, pattern: pattern.map((s) => s.value) });
    draw(filled);
    showMessage(`${filled.label}の輪番表を作りました。`, 'success');
  });

  const bar = h('div', { class: 'registry-toolbar' },
    h('button', { type: 'button', class: 'secondary', id: 'rota-prev', onclick: () => load(current?.previous ?? month) }, '◀ 前の月'),
    title,
    h('button', { type: 'button', class: 'secondary', id: 'rota-next', onclick: () => load(current?.next ?? month) }, '次の月 ▶'),
    h('span', { class: 'toolbar-space' }),
    h('button', {
      type: 'button', class: 'secondary', id: 'rota-print',
      onclick: () => showPrintPreview({ kind: 'bedRota', month, months: 1 }, { title: '輪番表の印刷' }).catch(showError),
    }, '印刷（この月）'),
    h('button', {
      type: 'button', class: 'secondary', id: 'rota-print-year',
      onclick: () => showPrintPreview({ kind: 'bedRota', month, months: 12 }, { title: '輪番表の印刷（12か月）' }).catch(showError),
    }, '印刷（12か月）'));
  panel.append(bar, editor, calendar, totals,
    beds.length ? patternForm : h('p', { class: 'muted' }, '「療養支援ベッド」のタブで病院を登録すると輪番表を作れます。'));
  await load(month);
}

// ------------------------------------------------------------ 事前登録

export async function registrationsTab(panel) {
  const search = h('input', { type: 'search', id: 'registration-search', placeholder: '氏名・ふりがなで検索', autocomplete: 'off', 'aria-label': '検索' });
  const validity = select('', [['', '（すべて）'], ['valid', '有効'], ['expiring', '期限まで30日以内'], ['expired', '期限切れ']], { 'aria-label': '状態' });
  const editor = h('div', { id: 'registration-editor' });
  const list = h('div', { id: 'registration-list' });
  const doctors = (await api.listDoctors({})).map((d) => [d.id, `${d.name}（${d.clinic}）`]);
  const refresh = async () => {
    try {
      drawRegistrations(list, await api.listBedRegistrations({ query: search.value, validity: validity.value }), { edit, remove });
    } catch (error) {
      showError(error);
    }
  };
  const edit = (g) => openRegistration(editor, g, doctors, refresh);
  const remove = async (g) => {
    if (!window.confirm(`${g.person_name}さんの事前登録（同意書 ${g.consent_label}）を削除しますか？`)) return;
    await attempt(null, async () => {
      await api.deleteBedRegistration(g.id);
      showMessage(`${g.person_name}さんの事前登録を削除しました。`, 'success');
      await refresh();
    });
  };
  let timer = null;
  search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(refresh, 150); });
  validity.addEventListener('change', refresh);
  panel.append(h('div', { class: 'registry-toolbar' }, search, validity, h('span', { class: 'toolbar-space' }),
    h('button', { type: 'button', class: 'primary', id: 'registration-new', onclick: () => edit(null) }, '事前登録')),
  editor, list);
  await refresh();
}

function drawRegistrations(list, regs, { edit, remove }) {
  const expired = regs.filter((g) => g.validity === 'expired').length;
  const expiring = regs.filter((g) => g.validity === 'expiring').length;
  clear(list).append(
    h('p', { class: 'registry-count', 'data-testid': 'registration-count' }, `${num(regs.length)}件`,
      expired || expiring ? h('span', { class: 'due-note' }, `（期限切れ ${num(expired)}件・30日以内に期限 ${num(expiring)}件）`) : null),
    regs.length === 0 ? h('p', { class: 'muted' }, '該当する事前登録はありません。')
      : table('療養支援ベッドの事前登録', ['氏名', '同意書の日付', '有効期限', 'かかりつけ医', '担当ケアマネ', '利用', ''],
        regs.map((g) => h('tr', { dataset: { id: g.id }, class: g.validity === 'expired' ? 'retired' : null },
          h('td', {}, h('strong', {}, g.person_name), h('span', { class: 'kana' }, [g.person_kana, g.person_birth_label && `${g.person_birth_label}生`].filter(Boolean).join('　'))),
          h('td', { class: 'nowrap' }, g.consent_label),
          h('td', { class: 'nowrap' }, g.valid_until_label,
            g.validity === 'valid' ? null : h('span', { class: `sheet-due validity-${g.validity}`, role: 'note' }, g.validity_label)),
          h('td', {}, g.doctor_label || '—'),
          h('td', {}, g.care_manager || '—'),
          h('td', { class: 'num' }, `${num(g.stays)}回`),
          h('td', {},
            h('button', { type: 'button', class: 'secondary small', onclick: () => edit(g) }, '編集'),
            h('button', { type: 'button', class: 'secondary small danger', onclick: () => remove(g) }, '削除')))),
        { className: 'data-table registry-table', testid: 'registration-table' }));
}

/**
 * The registration form. The patient is a person of the 相談記録, found as
 * the intake form finds them (same 氏名, ふりがな or 生年月日).
 */
function openRegistration(editor, g, doctors, refresh) {
  clearMessage();
  const v = g ?? {};
  let personId = v.person_id ?? '';
  const find = {
    name: input('', { value: v.person_name ?? '', 'aria-label': '氏名', placeholder: '氏名', id: 'registration-find-name' }),
    kana: input('', { value: v.person_kana ?? '', 'aria-label': 'ふりがな', placeholder: 'ふりがな' }),
    birth_date: input('', { value: v.person_birth_label ?? '', size: 14, 'aria-label': '生年月日', placeholder: '生年月日（任意）' }),
  };
  const chosen = h('output', { 'data-field': 'person_id', tabindex: '-1', id: 'registration-person', class: 'chosen-person' },
    g ? `${g.person_name}${g.person_birth_label ? `（${g.person_birth_label}生）` : ''}` : '未選択');
  const matches = h('div', { id: 'registration-matches', 'aria-live': 'polite' });
  const lookUp = async () => {
    await attempt(null, async () => {
      const answer = await api.similarPersons({ name: find.name.value, kana: find.kana.value, birth_date: find.birth_date.value });
      clear(matches).append(answer.matches.length === 0
        ? h('p', { class: 'muted' }, '相談記録に該当する対象者がいません。氏名・ふりがなを確かめるか、先に相談記録を登録してください。')
        : h('ul', { class: 'person-matches' }, answer.matches.map((m) => h('li', {},
          `${m.person.name}（${m.person.kana || 'ふりがななし'}）${m.person.birth_label ? `　${m.person.birth_label}生` : ''}${m.person.city ? `　${m.person.city}` : ''}　相談${m.cases}件　`,
          h('button', { type: 'button', class: 'secondary small choose-person', onclick: () => {
            personId = m.person.id;
            chosen.textContent = `${m.person.name}${m.person.birth_label ? `（${m.person.birth_label}生）` : ''}`;
            clear(matches);
            f.consent_on.focus();
          } }, 'この人を選ぶ')))));
    });
  };
  const f = {
    consent_on: input('consent_on', { value: v.consent_label ?? '', size: 16 }),
    valid_until: input('valid_until', { value: v.valid_until_label ?? '', size: 16 }),
    doctor_id: select('doctor_id', [['', '（未選択）'], ...doctors], { value: v.doctor_id ?? '' }),
    care_manager: input('care_manager', { value: v.care_manager ?? '' }),
    notes: textarea('notes', { rows: 2, value: v.notes ?? '' }),
  };
  const finder = h('fieldset', { class: 'plain person-finder wide' }, h('legend', {}, '対象者（相談記録の対象者から選ぶ）'),
    h('div', { class: 'finder-row' }, find.name, find.kana, find.birth_date,
      h('button', { type: 'button', class: 'secondary', id: 'registration-find', onclick: lookUp }, '対象者を探す')),
    h('p', {}, '選んだ対象者：', chosen), matches);
  find.name.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); lookUp(); } });
  editorForm(editor, {
    id: 'registration-form',
    title: g ? `${g.person_name}さんの事前登録を編集` : '療養支援ベッドの事前登録',
    fields: [
      finder,
      field('同意書の日付', f.consent_on, { required: true, hint: '個人情報使用同意書に署名した日。例：令和7年4月1日' }),
      field('有効期限', f.valid_until, { required: true, hint: 'この日まで有効（この日を含む）' }),
      field('かかりつけ医（往診登録医）', f.doctor_id),
      field('担当ケアマネ', f.care_manager, { hint: '例：居宅介護支援事業所さかど 佐藤' }),
      field('備考', f.notes, { wide: true })],
    save: () => api.saveBedRegistration({ id: g?.id ?? null, person_id: personId, ...values(f) }),
    done: async (saved) => {
      showMessage(`${saved.person_name}さんの事前登録を保存しました（${saved.validity_label}）。`, 'success');
      await refresh();
    },
  });
  (g ? f.consent_on : find.name).focus();
}

// ------------------------------------------------------------ 利用記録

export async function staysTab(panel) {
  const search = h('input', { type: 'search', id: 'stay-search', placeholder: '氏名・ふりがな・病院で検索', autocomplete: 'off', 'aria-label': '検索' });
  const inHospital = checkbox('', '入院中のみ');
  const editor = h('div', { id: 'stay-editor' });
  const list = h('div', { id: 'stay-list' });
  const filter = () => ({ query: search.value, in_hospital_only: inHospital.box.checked });
  const refresh = async () => {
    try {
      drawStays(list, await api.listBedStays(filter()), { edit, remove });
    } catch (error) {
      showError(error);
    }
  };
  const edit = (s) => openStayForm(editor, s ? { stay: s } : { day: '' }, refresh);
  const remove = async (s) => {
    if (!window.confirm(`${s.person_name}さんの利用記録（${s.admitted_label}入院、${s.hospital}）を削除しますか？`)) return;
    await attempt(null, async () => {
      await api.deleteBedStay(s.id);
      showMessage('利用記録を削除しました。', 'success');
      await refresh();
    });
  };
  let timer = null;
  search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(refresh, 150); });
  inHospital.box.addEventListener('change', refresh);
  const reasons = h('div', { id: 'reason-editor' });
  panel.append(h('div', { class: 'registry-toolbar' }, search, inHospital.label, h('span', { class: 'toolbar-space' }),
    h('button', { type: 'button', class: 'primary', id: 'stay-new', onclick: () => edit(null) }, '利用を記録'),
    h('button', { type: 'button', class: 'secondary', id: 'reason-edit', onclick: () => openReasons(reasons) }, '利用理由の一覧'),
    h('button', { type: 'button', class: 'secondary', id: 'stay-csv', onclick: () => saveFile(() => api.exportBedStaysCsv(filter())) }, 'CSVを保存')),
  reasons, editor, list);
  await refresh();
}

function drawStays(list, stays, { edit, remove }) {
  const long = stays.filter((s) => s.long).length;
  clear(list).append(
    h('p', { class: 'registry-count', 'data-testid': 'stay-count' }, `${num(stays.length)}件`,
      long ? h('span', { class: 'due-note' }, `（14日を超えた利用 ${num(long)}件）`) : null),
    stays.length === 0 ? h('p', { class: 'muted' }, '該当する利用記録はありません。')
      : table('療養支援ベッドの利用記録', ['入院日', '退院日', '日数', '氏名', '病院', '利用理由', '転帰', '相談記録', ''],
        stays.map((s) => h('tr', { dataset: { id: s.id } },
          h('td', { class: 'nowrap' }, s.admitted_label),
          h('td', { class: 'nowrap' }, s.in_hospital ? badge('入院中', 'stay') : s.discharged_label),
          h('td', { class: 'num nowrap' }, `${num(s.days)}日`, s.long ? h('span', { class: 'sheet-due', role: 'note', title: s.warning }, '14日超') : null),
          h('td', {}, h('strong', {}, s.person_name), s.person_kana ? h('span', { class: 'kana' }, s.person_kana) : null),
          h('td', {}, s.hospital),
          h('td', {}, s.reason),
          h('td', {}, s.outcome_label || '—'),
          h('td', {}, s.case_label || '—'),
          h('td', {},
            h('button', { type: 'button', class: 'secondary small', onclick: () => edit(s) }, '編集'),
            h('button', { type: 'button', class: 'secondary small danger', onclick: () => remove(s) }, '削除')))),
        { className: 'data-table registry-table', testid: 'stay-table' }));
}

/**
 * The stay form in `editor`, for a new stay on `day` (its hospital is
 * that day's rota holder) or to edit `stay`; `done(saved)` runs after.
 */
export async function openStayForm(editor, { day = '', stay = null }, done) {
  clearMessage();
  let form;
  try {
    form = await api.bedStayForm(stay ? stay.admitted_on : day);
  } catch (error) {
    showError(error);
    return;
  }
  const v = stay ?? {};
  const persons = [['', '（事前登録者から選ぶ）'], ...form.persons.map((p) => [p.id, p.label])];
  const f = {
    person_id: select('person_id', persons, { value: v.person_id ?? '' }),
    bed_id: select('bed_id', [['', '（選ぶ）'], ...form.hospitals.map((x) => [x.id, x.label])], { value: v.bed_id ?? form.default_bed_id ?? '' }),
    admitted_on: input('admitted_on', { value: dateOnly(stay ? v.admitted_label : form.day_label), size: 18 }),
    discharged_on: input('discharged_on', { value: dateOnly(v.discharged_label), size: 18 }),
    reason_id: select('reason_id', [['', '（選ぶ）'], ...form.reasons.filter((r) => !r.retired || r.id === v.reason_id).map((r) => [r.id, r.name])], { value: v.reason_id ?? '' }),
    outcome: select('outcome', [['', '（未記入）'], ...form.outcomes.map((o) => [o.id, o.label])], { value: v.outcome ?? '' }),
    case_id: select('case_id', [['', '（なし）']]),
    notes: textarea('notes', { rows: 2, value: v.notes ?? '' }),
  };
  const fillCases = (wanted) => {
    const person = form.persons.find((p) => p.id === f.person_id.value);
    setOptions(f.case_id, [['', '（なし）'], ...(person?.cases ?? []).map((c) => [c.id, c.label])], wanted);
  };
  fillCases(v.case_id ?? '');
  f.person_id.addEventListener('change', () => fillCases(''));
  const holder = form.default_bed_id ? form.hospitals.find((x) => x.id === form.default_bed_id)?.label : null;
  editorForm(editor, {
    id: 'stay-form',
    title: stay ? `${stay.person_name}さんの利用記録を編集` : `療養支援ベッドの利用を記録（${form.day_label}）`,
    fields: [
      field('利用した人', f.person_id, { required: true, hint: form.persons.length ? '事前登録のある人から選びます' : '事前登録のある人がいません。先に「事前登録」をしてください。' }),
      field('病院', f.bed_id, { required: true, hint: holder ? `${form.day_label}の輪番：${holder}` : 'この日の輪番はありません' }),
      field('入院日', f.admitted_on, { required: true }),
      field('退院日', f.discharged_on, { hint: '入院中は空欄。日数は入院日と退院日を含めて数えます' }),
      field('利用理由', f.reason_id, { required: true }),
      field('転帰', f.outcome),
      field('相談記録', f.case_id, { hint: 'この人の相談記録につなげるとき' }),
      field('備考', f.notes, { wide: true })],
    save: () => api.saveBedStay({ id: stay?.id ?? null, ...values(f) }),
    done: async (saved) => {
      const text = `${saved.person_name}さんの利用（${saved.admitted_label}入院、${saved.hospital}、${saved.days}日）を記録しました。`;
      showMessage(saved.warning ? `${text}${saved.warning}` : text, 'success');
      await done(saved);
    },
  });
  f.person_id.focus();
}

/** The list of 利用理由: rename, reorder by position, add, 使用しない. */
async function openReasons(box) {
  clearMessage();
  const reasons = await api.bedStayForm('').then((f) => f.reasons).catch((e) => { showError(e); return null; });
  if (!reasons) return;
  const rows = h('ol', { class: 'reason-rows' });
  const addRow = (r = { id: null, name: '', retired: false }) => {
    const i = rows.children.length;
    const name = input(`items.${i}.name`, { value: r.name, 'aria-label': '利用理由' });
    const retired = checkbox('', '使用しない', { checked: r.retired });
    rows.append(h('li', { dataset: { id: r.id ?? '' } }, name, retired.label));
    return name;
  };
  reasons.forEach((r) => addRow(r));
  const form = editorForm(box, {
    id: 'reason-form',
    title: '利用理由の一覧',
    fields: [rows, h('button', { type: 'button', class: 'secondary small', onclick: () => addRow().focus() }, '理由を追加')],
    save: () => api.saveBedStayReasons([...rows.children].map((li) => ({
      id: li.dataset.id || null,
      name: li.querySelector('input[type="text"]').value,
      retired: li.querySelector('input[type="checkbox"]').checked,
    }))),
    done: async () => showMessage('利用理由の一覧を保存しました。', 'success'),
  });
  form.querySelector('input')?.focus();
}

// ------------------------------------------------------------ 集計

export async function figuresTab(panel) {
  const options = await api.periodOptions();
  const year = select('year', options.fiscal_years.map((y) => [String(y.year), y.label]), { id: 'bed-figures-year', value: String(options.current_year) });
  const body = h('div', { id: 'bed-figures', 'aria-live': 'polite' });
  const period = () => ({ kind: 'fiscal', year: Number(year.value) });
  const run = async () => {
    try {
      drawFigures(body, await api.bedFigures(period()));
    } catch (error) {
      showError(error);
    }
  };
  year.addEventListener('change', run);
  panel.append(h('div', { class: 'registry-toolbar' }, field('年度', year), h('span', { class: 'toolbar-space' }),
    h('button', { type: 'button', class: 'secondary', id: 'bed-figures-csv', onclick: () => saveFile(() => api.exportBedFiguresCsv(period())) }, 'CSVを保存')),
  body);
  await run();
}

function drawFigures(body, f) {
  clear(body).append(...figureParts(f));
}

/** The figures as the 集計 tab and the report screen show them. */
function figureParts(f) {
  const tally = (caption, label, rows) => table(caption, [label, '利用件数', '延べ利用日数'],
    [...rows, { name: '合計', stays: f.stays, days: f.days }].map((t) => h('tr', {},
      h('th', { scope: 'row' }, t.name), h('td', { class: 'num' }, num(t.stays)), h('td', { class: 'num' }, num(t.days)))),
    { className: 'data-table figures-table', numeric: true });
  return [
    h('dl', { class: 'figures-summary', 'data-testid': 'bed-figures-summary' },
      h('dt', {}, '新規登録者数'), h('dd', {}, `${num(f.new_registrants)}人`),
      h('dt', {}, `登録者数（${f.end_label}現在）`), h('dd', {}, `${num(f.registrants_at_end)}人`),
      h('dt', {}, '利用件数'), h('dd', { 'data-testid': 'bed-figures-stays' }, `${num(f.stays)}件`),
      h('dt', {}, '延べ利用日数'), h('dd', { 'data-testid': 'bed-figures-days' }, `${num(f.days)}日`),
      h('dt', {}, '14日を超えた利用'), h('dd', {}, `${num(f.long_stays)}件`)),
    tally(`${f.label} 利用理由別`, '利用理由', f.by_reason),
    tally(`${f.label} 病院別`, '病院', f.by_hospital),
    tally(`${f.label} 月別`, '月', f.by_month),
    h('p', { class: 'muted' }, '利用件数は入院日が期間内の利用の件数、延べ利用日数は期間内に入っている日数（入院日と退院日を含めて数え、入院中は今日まで）です。年度をまたぐ利用は日数を各年度に分けて数えます。'),
  ];
}

/** The report screen's section on 療養支援ベッド (集計・報告). */
export function reportSection(f) {
  return h('section', { class: 'card wide-card', 'aria-labelledby': 'sec-beds', 'data-testid': 'report-beds' },
    h('h2', { id: 'sec-beds' }, '療養支援ベッド（在宅医療提供体制充実支援事業）'),
    figureParts(f));
}
