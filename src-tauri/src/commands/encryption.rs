//! 設定 › データの暗号化: converting this PC's plain database (the same
//! conversion as `zaitaku encrypt`), its progress, the 回復キー shown
//! once (its PDF is `first_run::save_recovery_key_pdf`, shared with
//! 初期設定), and the plain copy for migrating away.

use std::sync::Mutex;

use serde_json::Value;
use tauri::{AppHandle, Runtime, State};
use zaitaku_core::access::handover::TemporaryPassword;
use zaitaku_core::access_log::{self, Kind};
use zaitaku_core::keys::convert::{self, Stage};

use super::files::{save_dialog, with_extension, SaveAs};
use super::{now, parse_arg};
use crate::state::{Encrypted, Passwords};
use crate::{AppState, UiError};

/// The stage of the conversion under way, for `encryption_progress`
/// (kept apart from the connection, which the conversion holds).
#[derive(Default)]
pub struct Progress(Mutex<Option<Stage>>);

/// 「このパソコンのデータを暗号化する」: the signed-in 管理者's current
/// PIN or password, their password from now on, and temporary passwords
/// for other members (blank: given later in 担当者).
#[tauri::command(async)]
pub fn encrypt_database(
    state: State<'_, AppState>,
    progress: State<'_, Progress>,
    current: Option<Value>,
    password: Option<Value>,
    temporary: Option<Value>,
) -> Result<Encrypted, UiError> {
    const NAME: &str = "encrypt_database";
    let current: String = parse_arg(NAME, "current", current)?;
    let password: String = parse_arg(NAME, "password", password)?;
    let temporary: Vec<TemporaryPassword> = parse_arg(
        NAME,
        "temporary",
        Some(temporary.unwrap_or(Value::Array(Vec::new()))),
    )?;
    let passwords = Passwords {
        current: &current,
        password: &password,
        temporary: &temporary,
    };
    state.encrypt_database(&passwords, &mut |stage| {
        if let Ok(mut now) = progress.0.lock() {
            *now = stage;
        }
    })
}

/// The stage of the conversion under way; `None` when there is none.
#[tauri::command(async)]
pub fn encryption_progress(progress: State<'_, Progress>) -> Option<Stage> {
    progress.0.lock().ok().and_then(|s| *s)
}

/// Forgets the 回復キー shown after the conversion, once kept.
#[tauri::command(async)]
pub fn close_recovery_key(state: State<'_, AppState>, kept: Option<Value>) -> Result<(), UiError> {
    let kept: bool = parse_arg("close_recovery_key", "kept", kept)?;
    state.close_recovery_key(kept)
}

/// 「暗号化しないコピーを書き出す」: after the 管理者 confirmed the warning,
/// asks where (the save dialog) and writes a plain copy of the encrypted
/// database, recorded in the access log; `None` when cancelled.
#[tauri::command(async)]
pub fn export_plain_copy<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    confirmed: Option<Value>,
) -> Result<Option<String>, UiError> {
    let confirmed: bool = parse_arg("export_plain_copy", "confirmed", confirmed)?;
    if !confirmed {
        return Err(UiError::from(zaitaku_core::Error::invalid(
            "confirmed",
            "書き出すコピーは暗号化されず、誰でも読めます。確かめたら、チェックを入れてください。",
        )));
    }
    if !state.is_encrypted() {
        return Err(UiError::new(
            "conflict",
            "このパソコンのデータは暗号化されていません。バックアップやデータベースのファイルをそのままお使いください。",
        ));
    }
    // Refused while locked before the dialog opens.
    state.read(|_| Ok(()))?;
    let file_name = format!(
        "在宅医療相談室デスク_暗号化なし_{}.db",
        now().format("%Y%m%d")
    );
    let chosen = save_dialog(
        &app,
        SaveAs {
            title: "暗号化しないコピーを保存",
            file_name: &file_name,
            filter: ("データベース", &["db"]),
        },
    )?;
    let Some(path) = chosen else {
        return Ok(None);
    };
    let path = with_extension(path, "db");
    state.write(|conn, actor| {
        convert::export_plain(conn, &path)?;
        access_log::record_output(&path, || {
            access_log::record(
                conn,
                actor,
                Kind::Backup,
                &access_log::file_name(&path),
                "暗号化しないコピー",
                now(),
            )
        })
    })?;
    log::info!("plain copy written");
    Ok(Some(path.display().to_string()))
}
