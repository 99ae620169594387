// The shell: side navigation, one view at a time, app-wide keyboard keys.

import { api } from './api.js';
import { h, clear } from './lib/dom.js';
import { installHelp } from './lib/help.js';
import * as lock from './lib/lock.js';
import { initMessages, showError, showMessage, clearMessage } from './lib/messages.js';
import * as booklets from './views/booklets.js';
import * as cases from './views/cases.js';
import * as lectures from './views/lectures.js';
import * as meetings from './views/meetings.js';
import * as registry from './views/registry.js';
import * as reports from './views/reports.js';
import * as settings from './views/settings.js';

// `unsaved`: what to ask before leaving a screen with unsaved input.
const VIEWS = {
  cases: { title: '相談記録', module: cases, unsaved: '保存していない入力があります。破棄して移動しますか？' },
  booklets: { title: '意志表示帳', module: booklets },
  lectures: { title: '講座・チラシ', module: lectures },
  registry: { title: '名簿', module: registry },
  reports: { title: '集計・報告', module: reports },
  settings: { title: '設定', module: settings, unsaved: '保存していない変更があります。破棄して移動しますか？' },
  meetings: { title: '会議・研修', module: meetings, unsaved: '保存していない入力があります。破棄して移動しますか？' },
};
const ORDER = Object.keys(VIEWS);

let current = null;

function setOfficeName(office) {
  document.getElementById('sidebar-office').textContent = office?.name || '';
}

async function show(name, { again = false } = {}) {
  // Behind the lock nothing is drawn; the screen is drawn after sign-in.
  if (lock.isLocked()) return;
  const view = VIEWS[name] ? name : ORDER[0];
  const leaving = VIEWS[current];
  if (!again && view !== current && leaving?.unsaved && leaving.module.hasUnsavedChanges() && !window.confirm(leaving.unsaved)) {
    history.replaceState(null, '', `#${current}`);
    return;
  }
  current = view;
  document.querySelectorAll('[data-view]').forEach((a) => {
    if (a.dataset.view === view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  const container = clear(document.getElementById('view'));
  clearMessage();
  try {
    await VIEWS[view].module.render(container, { title: VIEWS[view].title, onSaved: setOfficeName });
  } catch (error) {
    if (!lock.isLocked()) showError(error);
  }
  // Locked while drawing: what arrived before the lock goes too.
  if (lock.isLocked()) {
    clear(container);
    return;
  }
  document.getElementById('content').focus({ preventScroll: true });
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

async function start() {
  initMessages();
  // F1 works from the first moment, on the lock screen too.
  installHelp();
  let status;
  try {
    status = await api.appStatus();
  } catch (error) {
    showError(error);
    return;
  }
  if (status.startup_error) {
    showStartupError(status.startup_error);
    return;
  }
  // Who is working is asked before any screen is shown.
  try {
    await lock.start();
  } catch (error) {
    showError(error);
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
  const restored = sessionStorage.getItem('zaitaku-restored');
  if (restored) {
    sessionStorage.removeItem('zaitaku-restored');
    showMessage(restored, 'success');
  }
}

start();
