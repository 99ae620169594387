// 設定 › 担当者: who may sign in, their 権限 (管理者 or 職員) and whether
// they have a PIN or password. A 管理者 adds members (with a temporary
// credential they change at their first sign-in), retires them, changes
// their 権限 and resets a forgotten credential. A new office registers its
// first member here, who becomes 管理者. The Rust side enforces all of it;
// 職員 see the list only.

import { api } from '../api.js';
import { h, clear } from '../lib/dom.js';
import { field, input, select, onSubmit, attempt } from '../lib/forms.js';
import { showMessage } from '../lib/messages.js';
import { credentialFields, isPasswordsOnly, kindLabel } from '../lib/credential.js';
import { adopt, isAdmin, currentActor } from '../lib/lock.js';

const ROLES = [['staff', '職員'], ['admin', '管理者']];
const roleLabel = (role) => (role === 'admin' ? '管理者' : '職員');

export async function render(container) {
  const section = h('section', { class: 'card staff', id: 'staff-section', 'aria-labelledby': 'staff-title' });
  container.append(section);
  await refresh(section);
}

async function refresh(section) {
  const { staff } = await api.accessStatus();
  clear(section).append(h('h2', { id: 'staff-title' }, '担当者'));
  if (staff.length === 0) {
    section.append(firstMemberForm(section));
    return;
  }
  const admins = staff.filter((m) => m.role === 'admin').map((m) => m.name).join('、');
  section.append(
    h('p', { class: 'hint' }, isAdmin()
      ? '担当者はそれぞれの暗証番号（4〜8桁の数字）かパスワード（8文字以上）でサインインします。管理者は担当者の追加・退職・権限の変更・暗証番号の再設定、一覧項目・事業所情報・バックアップの設定、復元ができます。'
      : `担当者の追加・退職・権限の変更・暗証番号の再設定は、管理者（${admins}）が行います。`),
    staffTable(section, staff),
    isAdmin() ? addForm(section) : null);
}

/** After a change to the staff: the one working as they are now (their
 * own 権限 may have changed; retired, the Rust side has locked). */
async function syncActor() {
  if (!currentActor()) return;
  const { actor } = await api.accessStatus();
  if (actor) adopt(actor);
  else window.dispatchEvent(new Event('zaitaku:signed-out'));
}

function credentialState(member) {
  // On an encrypted database only a password opens it: none, no sign-in.
  if (!member.credential) return isPasswordsOnly() ? '未設定（仮のパスワードを再設定するまでサインインできません）' : '未設定（次のサインインで設定）';
  return member.must_change ? `${kindLabel(member.credential)}（仮・次のサインインで変更）` : kindLabel(member.credential);
}

function staffTable(section, staff) {
  return h('table', { class: 'staff-table', id: 'staff-table' },
    h('caption', { class: 'visually-hidden' }, '担当者の一覧'),
    h('thead', {}, h('tr', {}, ['名前', '権限', '暗証番号・パスワード', ''].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, staff.map((member) => h('tr', { dataset: { staffId: member.id } },
      h('td', {}, member.name),
      h('td', { class: 'staff-role' }, roleLabel(member.role)),
      h('td', { class: 'staff-credential' }, credentialState(member)),
      h('td', { class: 'staff-actions' }, isAdmin() ? memberActions(section, member) : null)))));
}

function memberActions(section, member) {
  const other = member.role === 'admin' ? 'staff' : 'admin';
  const changeRole = async () => {
    const saved = await attempt(null, () => api.setStaffRole(member.id, other));
    if (!saved) return;
    showMessage(`${saved.name} さんを${roleLabel(saved.role)}にしました。`, 'success');
    await syncActor();
    await refresh(section);
  };
  const retire = async () => {
    if (!window.confirm(`${member.name} さんを退職にします。サインインできなくなり、過去の記録の名前はそのまま残ります。よろしいですか？`)) return;
    if ((await attempt(null, () => api.retireStaffMember(member.id))) === undefined) return;
    showMessage(`${member.name} さんを退職にしました。`, 'success');
    await syncActor();
    await refresh(section);
  };
  return h('div', { class: 'row-actions' },
    h('button', { type: 'button', class: 'secondary small staff-role-button', onclick: changeRole }, other === 'admin' ? '管理者にする' : '職員にする'),
    h('button', { type: 'button', class: 'secondary small staff-reset-button', onclick: (e) => openReset(section, member, e.target.closest('tr')) }, '暗証番号・パスワードの再設定'),
    h('button', { type: 'button', class: 'link danger-link staff-retire-button', onclick: retire }, '退職…'));
}

function openReset(section, member, row) {
  section.querySelector('.staff-reset-row')?.remove();
  const fields = credentialFields({ idPrefix: 'reset', text: '仮の' });
  const form = h('form', { class: 'staff-reset-form', novalidate: true },
    h('h3', {}, `${member.name} さんの暗証番号・パスワードの再設定`),
    h('p', { class: 'hint' }, '仮のものを設定して本人に伝えてください。本人は次のサインインで自分のものに変更します。'),
    ...fields.nodes,
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'primary', id: 'reset-save' }, '再設定'),
      h('button', { type: 'button', class: 'secondary', onclick: () => cell.closest('tr').remove() }, '取り消す')));
  onSubmit(form, async () => {
    const { kind, credential } = fields.read();
    const saved = await api.resetStaffCredential(member.id, kind, credential);
    showMessage(`${saved.name} さんの${kindLabel(saved.credential)}を仮のものに再設定しました。`, 'success');
    await refresh(section);
  });
  const cell = h('td', { colspan: '4' }, form);
  row.insertAdjacentElement('afterend', h('tr', { class: 'staff-reset-row' }, cell));
  form.querySelector('select')?.focus();
}

function addForm(section) {
  const name = input('name', { id: 'staff-name' });
  const role = select('role', ROLES, { id: 'staff-role', value: 'staff' });
  const fields = credentialFields({ idPrefix: 'staff', text: '仮の' });
  const form = h('form', { class: 'staff-add-form', id: 'staff-add', novalidate: true },
    h('h3', {}, '担当者を追加'),
    h('p', { class: 'hint' }, '仮の暗証番号かパスワードを決めて本人に伝えてください。本人は最初のサインインで自分のものに変更します。'),
    field('名前', name, { required: true }),
    field('権限', role),
    ...fields.nodes,
    h('button', { type: 'submit', class: 'primary', id: 'staff-add-save' }, '追加'));
  onSubmit(form, async () => {
    const { kind, credential } = fields.read();
    const saved = await api.addStaffMember({ name: name.value, role: role.value, kind, credential });
    showMessage(`${saved.name} さんを${roleLabel(saved.role)}として追加しました。`, 'success');
    await refresh(section);
  });
  return form;
}

function firstMemberForm(section) {
  const name = input('name', { id: 'first-name' });
  const fields = credentialFields({ idPrefix: 'first', text: '' });
  const form = h('form', { class: 'first-member-form', id: 'first-member', novalidate: true },
    h('p', { class: 'hint' }, 'まだ担当者が登録されていません。最初に登録する人が管理者になり、その人としてサインインします。以後、起動時と画面ロックの解除のときに、暗証番号かパスワードを入力します。'),
    field('名前', name, { required: true }),
    ...fields.nodes,
    h('button', { type: 'submit', class: 'primary', id: 'first-member-save' }, '管理者として登録'));
  onSubmit(form, async () => {
    const { kind, credential } = fields.read();
    const member = await api.registerFirstMember({ name: name.value, kind, credential });
    adopt(member);
    showMessage(`${member.name} さんを管理者として登録し、サインインしました。`, 'success');
    await refresh(section);
  });
  return form;
}
