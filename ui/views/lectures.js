// 講座・チラシ: 出前講座・市民公開講座 — upcoming sessions by month, past
// sessions with filters, the session form, the tally form for the paper
// questionnaires, the indicator (浸透度) with charts, the theme catalogue,
// venues and the questionnaire template. Tabs share one `data` object
// reloaded from lecture_screen after every save. 「チラシ」 on a session
// opens its A4 flyer in the print preview (PDF, print).

import { api } from '../api.js';
import { h, clear, table, tabList, selectTab } from '../lib/dom.js';
import { shareColumns, shareRows, legend } from '../lib/chart.js';
import { field, input, textarea, select, setOptions, checkbox, values, onSubmit, attempt, whileBusy, saveFile, fileKind } from '../lib/forms.js';
import { num, numOrDash, pct } from '../lib/format.js';
import { showMessage, showError, clearMessage } from '../lib/messages.js';
import { showPrintPreview } from '../lib/print-preview.js';

const TABS = [
  ['upcoming', '予定'],
  ['past', '実施済'],
  ['indicator', '指標'],
  ['catalogue', 'カタログ'],
  ['venues', '会場'],
  ['questionnaire', 'アンケート様式'],
];

let data = null;
let filter = null;
let ui = null;
let tab = 'upcoming';
let indicatorQuery = null;

const themeLabel = (t) => `${t.number}. ${t.title}`;
const themeOptions = (blank, keep = null) => [['', blank],
  ...data.themes.filter((t) => !t.retired || t.id === keep).map((t) => [t.id, themeLabel(t)])];
const venueOptions = (keep = null) => [['', '（未定）'],
  ...data.venues.filter((v) => !v.retired || v.id === keep).map((v) => [v.id, v.city_name ? `${v.name}（${v.city_name}）` : v.name])];
const cityOptions = (blank) => [['', blank], ...data.cities.map((c) => [c.id, c.name])];
const kindOptions = (blank) => [...(blank ? [['', blank]] : []), ...data.kinds.map((k) => [k, k])];
const yearOptions = () => data.years.map((y) => [String(y.year), y.label]);

// ------------------------------------------------------------- the screen

export async function render(container) {
  const { current_year: year } = await api.periodOptions();
  filter = { period: { kind: 'fiscal', year }, kind: '', theme_id: '', city_id: '' };
  indicatorQuery = { period: { kind: 'fiscal', year }, kind: '', theme_id: '' };
  data = await api.lectureScreen(filter);
  tab = 'upcoming';

  const panels = Object.fromEntries(TABS.map(([key]) => [key,
    h('section', { class: 'tab-panel', role: 'tabpanel', id: `panel-${key}`, 'aria-labelledby': `tab-${key}`, hidden: true })]));
  ui = {
    tabs: tabList('講座の画面', TABS, { controls: (key) => `panel-${key}`, show: showTab }),
    panels,
    editor: h('div', { id: 'lecture-editor' }),
  };
  container.append(
    h('header', { class: 'view-header booklet-header' },
      h('h1', {}, '講座・チラシ'),
      h('div', { class: 'header-tools' },
        h('button', { type: 'button', class: 'primary', id: 'new-session', onclick: () => openSessionForm(null) }, '新しい開催'))),
    ui.tabs,
    ui.editor,
    ...Object.values(panels),
  );
  showTab('upcoming');
}

async function showTab(key) {
  tab = key;
  selectTab(ui.tabs, key);
  for (const [k] of TABS) ui.panels[k].hidden = k !== key;
  await renderTab();
}

async function reload() {
  data = await api.lectureScreen(filter);
  await renderTab();
}

async function renderTab() {
  const panel = clear(ui.panels[tab]);
  try {
    if (tab === 'upcoming') renderUpcoming(panel);
    else if (tab === 'past') renderPast(panel);
    else if (tab === 'indicator') await renderIndicator(panel);
    else if (tab === 'catalogue') renderCatalogue(panel);
    else if (tab === 'venues') renderVenues(panel);
    else renderQuestionnaire(panel);
  } catch (error) {
    showError(error);
  }
}

// ------------------------------------------------------------- 予定

function sessionButtons(row) {
  return h('div', { class: 'row-actions' },
    h('button', { type: 'button', class: 'secondary small', 'aria-label': `${row.date_label}「${row.title}」を編集`, onclick: () => openSessionForm(row.id) }, '編集'),
    row.tally_offered ? h('button', { type: 'button', class: 'secondary small', dataset: { tally: row.id }, 'aria-label': `${row.date_label}「${row.title}」のアンケート集計`, onclick: () => openTallyForm(row.id) }, '集計入力') : null,
    row.status !== '中止' ? h('button', { type: 'button', class: 'secondary small', dataset: { flyer: row.id }, 'aria-label': `${row.date_label}「${row.title}」のチラシを作成`,
      onclick: () => showPrintPreview({ kind: 'flyer', sessionId: row.id }, { title: `チラシ（${row.title}）` }).catch(showError) }, 'チラシ') : null);
}

function renderUpcoming(panel) {
  if (data.upcoming.length === 0) {
    panel.append(h('p', { class: 'card muted' }, '予定の開催はありません。「新しい開催」から登録してください。'));
    return;
  }
  let month = null;
  let list = null;
  for (const row of data.upcoming) {
    if (row.month_label !== month) {
      month = row.month_label;
      list = h('ol', { class: 'calendar-list' });
      panel.append(h('section', { class: 'card wide-card calendar-month' }, h('h2', {}, month), list));
    }
    list.append(h('li', { class: `calendar-item status-${row.status}`, dataset: { session: row.id } },
      h('div', { class: 'calendar-day', 'aria-label': row.date_label },
        h('span', { class: 'day-number' }, String(row.day)),
        h('span', { class: `weekday wd-${row.weekday}` }, `（${row.weekday}）`)),
      h('div', { class: 'calendar-body' },
        h('p', { class: 'calendar-title' }, h('span', { class: 'badge' }, row.kind), ' ', row.title,
          row.status === '中止' ? h('span', { class: 'badge void' }, '中止') : null),
        h('p', { class: 'muted' }, [`${row.start_time}〜${row.end_time}`, row.venue_name, row.city_name, row.requesting_group].filter(Boolean).join('　'),
          `　申込 ${numOrDash(row.applicants)} / 定員 ${numOrDash(row.capacity)}`)),
      sessionButtons(row)));
  }
}

// ------------------------------------------------------------- 実施済

function renderPast(panel) {
  const year = select('year', yearOptions(), { value: String(filter.period.year), 'aria-label': '年度' });
  const kind = select('kind', kindOptions('すべての種別'), { value: filter.kind, 'aria-label': '種別' });
  const theme = select('theme_id', themeOptions('すべてのテーマ'), { value: filter.theme_id, 'aria-label': 'テーマ' });
  const city = select('city_id', cityOptions('すべての市'), { value: filter.city_id, 'aria-label': '市' });
  const onChange = async () => {
    filter = { period: { kind: 'fiscal', year: Number(year.value) }, kind: kind.value, theme_id: theme.value, city_id: city.value };
    try {
      data = await api.lectureScreen(filter);
      await renderTab();
      document.getElementById('panel-past').querySelector(`[data-field="${CSS.escape(document.activeElement?.dataset?.field || 'year')}"]`)?.focus();
    } catch (error) {
      showError(error);
    }
  };
  [year, kind, theme, city].forEach((el) => el.addEventListener('change', onChange));
  const rows = data.past.map((r) => h('tr', { dataset: { session: r.id }, class: r.status === '中止' ? 'voided' : null },
    h('td', { class: 'nowrap' }, r.date_label),
    h('td', {}, r.kind),
    h('td', {}, r.title),
    h('td', {}, [r.venue_name, r.city_name].filter(Boolean).join('・')),
    h('td', { class: r.over_capacity ? 'num warn' : 'num', title: r.over_capacity ? '定員を超えています' : null }, `${numOrDash(r.attendees)} / ${numOrDash(r.capacity)}`),
    h('td', { class: 'num' }, numOrDash(r.forms_returned)),
    h('td', { class: 'num' }, pct(r.response_rate)),
    h('td', {}, r.status),
    h('td', {}, sessionButtons(r))));
  const { held, participants } = data.past_totals;
  panel.append(h('section', { class: 'card wide-card' },
    h('div', { class: 'case-filters lecture-filters' }, year, kind, theme, city,
      ['csv', 'xlsx'].map((format) => h('button', {
        type: 'button', class: 'secondary', id: `export-lectures-${format}`,
        onclick: () => saveFile(() => api.exportLecturesCsv(filter, format), { saved: `${fileKind(format)}を保存しました` }),
      }, `${fileKind(format)}出力`))),
    h('p', { class: 'overview-totals', id: 'past-totals' }, `実施 ${num(held)}回・延べ参加者 ${num(participants)}人（一覧 ${num(data.past.length)}件）`),
    data.past.length === 0
      ? h('p', { class: 'muted' }, 'この条件の開催はありません。')
      : table('過去の開催（新しい順）', ['開催日', '種別', '題名', '会場・市', '参加 / 定員', '回収数', '回収率', '状態', ''], rows, { className: 'data-table ledger' })));
}


// ------------------------------------------------------------- session form

function closeEditor() {
  clear(ui.editor);
}

async function openSessionForm(id, theme = null) {
  clearMessage();
  const s = id ? await attempt(null, () => api.lectureSession(id)) : null;
  if (id && !s) return;
  const f = {
    kind: select('kind', kindOptions(null), { value: s?.kind }),
    theme_id: select('theme_id', themeOptions('（テーマなし）', s?.theme?.id), { value: s ? s.theme?.id : theme?.id }),
    title: input('title', { size: 40, value: s?.title }),
    session_date: input('session_date', { size: 14, placeholder: '令和7年6月14日', value: s?.session_date }),
    start_time: input('start_time', { size: 6, placeholder: '14:00', value: s?.start_time }),
    end_time: input('end_time', { size: 6, placeholder: '15:30', value: s?.end_time }),
    venue_id: select('venue_id', venueOptions(s?.venue?.id), { value: s?.venue?.id }),
    city_id: select('city_id', cityOptions('（会場の市）'), { value: s?.city_id }),
    requesting_group: input('requesting_group', { value: s?.requesting_group }),
    lecturers: textarea('lecturers', { rows: 2, value: s?.lecturers.join('\n') }),
    capacity: input('capacity', { size: 6, inputmode: 'numeric', value: s?.capacity }),
    applicants: input('applicants', { size: 6, inputmode: 'numeric', value: s?.applicants }),
    attendees: input('attendees', { size: 6, inputmode: 'numeric', value: s?.attendees }),
    status: select('status', data.statuses.map((x) => [x, x]), { value: s?.status }),
    notes: textarea('notes', { rows: 2, value: s?.notes }),
  };
  const titleHint = () => {
    const t = data.themes.find((x) => x.id === f.theme_id.value);
    f.title.placeholder = t ? t.title : '';
  };
  f.theme_id.addEventListener('change', titleHint);
  titleHint();
  const form = h('form', { class: 'card wide-card editor', id: 'session-form', novalidate: true, 'aria-labelledby': 'session-form-title' },
    h('div', { class: 'editor-head' },
      h('h2', { id: 'session-form-title' }, s ? `開催の編集（${s.date_label}）` : '新しい開催'),
      h('button', { type: 'button', class: 'secondary small', onclick: closeEditor }, '閉じる')),
    h('div', { class: 'form-grid session-grid' },
      field('種別', f.kind, { required: true }),
      field('テーマ（カタログ）', f.theme_id, { wide: true }),
      field('題名', f.title, { hint: '空欄ならテーマ名', wide: true }),
      field('開催日', f.session_date, { required: true }),
      field('開始', f.start_time, { required: true }),
      field('終了', f.end_time, { required: true }),
      field('会場', f.venue_id),
      field('市', f.city_id),
      field('依頼団体', f.requesting_group),
      field('講師（1行に1人）', f.lecturers),
      field('定員', f.capacity),
      field('申込数', f.applicants),
      field('参加者数', f.attendees, { hint: '開催後に入力' }),
      field('状態', f.status),
      field('備考', f.notes, { wide: true })),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary', id: 'save-session' }, '開催を保存')));
  onSubmit(form, async () => {
    const saved = await api.saveLectureSession({ ...values(f), id: s?.id || null });
    closeEditor();
    await reload();
    const text = `開催を保存しました：${saved.session.date_label}「${saved.session.title}」。`;
    showMessage(saved.warnings.length ? `${text}注意：${saved.warnings.join(' ')}` : text, saved.warnings.length ? 'info' : 'success');
  });
  clear(ui.editor).append(form);
  form.scrollIntoView({ block: 'start' });
  (theme ? f.session_date : f.kind).focus({ preventScroll: true });
}

// ------------------------------------------------------------- tally form

/**
 * The tally form of session `id`, in this screen's editor; 会議・研修 opens
 * it for a training's questionnaire with its own `host` and `done` (what
 * to reload after saving) and without the booklet box.
 */
export async function openTallyForm(id, { host = null, done = null } = {}) {
  const place = host ?? ui.editor;
  const close = () => clear(place);
  const s = await attempt(null, () => api.lectureSession(id));
  if (!s) return;
  if (!s.tally_allowed) {
    showMessage('アンケートの集計は「実施済」の開催にだけ入力できます。先に「編集」で状態と参加者数を保存してください。', 'error');
    return;
  }
  if (s.tallies.length === 0) {
    showMessage('アンケートの様式がありません。「アンケート様式」タブで作成してください。', 'error');
    return;
  }
  const returned = input('forms_returned', { size: 6, inputmode: 'numeric', value: s.forms_returned ?? '' });
  const rate = h('output', { id: 'live-rate', class: 'live-rate', for: returned.id });
  const questionBoxes = [];
  const grid = h('div', { class: 'tally-grid' });
  s.tallies.forEach((q, qi) => {
    const sum = h('output', { class: 'tally-sum', dataset: { sumFor: q.question_id } });
    const inputs = q.choices.map((c, ci) => input(ci === 0 ? `question:${q.question_id}` : `count:${c.choice_id}`, {
      size: 4, inputmode: 'numeric', value: s.forms_returned === null ? '' : String(c.count),
      dataset: { choice: c.choice_id, question: String(qi) }, 'aria-label': `${q.text}：${c.label}`,
    }));
    questionBoxes.push({ q, inputs, sum });
    grid.append(h('fieldset', { class: 'tally-question', dataset: { question: q.question_id } },
      h('legend', {}, `${qi + 1}. ${q.text}`, q.awareness ? h('span', { class: 'badge' }, '浸透度') : null),
      h('div', { class: 'tally-choices' }, q.choices.map((c, ci) => h('label', { class: 'tally-choice' },
        h('span', {}, c.label), inputs[ci]))),
      sum));
  });
  const comments = textarea('comments', { rows: 4, value: s.comments.join('\n') });
  // A running sum while typing, full-width digits too; Rust checks on saving.
  const typed = (el) => {
    const text = el.value.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xFEE0)).trim();
    return text === '' ? 0 : Number(text);
  };
  const refresh = () => {
    const r = typed(returned);
    rate.textContent = s.attendees > 0 && Number.isFinite(r) ? `回収率 ${pct(r / s.attendees)}（${num(r)} / ${num(s.attendees)}人）` : '回収率 —';
    rate.classList.toggle('over', r > (s.attendees ?? 0));
    for (const box of questionBoxes) {
      const total = box.inputs.reduce((a, el) => a + (Number.isFinite(typed(el)) ? typed(el) : 0), 0);
      box.sum.textContent = `計 ${num(total)} / 回収 ${num(r)}${total > r ? '（回収数を超えています）' : `・無回答 ${num(Math.max(0, r - total))}`}`;
      box.sum.classList.toggle('over', total > r);
    }
  };
  const form = h('form', { class: 'card wide-card editor', id: 'tally-form', novalidate: true, 'aria-labelledby': 'tally-title' },
    h('div', { class: 'editor-head' },
      h('h2', { id: 'tally-title' }, `アンケート集計：${s.date_label}「${s.title}」`),
      h('button', { type: 'button', class: 'secondary small', onclick: close }, '閉じる')),
    h('p', { class: 'muted' }, `参加者 ${numOrDash(s.attendees)}人。用紙を見ながら、選択肢ごとの枚数を Tab で順に入力します（空欄は0）。`,
      s.questionnaire_version ? `様式 第${s.questionnaire_version}版。` : ''),
    h('div', { class: 'tally-head' }, field('回収数（枚）', returned, { required: true }), rate),
    grid,
    field('自由意見（1行に1件）', comments, { wide: true }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'primary', id: 'save-tally' }, '集計を保存')),
    host ? null : bookletBox(s));
  form.addEventListener('input', refresh);
  onSubmit(form, async () => {
    const counts = questionBoxes.flatMap((box) => box.inputs.map((el) => ({ choice_id: el.dataset.choice, count: el.value })));
    const saved = await api.saveLectureTally(s.id, {
      forms_returned: returned.value,
      counts,
      comments: comments.value.split('\n'),
    });
    close();
    await (done ? done() : reload());
    showMessage(`集計を保存しました：${saved.date_label}「${saved.title}」回収 ${num(saved.forms_returned)}枚・回収率 ${pct(saved.response_rate)}。`, 'success');
  });
  refresh();
  clear(place).append(form);
  form.scrollIntoView({ block: 'start' });
  returned.focus({ preventScroll: true });
  returned.select();
}

/** 意志表示帳 handed out at the session, recorded into the ledger. */
function bookletBox(s) {
  if (data.editions.length === 0) return null;
  const editions = () => data.editions.map((e) => [e.id, e.name]);
  const edition = select('edition_id', editions(), { value: data.editions[data.editions.length - 1].id });
  const quantity = input('quantity', { size: 5, inputmode: 'numeric' });
  // A button, not a form: this sits inside the tally form.
  const record = h('button', { type: 'button', class: 'secondary', id: 'record-booklets' }, '配布を記録');
  const box = h('fieldset', { class: 'plain booklet-link', id: 'lecture-booklets' },
    h('legend', {}, '意志表示帳の配布'),
    h('p', { class: 'hint', id: 'booklets-so-far' }, `この開催で配布済み：${num(s.booklets_handed_out)}冊（${s.handout_channel ? `台帳に「${s.handout_channel}」として記録` : '記録できる配布経路がありません。意志表示帳の設定で確認してください'}）`),
    h('div', { class: 'void-row' }, field('版', edition), field('冊数', quantity), record));
  record.addEventListener('click', () => whileBusy(box, () => attempt(box, async () => {
    const saved = await api.recordLectureBooklets(s.id, { edition_id: edition.value, quantity: quantity.value });
    quantity.value = '';
    box.querySelector('#booklets-so-far').textContent = `この開催で配布済み：${num(saved.booklets_handed_out)}冊`;
    data = await api.lectureScreen(filter);
    setOptions(edition, editions());
    showMessage(`意志表示帳の配布を台帳に記録しました（この開催で計 ${num(saved.booklets_handed_out)}冊）。`, 'success');
  }), [record]));
  return box;
}

// ------------------------------------------------------------- 指標

async function renderIndicator(panel) {
  const ind = await api.lectureIndicator(indicatorQuery);
  const year = select('year', yearOptions(), { value: String(indicatorQuery.period.year), 'aria-label': '年度' });
  const kind = select('kind', kindOptions('すべての種別'), { value: indicatorQuery.kind, 'aria-label': '種別' });
  const theme = select('theme_id', themeOptions('すべてのテーマ'), { value: indicatorQuery.theme_id, 'aria-label': 'テーマ' });
  const onChange = async (e) => {
    indicatorQuery = { period: { kind: 'fiscal', year: Number(year.value) }, kind: kind.value, theme_id: theme.value };
    const focused = e.target.dataset.field;
    await renderTab();
    ui.panels.indicator.querySelector(`[data-field="${focused}"]`)?.focus();
  };
  [year, kind, theme].forEach((el) => el.addEventListener('change', onChange));
  const f = ind.figures;
  const figure = (label, value, id) => h('div', { class: 'figure', id }, h('span', { class: 'muted' }, label), h('strong', {}, value));
  const cells = (...values) => values.map((v) => h('td', { class: 'num' }, v));
  const kindRows = f.by_kind.map((k) => h('tr', {}, h('td', {}, k.kind),
    cells(num(k.sessions), num(k.participants), num(k.forms_returned), pct(k.response_rate))));
  const themeRows = ind.by_theme.map((t) => h('tr', {}, h('td', {}, themeLabel(t)),
    cells(num(t.sessions), num(t.participants), pct(t.response_rate), pct(t.awareness))));
  const longest = f.questions.reduce((a, q) => (q.choices.length > a.length ? q.choices : a), []);
  const compact = { className: 'data-table compact' };
  const questionTables = f.questions.map((q) => table(`${q.text}（回答 ${num(q.answered)}）`, ['回答', '件数', '割合'],
    q.choices.map((c) => h('tr', {}, h('td', {}, c.label), cells(num(c.count), pct(c.share)))), compact));
  panel.append(
    h('section', { class: 'card wide-card', 'aria-labelledby': 'indicator-title' },
      h('div', { class: 'overview-head' }, h('h2', { id: 'indicator-title' }, `${ind.period_label}の講座の指標`),
        h('div', { class: 'case-filters lecture-filters' }, year, kind, theme)),
      h('div', { class: 'figures', id: 'lecture-figures' },
        figure('実施回数', `${num(f.sessions_held)}回`, 'fig-held'),
        figure('延べ参加者', `${num(f.participants)}人`, 'fig-participants'),
        figure('回収数', `${num(f.forms_returned)}枚`, 'fig-returned'),
        figure('回収率', pct(f.response_rate), 'fig-rate'),
        figure('浸透度', pct(f.awareness), 'fig-awareness'),
        figure('中止', `${num(f.sessions_cancelled)}回`, 'fig-cancelled'))),
    h('section', { class: 'card wide-card', 'aria-labelledby': 'trend-title' },
      h('h2', { id: 'trend-title' }, `浸透度の推移：${ind.awareness_question ? `「${ind.awareness_question}」に最初の選択肢を選んだ割合` : '浸透度の質問が様式にありません'}`),
      h('div', { class: 'chart-box', id: 'awareness-chart' }, shareColumns({
        title: '浸透度の推移（年度の上期・下期）',
        points: ind.trend.map((t) => ({ key: t.from, label: t.label.replace('年度', '年度\u2009'), share: t.share, note: `回答 ${t.answered}・実施 ${t.sessions}回` })),
      }))),
    h('section', { class: 'card wide-card', 'aria-labelledby': 'shares-title' },
      h('h2', { id: 'shares-title' }, '質問ごとの回答の割合'),
      f.questions.length === 0 ? h('p', { class: 'muted' }, 'この期間の集計はまだありません。') : h('div', { class: 'chart-box', id: 'share-chart' }, shareRows({
        title: `${ind.period_label}の回答の割合`,
        rows: f.questions.map((q) => ({ key: q.text, label: q.text, answered: q.answered, parts: q.choices })),
      }), legend(longest.map((c, i) => `${i + 1}番目の選択肢`))),
      h('div', { class: 'question-tables' }, questionTables)),
    h('section', { class: 'card wide-card overview-tables' },
      table('種別ごと', ['種別', '実施回数', '延べ参加者', '回収数', '回収率'], kindRows, compact),
      table('テーマごと（実施のあったもの）', ['テーマ', '実施回数', '延べ参加者', '回収率', '浸透度'], themeRows, compact)),
  );
}

// ------------------------------------------------------------- カタログ

function renderCatalogue(panel) {
  const editorBox = h('div', { id: 'theme-editor' });
  const rows = data.themes.map((t) => h('tr', { class: t.retired ? 'voided' : null, dataset: { theme: t.id } },
    h('td', { class: 'num' }, String(t.number)),
    h('td', {}, h('strong', {}, t.title), h('p', { class: 'muted small-text' }, t.summary)),
    h('td', {}, t.organisation_name),
    h('td', { class: 'num' }, t.duration_minutes ? `${t.duration_minutes}分` : ''),
    h('td', {}, t.audience),
    h('td', { class: 'num' }, num(t.sessions_held)),
    h('td', {}, h('div', { class: 'row-actions' },
      t.retired ? h('span', { class: 'badge void' }, '休止') : h('button', { type: 'button', class: 'primary small', dataset: { fromTheme: t.id }, 'aria-label': `「${t.title}」で開催を作成`, onclick: () => openSessionForm(null, t) }, '開催を作成'),
      h('button', { type: 'button', class: 'secondary small', 'aria-label': `「${t.title}」を編集`, onclick: () => themeForm(editorBox, t) }, '編集')))));
  panel.append(h('section', { class: 'card wide-card' },
    h('div', { class: 'overview-head' }, h('h2', {}, `講座テーマ（${num(data.themes.length)}件）`),
      h('button', { type: 'button', class: 'secondary', id: 'new-theme', onclick: () => themeForm(editorBox, null) }, 'テーマを追加')),
    editorBox,
    table('出前講座のカタログ', ['番号', 'テーマ・内容', '担当団体', '時間', '対象', '実施', ''], rows, { className: 'data-table ledger' })));
}

function themeForm(box, t) {
  const nextNumber = data.themes.reduce((a, x) => Math.max(a, x.number), 0) + 1;
  const f = {
    number: input('number', { size: 4, value: String(t?.number ?? nextNumber) }),
    title: input('title', { size: 40, value: t?.title }),
    organisation_id: select('organisation_id', [['', '（未設定）'], ...data.organisations.map((o) => [o.id, o.name])], { value: t?.organisation_id }),
    summary: textarea('summary', { rows: 3, value: t?.summary }),
    duration_minutes: input('duration_minutes', { size: 5, value: t?.duration_minutes }),
    audience: input('audience', { value: t?.audience }),
  };
  const retired = checkbox('retired', ' 休止（新しい開催では選べなくする）', { checked: t?.retired });
  const form = h('form', { class: 'editor theme-form', novalidate: true },
    h('h3', {}, t ? `テーマ ${t.number} の編集` : '新しいテーマ'),
    h('div', { class: 'form-grid session-grid' },
      field('番号', f.number, { required: true }),
      field('テーマ', f.title, { required: true, wide: true }),
      field('担当団体', f.organisation_id, { hint: '関係機関の一覧から' }),
      field('所要時間（分）', f.duration_minutes),
      field('対象', f.audience),
      field('内容', f.summary, { wide: true })),
    retired.label,
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary' }, 'テーマを保存'),
      h('button', { type: 'button', class: 'secondary', onclick: () => clear(box) }, '閉じる')));
  onSubmit(form, async () => {
    const saved = await api.saveLectureTheme({ ...values(f), id: t?.id || null, retired: retired.box.checked });
    await reload();
    showMessage(`テーマ「${saved.title}」を保存しました。`, 'success');
  });
  clear(box).append(form);
  f.title.focus();
}

// ------------------------------------------------------------- 会場

function renderVenues(panel) {
  const list = h('div', { class: 'venue-list' });
  const venueForm = (v) => {
    const f = {
      name: input('name', { value: v?.name, 'aria-label': '会場名' }),
      address: input('address', { value: v?.address, size: 36, 'aria-label': '住所' }),
      city_id: select('city_id', cityOptions('（市）'), { value: v?.city_id, 'aria-label': '市' }),
    };
    const retired = checkbox('', '使わない', { checked: v?.retired });
    const form = h('form', { class: v ? 'inline-form venue-row' : 'inline-form venue-row new', novalidate: true },
      Object.values(f), retired.label,
      h('button', { type: 'submit', class: v ? 'secondary small' : 'primary small' }, v ? '保存' : '追加'));
    onSubmit(form, async () => {
      const saved = await api.saveLectureVenue({ id: v?.id || null, ...values(f), retired: retired.box.checked });
      await reload();
      showMessage(`会場「${saved.name}」を保存しました。`, 'success');
    });
    return form;
  };
  data.venues.forEach((v) => list.append(venueForm(v)));
  panel.append(h('section', { class: 'card wide-card' },
    h('h2', {}, '会場'),
    h('p', { class: 'hint' }, '会場名・住所・市。住所はチラシにも使います。'),
    list,
    h('h3', {}, '会場を追加'),
    venueForm(null)));
}

// ------------------------------------------------------------- アンケート様式

function renderQuestionnaire(panel) {
  const q = data.questionnaire;
  const name = input('name', { value: q?.name ?? '講座アンケート' });
  const list = h('ol', { class: 'question-editor' });
  const addQuestion = (question) => {
    const text = input('question_text', { size: 40, value: question?.text, 'aria-label': '質問' });
    const choices = textarea('choices', { rows: 4, value: (question?.choices ?? []).map((c) => c.label ?? c).join('\n') });
    const awareness = h('input', { type: 'radio', name: 'awareness', 'aria-label': '浸透度の質問' });
    awareness.checked = Boolean(question?.awareness);
    const item = h('li', { class: 'question-item' },
      h('div', { class: 'question-row' }, text,
        h('label', { class: 'inline' }, awareness, '浸透度の質問'),
        h('button', { type: 'button', class: 'danger-link', onclick: () => item.remove() }, '削除')),
      h('label', { class: 'hint choices-label', for: choices.id }, '選択肢（1行に1つ、上から順に）'), choices);
    item.read = () => ({ text: text.value, awareness: awareness.checked, choices: choices.value.split('\n') });
    item.dataset.index = String(list.children.length);
    text.dataset.field = `question_${list.children.length}`;
    list.append(item);
    return text;
  };
  (q?.questions ?? []).forEach((question) => addQuestion(question));
  const form = h('form', { class: 'card wide-card', id: 'questionnaire-form', novalidate: true },
    h('h2', {}, q ? `アンケート様式（第${q.version}版）` : 'アンケート様式'),
    q && q.sessions_with_answers > 0
      ? h('p', { class: 'notice', id: 'version-notice' }, `この版で${num(q.sessions_with_answers)}件の開催の回答が入力されています。保存すると第${q.version + 1}版として保存し、過去の集計はそのまま残ります。`)
      : h('p', { class: 'hint' }, 'まだ回答の入力がない版は、そのまま書き換えます。'),
    field('様式の名前', name),
    list,
    h('div', { class: 'form-actions' },
      h('button', { type: 'button', class: 'secondary', onclick: () => addQuestion(null).focus() }, '質問を追加'),
      h('button', { type: 'submit', class: 'primary', id: 'save-questionnaire' }, '様式を保存')));
  onSubmit(form, async () => {
    // Field names follow the order sent, so an error lands on the right row.
    [...list.children].forEach((item, i) => { item.querySelector('input[type="text"]').dataset.field = `question_${i}`; });
    const questions = [...list.children].map((item) => item.read());
    if (q && q.sessions_with_answers > 0 && !window.confirm(`第${q.version + 1}版として保存します。よろしいですか？`)) return;
    const saved = await api.saveQuestionnaire({ name: name.value, questions });
    await reload();
    showMessage(`アンケート様式（第${saved.version}版）を保存しました。`, 'success');
  });
  panel.append(form);
}
