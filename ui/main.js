// The shell: side navigation, one view at a time, app-wide keyboard keys.

import { api } from './api.js';
import { h, clear } from './lib/dom.js';
import { startAutoBackup } from './lib/auto-backup.js';
import { startExchange } from './lib/exchange-badge.js';
import { installHelp } from './lib/help.js';
import { setPasswordsOnly } from './lib/credential.js';
import * as lock from './lib/lock.js';
import { initMessages, showError, showMessage, clearMessage } from './lib/messages.js';

// `unsaved`: what to ask before leaving a screen with unsaved input.
// The screens' modules load when first shown (and are fetched in the
// background once the first screen is drawn): the sign-in screen needs
// none of them, and loading all at start delayed it.
const VIEWS = {
  cases: { title: '相談記録', load: () => import('./views/cases.js'), unsaved: '保存していない入力があります。破棄して移動しますか？' },
  booklets: { title: '意志表示帳', load: () => import('./views/booklets.js') },
  lectures: { title: '講座・チラシ', load: () => import('./views/lectures.js') },
  registry: { title: '名簿', load: () => import('./views/registry.js') },
  reports: { title: '集計・報告', load: () => import('./views/reports.js') },
  settings: { title: '設定', load: () => import('./views/settings.js'), unsaved: '保存していない変更があります。破棄して移動しますか？' },
  meetings: { title: '会議・研修', load: () => import('./views/meetings.js'), unsaved: '保存していない入力があります。破棄して移動しますか？' },
};
const ORDER = Object.keys(VIEWS);
// The module of each screen shown so far.
const loaded = {};

/** `name` if it is a screen, else the first one (相談記録). */
function knownView(name) {
  return VIEWS[name] ? name : ORDER[0];
}

async function moduleOf(view) {
  loaded[view] ??= await VIEWS[view].load();
  return loaded[view];
}

/** The screen shown first after sign-in, fetched while the sign-in
 * screen waits (the others load when first asked for: loading all of them
 * at start cost the sign-in screen memory it does not need). */
function preloadFirstScreen() {
  const view = knownView(location.hash.slice(1));
  requestAnimationFrame(() => setTimeout(() => moduleOf(view).catch(() => {}), 0));
}

/** The page is shown once its first screen is known: the window goes from
 * empty to the sign-in screen without drawing the app behind it first. */
function reveal() {
  document.body.classList.remove('starting');
}

let current = null;
// Counts the screens drawn: a screen still drawing when another is asked
// for (a quick click on the menu) must not take the focus from it later.
let drawing = 0;

function setOfficeName(office) {
  document.getElementById('sidebar-office').textContent = office?.name || '';
}

async function show(name, { again = false } = {}) {
  // Behind the lock nothing is drawn; the screen is drawn after sign-in.
  if (lock.isLocked()) return;
  const view = knownView(name);
  const leaving = VIEWS[current];
  if (!again && view !== current && leaving?.unsaved && loaded[current]?.hasUnsavedChanges() && !window.confirm(leaving.unsaved)) {
    history.replaceState(null, '', `#${current}`);
    return;
  }
  current = view;
  document.querySelectorAll('[data-view]').forEach((a) => {
    if (a.dataset.view === view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  const mine = ++drawing;
  const container = clear(document.getElementById('view'));
  clearMessage();
  try {
    const module = await moduleOf(view);
    await module.render(container, { title: VIEWS[view].title, onSaved: setOfficeName });
  } catch (error) {
    if (mine === drawing && !lock.isLocked()) showError(error);
  }
  // Another screen was asked for meanwhile: it owns the view and the focus.
  if (mine !== drawing) return;
  // Locked while drawing: what arrived before the lock goes too.
  if (lock.isLocked()) {
    clear(container);
    return;
  }
  // Keyboard users start from the new screen, unless the person is already
  // typing in it (a field filled while its lower sections were loading).
  if (!container.contains(document.activeElement)) {
    document.getElementById('content').focus({ preventScroll: true });
  }
}

function onKey(e) {
  // Ctrl+1 … Ctrl+<number of screens> jump between screens (not from the lock screen).
  if (lock.isLocked()) return;
  if ((e.ctrlKey || e.metaKey) && !e.altKey && /^[1-9]$/.test(e.key) && Number(e.key) <= ORDER.length) {
    e.preventDefault();
    location.hash = ORDER[Number(e.key) - 1];
  }
}

function showStartupError(error) {
  document.querySelector('.app').classList.add('failed');
  clear(document.getElementById('view')).append(h('section', { class: 'startup-error', role: 'alert' },
    h('h1', {}, 'データベースを開けませんでした'),
    h('p', {}, error.message)));
}

/** How the demo office's staff sign in, said on the lock screen. */
function demoNote({ admin, staff, pin }) {
  return `デモデータを作成しました。担当者を選び、暗証番号「${pin}」を入力してください（どの担当者も同じです）。${admin} さんは管理者、${staff.join('、')} さんは職員です。`;
}

async function start() {
  initMessages();
  // F1 works from the first moment, on the lock screen too.
  installHelp();
  // Both asked at once: the sign-in screen needs the staff too.
  const access = api.accessStatus();
  access.catch(() => {});
  let status;
  try {
    status = await api.appStatus();
    setPasswordsOnly(status.encrypted);
  } catch (error) {
    reveal();
    showError(error);
    return;
  }
  if (status.startup_error) {
    reveal();
    showStartupError(status.startup_error);
    return;
  }
  // The backup (not awaited: it runs while the office works) and the
  // screens' modules wait for the first screen, the sign-in one included,
  // not for the sign-in itself.
  lock.firstScreenShown.then(() => {
    reveal();
    startAutoBackup();
    preloadFirstScreen();
  });
  // An encrypted database opens only at a sign-in: its backup waits for it.
  window.addEventListener('zaitaku:unlocked', () => startAutoBackup());
  window.addEventListener('zaitaku:unlocked', () => startExchange());
  // Who is working is asked before any screen is shown.
  try {
    await lock.start(access);
    reveal();
    // An encrypted database opens only at the sign-in: whether 初期設定 is
    // finished is known from then on.
    status = await api.appStatus();
  } catch (error) {
    reveal();
    showError(error);
  }
  // A new office is set up (初期設定) before anything else opens.
  let setUp = null;
  if (status.first_run) {
    try {
      const firstRun = await import('./views/first-run.js');
      setUp = await firstRun.run(await api.firstRunStatus());
    } catch (error) {
      showError(error);
      return;
    }
    if (setUp.demo) await lock.signInWithNote(demoNote(setUp.demo));
    if (setUp.child) await lock.signInWithNote(`子機「${setUp.child.name}」として開始しました。親機と同じ担当者でサインインしてください。`);
  }
  let office = null;
  try {
    office = await api.getOffice();
    setOfficeName(office);
  } catch (error) {
    showError(error);
  }
  window.addEventListener('hashchange', () => show(location.hash.slice(1)));
  // After a lock, the screen the member was on is drawn again.
  window.addEventListener('zaitaku:unlocked', () => show(current || location.hash.slice(1), { again: true }));
  document.addEventListener('keydown', onKey);
  // A new office starts on 設定, so the first thing done is entering its data.
  const first = location.hash.slice(1) || (office && !office.name ? 'settings' : ORDER[0]);
  await show(first);
  lock.markFirstScreenShown();
  startExchange();
  if (setUp?.finished) showMessage('初期設定が終わりました。相談記録から使い始めてください。設定はあとから「設定」画面で変更できます。', 'success');
  const restored = sessionStorage.getItem('zaitaku-restored');
  if (restored) {
    sessionStorage.removeItem('zaitaku-restored');
    showMessage(restored, 'success');
  }
}

start();
