// 設定: 事業所情報 (name, contact block) and the cities with their
// 日常生活圏域. Saved in one go; the Rust side validates everything.

import { api } from '../api.js';
import { h, clear } from '../lib/dom.js';
import { field, input, label, onSubmit, saveShortcut } from '../lib/forms.js';
import { showMessage, clearMessage } from '../lib/messages.js';
import * as backup from './backup.js';
import * as exchange from './exchange.js';
import * as caseLists from './lists.js';
import * as accessSettings from './access-settings.js';
import * as staffSettings from './staff.js';
import { isAdmin } from '../lib/lock.js';
import { OFFICE_FIELDS } from '../lib/office-fields.js';
import * as accessLog from './access-log.js';
import * as reportSettings from './report-settings.js';
import * as encryption from './encryption.js';

let state = null; // { office, cities: [{ id, name, areas: [{ id, name }] }] }
let dirty = false;

export function hasUnsavedChanges() {
  return dirty;
}

export async function render(container, { onSaved }) {
  dirty = false;
  const office = await api.getOffice();
  state = { office, cities: structuredClone(office.cities) };

  const form = h('form', { class: 'settings-form', novalidate: true, 'aria-labelledby': 'settings-title' });
  const citiesBox = h('div', { class: 'cities', id: 'cities' });
  const updated = h('p', { class: 'muted', id: 'updated-label' });

  form.append(
    h('fieldset', { class: 'card' },
      h('legend', {}, '事業所情報'),
      h('div', { class: 'office-grid' }, OFFICE_FIELDS.map((f) => field(f.label,
        input(f.field, { value: office[f.field] ?? '', type: f.type, size: f.size }),
        { hint: f.hint, required: f.required, wide: f.wide })))),
    h('fieldset', { class: 'card' },
      h('legend', {}, '市と日常生活圏域'),
      h('p', { class: 'hint' }, '相談記録や意志表示帳の集計に使う市と圏域です。記録で使われている市・圏域は削除できません。'),
      citiesBox,
      h('button', { type: 'button', class: 'secondary', id: 'add-city', onclick: () => addCity(citiesBox) }, '＋ 市を追加')),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary', id: 'save-settings' }, '保存'),
      h('button', { type: 'button', class: 'secondary', id: 'revert-settings', onclick: () => revert(container, onSaved) }, '変更を取り消す'),
      h('span', { class: 'muted shortcut' }, 'Ctrl+S で保存')),
  );
  form.addEventListener('input', (e) => {
    dirty = true;
    syncFromInput(e.target);
  });
  onSubmit(form, () => save(form, updated, onSaved));
  saveShortcut(form);

  // 事業所情報 and the 一覧項目 are changed by a 管理者 only (the Rust side
  // refuses everyone else); 職員 are told whom to ask.
  const admin = isAdmin();
  container.append(
    h('header', { class: 'view-header' },
      h('h1', { id: 'settings-title' }, '設定'),
      updated),
    admin ? form : h('p', { class: 'card hint', id: 'admin-only-note' }, '事業所情報、市と圏域、一覧項目、バックアップの設定と復元は、管理者だけが変更できます。'),
  );
  showUpdated(updated, office);
  renderCities(citiesBox);
  await staffSettings.render(container);
  await backup.render(container);
  await exchange.render(container);
  if (admin) await caseLists.render(container);
  await reportSettings.render(container);
  await accessSettings.render(container);
  if (admin) await accessLog.render(container);
  if (admin) await encryption.render(container, { onChanged: () => render(clear(container), { onSaved }) });
}

function showUpdated(el, office) {
  el.textContent = office.updated_label ? `最終保存：${office.updated_label}` : 'まだ保存されていません';
}

// Keeps the in-memory city list in step with what is typed, so that adding
// or removing a row never loses other rows' text.
function syncFromInput(input) {
  const { cityIndex, areaIndex } = input.dataset;
  if (cityIndex === undefined) return;
  const city = state.cities[Number(cityIndex)];
  if (areaIndex === undefined) city.name = input.value;
  else city.areas[Number(areaIndex)].name = input.value;
}

function renderCities(box) {
  clear(box);
  if (state.cities.length === 0) {
    box.append(h('p', { class: 'muted' }, 'まだ市が登録されていません。「市を追加」から登録してください。'));
  }
  state.cities.forEach((city, i) => box.append(cityRow(box, city, i)));
}

function cityRow(box, city, i) {
  const name = input(`cities.${i}.name`, { id: `city-${i}-name`, value: city.name, dataset: { cityIndex: String(i) } });
  return h('div', { class: 'city', dataset: { city: String(i) } },
    h('div', { class: 'city-head' },
      label('市の名前', name, { required: true }),
      name,
      h('button', { type: 'button', class: 'danger-link', onclick: () => removeCity(box, i) }, `この市を削除`)),
    h('ul', { class: 'areas', 'aria-label': `${city.name || '市'}の日常生活圏域` },
      city.areas.map((area, j) => areaRow(box, area, i, j))),
    h('button', { type: 'button', class: 'secondary small', onclick: () => addArea(box, i) }, '＋ 圏域を追加'),
  );
}

function areaRow(box, area, i, j) {
  const name = input(`cities.${i}.areas.${j}.name`, {
    id: `city-${i}-area-${j}`, value: area.name, dataset: { cityIndex: String(i), areaIndex: String(j) },
  });
  return h('li', { class: 'area' },
    label(`圏域${j + 1}`, name, { class: 'visually-hidden' }),
    name,
    h('button', { type: 'button', class: 'danger-link', 'aria-label': `圏域「${area.name}」を削除`, onclick: () => removeArea(box, i, j) }, '削除'));
}

function addCity(box) {
  state.cities.push({ id: null, name: '', areas: [] });
  dirty = true;
  renderCities(box);
  document.getElementById(`city-${state.cities.length - 1}-name`).focus();
}

function addArea(box, i) {
  state.cities[i].areas.push({ id: null, name: '' });
  dirty = true;
  renderCities(box);
  document.getElementById(`city-${i}-area-${state.cities[i].areas.length - 1}`).focus();
}

function removeCity(box, i) {
  const city = state.cities[i];
  const label = city.name || '（名前なし）';
  if (city.areas.length > 0 && !window.confirm(`市「${label}」と、その圏域${city.areas.length}件を一覧から外します。保存するまで確定しません。よろしいですか？`)) return;
  state.cities.splice(i, 1);
  dirty = true;
  renderCities(box);
  showMessage(`市「${label}」を一覧から外しました。「保存」で確定、「変更を取り消す」で元に戻せます。`, 'info');
}

function removeArea(box, i, j) {
  const [area] = state.cities[i].areas.splice(j, 1);
  dirty = true;
  renderCities(box);
  showMessage(`圏域「${area.name || '（名前なし）'}」を一覧から外しました。「保存」で確定、「変更を取り消す」で元に戻せます。`, 'info');
}

function collect(form) {
  const value = (field) => form.querySelector(`[data-field="${field}"]`).value;
  const office = Object.fromEntries(OFFICE_FIELDS.map((f) => [f.field, value(f.field)]));
  office.cities = state.cities.map((c) => ({
    id: c.id, name: c.name, areas: c.areas.map((a) => ({ id: a.id, name: a.name })),
  }));
  return office;
}

/** On an error what was typed stays in the form; nothing was saved. */
async function save(form, updatedEl, onSaved) {
  const saved = await api.saveOffice(collect(form));
  state = { office: saved, cities: structuredClone(saved.cities) };
  dirty = false;
  // Show the stored (normalised) values, e.g. full-width digits made half-width.
  for (const f of OFFICE_FIELDS) form.querySelector(`[data-field="${f.field}"]`).value = saved[f.field];
  renderCities(form.querySelector('#cities'));
  showUpdated(updatedEl, saved);
  showMessage('事業所情報を保存しました。', 'success');
  onSaved?.(saved);
}

async function revert(container, onSaved) {
  if (dirty && !window.confirm('保存していない変更を取り消して、保存済みの内容に戻しますか？')) return;
  clear(container);
  clearMessage();
  await render(container, { onSaved });
  showMessage('保存済みの内容に戻しました。', 'info');
}
