// Inline field errors tied to their inputs with aria-describedby (GOV.UK
// pattern); the summary is the app-wide message area.

import { h, uniqueId } from './dom.js';

/** A labelled input; `field` is the name the Rust side uses in errors. */
export function textField({ field, label, value = '', required = false, hint = '', type = 'text', autocomplete = 'off', size, wide = false }) {
  const id = uniqueId('f');
  const hintId = hint ? `${id}-hint` : null;
  const input = h('input', {
    id, type, name: field, value, autocomplete, size,
    'data-field': field,
    'aria-required': required ? 'true' : null,
    'aria-describedby': hintId,
  });
  return h('div', { class: wide ? 'field wide' : 'field', 'data-field-wrapper': field },
    h('label', { for: id }, label, required ? h('span', { class: 'required', 'aria-hidden': 'true' }, '必須') : null),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    input,
  );
}

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
 * message area (role="alert") carries the same text as the summary.
 * Returns false when the field is not on this form.
 */
export function showFieldError(form, error) {
  clearFieldErrors(form);
  const input = error.field ? form.querySelector(`[data-field="${CSS.escape(error.field)}"]`) : null;
  if (!input) return false;
  const errorId = `${input.id}-error`;
  input.setAttribute('aria-invalid', 'true');
  const described = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
  input.setAttribute('aria-describedby', [...described, errorId].join(' '));
  input.insertAdjacentElement('beforebegin', h('p', { class: 'field-error', id: errorId }, error.message));
  input.focus();
  return true;
}
