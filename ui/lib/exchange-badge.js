// The badge on 設定 in the menu: files taken in from a 子機 whose
// conflicts wait for a person on the 親機. Asked after the first screen,
// after each sign-in and every minute (the shared folder's rounds may
// bring new ones at any time).

import { api } from '../api.js';
import { h } from './dom.js';
import { isLocked } from './lock.js';

const EVERY_MS = 60 * 1000;
let last = 0;

export async function refreshExchangeBadge() {
  if (isLocked()) return;
  let status;
  try {
    status = await api.exchangeStatus();
  } catch {
    return;
  }
  const count = status.identity?.role === 'parent' ? status.waiting_names.length : 0;
  const link = document.querySelector('.nav-list a[data-view="settings"]');
  if (!link) return;
  link.querySelector('.nav-badge')?.remove();
  if (count > 0) {
    link.append(h('span', { class: 'nav-badge', id: 'exchange-badge', title: `競合の選択を待っている取り込みが${count}件あります（設定 › 端末とデータ共有）` },
      h('span', { 'aria-hidden': 'true' }, String(count)),
      h('span', { class: 'visually-hidden' }, `（競合の選択待ち${count}件）`)));
  }
  if (count > last) window.dispatchEvent(new Event('zaitaku:exchange-waiting'));
  last = count;
}

/** Starts the shared folder's rounds (the app runs them on a thread) and
 * keeps the badge up to date. */
export function startExchange() {
  api.startExchangeRounds().catch(() => {});
  refreshExchangeBadge();
}

setInterval(refreshExchangeBadge, EVERY_MS);
