use serde::Serialize;
use serde_json::Value;
use tauri::State;
use zaitaku_core::access::{self, StaffMember};
use zaitaku_core::store::audit::{self, AuditEntry};

use super::{now, parse_arg};
use crate::{AppState, UiError};

#[derive(Serialize)]
pub struct AccessStatus {
    staff: Vec<StaffMember>,
    actor: Option<StaffMember>,
    lock_minutes: u32,
}

#[tauri::command(async)]
pub fn access_status(state: State<'_, AppState>) -> Result<AccessStatus, UiError> {
    let (staff, lock_minutes) =
        state.with_conn(|conn| Ok((access::staff(conn)?, access::lock_minutes(conn)?)))?;
    Ok(AccessStatus {
        staff,
        actor: state.actor(),
        lock_minutes,
    })
}

#[tauri::command(async)]
pub fn sign_in(
    state: State<'_, AppState>,
    staff_id: Option<Value>,
    pin: Option<Value>,
) -> Result<StaffMember, UiError> {
    let staff_id: String = parse_arg("staff_id", staff_id)?;
    let pin: String = parse_arg("pin", Some(pin.unwrap_or(Value::String(String::new()))))?;
    let member = state.with_conn(|conn| access::sign_in(conn, &staff_id, &pin))?;
    log::info!("signed in: {}", member.name);
    state.set_actor(Some(member.clone()))?;
    Ok(member)
}

/// Locks the window: nobody is signed in until the next sign_in.
#[tauri::command(async)]
pub fn lock_screen(state: State<'_, AppState>) -> Result<(), UiError> {
    if let Some(member) = state.actor() {
        log::info!("locked: {}", member.name);
    }
    state.set_actor(None)
}

/// The signed-in member sets, changes or removes their own PIN.
#[tauri::command(async)]
pub fn set_own_pin(
    state: State<'_, AppState>,
    current_pin: Option<Value>,
    new_pin: Option<Value>,
) -> Result<StaffMember, UiError> {
    let current: String = parse_arg("current_pin", current_pin)?;
    let new_pin: String = parse_arg("new_pin", new_pin)?;
    let me = state.require_actor()?;
    let member =
        state.with_conn(|conn| access::set_pin(conn, &me.id, &current, &new_pin, now()))?;
    state.set_actor(Some(member.clone()))?;
    Ok(member)
}

#[tauri::command(async)]
pub fn save_lock_minutes(
    state: State<'_, AppState>,
    minutes: Option<Value>,
) -> Result<u32, UiError> {
    let minutes: i64 = parse_arg("minutes", minutes)?;
    state.with_conn(|conn| access::save_lock_minutes(conn, minutes))
}

/// The newest records of who changed which setting.
#[tauri::command(async)]
pub fn recent_audit_log(state: State<'_, AppState>) -> Result<Vec<AuditEntry>, UiError> {
    state.with_conn(|conn| audit::recent(conn, 50))
}
