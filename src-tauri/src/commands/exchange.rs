//! 設定 › 端末とデータ共有: this PC's role, 子機を準備, 変更を書き出す,
//! 取り込む (preview, then apply with the person's choices), the reply,
//! the shared folder, and 子機として開始 in 初期設定.
//!
//! As for restores, the window never names a file by its path: files and
//! folders are chosen in native dialogs opened here (kept until used), and
//! a file waiting for a person is named by its file name in the waiting
//! list.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, Runtime, State};

use zaitaku_core::access::Actor;
use zaitaku_core::access_log::{self, Kind};
use zaitaku_core::exchange::{self, auto, Choice, Exported, Preview, Role};
use zaitaku_core::keys::KeyFile;

use super::{files, now, parse_arg};
use crate::{AppState, UiError};

/// The exchange file whose preview was shown last, until it is taken in.
static CHOSEN: Mutex<Option<PathBuf>> = Mutex::new(None);
/// The setup file chosen in 初期設定, until the 子機 is started from it.
static SETUP: Mutex<Option<PathBuf>> = Mutex::new(None);

/// What the screen shows.
#[derive(Serialize)]
pub struct ExchangeScreen {
    #[serde(flatten)]
    status: exchange::Status,
    /// The waiting files by name (the window names them so).
    waiting_names: Vec<String>,
    shared_dir: Option<String>,
    /// The last round through the shared folder, if any.
    last_round: Option<crate::state::ExchangeRound>,
}

fn name_of(path: &Path) -> String {
    access_log::file_name(path)
}

/// The access log's line for an exchange file, named by its file name.
fn logged(
    conn: &zaitaku_core::store::Connection,
    actor: &Actor,
    kind: Kind,
    path: &Path,
) -> zaitaku_core::Result<()> {
    access_log::record(conn, actor, kind, &name_of(path), "", now())
}

command! {
    fn exchange_status(&state) -> ExchangeScreen:
        read |conn| {
            let status = exchange::status(conn, &state.db_path)?;
            Ok(ExchangeScreen {
                waiting_names: status.waiting.iter().map(|p| name_of(p)).collect(),
                status,
                shared_dir: auto::shared_dir(conn)?.map(|d| d.display().to_string()),
                last_round: state.exchange_round(),
            })
        };

    fn save_exchange_shared_dir(&state, dir: String) -> Option<String>:
        write |conn, _| Ok(auto::set_shared_dir(conn, &dir)?.map(|d| d.display().to_string()));
}

/// The native folder dialog (e2e builds: `ZAITAKU_E2E_EXCHANGE_DIR`).
fn choose_folder<R: Runtime>(app: &AppHandle<R>, title: &str) -> Result<Option<PathBuf>, UiError> {
    files::folder_dialog(app, title, "ZAITAKU_E2E_EXCHANGE_DIR")
}

/// The native open dialog for an exchange or setup file (e2e builds:
/// `ZAITAKU_E2E_EXCHANGE_FILE`).
fn choose_file<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    kind: &str,
    extension: &str,
) -> Result<Option<PathBuf>, UiError> {
    files::open_dialog(
        app,
        title,
        (kind, &[extension]),
        "ZAITAKU_E2E_EXCHANGE_FILE",
    )
}

fn keep(slot: &Mutex<Option<PathBuf>>, path: Option<PathBuf>) {
    if let Ok(mut s) = slot.lock() {
        *s = path;
    }
}

fn kept(slot: &Mutex<Option<PathBuf>>) -> Option<PathBuf> {
    slot.lock().ok().and_then(|s| s.clone())
}

/// 子機を準備 (親機): asks for the folder (a USB stick) and writes the setup
/// file there; answers its file name, `None` when cancelled.
#[tauri::command(async)]
pub fn prepare_exchange_child<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: Option<serde_json::Value>,
) -> Result<Option<String>, UiError> {
    let name: String = parse_arg("prepare_exchange_child", "name", name)?;
    // Checked before the dialog: a bad name or a 子機 asks nothing.
    state.read(|conn| {
        exchange::clean_name("child_name", &name)?;
        if exchange::identity(conn)?.is_some_and(|i| i.role == Role::Child) {
            return Err(zaitaku_core::Error::Conflict(
                "この端末は子機です。子機の準備は親機で行います。".into(),
            ));
        }
        Ok(())
    })?;
    let Some(dir) = choose_folder(&app, "準備ファイルの保存先（USBメモリなど）")?
    else {
        return Ok(None);
    };
    let key = state.data_key();
    state
        .write(|conn, actor| {
            let path = exchange::prepare(conn, &state.db_path, &dir, &name, key.as_ref(), now())?;
            access_log::record_output(&path, || logged(conn, actor, Kind::ExchangeExport, &path))?;
            Ok(name_of(&path))
        })
        .map(Some)
}

/// 変更を書き出す (子機): asks for the folder and writes the changes there.
#[tauri::command(async)]
pub fn export_exchange_changes<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<Exported>, UiError> {
    state.read(|conn| exchange_role(conn, Role::Child))?;
    let Some(dir) = choose_folder(&app, "変更の書き出し先（USBメモリなど）")? else {
        return Ok(None);
    };
    let key = state.data_key();
    state
        .write(|conn, actor| {
            let done = exchange::export(conn, &state.db_path, &dir, key.as_ref(), now())?;
            access_log::record_output(&done.path, || {
                logged(conn, actor, Kind::ExchangeExport, &done.path)
            })?;
            Ok(done)
        })
        .map(Some)
}

fn exchange_role(conn: &zaitaku_core::store::Connection, role: Role) -> zaitaku_core::Result<()> {
    match exchange::identity(conn)? {
        Some(id) if id.role == role => Ok(()),
        _ => Err(zaitaku_core::Error::Conflict(match role {
            Role::Parent => "この操作は親機で行います。この端末は親機ではありません。".into(),
            Role::Child => "この操作は子機で行います。この端末は子機ではありません。".into(),
        })),
    }
}

/// Where `preview_exchange_file` takes its file from.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ExchangeSource {
    /// A file waiting for a person, by its file name.
    Waiting(String),
    /// A file chosen now in the open dialog.
    Choose,
}

/// 取り込む, first step (親機): what the file will do and its conflicts;
/// nothing changes. `None` when the dialog is cancelled.
#[tauri::command(async)]
pub fn preview_exchange_file<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    source: Option<serde_json::Value>,
) -> Result<Option<Preview>, UiError> {
    let source: ExchangeSource = parse_arg("preview_exchange_file", "source", source)?;
    state.read(|conn| exchange_role(conn, Role::Parent))?;
    keep(&CHOSEN, None);
    let path = match source {
        ExchangeSource::Waiting(name) => auto::waiting_file(&state.db_path, &name)?,
        ExchangeSource::Choose => {
            let title = "取り込むファイルを選ぶ";
            match choose_file(&app, title, "データ共有のファイル", exchange::EXTENSION)? {
                Some(path) => path,
                None => return Ok(None),
            }
        }
    };
    let key = state.data_key();
    let preview = state.read(|conn| exchange::import(conn, &state.db_path, &path, key.as_ref()))?;
    keep(&CHOSEN, Some(path));
    Ok(Some(preview))
}

/// What 取り込む did, for the message.
#[derive(Serialize)]
pub struct ApplyAnswer {
    counts: Vec<exchange::KindCount>,
    conflicts: usize,
    /// The reply's file name and the folder it was written to.
    reply_name: String,
    reply_dir: String,
}

/// 取り込む, second step (親機): applies the previewed file with the
/// person's choices (the engine backs up first and works in one
/// transaction); the reply goes to the shared folder if there is one, else
/// beside the file taken in (the USB stick it came on).
#[tauri::command(async)]
pub fn apply_exchange_file(
    state: State<'_, AppState>,
    choices: Option<serde_json::Value>,
) -> Result<ApplyAnswer, UiError> {
    let choices: Vec<Choice> = parse_arg("apply_exchange_file", "choices", choices)?;
    let Some(path) = kept(&CHOSEN) else {
        return Err(UiError::new(
            "invalid",
            "取り込むファイルが選ばれていません。「取り込む…」からもう一度選んでください。",
        ));
    };
    let key = state.data_key();
    let db = state.db_path.clone();
    let answer = state.write(|conn, actor| {
        let reply_dir = match auto::shared_dir(conn)? {
            Some(dir) if dir.is_dir() => dir,
            _ if path.starts_with(exchange::folder(&db)) => exchange::folder(&db),
            _ => path
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        };
        let applied = exchange::apply(
            conn,
            &db,
            &path,
            key.as_ref(),
            &choices,
            Some(&reply_dir),
            now(),
        )?;
        logged(conn, actor, Kind::ExchangeImport, &path)?;
        let reply_name = name_of(&applied.reply);
        logged(conn, actor, Kind::ExchangeExport, &applied.reply)?;
        auto::done_with(&db, &path)?;
        Ok(ApplyAnswer {
            counts: applied.counts,
            conflicts: applied.conflicts,
            reply_name,
            reply_dir: reply_dir.display().to_string(),
        })
    })?;
    keep(&CHOSEN, None);
    Ok(answer)
}

/// 親機からの返信を取り込む (子機): asks for the reply file and takes it in.
#[tauri::command(async)]
pub fn take_exchange_reply<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<exchange::Taken>, UiError> {
    state.read(|conn| exchange_role(conn, Role::Child))?;
    let title = "親機からの返信を選ぶ";
    let Some(path) = choose_file(&app, title, "データ共有のファイル", exchange::EXTENSION)?
    else {
        return Ok(None);
    };
    let key = state.data_key();
    state
        .write(|conn, actor| {
            let taken = exchange::take_reply(conn, &state.db_path, &path, key.as_ref())?;
            logged(conn, actor, Kind::ExchangeImport, &path)?;
            Ok(taken)
        })
        .map(Some)
}

/// A setup file chosen in 初期設定: whether the office's key file came
/// with it (then a member's password opens it).
#[derive(Serialize)]
pub struct SetupFile {
    file_name: String,
    encrypted: bool,
    holders: Vec<zaitaku_core::keys::KeyHolder>,
}

/// 子機として開始, first step: the open dialog for the setup file.
#[tauri::command(async)]
pub fn choose_setup_file<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<SetupFile>, UiError> {
    keep(&SETUP, None);
    // Asked first: no dialog on a database that already holds data.
    state.read(zaitaku_core::first_run::demo_allowed)?;
    let title = "親機で作った準備ファイルを選ぶ";
    let Some(path) = choose_file(&app, title, "準備ファイル", exchange::SETUP_EXTENSION)?
    else {
        return Ok(None);
    };
    let keys = KeyFile::load(&path)?;
    let answer = SetupFile {
        file_name: name_of(&path),
        encrypted: keys.is_some(),
        holders: keys.map(|k| k.holders()).unwrap_or_default(),
    };
    keep(&SETUP, Some(path));
    Ok(Some(answer))
}

/// 子機として開始: the new, empty database is replaced by the office's
/// records from the setup file (an encrypted office's: opened with a
/// member's password, then the window asks who is working).
#[tauri::command(async)]
pub fn start_exchange_child(
    state: State<'_, AppState>,
    staff_id: Option<serde_json::Value>,
    password: Option<serde_json::Value>,
) -> Result<exchange::Identity, UiError> {
    let staff_id: String = parse_arg(
        "start_exchange_child",
        "staffId",
        staff_id.or(Some("".into())),
    )?;
    let password: String = parse_arg(
        "start_exchange_child",
        "password",
        password.or(Some("".into())),
    )?;
    let Some(setup) = kept(&SETUP) else {
        return Err(UiError::new(
            "invalid",
            "準備ファイルが選ばれていません。「子機として開始」からもう一度選んでください。",
        ));
    };
    let key = match KeyFile::load(&setup)? {
        None => None,
        Some(file) => {
            if staff_id.is_empty() || password.is_empty() {
                return Err(UiError::new(
                    "invalid",
                    "この準備ファイルは暗号化されています。担当者を選び、パスワードを入力してください。",
                ));
            }
            Some(file.unwrap_member(&staff_id, &password)?)
        }
    };
    let id = state.start_child(&setup, key.as_ref())?;
    keep(&SETUP, None);
    Ok(id)
}

/// Starts the rounds through the shared folder on a thread of their own
/// (once; the window asks after its first screen and after each sign-in).
#[tauri::command(async)]
pub fn start_exchange_rounds<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<(), UiError> {
    state.read(|_| Ok(()))?;
    if state.start_exchange_rounds() {
        let spawned = std::thread::Builder::new()
            .name("exchange-rounds".into())
            .spawn(move || app.state::<AppState>().run_exchange_rounds());
        if let Err(e) = spawned {
            log::warn!("exchange rounds not started: {e}");
        }
    }
    Ok(())
}
