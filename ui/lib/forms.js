// Form parts for every screen: labelled controls whose hint and inline
// error are tied to them with aria-describedby (GOV.UK pattern), the 必須
// mark together with aria-required, and saving with protection against a
// second Enter. The app-wide message area is the error summary.

import { h, clear, uniqueId } from './dom.js';
import { showMessage, showError, clearMessage } from './messages.js';
import { savedFileMessage } from './plain-file.js';

// ------------------------------------------------------------- controls

/**
 * The props of a control named `fieldName` (the name the Rust side uses in
 * errors; none for a filter): a fresh id, then `props`, where an
 * undefined prop keeps the default.
 */
function control(fieldName, defaults, props) {
  const out = { id: uniqueId('f'), name: fieldName || null, 'data-field': fieldName || null, ...defaults };
  for (const [key, value] of Object.entries(props)) if (value !== undefined) out[key] = value;
  return out;
}

export function input(fieldName, props = {}) {
  return h('input', control(fieldName, { type: 'text', autocomplete: 'off' }, props));
}

export function textarea(fieldName, props = {}) {
  return h('textarea', control(fieldName, { rows: 3 }, props));
}

/** options: [[value, label]]; `props.value` is the one chosen. */
export function select(fieldName, options, { value = '', ...props } = {}) {
  const el = h('select', control(fieldName, {}, props));
  setOptions(el, options, value ?? '');
  return el;
}

/** Replaces the options; keeps `wanted` when it is still offered, else the first. */
export function setOptions(el, options, wanted = el.value) {
  clear(el);
  for (const [value, label] of options) el.append(h('option', { value }, label));
  el.value = options.some(([value]) => value === wanted) ? wanted : (options[0]?.[0] ?? '');
}

/** A checkbox inside its label: { box, label }. */
export function checkbox(fieldName, text, { checked = false, class: className = 'inline', ...props } = {}) {
  const box = h('input', control(fieldName, { type: 'checkbox' }, props));
  box.checked = Boolean(checked);
  return { box, label: h('label', { class: className, for: box.id }, box, text) };
}

// --------------------------------------------------------------- labels

/** Adds `id` to the element's aria-describedby (hint, error). */
function describe(el, id) {
  const ids = (el.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
  if (!ids.includes(id)) el.setAttribute('aria-describedby', [...ids, id].join(' '));
}

export function requiredMark() {
  return h('span', { class: 'required', 'aria-hidden': 'true' }, '必須');
}

/** The label of `control`; a required control is marked for the eye and for a screen reader. */
export function label(text, control, { required = false, class: className = null } = {}) {
  if (required) control.setAttribute('aria-required', 'true');
  return h('label', { for: control.id, class: className }, text, required ? requiredMark() : null);
}

/**
 * The label, hint and control in one block (class `f-<field name>` for
 * layouts). `extra` follows the control (e.g. the age after 生年月日).
 */
export function field(text, control, { hint = '', required = false, wide = false, extra = null } = {}) {
  const hintId = hint ? `${control.id}-hint` : null;
  if (hintId) describe(control, hintId);
  const name = control.dataset.field?.replace(/\W/g, '_');
  return h('div', { class: [wide ? 'field wide' : 'field', name ? `f-${name}` : ''].join(' ').trim() },
    label(text, control, { required }),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    control, extra);
}

// --------------------------------------------------------------- errors

export function clearFieldErrors(form) {
  form.querySelectorAll('.field-error').forEach((el) => el.remove());
  form.querySelectorAll('[aria-invalid]').forEach((el) => {
    el.removeAttribute('aria-invalid');
    const ids = (el.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !x.endsWith('-error'));
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  });
}

/**
 * Shows `error` next to its field and moves focus there. The app-wide
 * message area (role="alert") carries the same text as the summary; with
 * `alert`, where there is no such summary, the error announces itself.
 * Returns false when the field is not on this form.
 */
export function showFieldError(form, error, { alert = false } = {}) {
  clearFieldErrors(form);
  const input = error.field ? form.querySelector(`[data-field="${CSS.escape(error.field)}"]`) : null;
  if (!input) return false;
  const errorId = `${input.id}-error`;
  input.setAttribute('aria-invalid', 'true');
  describe(input, errorId);
  input.insertAdjacentElement('beforebegin', h('p', { class: 'field-error', id: errorId, role: alert ? 'alert' : null }, error.message));
  input.focus();
  return true;
}

/** Shows `error` in the message area and, when it names a field of `form`, by that field. */
export function reportError(form, error) {
  showError(error);
  if (form) showFieldError(form, error);
}

// --------------------------------------------------------------- saving

/**
 * Clears the message and `form`'s field errors, then runs `work`. An error
 * is shown in the message area and by its field, after `onError(error)`
 * (which may, say, open the <details> the field is in). The result is
 * work's, or undefined after an error. `form` may be null. Where the
 * message area is out of reach (the lock screen covers it), `summary`
 * takes the errors that name no field of `form`; the others are shown by
 * their field alone.
 */
export async function attempt(form, work, { onError = null, summary = null } = {}) {
  if (form) clearFieldErrors(form);
  if (summary) summary.textContent = '';
  else clearMessage();
  try {
    return await work();
  } catch (error) {
    onError?.(error);
    if (!summary) reportError(form, error);
    else if (!(form && showFieldError(form, error, { alert: true }))) summary.textContent = error.message;
    return undefined;
  }
}

/** What an export format is called on buttons and in messages. */
export function fileKind(format) {
  return format === 'xlsx' ? 'Excel' : 'CSV';
}

/**
 * Runs `work`, which writes a file (a CSV) and returns its path, and says
 * where it went and that it is not encrypted; an error is shown as
 * attempt() does.
 */
export function saveFile(work, { form = null, saved = 'CSVを保存しました' } = {}) {
  return attempt(form, async () => {
    const path = await work();
    showMessage(savedFileMessage(saved, path), 'success');
  });
}

/**
 * Runs `work` with `scope` busy (aria-busy) and `buttons` disabled; while
 * it runs a second call returns at once, so a second Enter or Ctrl+S, or a
 * double click, saves nothing twice. Focus that disabling a button took
 * away is given back.
 */
export async function whileBusy(scope, work, buttons = submitButtons(scope)) {
  if (scope.getAttribute('aria-busy') === 'true') return undefined;
  const focused = document.activeElement;
  const disabled = buttons.filter((b) => !b.disabled);
  scope.setAttribute('aria-busy', 'true');
  disabled.forEach((b) => { b.disabled = true; });
  try {
    return await work();
  } finally {
    scope.removeAttribute('aria-busy');
    disabled.forEach((b) => { b.disabled = false; });
    const now = document.activeElement;
    if (focused?.isConnected && focused !== now && (!now || now === document.body)) focused.focus({ preventScroll: true });
  }
}

function submitButtons(form) {
  return [...form.querySelectorAll('button')].filter((b) => b.type === 'submit');
}

/**
 * Saves `form` with `save` when it is submitted (Enter, the button,
 * requestSubmit): busy while saving, errors by their fields.
 */
export function onSubmit(form, save, options = {}) {
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    whileBusy(form, () => attempt(form, save, options));
  });
}

/** Ctrl+S (⌘S on a Mac) submits `form`; more `keys` may be given. */
export function saveShortcut(form, keys = ['s']) {
  form.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && keys.includes(e.key)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
}

/** Values of the controls in `fields` ({ name: element }) by name. */
export function values(fields) {
  return Object.fromEntries(Object.entries(fields).map(([k, el]) => [k, el.value]));
}
