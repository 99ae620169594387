use serde_json::Value;
use tauri::State;
use zaitaku_core::access::{self, StaffMember};
use zaitaku_core::store::audit::{self, AuditEntry};

use super::parse_arg;
use crate::state::AccessStatus;
use crate::{AppState, UiError};

/// Answered while locked: the lock screen lists the staff from it.
#[tauri::command(async)]
pub fn access_status(state: State<'_, AppState>) -> Result<AccessStatus, UiError> {
    state.access_status()
}

/// Answered while locked.
#[tauri::command(async)]
pub fn sign_in(
    state: State<'_, AppState>,
    staff_id: Option<Value>,
    pin: Option<Value>,
) -> Result<StaffMember, UiError> {
    let staff_id: String = parse_arg("sign_in", "staff_id", staff_id)?;
    let pin: String = parse_arg(
        "sign_in",
        "pin",
        Some(pin.unwrap_or(Value::String(String::new()))),
    )?;
    state.sign_in(&staff_id, &pin)
}

/// Answered while locked: nobody is signed in until the next sign_in.
#[tauri::command(async)]
pub fn lock_screen(state: State<'_, AppState>) -> Result<(), UiError> {
    state.lock()
}

/// The signed-in member sets, changes or removes their own PIN.
#[tauri::command(async)]
pub fn set_own_pin(
    state: State<'_, AppState>,
    current_pin: Option<Value>,
    new_pin: Option<Value>,
) -> Result<StaffMember, UiError> {
    let current: String = parse_arg("set_own_pin", "current_pin", current_pin)?;
    let new_pin: String = parse_arg("set_own_pin", "new_pin", new_pin)?;
    state.set_own_pin(&current, &new_pin)
}

command! {
    fn save_lock_minutes(minutes: i64) -> u32:
        write |conn, _| access::save_lock_minutes(conn, minutes);

    /// The newest records of who changed which setting.
    fn recent_audit_log() -> Vec<AuditEntry>:
        read |conn| audit::recent(conn, 50);
}
