use serde_json::Value;
use tauri::State;
use zaitaku_core::access::{self, CredentialKind, MemberInput, Role, StaffMember};
use zaitaku_core::store::audit::{self, AuditEntry};

use super::{now, parse_arg, parse_object};
use crate::state::AccessStatus;
use crate::{AppState, UiError};

/// Answered while locked: the lock screen lists the staff from it.
#[tauri::command(async)]
pub fn access_status(state: State<'_, AppState>) -> Result<AccessStatus, UiError> {
    state.access_status()
}

/// Answered while locked: the member's PIN or password.
#[tauri::command(async)]
pub fn sign_in(
    state: State<'_, AppState>,
    staff_id: Option<Value>,
    credential: Option<Value>,
) -> Result<StaffMember, UiError> {
    let staff_id: String = parse_arg("sign_in", "staff_id", staff_id)?;
    let credential: String = parse_arg(
        "sign_in",
        "credential",
        Some(credential.unwrap_or(Value::String(String::new()))),
    )?;
    state.sign_in(&staff_id, &credential)
}

/// Answered while locked: the 回復キー opens the closed encrypted
/// database, and the chosen 管理者 sets a new password.
#[tauri::command(async)]
pub fn recover_with_key(
    state: State<'_, AppState>,
    recovery_key: Option<Value>,
    staff_id: Option<Value>,
    credential: Option<Value>,
) -> Result<StaffMember, UiError> {
    const NAME: &str = "recover_with_key";
    let recovery_key: String = parse_arg(NAME, "recovery_key", recovery_key)?;
    let staff_id: String = parse_arg(NAME, "staff_id", staff_id)?;
    let credential: String = parse_arg(NAME, "credential", credential)?;
    state.recover(&recovery_key, &staff_id, &credential)
}

/// Answered while locked: nobody is signed in until the next sign_in.
#[tauri::command(async)]
pub fn lock_screen(state: State<'_, AppState>) -> Result<(), UiError> {
    state.lock()
}

/// The signed-in member sets their own PIN or password; also answered for
/// a member who must do so before anything else.
#[tauri::command(async)]
pub fn set_own_credential(
    state: State<'_, AppState>,
    current: Option<Value>,
    kind: Option<Value>,
    credential: Option<Value>,
) -> Result<StaffMember, UiError> {
    const NAME: &str = "set_own_credential";
    let current: String = parse_arg(NAME, "current", current)?;
    let kind: CredentialKind = parse_arg(NAME, "kind", kind)?;
    let credential: String = parse_arg(NAME, "credential", credential)?;
    state.set_own_credential(&current, kind, &credential)
}

/// A new office registers its first member (管理者), who is signed in.
#[tauri::command(async)]
pub fn register_first_member(
    state: State<'_, AppState>,
    member: Option<Value>,
) -> Result<StaffMember, UiError> {
    let member: FirstMember = parse_object("register_first_member", "member", member)?;
    state.register_first(&member.name, member.kind, &member.credential)
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FirstMember {
    name: String,
    kind: CredentialKind,
    credential: String,
}

command! {
    /// A 管理者 adds a member with a temporary credential (on an
    /// encrypted database, the data key is wrapped under it).
    fn add_staff_member(&state, #[parse_object] member: MemberInput) -> StaffMember:
        write |conn, actor| {
            let added = access::add_member(conn, actor, &member, now())?;
            if let Some(keyring) = state.keyring() {
                access::wrap_for_member(&keyring, &added, member.kind, &member.credential)?;
            }
            Ok(added)
        };

    /// Retiring a member also removes their copy of the data key.
    fn retire_staff_member(&state, staff_id: String) -> ():
        write |conn, actor| {
            access::retire(conn, actor, &staff_id)?;
            if let Some(keyring) = state.keyring() {
                keyring.remove(&staff_id)?;
            }
            Ok(())
        };

    fn set_staff_role(staff_id: String, role: Role) -> StaffMember:
        write |conn, actor| access::set_role(conn, actor, &staff_id, role);

    /// A temporary credential the member must change at their next sign-in.
    fn reset_staff_credential(&state, staff_id: String, kind: CredentialKind, credential: String)
        -> StaffMember:
        write |conn, actor| {
            let member = access::reset_credential(conn, actor, &staff_id, kind, &credential, now())?;
            if let Some(keyring) = state.keyring() {
                access::wrap_for_member(&keyring, &member, kind, &credential)?;
            }
            Ok(member)
        };

    fn save_lock_minutes(minutes: i64) -> u32:
        write |conn, _| access::save_lock_minutes(conn, minutes);

    /// The newest records of who changed which setting.
    fn recent_audit_log() -> Vec<AuditEntry>:
        read |conn| audit::recent(conn, 50);
}
