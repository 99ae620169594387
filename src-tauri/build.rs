// Declaring the app's commands makes each one a permission (allow-<command>)
// that capabilities/default.json must grant explicitly.
const COMMANDS: &[&str] = &[
    "access_status",
    "sign_in",
    "lock_screen",
    "set_own_pin",
    "save_lock_minutes",
    "recent_audit_log",
    "app_status",
    "backup_status",
    "save_backup_settings",
    "backup_now",
    "list_backups",
    "inspect_backup",
    "restore_backup",
    "get_office",
    "save_office",
    "booklet_screen",
    "add_booklet_entry",
    "correct_booklet_entry",
    "void_booklet_entry",
    "booklet_entry_history",
    "save_booklet_edition",
    "save_booklet_channels",
    "export_booklets_csv",
    "case_form_options",
    "list_cases",
    "get_case",
    "similar_persons",
    "create_case",
    "update_case",
    "delete_case",
    "add_case_entry",
    "update_case_entry",
    "delete_case_entry",
    "case_history",
    "save_case_list",
    "export_cases_csv",
    "registry_options",
    "list_doctors",
    "save_doctor",
    "list_support_beds",
    "save_support_bed",
    "add_support_bed_update",
    "search_organisations",
    "save_registry_organisation",
    "export_registry_csv",
    "build_report",
    "export_report_csv",
];

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    if let Err(e) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)) {
        panic!("tauri-build failed: {e:#}");
    }
}
