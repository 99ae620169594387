// The day's automatic backup runs in the background once the first screen
// is drawn (it never delays the window); this small notice in the corner
// shows how far it is, and says plainly when it failed.

import { api } from '../api.js';
import { h, clear } from './dom.js';

const POLL_MS = 400;
// The share of the bar the copying fills; the check of the copy is the rest.
const COPY_SHARE = 90;
const DONE_SHOWN_MS = 5000;

const notice = () => document.getElementById('backup-notice');

function afterPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Set once the day's backup ended (made or failed): asking again after a
// later sign-in shows nothing new.
let ended = false;

/** Asks for the day's backup and shows how it goes. Asked again after each
 * sign-in: an encrypted database can only be backed up once it is open. */
export async function startAutoBackup() {
  if (ended) return;
  await afterPaint();
  let status;
  try {
    status = await api.startAutoBackup();
  } catch {
    // The shell always answers; a broken bridge shows elsewhere.
    return;
  }
  while (status.state === 'running') {
    show(status);
    await sleep(POLL_MS);
    try {
      status = await api.autoBackupStatus();
    } catch {
      return;
    }
  }
  if (status.state !== 'idle') ended = true;
  show(status);
}

function percent(stage) {
  if (stage.step === 'checking') return COPY_SHARE;
  if (!stage.total_pages) return 0;
  return Math.floor((stage.done_pages / stage.total_pages) * COPY_SHARE);
}

function show(status) {
  const el = notice();
  clear(el);
  el.hidden = status.state === 'idle';
  el.dataset.state = status.state;
  el.setAttribute('role', status.state === 'failed' ? 'alert' : 'status');
  if (status.state === 'running') {
    const done = percent(status.stage);
    const label = status.stage.step === 'checking' ? 'バックアップを検査中…' : `自動バックアップ中… ${done}%`;
    el.append(h('span', { class: 'backup-notice-text' }, label),
      h('progress', { max: '100', value: String(done), 'aria-label': '自動バックアップの進み具合' }));
  } else if (status.state === 'done') {
    el.append(h('span', { class: 'backup-notice-text' }, '今日の自動バックアップを作成しました。'));
    window.dispatchEvent(new CustomEvent('zaitaku:auto-backup-done'));
    setTimeout(() => { if (el.dataset.state === 'done') el.hidden = true; }, DONE_SHOWN_MS);
  } else if (status.state === 'failed') {
    const close = h('button', {
      type: 'button', class: 'message-close', 'aria-label': 'お知らせを閉じる', onclick: () => { el.hidden = true; },
    }, '×');
    el.append(h('span', { class: 'backup-notice-text' },
      `自動バックアップに失敗しました。${status.message}\n設定 › バックアップで保存先を確認し、「今すぐバックアップ」を押してください。`), close);
  }
}
