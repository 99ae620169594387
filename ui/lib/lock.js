// Access record: the staff member working on this window. At start, and
// after a period without input, the screen locks and asks who is working
// and their PIN or password. A member who has none yet, or was given a
// temporary one by a 管理者, sets their own right after signing in (the
// Rust side allows them nothing else). The Rust side records the signed-in
// member on every change; the page never says who it is.
//
// Locking (the button, the idle timer, or a `signed_out` answer of the Rust
// side, which keeps its own idle timer) removes what the page showed: the
// print preview closes and the screen's content, with any open editor, is
// taken out of the page, not just covered. `zaitaku:unlocked` tells the
// shell to draw the screen again after the next sign-in.

import { api } from '../api.js';
import { h, clear } from './dom.js';
import { field, input, onSubmit, attempt } from './forms.js';
import { credentialFields, fitInput, kindLabel, needsCredential } from './credential.js';
import { showError, clearMessage } from './messages.js';
import { closePrintPreview } from './print-preview.js';
import { openHelp } from './help.js';

let lockMinutes = 10;
let idleTimer = null;
let listeners = [];
let actor = null;

/** Whether the lock screen is shown (nothing behind it may be used). */
export function isLocked() {
  return !document.getElementById('lock').hidden;
}

/** The member signed in on this window, or null. */
export function currentActor() {
  return actor;
}

/** Whether the one working may do what only a 管理者 may (an office
 * without staff has nobody else to ask). The Rust side decides; this only
 * hides what would be refused. */
export function isAdmin() {
  return !actor || actor.role === 'admin';
}

/** Works on as `member`, signed in by another form (the first member). */
export function adopt(member) {
  announce(member);
  resetIdleTimer();
}

/** Calls `fn(member)` whenever the signed-in member changes. */
export function onActorChange(fn) {
  listeners.push(fn);
}

function announce(member) {
  actor = member;
  const box = document.getElementById('sidebar-actor');
  document.getElementById('actor-name').textContent = member ? `操作者：${member.name}` : '';
  box.hidden = !member;
  listeners.forEach((fn) => fn(member));
}

function resetIdleTimer() {
  clearTimeout(idleTimer);
  if (lockMinutes > 0 && document.getElementById('lock').hidden) {
    idleTimer = setTimeout(lock, lockMinutes * 60 * 1000);
  }
}

/** Asks who is working, with `note` above the staff (how the demo
 * office's staff sign in); resolves once somebody has signed in. */
export async function signInWithNote(note) {
  announce(null);
  await showSignIn(note);
}

/** Locks now: the Rust side forgets who was working. */
export async function lock() {
  clearTimeout(idleTimer);
  setLocked(true);
  try {
    await api.lockScreen();
  } catch (error) {
    showError(error);
  }
  announce(null);
  await showSignIn();
}

export function setLockMinutes(minutes) {
  lockMinutes = minutes;
  resetIdleTimer();
}

/** Resolves once somebody has signed in (at once when nobody is registered). */
let markShown;
/** Resolves once the first screen can be seen: the sign-in panel, or the
 *  app itself when nobody needs to sign in. */
export const firstScreenShown = new Promise((resolve) => { markShown = resolve; });
export function markFirstScreenShown() {
  markShown();
}

/** Starts the lock; `access`: the access status, already asked for. */
export async function start(access = api.accessStatus()) {
  document.getElementById('lock-now').addEventListener('click', lock);
  window.addEventListener('zaitaku:signed-out', () => {
    if (!document.getElementById('lock').hidden) return;
    clearTimeout(idleTimer);
    announce(null);
    showSignIn();
  });
  for (const type of ['keydown', 'pointerdown', 'wheel']) {
    document.addEventListener(type, resetIdleTimer, { passive: true, capture: true });
  }
  const status = await access;
  lockMinutes = status.lock_minutes;
  if (needsCredential(status.actor)) {
    // Reloaded before they set one: they sign in again.
    await api.lockScreen();
    await showSignIn();
    return;
  }
  if (status.actor) {
    announce(status.actor);
    resetIdleTimer();
    return;
  }
  if (status.staff.length === 0) {
    // A new office has no 担当者 yet: it can still set itself up.
    announce(null);
    return;
  }
  await showSignIn('', status);
}

function setLocked(locked) {
  const app = document.querySelector('.app');
  const wasLocked = isLocked();
  app.inert = locked;
  if (locked) app.setAttribute('aria-hidden', 'true');
  else app.removeAttribute('aria-hidden');
  document.getElementById('lock').hidden = !locked;
  if (locked) {
    closePrintPreview({ restoreFocus: false });
    clear(document.getElementById('view'));
    clearMessage();
  } else if (wasLocked) {
    window.dispatchEvent(new Event('zaitaku:unlocked'));
  }
}

/** `known`: the access status if just asked for (at start). */
async function showSignIn(note = '', known = null) {
  // Locked before anything is awaited: the page's content goes at once.
  const overlay = clear(document.getElementById('lock'));
  setLocked(true);
  const status = known ?? await api.accessStatus();
  return new Promise((resolve) => {
    const done = (member) => {
      clear(overlay);
      announce(member);
      setLocked(false);
      resetIdleTimer();
      resolve(member);
    };
    const show = (panel) => {
      clear(overlay);
      overlay.append(panel);
      panel.querySelector('select, input, button')?.focus();
    };
    const signedIn = (member) => (needsCredential(member) ? show(ownCredentialPanel(member, done, back)) : done(member));
    const back = async () => {
      await attempt(null, () => api.lockScreen());
      const now = await api.accessStatus();
      show(signInPanel(now.staff, signedIn, note, now.closed ? recover : null));
    };
    const recover = () => show(recoveryPanel(status.staff, signedIn, () => show(signInPanel(status.staff, signedIn, note, recover))));
    show(signInPanel(status.staff, signedIn, note, status.closed ? recover : null));
    markShown();
  });
}

function signInPanel(staff, signedIn, note, recover = null) {
  const credentialArea = h('div', { class: 'lock-pin' });
  const error = h('p', { class: 'field-error', id: 'lock-error', role: 'alert' });
  const panel = h('section', { class: 'lock-panel', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'lock-title' },
    h('h1', { id: 'lock-title' }, '在宅医療相談室デスク'),
    note ? h('p', { class: 'lock-note', id: 'lock-note' }, note) : null,
    h('p', {}, '操作する担当者を選んでください。'),
    h('div', { class: 'lock-staff', role: 'group', 'aria-label': '担当者' },
      staff.map((member) => h('button', {
        type: 'button',
        class: 'lock-member',
        dataset: { staffId: member.id },
        onclick: () => choose(member),
      }, member.name, h('span', { class: 'muted' }, `（${kindLabel(member.credential)}）`)))),
    credentialArea,
    error,
    recover ? h('p', { class: 'lock-help' }, h('button', { type: 'button', class: 'link', id: 'lock-recover', onclick: recover }, '回復キーで開く（パスワードを忘れたとき）')) : null,
    h('p', { class: 'lock-help' }, h('button', { type: 'button', class: 'link', id: 'lock-help', onclick: () => openHelp() }, 'ヘルプ（F1）')),
  );

  // The lock covers the app's message area: `error` takes its place.
  const signIn = async (member, typed) => signedIn(await api.signIn(member.id, typed));

  function choose(member) {
    panel.querySelectorAll('.lock-member').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.staffId === member.id)));
    clear(credentialArea);
    error.textContent = '';
    if (!member.credential) {
      // An older database: they sign in to set one, and may do nothing else.
      attempt(null, () => signIn(member, ''), { summary: error });
      return;
    }
    const typed = input('credential', { id: 'lock-credential', autocomplete: 'current-password' });
    fitInput(typed, member.credential);
    const form = h('form', { class: 'lock-pin-form', novalidate: true },
      field(`${member.name} さんの${kindLabel(member.credential)}`, typed, { required: true, extra: h('button', { type: 'submit', class: 'primary' }, '開始') }));
    onSubmit(form, () => signIn(member, typed.value), { summary: error });
    credentialArea.append(form);
    typed.focus();
  }
  return panel;
}

/** 「回復キーで開く」: the printed 回復キー opens the encrypted database, and
 * a 管理者 sets a new password for themselves at once. */
function recoveryPanel(staff, signedIn, back) {
  const error = h('p', { class: 'field-error', id: 'recover-error', role: 'alert' });
  const key = input('recovery_key', { id: 'recover-key', autocomplete: 'off', spellcheck: 'false' });
  const who = h('select', { id: 'recover-staff', dataset: { field: 'staff_id' } },
    staff.map((member) => h('option', { value: member.id }, member.name)));
  const fields = credentialFields({ name: 'new_credential', idPrefix: 'recover', passwordOnly: true });
  const form = h('form', { class: 'recover-form', novalidate: true },
    field('回復キー', key, { required: true, hint: '印刷した回復キーの英数字32文字（区切りの「-」や空白、大文字・小文字は問いません）' }),
    field('管理者', who, { required: true }),
    ...fields.nodes,
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary', id: 'recover-open' }, '開いてパスワードを設定'),
      h('button', { type: 'button', class: 'secondary', id: 'recover-back', onclick: back }, '担当者の選択に戻る')));
  onSubmit(form, async () => {
    const { credential } = fields.read();
    signedIn(await api.recoverWithKey(key.value, who.value, credential));
  }, { summary: error });
  return h('section', { class: 'lock-panel', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'recover-title' },
    h('h1', { id: 'recover-title' }, '回復キーで開く'),
    h('p', {}, '管理者がパスワードを忘れたときは、事務所で保管している回復キーでデータを開き、新しいパスワードを設定します。ほかの担当者のパスワードは、そのあと管理者が設定し直せます。'),
    form,
    error);
}

/** Right after signing in, for a member who must set their own credential. */
function ownCredentialPanel(member, done, back) {
  const error = h('p', { class: 'field-error', id: 'own-error', role: 'alert' });
  const fields = credentialFields({ name: 'new_credential', idPrefix: 'own', kind: member.credential ?? 'pin' });
  const form = h('form', { class: 'own-credential-form', novalidate: true },
    ...fields.nodes,
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary', id: 'own-save' }, '設定して始める'),
      h('button', { type: 'button', class: 'secondary', id: 'own-back', onclick: back }, '担当者の選択に戻る')));
  onSubmit(form, async () => {
    const { kind, credential } = fields.read();
    done(await api.setOwnCredential('', kind, credential));
  }, { summary: error });
  return h('section', { class: 'lock-panel', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'own-title' },
    h('h1', { id: 'own-title' }, `${member.name} さんの暗証番号・パスワード`),
    h('p', {}, member.must_change
      ? '管理者が仮の暗証番号・パスワードを設定しました。使い始める前に、ご自分だけが知っているものに変更してください。'
      : 'まだ暗証番号・パスワードが設定されていません。使い始める前に設定してください。次からはこれを入力してサインインします。'),
    h('p', { class: 'hint' }, '暗証番号は4〜8桁の数字、パスワードは8文字以上です。'),
    form,
    error);
}
