// 初期設定: a new, empty database is set up step by step before anything
// else opens: 事業所 → 市と日常生活圏域 → 最初の管理者 → バックアップの保存先.
// Each 次へ saves its step in one go (the Rust side validates it with the
// rules of 設定 and refuses steps out of order); the step to show comes
// from the Rust side (`first_run_status`), so a restart resumes where the
// office stopped. 「デモデータで試す」 fills the empty database with the
// demo office instead.

import { api } from '../api.js';
import { h, clear } from '../lib/dom.js';
import { field, input, label, onSubmit, whileBusy, attempt } from '../lib/forms.js';
import { recoveryKeyPanel } from '../lib/recovery-key.js';
import { credentialFields, kindLabel } from '../lib/credential.js';
import { adopt } from '../lib/lock.js';
import { OFFICE_FIELDS } from '../lib/office-fields.js';
import { childChoice } from './exchange-start.js';

// The order of the steps; `first_run::Step` in the Rust side names them.
// The 回復キー comes last, on an encrypted database only.
const ALL_STEPS = [
  { key: 'office', short: '事業所', title: '事業所の情報', render: officeStep },
  { key: 'cities', short: '市と圏域', title: '市と日常生活圏域', render: citiesStep },
  { key: 'admin', short: '管理者', title: '最初の管理者', render: adminStep },
  { key: 'backup', short: 'バックアップ', title: 'バックアップの保存先', render: backupStep },
  { key: 'recovery_key', short: '回復キー', title: '回復キー', render: recoveryKeyStep, encryptedOnly: true },
];
let STEPS = ALL_STEPS;


/**
 * Shows 初期設定 over the whole window, from the step `status` names, and
 * resolves when it is finished ({ finished: true }) or the demo office was
 * made instead ({ demo: accounts }), or this PC started as a 子機
 * ({ child: identity }).
 */
export function run(status) {
  STEPS = ALL_STEPS.filter((s) => status.encrypted || !s.encryptedOnly);
  const app = document.querySelector('.app');
  app.hidden = true;
  const root = h('div', { id: 'first-run', class: 'first-run' });
  document.body.append(root);
  return new Promise((resolve) => {
    const finish = (outcome) => {
      root.remove();
      app.hidden = false;
      resolve(outcome);
    };
    const wizard = { root, status, index: STEPS.findIndex((s) => s.key === status.step), finish };
    draw(wizard);
  });
}

/** Draws the step `wizard.index` from `wizard.status`. */
function draw(wizard) {
  const step = STEPS[wizard.index];
  // Not a .field-error: clearing the form's field errors must keep it.
  const error = h('p', { class: 'first-run-error', id: 'first-run-error', role: 'alert' });
  const form = h('form', { class: 'first-run-form', id: `first-run-${step.key}`, novalidate: true, 'aria-labelledby': 'first-run-title' });
  const last = wizard.index === STEPS.length - 1;
  const next = h('button', { type: 'submit', class: 'primary', id: 'first-run-next' }, last ? '完了して始める' : '次へ');
  const back = wizard.index > 0
    ? h('button', { type: 'button', class: 'secondary', id: 'first-run-back', onclick: () => go(wizard, wizard.index - 1) }, '戻る')
    : h('span');
  const save = step.render(form, wizard);
  form.append(error, h('div', { class: 'first-run-actions' }, back,
    h('span', { class: 'first-run-keys muted' }, last ? 'Enter で完了' : 'Enter で次へ'), next));
  // Enter in any field is 次へ (the form's one submit button).
  onSubmit(form, async () => {
    const outcome = await save();
    if (outcome) after(wizard, outcome);
  }, { summary: error });

  clear(wizard.root).append(...[
    h('div', { class: 'first-run-brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), '在宅医療相談室デスク　初期設定'),
    progress(wizard.index),
    h('section', { class: 'first-run-card', 'aria-labelledby': 'first-run-title' },
      h('p', { class: 'first-run-count', id: 'first-run-count' }, `手順 ${wizard.index + 1} / ${STEPS.length}`),
      h('h1', { id: 'first-run-title' }, step.title),
      form),
    wizard.index === 0 && wizard.status.empty ? demoChoice(wizard) : null,
    wizard.index === 0 && wizard.status.empty ? childChoice(wizard) : null,
  ].filter(Boolean));
  (form.querySelector('input:not(:disabled), select') || next).focus();
}

/** The row of numbered steps, the current one marked for a screen reader too. */
function progress(current) {
  return h('ol', { class: 'first-run-steps', 'aria-label': '初期設定の手順' },
    STEPS.map((s, i) => h('li', {
      class: i < current ? 'done' : null,
      'aria-current': i === current ? 'step' : null,
    }, h('span', { class: 'num', 'aria-hidden': 'true' }, i < current ? '✓' : String(i + 1)), s.short)));
}

/** After a step was saved: the next one the Rust side names, or the end. */
function after(wizard, status) {
  wizard.status = status;
  if (!status.step) {
    wizard.finish({ finished: true });
    return;
  }
  go(wizard, Math.min(wizard.index + 1, STEPS.findIndex((s) => s.key === status.step)));
}

function go(wizard, index) {
  wizard.index = index;
  draw(wizard);
}

// ---------------------------------------------------------------- steps

function officeStep(form, { status }) {
  const office = status.office;
  form.append(
    h('p', { class: 'first-run-lead' }, '事業所の名前と連絡先です。チラシや報告書の問い合わせ先に載ります。'),
    h('div', { class: 'office-grid' }, OFFICE_FIELDS.map((f) => field(f.label,
      input(f.field, { value: office[f.field] ?? '', type: f.type, size: f.size }),
      { hint: f.hint, required: f.required, wide: f.wide }))));
  return () => {
    const value = (name) => form.querySelector(`[data-field="${name}"]`).value;
    return api.saveFirstRunOffice(Object.fromEntries(OFFICE_FIELDS.map((f) => [f.field, value(f.field)])));
  };
}

function citiesStep(form, { status }) {
  // What is typed is kept here, so adding or removing a row loses nothing.
  const cities = status.office.cities.length
    ? structuredClone(status.office.cities)
    : [{ id: null, name: '', areas: [{ id: null, name: '' }] }];
  const box = h('div', { class: 'cities first-run-cities' });
  const addCity = h('button', { type: 'button', class: 'secondary', id: 'first-run-add-city', 'data-field': 'cities' }, '＋ 市を追加');
  const redraw = (focus) => {
    clear(box).append(...cities.map((city, i) => cityRow(city, i)));
    if (focus) box.querySelector(`#${focus}`)?.focus();
  };
  const cityRow = (city, i) => {
    const name = input(`cities.${i}.name`, { id: `first-run-city-${i}`, value: city.name });
    name.addEventListener('input', () => { city.name = name.value; });
    return h('div', { class: 'city' },
      h('div', { class: 'city-head' },
        label('市の名前', name, { required: true }),
        name,
        cities.length > 1 ? h('button', { type: 'button', class: 'danger-link', onclick: () => { cities.splice(i, 1); redraw(); } }, 'この市を削除') : null),
      h('p', { class: 'hint' }, '日常生活圏域'),
      h('ul', { class: 'areas', 'aria-label': `${city.name || '市'}の日常生活圏域` }, city.areas.map((area, j) => {
        const areaName = input(`cities.${i}.areas.${j}.name`, { id: `first-run-city-${i}-area-${j}`, value: area.name, placeholder: '例：北部圏域' });
        areaName.addEventListener('input', () => { area.name = areaName.value; });
        return h('li', { class: 'area' },
          label(`圏域${j + 1}`, areaName, { class: 'visually-hidden' }),
          areaName,
          h('button', { type: 'button', class: 'danger-link', 'aria-label': `圏域${j + 1}を削除`, onclick: () => { city.areas.splice(j, 1); redraw(); } }, '削除'));
      })),
      h('button', { type: 'button', class: 'secondary small', onclick: () => {
        city.areas.push({ id: null, name: '' });
        redraw(`first-run-city-${i}-area-${city.areas.length - 1}`);
      } }, '＋ 圏域を追加'));
  };
  addCity.addEventListener('click', () => {
    cities.push({ id: null, name: '', areas: [{ id: null, name: '' }] });
    redraw(`first-run-city-${cities.length - 1}`);
  });
  form.append(
    h('p', { class: 'first-run-lead' }, '相談室が報告する市と、それぞれの日常生活圏域を入力してください。相談記録や意志表示帳の集計は、この市と圏域ごとに行います。'),
    box, addCity);
  redraw();
  return () => api.saveFirstRunCities(cities.map((c) => ({
    id: c.id, name: c.name, areas: c.areas.map((a) => ({ id: a.id, name: a.name })),
  })));
}

function adminStep(form, { status }) {
  if (status.admin) {
    // Registered before (the office went back, or restarted): nothing to save.
    form.append(
      h('p', { class: 'first-run-lead' }, `管理者として ${status.admin.name} さんを登録済みです（${kindLabel(status.admin.credential)}）。`),
      h('p', { class: 'hint' }, '名前や暗証番号・パスワードの変更、ほかの担当者の追加は、初期設定のあと「設定」画面の「担当者」で行えます。'));
    return async () => status;
  }
  const name = input('name', { id: 'first-run-admin-name', autocomplete: 'name' });
  // An encrypted database: passwords only (they wrap its key).
  const credential = credentialFields({ idPrefix: 'first-run-admin', text: '', passwordOnly: status.encrypted });
  form.append(
    h('p', { class: 'first-run-lead' }, status.encrypted
      ? '最初に登録する人が管理者になります。データは暗号化され、起動するときと画面のロックを解除するときに、このパスワード（8文字以上）でデータを開きます。ほかの担当者は、あとで管理者が「設定」画面で追加します。'
      : '最初に登録する人が管理者になります。起動するときと画面のロックを解除するときに、この暗証番号かパスワードを入力します。ほかの担当者は、あとで管理者が「設定」画面で追加します。'),
    field('名前', name, { required: true, hint: '例：山田 花子' }),
    ...credential.nodes);
  return async () => {
    const { kind, credential: typed } = credential.read();
    const member = await api.registerFirstMember({ name: name.value, kind, credential: typed });
    adopt(member);
    return api.firstRunStatus();
  };
}

function backupStep(form, { status }) {
  const chosen = status.backup.dir;
  const radio = (value, id, checked) => h('input', { type: 'radio', name: 'backup_choice', id, value, checked: checked || null });
  const byDefault = radio('default', 'first-run-backup-default', !chosen);
  const elsewhere = radio('other', 'first-run-backup-other', Boolean(chosen));
  const dir = input('backup_dir', { id: 'first-run-backup-dir', value: chosen, placeholder: '例：E:\\バックアップ' });
  const fit = () => { dir.disabled = !elsewhere.checked; };
  [byDefault, elsewhere].forEach((r) => r.addEventListener('change', () => {
    fit();
    if (elsewhere.checked) dir.focus();
  }));
  fit();
  form.append(
    h('p', { class: 'first-run-lead' }, 'データは1日に1回、起動したときに自動でバックアップされます。保存先を選んでください（あとから「設定」で変更できます）。'),
    h('fieldset', { class: 'first-run-choices' },
      h('legend', { class: 'visually-hidden' }, 'バックアップの保存先'),
      h('label', { class: 'first-run-choice', for: byDefault.id }, byDefault,
        h('span', {}, h('strong', {}, 'おすすめ：データと同じ場所の backups フォルダ'),
          h('span', { class: 'hint first-run-path', id: 'first-run-default-dir' }, status.default_backup_dir))),
      h('label', { class: 'first-run-choice', for: elsewhere.id }, elsewhere,
        h('span', {}, h('strong', {}, '別のフォルダ（USBメモリ、別のドライブなど）'))),
      h('div', { class: 'field first-run-dir' }, label('保存先のフォルダ', dir), dir)));
  return () => {
    if (elsewhere.checked && !dir.value.trim()) {
      throw Object.assign(new Error('保存先のフォルダを入力してください。'), { kind: 'invalid', field: 'backup_dir' });
    }
    return api.saveFirstRunBackup(elsewhere.checked ? dir.value : '');
  };
}

/** The 回復キー of the encrypted database: shown once, saved as a PDF, and
 * 初期設定 ends only once the office confirms it is kept. Showing the step
 * again makes a new key (the one shown before opens nothing). */
function recoveryKeyStep(form) {
  const kept = recoveryKeyPanel(form, {
    prefix: 'first-run',
    lead: 'データは暗号化されています。管理者がパスワードを忘れたときにデータを開くための「回復キー」です。この画面でしか表示されません。',
    key: () => api.firstRunRecoveryKey(),
  });
  return () => api.finishFirstRunRecoveryKey(kept.checked);
}

// ----------------------------------------------------------------- demo

/** 「デモデータで試す」: apart from the steps, on the first one only. */
function demoChoice(wizard) {
  const error = h('p', { class: 'field-error', id: 'first-run-demo-error', role: 'alert' });
  const button = h('button', { type: 'button', class: 'secondary', id: 'first-run-demo' }, 'デモデータで試す');
  const box = h('aside', { class: 'first-run-demo', 'aria-labelledby': 'first-run-demo-title' },
    h('div', {},
      h('h2', { id: 'first-run-demo-title' }, 'まず試してみたいときは'),
      h('p', { class: 'hint' }, '架空の事業所（坂戸市・鶴ヶ島市）のデータで、すべての画面を試せます。デモデータを入れたデータベースは、そのまま本番には使えません。'),
      error),
    button);
  button.addEventListener('click', () => whileBusy(box, async () => {
    button.textContent = 'デモデータを作成中…';
    const accounts = await attempt(null, () => api.fillDemoData(), { summary: error });
    if (accounts) wizard.finish({ demo: accounts });
    else button.textContent = 'デモデータで試す';
  }, [button]));
  return box;
}
