// Every command the window may call, one line each: `<file>::<function>`
// of src/commands/. This is the only list of them: build.rs declares the
// names to Tauri (an `allow-<name>` permission each, all of them granted
// through the generated `app-commands` set in capabilities/default.json),
// commands/mod.rs registers them with the invoke handler, and the tests
// check ui/api.js and the access rules against it. Adding a command is one
// function, one line here and one line in ui/api.js.
//
// `#[admin]` before a command: only a 管理者 may call it. AppState::admit
// refuses everyone else by the command's name, before the arguments are
// read; nothing else grants or denies by role.
//
// `#[first_run]` before a command: a step of 初期設定. Until a new office
// has finished it, AppState::admit answers these and the lock screen's
// commands only.
//
// Both read this file with include!(), so it holds plain comments and the
// one macro call, nothing else.

command_list![
    access::access_status,
    access::sign_in,
    access::recover_with_key,
    access::lock_screen,
    access::set_own_credential,
    #[first_run] access::register_first_member,
    #[admin] access::add_staff_member,
    #[admin] access::retire_staff_member,
    #[admin] access::set_staff_role,
    #[admin] access::reset_staff_credential,
    #[admin] access::save_lock_minutes,
    access::recent_audit_log,

    #[admin] access_log::access_log,
    #[admin] access_log::export_access_log,

    app::app_status,

    #[first_run] first_run::first_run_status,
    #[first_run] first_run::save_first_run_office,
    #[first_run] first_run::save_first_run_cities,
    #[first_run] first_run::save_first_run_backup,
    #[first_run] first_run::fill_demo_data,
    #[first_run] first_run::first_run_recovery_key,
    #[first_run] first_run::save_recovery_key_pdf,
    #[first_run] first_run::finish_first_run_recovery_key,

    #[admin] encryption::encrypt_database,
    #[admin] encryption::encryption_progress,
    #[admin] encryption::close_recovery_key,
    #[admin] encryption::export_plain_copy,
    help::help_guide,

    booklets::booklet_screen,
    booklets::add_booklet_entry,
    booklets::correct_booklet_entry,
    booklets::void_booklet_entry,
    booklets::booklet_entry_history,
    booklets::save_booklet_edition,
    booklets::save_booklet_channels,
    booklets::export_booklets_csv,

    backup::backup_status,
    #[admin] backup::save_backup_settings,
    backup::backup_now,
    backup::start_auto_backup,
    backup::auto_backup_status,
    backup::list_backups,
    #[admin] backup::inspect_backup,
    #[admin] backup::choose_backup_file,
    #[admin] backup::restore_backup,

    exchange::exchange_status,
    exchange::start_exchange_rounds,
    #[admin] exchange::save_exchange_shared_dir,
    #[admin] exchange::prepare_exchange_child,
    #[admin] exchange::export_exchange_changes,
    #[admin] exchange::preview_exchange_file,
    #[admin] exchange::apply_exchange_file,
    #[admin] exchange::take_exchange_reply,
    #[first_run] exchange::choose_setup_file,
    #[first_run] exchange::start_exchange_child,

    office::get_office,
    #[admin] office::save_office,

    cases::case_form_options,
    cases::list_cases,
    cases::get_case,
    cases::similar_persons,
    cases::create_case,
    cases::update_case,
    cases::set_case_status,
    cases::delete_case,
    cases::add_case_entry,
    cases::update_case_entry,
    cases::delete_case_entry,
    cases::case_history,
    #[admin] cases::save_case_list,
    cases::export_cases_csv,

    registries::registry_options,
    registries::list_doctors,
    registries::save_doctor,
    registries::list_support_beds,
    registries::save_support_bed,
    registries::add_support_bed_update,
    registries::search_organisations,
    registries::save_registry_organisation,
    registries::export_registry_csv,

    beds::today_bed,
    beds::bed_rota_month,
    beds::fill_bed_rota,
    beds::set_bed_rota_day,
    beds::list_bed_registrations,
    beds::save_bed_registration,
    beds::delete_bed_registration,
    beds::bed_stay_form,
    beds::list_bed_stays,
    beds::save_bed_stay,
    beds::delete_bed_stay,
    #[admin] beds::save_bed_stay_reasons,
    beds::bed_figures,
    beds::export_bed_stays_csv,
    beds::export_bed_figures_csv,

    report::period_options,
    report::build_report,
    report::export_report_csv,
    report::export_report_xlsx,
    report::report_settings,
    #[admin] report::save_report_settings,
    report::report_labels,
    #[admin] report::save_report_labels,

    lectures::lecture_screen,
    lectures::lecture_session,
    lectures::save_lecture_session,
    lectures::save_lecture_tally,
    lectures::record_lecture_booklets,
    lectures::save_lecture_theme,
    lectures::save_lecture_venue,
    lectures::save_questionnaire,
    lectures::lecture_indicator,
    lectures::export_lectures_csv,

    meetings::meeting_screen,
    meetings::get_meeting,
    meetings::save_meeting,
    meetings::delete_meeting,
    meetings::set_meeting_task_done,
    #[admin] meetings::save_meeting_kinds,
    #[admin] meetings::save_meeting_occupations,
    meetings::save_mcs_figure,
    meetings::delete_mcs_figure,
    meetings::export_meetings_csv,

    print::print_preview,
    print::save_pdf,
    print::open_pdf,
    print::get_booklet_template,
    print::save_booklet_template,
];
