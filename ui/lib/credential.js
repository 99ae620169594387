// The inputs wherever a PIN or password is set: its kind (暗証番号 or
// パスワード) and the new one typed twice. The Rust side holds the rule
// (access::CredentialPolicy); the page only checks that both typings agree.

import { field, input, select } from './forms.js';

const LABELS = { pin: '暗証番号', password: 'パスワード' };

// On an encrypted database every credential is a password (it wraps the
// data key); told once by the shell from the app status.
let passwordsOnly = false;

/** Every credential form from now on offers passwords only (or not). */
export function setPasswordsOnly(only) {
  passwordsOnly = Boolean(only);
}

/** Whether credential forms offer passwords only (an encrypted database). */
export function isPasswordsOnly() {
  return passwordsOnly;
}

/** 暗証番号, パスワード, or 未設定 for a member who has none yet. */
export function kindLabel(kind) {
  return LABELS[kind] ?? '未設定';
}

/** Whether `member` may only set their own credential until they do. */
export function needsCredential(member) {
  return Boolean(member) && (!member.credential || member.must_change);
}

/** Fits a password input to `kind`: the numeric keypad for a PIN. */
export function fitInput(el, kind) {
  el.type = 'password';
  if (kind === 'pin') {
    el.inputMode = 'numeric';
    el.maxLength = 8;
  } else {
    el.removeAttribute('inputmode');
    el.maxLength = 128;
  }
}

/**
 * The kind, the new credential (errors of the Rust side name it `name`)
 * and its confirmation. `read()` answers { kind, credential }, or throws
 * an error by the confirmation when the two differ.
 */
export function credentialFields({ name = 'credential', idPrefix, kind = 'pin', text = '新しい', passwordOnly = passwordsOnly }) {
  const kindSelect = select('kind', [['pin', '暗証番号（4〜8桁の数字）'], ['password', 'パスワード（8文字以上）']], { id: `${idPrefix}-kind`, value: passwordOnly ? 'password' : kind });
  const value = input(name, { id: `${idPrefix}-credential`, autocomplete: 'new-password' });
  const confirm = input(`${name}_confirm`, { id: `${idPrefix}-confirm`, autocomplete: 'new-password' });
  const fit = () => [value, confirm].forEach((el) => fitInput(el, kindSelect.value));
  kindSelect.addEventListener('change', fit);
  fit();
  // An encrypted database: passwords only (they wrap its key), so no 種類.
  const nodes = [
    ...(passwordOnly ? [] : [field('種類', kindSelect)]),
    field(passwordOnly ? `${text}パスワード（8文字以上）` : `${text}暗証番号・パスワード`, value, { required: true }),
    field('確認のためもう一度', confirm, { required: true }),
  ];
  const read = () => {
    if (value.value !== confirm.value) {
      throw Object.assign(new Error('確認のために入力したものが一致しません。同じものを2回入力してください。'), { kind: 'invalid', field: `${name}_confirm` });
    }
    return { kind: kindSelect.value, credential: value.value };
  };
  return { nodes, read, value };
}
