//! `#[tauri::command]` wrappers only: take the state, parse the arguments,
//! call one core function, map the error. One file per capability; every
//! command is one line of `list.rs`.

/// Declares commands of the plain shape: parse each argument from raw JSON,
/// then make one core call under the read or write guard of [`AppState`].
///
/// Written out, each is the same eight lines around one call; declared here,
/// a command is its name, its arguments, its answer and that call:
///
/// ```text
/// command! {
///     /// Doc comment of the command.
///     fn update_case(id: String, #[parse_object] case: CaseInput) -> CaseDetail:
///         write |conn, actor| cases::update(conn, &id, &case, actor.staff_id(), now());
/// }
/// ```
///
/// - `&state` first names the [`AppState`] for the call to use.
/// - An argument is parsed with [`parse_arg`] under its name in the window
///   (`case_id` is `caseId`), or with the helper named before it
///   (`#[parse_object]`, `#[parse_filter]`); `= value` stands in for an
///   argument the window leaves out.
/// - `read |conn|` calls [`AppState::read`], `write |conn, actor|` calls
///   [`AppState::write`], and `export |conn, dir|` calls [`export`] (the read
///   guard, with the export folder) and answers the file's path.
///
/// Commands that need more (the app handle, a dialog, the lock screen's
/// state methods) are written out as functions.
macro_rules! command {
    (@parse $name:ident $arg:ident [] [$($default:expr)?]) => {
        command!(@parse $name $arg [parse_arg] [$($default)?])
    };
    (@parse $name:ident $arg:ident [$parse:ident] []) => {
        $crate::commands::$parse(
            stringify!($name),
            &$crate::commands::js_name(stringify!($arg)),
            $arg,
        )
    };
    (@parse $name:ident $arg:ident [$parse:ident] [$default:expr]) => {
        $crate::commands::$parse(
            stringify!($name),
            &$crate::commands::js_name(stringify!($arg)),
            $arg.or(::std::option::Option::Some(::serde_json::Value::from($default))),
        )
    };

    // `export`: the read guard with the export folder, see [`export`].
    (@fn [$($attr:tt)*] $name:ident [$state:ident $($rest:tt)*] [$($params:tt)*] [$($lets:tt)*]
        $ret:ty, export $f:expr) => {
        $($attr)*
        #[tauri::command(async)]
        pub fn $name<R: ::tauri::Runtime>(
            app: ::tauri::AppHandle<R>,
            $state: ::tauri::State<'_, $crate::AppState>,
            $($params)*
        ) -> ::std::result::Result<$ret, $crate::UiError> {
            $($lets)*
            $crate::commands::export(&app, &$state, $f)
        }
    };
    // `read` or `write`: the method of AppState of that name.
    (@fn [$($attr:tt)*] $name:ident [$state:ident $($rest:tt)*] [$($params:tt)*] [$($lets:tt)*]
        $ret:ty, $guard:ident $f:expr) => {
        $($attr)*
        #[tauri::command(async)]
        pub fn $name(
            $state: ::tauri::State<'_, $crate::AppState>,
            $($params)*
        ) -> ::std::result::Result<$ret, $crate::UiError> {
            $($lets)*
            $state.$guard($f)
        }
    };

    ($(
        $(#[$attr:meta])*
        fn $name:ident($(&$state:ident)? $(,)?
            $($(#[$parse:ident])? $arg:ident : $ty:ty $(= $default:expr)?),* $(,)?)
            -> $ret:ty : $access:ident |$($param:pat_param),*| $call:expr;
    )*) => {$(
        // The state's name is the one the declaration gives, else `state`
        // (which the call cannot see).
        command!(@fn [$(#[$attr])*] $name [$($state)? state]
            [$($arg: ::std::option::Option<::serde_json::Value>,)*]
            [$(let $arg: $ty = command!(@parse $name $arg [$($parse)?] [$($default)?])?;)*]
            $ret, $access |$($param),*| $call);
    )*};
}

pub mod access;
pub mod access_log;
pub mod app;
pub mod backup;
pub mod beds;
pub mod booklets;
pub mod cases;
pub mod encryption;
pub mod exchange;
pub mod files;
pub mod first_run;
pub mod help;
pub mod lectures;
pub mod meetings;
pub mod office;
pub mod print;
pub mod registries;
pub mod report;

// The one list of commands (list.rs, also read by build.rs) becomes the
// names the tests check and the invoke handler that answers them.
macro_rules! command_list {
    (@admin admin) => { true };
    (@admin $other:ident) => { false };
    (@admin) => { false };
    (@first_run first_run) => { true };
    (@first_run $other:ident) => { false };
    (@first_run) => { false };
    ($($(#[$role:ident])? $file:ident :: $command:ident),* $(,)?) => {
        /// Every command the window may call, in the order of `list.rs`.
        pub const NAMES: &[&str] = &[$(stringify!($command)),*];

        /// Whether only a 管理者 may call `command` (`#[admin]` in list.rs).
        pub fn admin_only(command: &str) -> bool {
            match command {
                $(stringify!($command) => command_list!(@admin $($role)?),)*
                _ => false,
            }
        }

        /// Whether `command` is answered while 初期設定 is not finished
        /// (`#[first_run]` in list.rs).
        pub fn first_run_step(command: &str) -> bool {
            match command {
                $(stringify!($command) => command_list!(@first_run $($role)?),)*
                _ => false,
            }
        }

        /// Tauri's handler for every command of `list.rs`.
        fn commands<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($file::$command),*]
        }
    };
}
include!("list.rs");

/// The invoke handler. Before a command reads its arguments,
/// `AppState::admit` decides whether it may be called now: not while the
/// window is locked, unless the lock screen needs it; only by a 管理者 when
/// list.rs marks it `#[admin]`.
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    let answer = commands::<R>();
    move |invoke| {
        let command = invoke.message.command();
        if NAMES.contains(&command) {
            let state = invoke.message.webview_ref().try_state::<AppState>();
            if let Some(Err(refused)) = state.map(|s| s.admit(command)) {
                log::info!("refused: {command}: {}", refused.kind);
                invoke.resolver.reject(refused);
                return true;
            }
        }
        answer(invoke)
    }
}

use serde::de::DeserializeOwned;
use serde_json::Value;
use tauri::ipc::Invoke;
use tauri::{Manager, Runtime};

use crate::{error, AppState, UiError};

/// Arguments arrive as raw JSON so that a malformed call gets a Japanese
/// error from us rather than serde's English one from Tauri. `command` and
/// `name` are for the log, which never gets the value.
pub(crate) fn parse_arg<T: DeserializeOwned>(
    command: &str,
    name: &str,
    value: Option<Value>,
) -> Result<T, UiError> {
    let value = value.ok_or_else(|| error::missing_argument(command, name))?;
    serde_json::from_value(value).map_err(|e| error::malformed_argument(command, name, &e))
}

/// Like [`parse_arg`], and the value must be a JSON object (serde would
/// also read a struct of defaults from an empty array).
pub(crate) fn parse_object<T: DeserializeOwned>(
    command: &str,
    name: &str,
    value: Option<Value>,
) -> Result<T, UiError> {
    match value {
        Some(Value::Object(_)) | None => parse_arg(command, name, value),
        Some(_) => parse_arg(command, name, Some(Value::Null)),
    }
}

/// A list filter: must be an object (an empty one lists everything); a
/// missing one is as malformed as any other non-object.
pub(crate) fn parse_filter<T: DeserializeOwned>(
    command: &str,
    name: &str,
    value: Option<Value>,
) -> Result<T, UiError> {
    match value {
        Some(Value::Object(_)) => parse_arg(command, name, value),
        _ => parse_arg(command, name, Some(Value::Null)),
    }
}

/// The name the window gives an argument (Tauri's camelCase of the Rust
/// parameter), for the error message about it.
pub(crate) fn js_name(rust: &str) -> std::borrow::Cow<'_, str> {
    if !rust.contains('_') {
        return rust.into();
    }
    let mut words = rust.split('_');
    let mut name = words.next().unwrap_or_default().to_owned();
    for word in words {
        let mut chars = word.chars();
        name.extend(chars.next().map(|c| c.to_ascii_uppercase()));
        name.push_str(chars.as_str());
    }
    name.into()
}

/// Runs an export with the export folder ([`files::export_dir`]) and answers the path
/// of the file written. Every export is recorded in the access log (by its
/// file name) in one transaction with the reading: a file whose record
/// cannot be written is removed, so no export goes unrecorded.
pub(crate) fn export<R: Runtime>(
    app: &tauri::AppHandle<R>,
    state: &AppState,
    write: impl FnOnce(
        &zaitaku_core::store::Connection,
        &std::path::Path,
    ) -> zaitaku_core::Result<std::path::PathBuf>,
) -> Result<String, UiError> {
    use zaitaku_core::access_log::{self, Kind};
    let dir = files::export_dir(app)?;
    state
        .write(|conn, actor| {
            let tx = conn.transaction()?;
            let path = write(&tx, &dir)?;
            let name = access_log::file_name(&path);
            access_log::record_output(&path, || -> zaitaku_core::Result<()> {
                access_log::record(&tx, actor, Kind::CsvExport, &name, "", now())?;
                Ok(tx.commit()?)
            })?;
            Ok(path)
        })
        .map(|path| path.display().to_string())
}

/// The local clock, read at the edge and passed into the core.
pub(crate) fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

#[cfg(test)]
mod tests {
    use super::js_name;

    #[test]
    fn arguments_are_named_as_the_window_sends_them() {
        for (rust, window) in [("id", "id"), ("case_id", "caseId"), ("a_b_c", "aBC")] {
            assert_eq!(js_name(rust), window);
        }
    }
}
