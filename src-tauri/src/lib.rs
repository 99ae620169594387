//! The Tauri shell of 在宅医療相談室デスク: command-line entry, window setup,
//! and thin command wrappers around `zaitaku-core`.

pub mod cli;
mod commands;
#[cfg(test)]
mod config_tests;
mod error;
mod font;
#[cfg(test)]
mod ipc_tests;
mod state;

use std::path::PathBuf;

use tauri::{Manager, Runtime};

pub use error::UiError;
pub use state::AppState;

/// The whole app minus the context, generic over the runtime so tests can
/// pass `tauri::test::mock_builder()`.
pub fn app_builder<R: Runtime>(
    builder: tauri::Builder<R>,
    db_override: Option<PathBuf>,
) -> tauri::Builder<R> {
    let builder = builder
        .register_uri_scheme_protocol(font::SCHEME, font::serve)
        .manage(commands::print::SavedPdfs::default());
    // With a given path the store opens at once (so tests on the mock
    // runtime, whose setup hook only runs with the event loop, have it);
    // the default path needs the app's data folder, known in setup.
    let builder = match db_override {
        Some(path) => builder.manage(AppState::open(path)),
        None => builder.setup(|app| {
            let path = state::default_db_path(&app.path().app_data_dir()?)?;
            app.manage(AppState::open(path));
            Ok(())
        }),
    };
    builder.invoke_handler(tauri::generate_handler![
        commands::access::access_status,
        commands::access::sign_in,
        commands::access::lock_screen,
        commands::access::set_own_pin,
        commands::access::save_lock_minutes,
        commands::access::recent_audit_log,
        commands::app::app_status,
        commands::booklets::booklet_screen,
        commands::booklets::add_booklet_entry,
        commands::booklets::correct_booklet_entry,
        commands::booklets::void_booklet_entry,
        commands::booklets::booklet_entry_history,
        commands::booklets::save_booklet_edition,
        commands::booklets::save_booklet_channels,
        commands::booklets::export_booklets_csv,
        commands::backup::backup_status,
        commands::backup::save_backup_settings,
        commands::backup::backup_now,
        commands::backup::list_backups,
        commands::backup::inspect_backup,
        commands::backup::restore_backup,
        commands::office::get_office,
        commands::office::save_office,
        commands::cases::case_form_options,
        commands::cases::list_cases,
        commands::cases::get_case,
        commands::cases::similar_persons,
        commands::cases::create_case,
        commands::cases::update_case,
        commands::cases::delete_case,
        commands::cases::add_case_entry,
        commands::cases::update_case_entry,
        commands::cases::delete_case_entry,
        commands::cases::case_history,
        commands::cases::save_case_list,
        commands::cases::export_cases_csv,
        commands::registries::registry_options,
        commands::registries::list_doctors,
        commands::registries::save_doctor,
        commands::registries::list_support_beds,
        commands::registries::save_support_bed,
        commands::registries::add_support_bed_update,
        commands::registries::search_organisations,
        commands::registries::save_registry_organisation,
        commands::registries::export_registry_csv,
        commands::report::build_report,
        commands::report::export_report_csv,
        commands::lectures::lecture_screen,
        commands::lectures::lecture_session,
        commands::lectures::save_lecture_session,
        commands::lectures::save_lecture_tally,
        commands::lectures::record_lecture_booklets,
        commands::lectures::save_lecture_theme,
        commands::lectures::save_lecture_venue,
        commands::lectures::save_questionnaire,
        commands::lectures::lecture_indicator,
        commands::lectures::export_lectures_csv,
        commands::print::print_preview,
        commands::print::save_pdf,
        commands::print::open_pdf,
        commands::print::get_booklet_template,
        commands::print::save_booklet_template,
    ])
}

/// Opens the main window. Returns the process exit code.
pub fn run_gui(db_override: Option<PathBuf>) -> i32 {
    use tauri_plugin_log::{Target, TargetKind};
    // Internal details (SQL errors, paths) go to a log file in the OS log folder.
    let log = tauri_plugin_log::Builder::new()
        .level(log::LevelFilter::Info)
        .targets([
            Target::new(TargetKind::LogDir {
                file_name: Some("zaitaku-desk".into()),
            }),
            Target::new(TargetKind::Stderr),
        ])
        .build();
    let result = app_builder(
        tauri::Builder::default()
            .plugin(log)
            // No click handler script: links are not opened from the webview.
            .plugin(
                tauri_plugin_opener::Builder::new()
                    .open_js_links_on_click(false)
                    .build(),
            ),
        db_override,
    )
    .run(tauri::generate_context!());
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("エラー: アプリを起動できませんでした（{e}）");
            1
        }
    }
}
