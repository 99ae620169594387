// 会議・研修: the 年度's meetings and training grouped by kind with counts,
// the open tasks of every meeting (overdue first, tick to close), the
// meeting form (attendance by 職種 and by organisation, agenda, decisions,
// tasks, minutes), its A4 議事録 in the print preview, a training's
// questionnaire entered with the lecture tally form, the MCS figures, and
// (管理者) the lists of 種類 and 職種. Every rule is Rust's; its messages
// appear next to the field.

import { api } from '../api.js';
import { h, clear, table } from '../lib/dom.js';
import { field, input, textarea, select, checkbox, onSubmit, saveShortcut, saveFile, attempt, whileBusy } from '../lib/forms.js';
import { num } from '../lib/format.js';
import { showMessage, showError } from '../lib/messages.js';
import { isAdmin } from '../lib/lock.js';
import { showPrintPreview } from '../lib/print-preview.js';
import { openTallyForm } from './lectures.js';

let data = null;
let year = null;
let ui = null;
let dirty = false;

export function hasUnsavedChanges() {
  return dirty;
}

const itemLabel = (letter) => {
  const item = data.items.find((i) => i.letter === letter);
  return item ? `${item.letter} ${item.title}` : letter;
};

// ------------------------------------------------------------- the screen

export async function render(container) {
  const periods = await api.periodOptions();
  year = year ?? periods.current_year;
  data = await api.meetingScreen(year);
  dirty = false;
  const yearSelect = select('', data.periods.fiscal_years.map((y) => [String(y.year), y.label]), { id: 'meeting-year', value: String(year), 'aria-label': '年度' });
  yearSelect.addEventListener('change', async () => {
    year = Number(yearSelect.value);
    await reload();
  });
  ui = {
    summary: h('section', { class: 'card wide-card', id: 'meeting-summary', 'aria-labelledby': 'meeting-summary-title' }),
    tasks: h('section', { class: 'card wide-card', id: 'meeting-tasks', 'aria-labelledby': 'meeting-tasks-title' }),
    editor: h('div', { id: 'meeting-editor' }),
    tally: h('div', { id: 'meeting-tally' }),
    list: h('section', { class: 'wide-card', id: 'meeting-list' }),
    mcs: h('section', { class: 'card wide-card', id: 'mcs-card', 'aria-labelledby': 'mcs-title' }),
    lists: h('div', { id: 'meeting-lists' }),
  };
  container.append(
    h('header', { class: 'view-header booklet-header' },
      h('h1', {}, '会議・研修'),
      h('div', { class: 'header-tools' },
        yearSelect,
        h('button', { type: 'button', class: 'primary', id: 'new-meeting', onclick: () => openForm(null) }, '新しい会議・研修'),
        h('button', { type: 'button', class: 'secondary', id: 'meeting-csv', onclick: () => saveFile(() => api.exportMeetingsCsv(year)) }, 'CSVを保存'))),
    ui.editor, ui.tally, ui.summary, ui.tasks, ui.list, ui.mcs, ui.lists);
  draw();
}

async function reload() {
  data = await api.meetingScreen(year);
  draw();
}

function draw() {
  drawSummary();
  drawTasks();
  drawList();
  drawMcs();
  drawLists();
}

function drawSummary() {
  const total = data.by_kind.reduce((a, k) => a + k.meetings, 0);
  const rows = data.by_kind.map((k) => h('tr', {},
    h('td', {}, k.name), h('td', {}, itemLabel(k.item)), h('td', { class: 'num' }, `${num(k.meetings)}回`), h('td', { class: 'num' }, `${num(k.attendees)}人`)));
  clear(ui.summary).append(
    h('h2', { id: 'meeting-summary-title' }, `${data.year_label}の会議・研修（${num(total)}回）`),
    rows.length === 0
      ? h('p', { class: 'muted', id: 'meeting-summary-empty' }, 'この年度の記録はまだありません。「新しい会議・研修」から入力します。')
      : table('種類別の回数と参加者数', ['種類', '事業項目', '回数', '参加者数'], rows, { testid: 'meeting-kinds', numeric: true }));
}

function drawTasks() {
  const rows = data.open_tasks.map((t) => {
    const done = checkbox('', ' 済', { class: 'check', 'aria-label': `「${t.task}」を済にする` });
    done.box.addEventListener('change', () => whileBusy(ui.tasks, () => attempt(null, async () => {
      await api.setMeetingTaskDone(t.id, done.box.checked);
      showMessage(`宿題「${t.task}」を済にしました。`, 'success');
      await reload();
    }), []));
    return h('tr', { class: t.overdue ? 'overdue' : null, dataset: { task: t.id } },
      h('td', {}, done.label),
      h('td', {}, t.task),
      h('td', {}, t.owner),
      h('td', { class: 'nowrap' }, t.due_label || '—', t.overdue ? h('span', { class: 'badge overdue-badge' }, '期限切れ') : null),
      h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => openForm(t.meeting_id) }, `${t.meeting_date_label} ${t.meeting_title}`)));
  });
  const overdue = data.open_tasks.filter((t) => t.overdue).length;
  clear(ui.tasks).append(
    h('h2', { id: 'meeting-tasks-title' }, `未了の宿題（${num(data.open_tasks.length)}件${overdue ? `・うち期限切れ ${num(overdue)}件` : ''}）`),
    rows.length === 0
      ? h('p', { class: 'muted' }, '未了の宿題はありません。')
      : table('すべての会議・研修の未了の宿題（期限切れが先）', ['済', '内容', '担当', '期限', '会議・研修'], rows, { testid: 'open-tasks' }));
}

function drawList() {
  const groups = data.by_kind.map((k) => {
    const rows = data.meetings.filter((m) => m.kind_id === k.kind_id).map((m) => h('tr', { dataset: { meeting: m.id } },
      h('td', { class: 'nowrap' }, m.date_label),
      h('td', { class: 'nowrap' }, m.time_label),
      h('td', {}, m.title),
      h('td', {}, m.venue),
      h('td', {}, m.organiser_label),
      h('td', { class: 'num' }, `${num(m.attendees)}人`),
      h('td', { class: 'num' }, m.open_tasks ? `${num(m.open_tasks)}件` : '—'),
      h('td', { class: 'nowrap' },
        h('button', { type: 'button', class: 'secondary small', 'aria-label': `${m.date_label}「${m.title}」を編集`, onclick: () => openForm(m.id) }, '編集'),
        ' ',
        h('button', { type: 'button', class: 'secondary small', 'aria-label': `${m.date_label}「${m.title}」の議事録`, onclick: () => printMinutes(m.id, m.title) }, '議事録'))));
    return h('section', { class: 'card meeting-group', dataset: { kind: k.kind_id } },
      h('h3', {}, `${k.name}（${k.item}）${num(k.meetings)}回`),
      table(`${k.name}の一覧`, ['開催日', '時間', '名称', '会場', '主催', '参加者数', '未了の宿題', ''], rows, { testid: 'meeting-table' }));
  });
  ui.list.dataset.year = String(data.year);
  clear(ui.list).append(...groups);
}

function printMinutes(id, title) {
  showPrintPreview({ kind: 'meetingMinutes', meetingId: id }, { title: `議事録：${title}` }).catch(showError);
}

// ------------------------------------------------------------- the form

function closeForm() {
  dirty = false;
  clear(ui.editor);
}

async function openForm(id) {
  const m = id ? await attempt(null, () => api.getMeeting(id)) : null;
  if (id && !m) return;
  clear(ui.tally);
  const kinds = data.kinds.filter((k) => !k.retired || k.id === m?.kind_id);
  const kind = select('kind_id', [['', '（選んでください）'], ...kinds.map((k) => [k.id, `${k.name}（${k.item}）`])], { value: m?.kind_id ?? '' });
  const title = input('title', { value: m?.title ?? '', size: 40 });
  const date = input('meeting_date', { value: m?.date_label?.replace(/（.）$/, '') ?? '', placeholder: '令和7年6月12日', size: 16 });
  const start = input('start_time', { value: m?.start_time ?? '14:00', size: 6, inputmode: 'numeric' });
  const end = input('end_time', { value: m?.end_time ?? '15:30', size: 6, inputmode: 'numeric' });
  const venue = input('venue', { value: m?.venue ?? '', size: 30 });
  const own = checkbox('organised_by_office', ' 当室の主催', { checked: !m || m.organiser === '' });
  const organiser = input('organiser', { value: m?.organiser ?? '', size: 24, placeholder: '主催者（坂戸市、保健所 など）' });
  const showOrganiser = () => { organiser.closest('.field').hidden = own.box.checked; };

  // 職種: one count each (the row index is the field the errors name).
  const occupations = data.occupations.filter((o) => !o.retired || m?.attendance.some((a) => a.occupation_id === o.id));
  const counts = occupations.map((o, i) => input(`attendance.${i}`, {
    size: 4, inputmode: 'numeric', 'aria-label': `${o.name}の人数`, dataset: { occupation: o.id },
    value: String(m?.attendance.find((a) => a.occupation_id === o.id)?.attendees ?? ''),
  }));
  const total = h('output', { id: 'attendance-total' });
  const typed = (el) => Number(el.value.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xFEE0)).trim() || 0);
  const refreshTotal = () => {
    const sum = counts.reduce((a, el) => a + (Number.isFinite(typed(el)) ? typed(el) : 0), 0);
    total.textContent = `計 ${num(sum)}人`;
  };
  const jobs = h('fieldset', { class: 'plain occupation-grid', id: 'meeting-attendance' },
    h('legend', {}, '職種別の参加者（人）'),
    occupations.map((o, i) => h('label', { class: 'occupation' }, h('span', {}, o.name), counts[i])), total);

  const orgRows = h('ol', { class: 'list-items', id: 'meeting-organisations' });
  const orgs = (m?.organisations ?? []).map((o) => ({ name: o.name, attendees: String(o.attendees) }));
  const drawOrgs = () => {
    clear(orgRows);
    orgs.forEach((o, i) => {
      const name = input(`organisations.${i}.name`, { value: o.name, size: 28, 'aria-label': `機関${i + 1}の名前` });
      const n = input(`organisations.${i}.attendees`, { value: o.attendees, size: 4, inputmode: 'numeric', 'aria-label': `機関${i + 1}の人数` });
      name.addEventListener('input', () => { o.name = name.value; });
      n.addEventListener('input', () => { o.attendees = n.value; });
      orgRows.append(h('li', { class: 'list-item' }, name, n, '人',
        h('button', { type: 'button', class: 'link danger-link', onclick: () => { orgs.splice(i, 1); drawOrgs(); } }, '削除')));
    });
  };

  const taskRows = h('ol', { class: 'list-items', id: 'meeting-task-rows' });
  const tasks = (m?.tasks ?? []).map((t) => ({ id: t.id, task: t.task, owner: t.owner, due_on: t.due_label, done: t.done }));
  const drawTasksRows = (focus = null) => {
    clear(taskRows);
    tasks.forEach((t, i) => {
      const what = input(`tasks.${i}.task`, { value: t.task, size: 30, 'aria-label': `宿題${i + 1}の内容` });
      const owner = input(`tasks.${i}.owner`, { value: t.owner, size: 10, 'aria-label': `宿題${i + 1}の担当` });
      const due = input(`tasks.${i}.due_on`, { value: t.due_on, size: 14, placeholder: '期限', 'aria-label': `宿題${i + 1}の期限` });
      const done = checkbox('', ' 済', { checked: t.done, class: 'check' });
      what.addEventListener('input', () => { t.task = what.value; });
      owner.addEventListener('input', () => { t.owner = owner.value; });
      due.addEventListener('input', () => { t.due_on = due.value; });
      done.box.addEventListener('change', () => { t.done = done.box.checked; });
      taskRows.append(h('li', { class: 'list-item task-row' }, what, owner, due, done.label,
        h('button', { type: 'button', class: 'link danger-link', onclick: () => { tasks.splice(i, 1); drawTasksRows(); } }, '削除')));
      if (focus === i) setTimeout(() => what.focus());
    });
  };

  const agenda = textarea('agenda', { rows: 3, value: m?.agenda ?? '' });
  const decisions = textarea('decisions', { rows: 3, value: m?.decisions ?? '' });
  const minutes = textarea('minutes', { rows: 8, value: m?.minutes ?? '' });
  const questionnaire = checkbox('questionnaire', ' アンケートを集計する（講座と同じ様式・集計表）', { checked: Boolean(m?.lecture_session_id) });
  const isTraining = () => data.kinds.find((k) => k.id === kind.value)?.item === 'カ';
  const showQuestionnaire = () => { questionnaire.label.hidden = !isTraining(); if (!isTraining()) questionnaire.box.checked = false; };

  const form = h('form', { class: 'card wide-card editor', id: 'meeting-form', novalidate: true, 'aria-labelledby': 'meeting-form-title' },
    h('div', { class: 'editor-head' },
      h('h2', { id: 'meeting-form-title' }, m ? `会議・研修の編集：${m.title}` : '新しい会議・研修'),
      h('button', { type: 'button', class: 'secondary small', onclick: () => { if (!dirty || window.confirm('保存していない入力があります。破棄して閉じますか？')) closeForm(); } }, '閉じる')),
    h('div', { class: 'form-grid meeting-grid' },
      field('種類', kind, { required: true, hint: '種類ごとに事業報告の項目（ア〜ク）が決まっています。' }),
      field('名称', title, { required: true }),
      field('開催日', date, { required: true, hint: '令和7年6月12日 / R7.6.12 / 2025-06-12' }),
      h('div', { class: 'void-row' }, field('開始', start, { required: true }), field('終了', end, { required: true })),
      field('会場', venue),
      h('div', {}, own.label, field('主催者', organiser))),
    jobs,
    h('fieldset', { class: 'plain' }, h('legend', {}, '機関別の参加者'), orgRows,
      h('button', { type: 'button', class: 'secondary small', id: 'add-organisation', onclick: () => { orgs.push({ name: '', attendees: '' }); drawOrgs(); orgRows.lastChild?.querySelector('input')?.focus(); } }, '＋ 機関を追加')),
    field('議題', agenda, { wide: true }),
    field('決定事項', decisions, { wide: true }),
    h('fieldset', { class: 'plain' }, h('legend', {}, '宿題（内容・担当・期限）'), taskRows,
      h('button', { type: 'button', class: 'secondary small', id: 'add-task', onclick: () => { tasks.push({ id: null, task: '', owner: '', due_on: '', done: false }); drawTasksRows(tasks.length - 1); } }, '＋ 宿題を追加')),
    field('議事録（本文）', minutes, { wide: true }),
    questionnaire.label,
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary', id: 'save-meeting' }, '保存'),
      m ? h('button', { type: 'button', class: 'secondary', id: 'print-minutes', onclick: () => printMinutes(m.id, m.title) }, '議事録を印刷') : null,
      m?.lecture_session_id ? h('button', { type: 'button', class: 'secondary', id: 'enter-tally', onclick: () => openTallyForm(m.lecture_session_id, { host: ui.tally, done: reload }) }, 'アンケート集計を入力') : null,
      m ? h('button', { type: 'button', class: 'link danger-link', id: 'delete-meeting', onclick: () => remove(m) }, '削除') : null));
  own.box.addEventListener('change', showOrganiser);
  kind.addEventListener('change', showQuestionnaire);
  form.addEventListener('input', () => { dirty = true; refreshTotal(); });
  saveShortcut(form);
  onSubmit(form, async () => {
    const saved = await api.saveMeeting({
      id: m?.id ?? null,
      kind_id: kind.value,
      title: title.value,
      meeting_date: date.value,
      start_time: start.value,
      end_time: end.value,
      venue: venue.value,
      organised_by_office: own.box.checked,
      organiser: organiser.value,
      agenda: agenda.value,
      decisions: decisions.value,
      minutes: minutes.value,
      organisations: orgs,
      attendance: counts.map((el) => ({ occupation_id: el.dataset.occupation, attendees: el.value })),
      tasks,
      questionnaire: questionnaire.box.checked,
    });
    dirty = false;
    const shown = Number(saved.meeting_date.slice(0, 4)) - (Number(saved.meeting_date.slice(5, 7)) < 4 ? 1 : 0);
    if (shown !== year) year = shown;
    await render(clear(document.getElementById('view')));
    showMessage(`保存しました：${saved.date_label}「${saved.title}」参加者 ${num(saved.attendees)}人${saved.lecture_session_id ? '。アンケートは「編集」→「アンケート集計を入力」で入力します' : ''}。`, 'success');
  });
  drawOrgs();
  drawTasksRows();
  showOrganiser();
  showQuestionnaire();
  refreshTotal();
  clear(ui.editor).append(form);
  form.scrollIntoView({ block: 'start' });
  kind.focus({ preventScroll: true });
}

async function remove(m) {
  const tally = m.lecture_session_id ? '\nアンケートを集計済みの場合、その集計は「講座・チラシ」の研修会として残ります。' : '';
  if (!window.confirm(`${m.date_label}「${m.title}」を削除しますか？参加者と宿題も削除されます。${tally}`)) return;
  const done = await attempt(null, async () => {
    await api.deleteMeeting(m.id);
    return true;
  });
  if (!done) return;
  closeForm();
  await reload();
  showMessage(`「${m.title}」を削除しました。`, 'success');
}

// ------------------------------------------------------------- MCS

function drawMcs(editing = null) {
  const asOf = input('as_of', { value: editing?.as_of_label ?? '', placeholder: '令和元年12月1日', size: 16 });
  const offices = input('offices', { value: editing ? String(editing.offices) : '', size: 6, inputmode: 'numeric' });
  const members = input('members', { value: editing ? String(editing.members) : '', size: 6, inputmode: 'numeric' });
  const form = h('form', { class: 'inline-form', id: 'mcs-form', novalidate: true },
    field('時点（日付）', asOf, { required: true }),
    field('登録事業所数', offices, { required: true }),
    field('登録者数', members, { required: true }),
    h('button', { type: 'submit', class: 'primary', id: 'save-mcs' }, editing ? '訂正を保存' : '追加'),
    editing ? h('button', { type: 'button', class: 'secondary', onclick: () => drawMcs() }, 'やめる') : null);
  onSubmit(form, async () => {
    data.mcs = await api.saveMcsFigure({ id: editing?.id ?? null, as_of: asOf.value, offices: offices.value, members: members.value });
    drawMcs();
    showMessage('MCSの登録数を保存しました。', 'success');
  });
  const rows = data.mcs.map((f) => h('tr', {},
    h('td', {}, f.as_of_label), h('td', { class: 'num' }, num(f.offices)), h('td', { class: 'num' }, num(f.members)),
    h('td', { class: 'nowrap' },
      h('button', { type: 'button', class: 'secondary small', onclick: () => drawMcs(f) }, '訂正'),
      h('button', {
        type: 'button', class: 'link danger-link', onclick: async () => {
          if (!window.confirm(`${f.as_of_label}のMCSの登録数を削除しますか？`)) return;
          const left = await attempt(null, () => api.deleteMcsFigure(f.id));
          if (left) { data.mcs = left; drawMcs(); }
        },
      }, '削除'))));
  clear(ui.mcs).append(
    h('h2', { id: 'mcs-title' }, 'MCS（メディカルケアステーション）の登録数'),
    h('p', { class: 'hint' }, '事業報告には、その年度内の日付で入力した最新の数を「〇年〇月現在」として載せます。'),
    form,
    rows.length ? table('MCSの登録数（新しい順）', ['時点', '登録事業所数', '登録者数', ''], rows, { testid: 'mcs-table', numeric: true }) : null);
}

// ------------------------------------------------------------- lists

function drawLists() {
  clear(ui.lists);
  if (!isAdmin()) return;
  ui.lists.append(h('details', { class: 'card wide-card', id: 'meeting-list-editors' },
    h('summary', {}, '種類と職種の一覧（管理者）'),
    listEditor({
      id: 'meeting-kind-list', title: '会議・研修の種類', items: data.kinds,
      extra: (item, i) => {
        const letter = select(`items.${i}.item`, data.items.map((it) => [it.letter, `${it.letter} ${it.title}`]), { value: item.item, 'aria-label': `${item.name || '種類'}の事業項目` });
        letter.addEventListener('change', () => { item.item = letter.value; });
        return letter;
      },
      blank: { item: 'イ' },
      save: (items) => api.saveMeetingKinds(items.map((k) => ({ id: k.id, name: k.name, item: k.item, retired: k.retired }))),
    }),
    listEditor({
      id: 'meeting-occupation-list', title: '職種', items: data.occupations,
      save: (items) => api.saveMeetingOccupations(items.map((o) => ({ id: o.id, name: o.name, retired: o.retired }))),
    })));
}

/** A list of names (and `extra` per row) to rename, reorder, retire and extend. */
function listEditor({ id, title, items: original, extra = null, blank = {}, save }) {
  const items = original.map((i) => ({ ...i }));
  const rows = h('ol', { class: 'list-items' });
  const draw = () => {
    clear(rows);
    items.forEach((item, i) => {
      const name = input(`items.${i}.name`, { value: item.name, 'aria-label': `${title}${i + 1}の名前` });
      name.addEventListener('input', () => { item.name = name.value; });
      const retired = checkbox('', ' 使用しない', { checked: item.retired, class: 'check' });
      retired.box.addEventListener('change', () => { item.retired = retired.box.checked; });
      const move = (d) => { const j = i + d; if (j < 0 || j >= items.length) return; [items[i], items[j]] = [items[j], items[i]]; draw(); };
      rows.append(h('li', { class: item.retired ? 'list-item retired' : 'list-item' }, name, extra ? extra(item, i) : null, retired.label,
        h('button', { type: 'button', class: 'secondary move-up', disabled: i === 0, 'aria-label': `${item.name || '項目'}を上へ`, onclick: () => move(-1) }, '↑'),
        h('button', { type: 'button', class: 'secondary move-down', disabled: i === items.length - 1, 'aria-label': `${item.name || '項目'}を下へ`, onclick: () => move(1) }, '↓')));
    });
  };
  const form = h('form', { class: 'meeting-list-editor', id, novalidate: true },
    h('h3', {}, title),
    h('p', { class: 'hint' }, '使われた項目は削除できません。使わなくなった項目は「使用しない」にします。'),
    rows,
    h('div', { class: 'form-actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => { items.push({ id: null, name: '', retired: false, ...blank }); draw(); rows.lastChild?.querySelector('input')?.focus(); } }, '＋ 項目を追加'),
      h('button', { type: 'submit', class: 'primary' }, `${title}を保存`)));
  onSubmit(form, async () => {
    await save(items);
    await reload();
    showMessage(`「${title}」の一覧を保存しました。`, 'success');
  });
  draw();
  return form;
}
