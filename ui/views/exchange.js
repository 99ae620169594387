// 設定 › 端末とデータ共有: this PC's name and role; on the 親機 「子機を準備」,
// 「取り込む」 (what the file will do, then every conflict side by side,
// field by field, before anything changes), the 子機 and the files waiting
// for a person; on a 子機 「変更を書き出す」 and 「親機からの返信を取り込む」;
// on both, the shared folder for the automatic exchange. Files and folders
// are chosen in the app's own dialogs: the page never names a path.

import { api } from '../api.js';
import { h, clear } from '../lib/dom.js';
import { field, input, attempt, onSubmit, whileBusy } from '../lib/forms.js';
import { fileSize } from '../lib/format.js';
import { showMessage, showError, clearMessage } from '../lib/messages.js';
import { isAdmin } from '../lib/lock.js';
import { refreshExchangeBadge } from '../lib/exchange-badge.js';

// The columns a conflict may name, as the screens call them.
const COLUMN_LABELS = {
  name: '名前', kana: 'ふりがな', sex: '性別', birth_date: '生年月日', city_id: '市', area_id: '圏域',
  care_level: '要介護度', family_doctor: 'かかりつけ医', received_at: '受付日時', intake_method_id: '受付方法',
  consulter_type_id: '相談者の種別', consulter_affiliation: '相談者の所属', consulter_name: '相談者', info_source: '情報源',
  is_new: '新規', content: '相談内容', referral_to: 'つないだ先', minutes: '対応時間（分）', staff_id: '担当者',
  status: '状況', outcome_id: '結果', entry_date: '日付', response_id: '対応', note: '内容', notes: '備考',
  kind: '種類', edition_id: '版', quantity: '冊数', source: '入手', channel_id: '配布の経路', recipient_type: '配布先の種別',
  recipient_name: '配布先', voided_at: '取り消した日時', void_reason: '取り消しの理由', title: '題名',
  session_date: '開催日', start_time: '開始', end_time: '終了', venue_id: '会場', theme_id: 'テーマ',
  requesting_group: '依頼団体', lecturers: '講師', capacity: '定員', applicants: '申込者数', attendees: '参加者数',
  forms_returned: 'アンケート回収数', phone: '電話', fax: 'FAX', address: '住所', email: 'メール', postal_code: '郵便番号',
};

function columnLabel(column) {
  return COLUMN_LABELS[column] ?? column;
}

let shown = null;

export async function render(container) {
  const section = h('section', { class: 'card exchange', id: 'exchange', 'aria-labelledby': 'exchange-title' });
  container.append(section);
  shown = section;
  await refresh(section);
}

async function refresh(section) {
  const status = await api.exchangeStatus();
  const id = status.identity;
  const admin = isAdmin();
  // Element.append would show a null as the text "null".
  clear(section).append(...[
    h('h2', { id: 'exchange-title' }, '端末とデータ共有'),
    h('p', { class: 'exchange-identity', id: 'exchange-identity' },
      id ? `この端末：${id.name}（${id.role_label}）` : 'この端末はまだデータ共有をしていません。子機を準備すると、この端末が親機になります。'),
    admin ? null : h('p', { class: 'hint' }, '子機の準備、書き出し、取り込みは管理者だけが行えます。'),
    admin && (!id || id.role === 'parent') ? parentPart(section, status) : null,
    admin && id?.role === 'child' ? childPart(section, status) : null,
    id ? sharedPart(section, status, admin) : null,
    h('div', { class: 'exchange-preview', id: 'exchange-preview' }),
  ].filter(Boolean));
}

// ----------------------------------------------------------------- 親機

function parentPart(section, status) {
  const name = input('child_name', { id: 'exchange-child-name', placeholder: '例：ノートPC', maxlength: 30 });
  const prepare = h('form', { class: 'exchange-prepare', id: 'exchange-prepare-form', novalidate: true },
    field('新しい子機の名前', name, { hint: '持ち出すノートパソコンや、事務所のほかのパソコンの名前（30文字まで）。', required: true }),
    h('button', { type: 'submit', class: 'secondary', id: 'exchange-prepare' }, '子機を準備…'));
  onSubmit(prepare, async () => {
    const file = await api.prepareExchangeChild(name.value);
    if (!file) return;
    await refresh(section);
    showMessage(`準備ファイル「${file}」を作成しました。子機にするパソコンで、初期設定の最初の画面から「子機として開始」を選び、このファイルを読み込んでください。`, 'success');
  });
  const devices = status.devices.length === 0
    ? h('p', { class: 'muted' }, 'まだ子機はありません。')
    : h('table', { class: 'data-table exchange-devices', id: 'exchange-devices' },
      h('caption', {}, '子機'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '番号'), h('th', { scope: 'col' }, '名前'), h('th', { scope: 'col' }, '状態'))),
      h('tbody', {}, status.devices.map((d) => h('tr', {},
        h('td', {}, String(d.no)), h('td', {}, d.name), h('td', {}, d.exchanged ? '取り込み済み' : 'まだ取り込んでいません')))));
  const waiting = status.waiting_names.length === 0 ? null
    : h('div', { class: 'exchange-waiting', id: 'exchange-waiting', role: 'alert' },
      h('h3', {}, `どちらを残すか選ぶのを待っているファイル（${status.waiting_names.length}件）`),
      h('ul', {}, status.waiting_names.map((name) => h('li', {},
        h('span', {}, name), ' ',
        h('button', { type: 'button', class: 'secondary small', onclick: (e) => preview(section, { waiting: name }, e.target) }, '内容を確認して取り込む…')))));
  return h('div', { class: 'exchange-parent' },
    waiting,
    h('div', { class: 'exchange-actions' },
      h('button', { type: 'button', class: 'primary', id: 'exchange-import', onclick: (e) => preview(section, 'choose', e.target) }, '子機のファイルを取り込む…'),
      h('span', { class: 'hint' }, '子機で書き出したファイル（.zdx）を選ぶと、取り込む前に内容を確認できます。')),
    prepare,
    devices);
}

/** 取り込む, first step: what the file will do; nothing changes yet. */
async function preview(section, source, button) {
  const box = section.querySelector('#exchange-preview');
  const label = button.textContent;
  button.textContent = 'ファイルを確認しています…';
  const shownPreview = await whileBusy(section, () => attempt(null, () => api.previewExchangeFile(source)), [button]);
  button.textContent = label;
  if (!shownPreview) return;
  clear(box).append(previewPanel(section, shownPreview));
  box.querySelector('h3')?.focus();
}

/** 「相談記録 3件追加・1件変更」 lines of a file, or that it brings nothing. */
function countList(counts, id) {
  if (counts.length === 0) return h('p', { id }, '変更はありません。');
  return h('ul', { class: 'exchange-counts', id }, counts.map((c) => h('li', {}, c.text)));
}

function previewPanel(section, p) {
  const panel = h('div', { class: 'exchange-preview-panel', role: 'region', 'aria-labelledby': 'exchange-preview-title' });
  const apply = h('button', { type: 'button', class: 'primary', id: 'exchange-apply' }, '取り込む');
  const cancel = h('button', { type: 'button', class: 'secondary', id: 'exchange-cancel' }, 'やめる');
  const note = h('p', { class: 'hint' }, '「取り込む」を押すと、先にこの端末のバックアップを作ってから、すべてを一度に取り込みます。');
  panel.append(
    h('h3', { id: 'exchange-preview-title', tabindex: '-1' }, `取り込む内容の確認（${p.device_name}から）`),
    countList(p.counts, 'exchange-preview-counts'),
    p.conflicts.length === 0 ? h('p', {}, '競合はありません。')
      : h('div', { class: 'exchange-conflicts', id: 'exchange-conflicts' },
        h('p', { class: 'exchange-conflict-note', role: 'alert' },
          `両方の端末で違う内容に変えられた記録が${p.conflicts.length}件あります。項目ごとに、残す値を選んでください。選ぶまでは取り込みません。`),
        p.conflicts.map((c, i) => conflictTable(c, i))),
    note,
    h('div', { class: 'form-actions-inline' }, apply, cancel));
  cancel.addEventListener('click', () => {
    clear(panel.parentElement);
    section.querySelector('#exchange-import')?.focus();
  });
  apply.addEventListener('click', () => whileBusy(panel, async () => {
    const choices = collectChoices(panel, p.conflicts);
    if (!choices) return;
    apply.textContent = 'バックアップして取り込んでいます…';
    clearMessage();
    try {
      const done = await api.applyExchangeFile(choices);
      await refresh(section);
      refreshExchangeBadge();
      const what = done.counts.length ? done.counts.map((c) => c.text).join('、') : '変更なし';
      showMessage(`取り込みました（${what}）。子機への返信「${done.reply_name}」を「${done.reply_dir}」に保存しました。子機で「親機からの返信を取り込む」を行うと、両方の記録が同じになります。`, 'success');
    } catch (error) {
      apply.textContent = '取り込む';
      showError(error);
    }
  }, [apply, cancel]));
  return panel;
}

/** One conflicting record: its fields side by side, a choice per field
 * (per record for a deletion) and both sides at once. */
function conflictTable(c, i) {
  const deletion = c.kind !== 'both_changed';
  const group = (column) => (deletion ? `c${i}` : `c${i}-${column}`);
  const choice = (column, pick, text) => {
    const radio = h('input', { type: 'radio', name: group(column), value: pick, dataset: { key: c.key, field: deletion ? '' : column } });
    return h('label', { class: 'exchange-pick' }, radio, h('span', {}, text === '' ? '（空欄）' : text));
  };
  const rows = c.fields.map((f, j) => h('tr', {},
    h('th', { scope: 'row' }, columnLabel(f.column)),
    h('td', { class: 'exchange-base' }, f.base === '' ? '（空欄）' : f.base),
    h('td', {}, deletion && j > 0 ? (f.here === '' ? '（空欄）' : f.here) : choice(f.column, 'here', f.here)),
    h('td', {}, deletion && j > 0 ? (f.there === '' ? '（空欄）' : f.there) : choice(f.column, 'there', f.there))));
  const table = h('table', { class: 'data-table exchange-conflict', dataset: { key: c.key } },
    h('caption', {}, `${c.label || c.table}${c.record ? `：${c.record}` : ''}（${c.kind_label}）`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, '項目'), h('th', { scope: 'col' }, '共通の元の値'),
      h('th', { scope: 'col' }, 'このパソコン'), h('th', { scope: 'col' }, '相手のパソコン'))),
    h('tbody', {}, rows));
  const all = (pick) => table.querySelectorAll(`input[type=radio][value=${pick}]`).forEach((r) => { r.checked = true; });
  return h('div', { class: 'exchange-conflict-box' },
    deletion ? h('p', { class: 'exchange-deletion' }, c.kind === 'deleted_there'
      ? '相手のパソコンではこの記録が削除されました。「相手のパソコン」を選ぶと、この記録を削除します。'
      : 'このパソコンではこの記録を削除しました。「相手のパソコン」を選ぶと、相手の内容で記録を戻します。') : null,
    table,
    h('div', { class: 'exchange-all' },
      h('button', { type: 'button', class: 'secondary small', onclick: () => all('here') }, 'すべてこのパソコン'),
      h('button', { type: 'button', class: 'secondary small', onclick: () => all('there') }, 'すべて相手')));
}

/** The choices made, or null (with the first open question focused). */
function collectChoices(panel, conflicts) {
  const groups = new Set([...panel.querySelectorAll('.exchange-conflict input[type=radio]')].map((r) => r.name));
  const choices = [];
  for (const name of groups) {
    const picked = panel.querySelector(`input[name="${name}"]:checked`);
    if (!picked) {
      showMessage('どちらを残すか選ばれていない項目があります。すべての項目で選んでから「取り込む」を押してください。', 'error');
      panel.querySelector(`input[name="${name}"]`)?.focus();
      return null;
    }
    choices.push({ key: picked.dataset.key, field: picked.dataset.field || null, pick: picked.value });
  }
  return conflicts.length ? choices : [];
}

// ----------------------------------------------------------------- 子機

function childPart(section, status) {
  const exportButton = h('button', { type: 'button', class: 'primary', id: 'exchange-export' }, '変更を書き出す…');
  const replyButton = h('button', { type: 'button', class: 'secondary', id: 'exchange-reply' }, '親機からの返信を取り込む…');
  exportButton.addEventListener('click', () => whileBusy(section, async () => {
    exportButton.textContent = '書き出しています…';
    const done = await attempt(null, () => api.exportExchangeChanges());
    exportButton.textContent = '変更を書き出す…';
    if (!done) return;
    await refresh(section);
    const what = done.counts.length ? done.counts.map((c) => c.text).join('、') : '変更なし';
    showMessage(`変更を書き出しました（${what}、${fileSize(done.size_bytes)}）：${done.path}　親機で「子機のファイルを取り込む」を行ってください。`, 'success');
  }, [exportButton, replyButton]));
  replyButton.addEventListener('click', () => whileBusy(section, async () => {
    replyButton.textContent = '取り込んでいます…';
    const taken = await attempt(null, () => api.takeExchangeReply());
    replyButton.textContent = '親機からの返信を取り込む…';
    if (!taken) return;
    await refresh(section);
    const what = taken.counts.length ? taken.counts.map((c) => c.text).join('、') : '変更なし';
    const kept = taken.kept_here ? `書き出した後にこの端末で変更した記録${taken.kept_here}件は、この端末の内容を残しました（次の持ち帰りで親機が確認します）。` : '';
    showMessage(`親機からの返信を取り込みました（${what}）。${kept}`, 'success');
  }, [exportButton, replyButton]));
  return h('div', { class: 'exchange-child' },
    h('p', { class: 'hint' }, status.awaiting_reply
      ? '書き出したファイルへの親機の返信を待っています。親機で取り込んだあと、返信ファイルを取り込んでください。'
      : 'この端末で入力した記録は、「変更を書き出す」で親機に持ち帰ります。'),
    h('div', { class: 'exchange-actions' }, exportButton, replyButton));
}

// ----------------------------------------------------------- shared folder

function sharedPart(section, status, admin) {
  const round = status.last_round;
  const roundLine = !round ? null : h('p', { class: 'muted', id: 'exchange-last-round' },
    round.failed ? `${round.at_label} 自動のデータ共有ができませんでした：${round.failed}`
      : `${round.at_label} 自動のデータ共有：${[...round.done, ...round.problems].join('　') || '新しいファイルはありませんでした'}`);
  if (!admin) {
    return h('div', { class: 'exchange-shared' },
      h('p', {}, status.shared_dir ? `共有フォルダ：${status.shared_dir}` : '共有フォルダは設定されていません。'), roundLine);
  }
  const dir = input('shared_dir', { id: 'exchange-shared-dir', value: status.shared_dir ?? '', placeholder: '例：\\\\NAS\\共有\\在宅デスク' });
  const form = h('form', { class: 'exchange-shared', id: 'exchange-shared-form', novalidate: true },
    field('共有フォルダ（自動のデータ共有）', dir, {
      hint: '事務所のNASや共有フォルダがあるときは、親機と子機で同じフォルダを指定すると、数分ごとに自動でデータを共有します。データベースそのものは各パソコンに置いたままです。空欄にすると自動の共有をやめます。',
    }),
    h('button', { type: 'submit', class: 'secondary', id: 'exchange-save-shared' }, '共有フォルダを保存'),
    roundLine);
  onSubmit(form, async () => {
    const saved = await api.saveExchangeSharedDir(dir.value);
    await refresh(section);
    api.startExchangeRounds().catch(() => {});
    showMessage(saved ? `共有フォルダを「${saved}」にしました。数分ごとに自動でデータを共有します。` : '共有フォルダの設定を消しました。自動のデータ共有はしません。', 'success');
  });
  return form;
}

// The automatic exchange may take files in while this screen is open.
window.addEventListener('zaitaku:exchange-waiting', async () => {
  if (!shown?.isConnected || shown.querySelector('.exchange-preview-panel')) return;
  await refresh(shown).catch(() => {});
});
