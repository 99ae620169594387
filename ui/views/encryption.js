// 設定 › データの暗号化 (管理者 only). On a plain database:
// 「このパソコンのデータを暗号化する」 — the 管理者 confirms with what they
// sign in with now and chooses a password (PINs end: an encrypted database
// opens only with passwords), may give other members a temporary password
// at once (the others get one later in 担当者), then the Rust side backs
// up, converts (the same code as `zaitaku encrypt`) and opens the database
// again encrypted, the 管理者 still signed in; the screen shows the stages,
// then the 回復キー once (the panel of 初期設定). On an encrypted database:
// 「暗号化しないコピーを書き出す」, behind a warning and a confirmation.

import { api } from '../api.js';
import { h, clear } from '../lib/dom.js';
import { field, input, onSubmit, attempt, whileBusy } from '../lib/forms.js';
import { showMessage } from '../lib/messages.js';
import { credentialFields, setPasswordsOnly } from '../lib/credential.js';
import { adopt, currentActor } from '../lib/lock.js';
import { recoveryKeyPanel } from '../lib/recovery-key.js';
import { savedFileMessage } from '../lib/plain-file.js';

const STAGES = {
  backup: 'バックアップを作成しています…（1/4）',
  copying: '暗号化したコピーを作成しています…（2/4）',
  checking: 'コピーが元のデータと一致するか確かめています…（3/4）',
  switching: 'パスワードを設定し、暗号化したデータに切り替えています…（4/4）',
};

/** Appends the section to `container`; `onChanged` redraws 設定 after a
 * conversion (the staff list and forms change with it). */
export async function render(container, { onChanged }) {
  const section = h('section', { class: 'card encryption', id: 'encryption-section', 'aria-labelledby': 'encryption-title' });
  container.append(section);
  const status = await api.appStatus();
  section.append(h('h2', { id: 'encryption-title' }, 'データの暗号化'));
  if (status.encrypted) plainCopy(section);
  else await encryptForm(section, onChanged);
}

// ------------------------------------------------------------ encrypt

async function encryptForm(section, onChanged) {
  const me = currentActor();
  const { staff } = await api.accessStatus();
  const others = staff.filter((m) => m.id !== me?.id);
  const current = input('current', { id: 'encrypt-current', type: 'password', autocomplete: 'current-password' });
  const fresh = credentialFields({ name: 'password', idPrefix: 'encrypt', text: 'これからの', passwordOnly: true });
  const temporary = others.map((member, i) => {
    const box = input(`temporary.${i}.password`, { id: `encrypt-temporary-${i}`, type: 'password', autocomplete: 'new-password' });
    box.maxLength = 128;
    return { member, box };
  });
  const progress = h('p', { class: 'hint', id: 'encrypt-progress', role: 'status' });
  const form = h('form', { class: 'encrypt-form', id: 'encrypt-form', novalidate: true },
    h('p', {}, 'このパソコンのデータは暗号化されていません。ノートパソコンやバックアップのUSBメモリをなくしたとき、誰でも相談記録を読めてしまいます。暗号化すると、パスワードなしでは読めなくなります。'),
    h('ul', { class: 'first-run-notes' },
      h('li', {}, 'はじめにバックアップを作成し、暗号化したコピーが元のデータと一致することを確かめてから切り替えます。途中で電源が切れても、元のデータはそのまま残ります。'),
      h('li', {}, '暗号化すると暗証番号は使えなくなり、全員がパスワード（8文字以上）でサインインします。'),
      h('li', {}, '最後に「回復キー」を1回だけ表示します。PDFで保存して印刷し、金庫などに保管してください。')),
    field('いまお使いの暗証番号・パスワード', current, { required: true }),
    ...fresh.nodes,
    others.length ? h('fieldset', { class: 'encrypt-others' },
      h('legend', {}, 'ほかの担当者の仮のパスワード（省略できます）'),
      h('p', { class: 'hint' }, '入力した人は、その仮のパスワードでサインインし、自分のパスワードに変更します。空欄の人はサインインできなくなるので、あとで「担当者」の「暗証番号・パスワードの再設定」で仮のパスワードを設定してください。'),
      ...temporary.map(({ member, box }) => field(`${member.name} さん`, box))) : null,
    progress,
    h('button', { type: 'submit', class: 'primary', id: 'encrypt-start' }, 'このパソコンのデータを暗号化する'));
  onSubmit(form, async () => {
    const { credential } = fresh.read();
    if (!window.confirm('バックアップを作成してから、このパソコンのデータを暗号化します。数分かかることがあり、その間はほかの操作ができません。始めますか？')) return;
    const given = temporary.map(({ member, box }) => ({ staff_id: member.id, password: box.value })).filter((t) => t.password);
    const timer = watchProgress(progress);
    let done;
    try {
      done = await api.encryptDatabase(current.value, credential, given);
    } finally {
      clearInterval(timer);
      progress.textContent = '';
    }
    setPasswordsOnly(true);
    const { actor } = await api.accessStatus();
    if (actor) adopt(actor);
    showRecoveryKey(section, done, onChanged);
  });
  section.append(form);
}

/** Shows each stage of the conversion while it runs. */
function watchProgress(line) {
  line.textContent = '暗号化を始めています…';
  return setInterval(async () => {
    const stage = await api.encryptionProgress().catch(() => null);
    if (stage && line.isConnected) line.textContent = STAGES[stage] ?? line.textContent;
  }, 300);
}

function showRecoveryKey(section, done, onChanged) {
  const form = h('form', { class: 'encrypt-recovery', id: 'encrypt-recovery', novalidate: true });
  const kept = recoveryKeyPanel(form, {
    prefix: 'encrypt',
    lead: 'このパソコンのデータを暗号化しました。管理者がパスワードを忘れたときにデータを開くための「回復キー」です。この画面でしか表示されません。',
    key: async () => done.recovery_key,
  });
  const notes = [`暗号化の前に作成したバックアップ：${done.backup}（暗号化されていません。暗号化したデータには復元できないため、確かめたら削除してください）`];
  if (done.temporary.length) notes.push(`仮のパスワードを設定した担当者：${done.temporary.join('、')}（次のサインインで自分のパスワードに変更します）`);
  if (done.need_password.length) notes.push(`次の担当者は、「担当者」で仮のパスワードを設定するまでサインインできません：${done.need_password.join('、')}`);
  form.append(
    h('ul', { class: 'first-run-notes', id: 'encrypt-done-notes' }, notes.map((n) => h('li', {}, n))),
    h('button', { type: 'submit', class: 'primary', id: 'encrypt-finish' }, '閉じる'));
  onSubmit(form, async () => {
    await api.closeRecoveryKey(kept.checked);
    showMessage('このパソコンのデータは暗号化されています。次からはパスワードでサインインします。', 'success');
    await onChanged?.();
  });
  clear(section).append(h('h2', { id: 'encryption-title' }, 'データの暗号化'), form);
  form.querySelector('#encrypt-recovery-pdf')?.focus();
}

// --------------------------------------------------------- plain copy

function plainCopy(section) {
  const confirmed = h('input', { type: 'checkbox', id: 'plain-copy-confirmed', dataset: { field: 'confirmed' } });
  const result = h('p', { class: 'hint', id: 'plain-copy-result', role: 'status' });
  const button = h('button', { type: 'button', class: 'danger', id: 'plain-copy' }, '暗号化しないコピーを書き出す…');
  const box = h('div', { class: 'plain-copy' },
    h('p', {}, 'このパソコンのデータは暗号化されています。バックアップも暗号化され、パスワードか回復キーがなければ読めません。'),
    h('h3', {}, '暗号化しないコピーを書き出す'),
    h('p', { class: 'warning', id: 'plain-copy-warning' }, '別のシステムへ移行するときだけ使います。書き出したファイルは暗号化されず、患者さんの情報を誰でも読めます。移行が済んだら確実に削除してください。'),
    h('div', { class: 'field' }, h('label', { class: 'first-run-choice', for: confirmed.id }, confirmed,
      h('span', {}, '書き出すファイルが暗号化されないことを理解しました'))),
    h('p', {}, button),
    result);
  button.addEventListener('click', () => whileBusy(box, async () => {
    result.textContent = '';
    if (confirmed.checked && !window.confirm('患者さんの情報を含む、暗号化しないコピーを書き出します。よろしいですか？')) return;
    const path = await attempt(box, () => api.exportPlainCopy(confirmed.checked));
    if (path) result.textContent = savedFileMessage('暗号化しないコピーを書き出しました', path);
    else if (path === null) result.textContent = '書き出しを取りやめました。';
  }, [button]));
  section.append(box);
}
