// The only caller of Tauri's invoke. Every failure becomes an AppError with
// a Japanese message; raw details go to the console for developers.

// Tauri's own invoke, the one @tauri-apps/api's `core.invoke` calls: the
// global API bundle (withGlobalTauri) is not injected into the page, one
// script less to parse at every start.
const tauri = window.__TAURI_INTERNALS__;

export class AppError extends Error {
  constructor({ kind = 'internal', message, field = null }) {
    super(message || '予期しないエラーが起きました。アプリを再起動してください。');
    this.kind = kind;
    this.field = field;
  }
}

function toAppError(raw) {
  if (raw && typeof raw === 'object' && typeof raw.message === 'string' && raw.kind) {
    return new AppError(raw);
  }
  console.error('unexpected invoke error', raw);
  return new AppError({ kind: 'internal' });
}

async function call(command, args = {}) {
  if (!tauri || !tauri.invoke) {
    throw new AppError({ kind: 'internal', message: 'アプリの内部機能に接続できません。アプリから開いてください。' });
  }
  try {
    return await tauri.invoke(command, args);
  } catch (raw) {
    const error = toAppError(raw);
    // The Rust side answers nothing while the window is locked (say, just
    // after the first 担当者 was registered): lib/lock.js asks who is working.
    if (error.kind === 'signed_out') window.dispatchEvent(new Event('zaitaku:signed-out'));
    throw error;
  }
}

export const api = {
  appStatus: () => call('app_status'),
  firstRunStatus: () => call('first_run_status'),
  saveFirstRunOffice: (office) => call('save_first_run_office', { office }),
  saveFirstRunCities: (cities) => call('save_first_run_cities', { cities }),
  saveFirstRunBackup: (dir) => call('save_first_run_backup', { dir }),
  fillDemoData: () => call('fill_demo_data'),
  firstRunRecoveryKey: () => call('first_run_recovery_key'),
  saveRecoveryKeyPdf: () => call('save_recovery_key_pdf'),
  finishFirstRunRecoveryKey: (kept) => call('finish_first_run_recovery_key', { kept }),
  encryptDatabase: (current, password, temporary) => call('encrypt_database', { current, password, temporary }),
  encryptionProgress: () => call('encryption_progress'),
  closeRecoveryKey: (kept) => call('close_recovery_key', { kept }),
  exportPlainCopy: (confirmed) => call('export_plain_copy', { confirmed }),
  helpGuide: () => call('help_guide'),
  getOffice: () => call('get_office'),
  saveOffice: (office) => call('save_office', { office }),
  bookletScreen: (period) => call('booklet_screen', { period }),
  addBookletEntry: (entry) => call('add_booklet_entry', { entry }),
  correctBookletEntry: (id, entry) => call('correct_booklet_entry', { id, entry }),
  voidBookletEntry: (id, reason) => call('void_booklet_entry', { id, reason }),
  bookletEntryHistory: (id) => call('booklet_entry_history', { id }),
  saveBookletEdition: (edition) => call('save_booklet_edition', { edition }),
  saveBookletChannels: (channels) => call('save_booklet_channels', { channels }),
  exportBookletsCsv: (period, format = 'csv') => call('export_booklets_csv', { period, format }),
  printPreview: (job) => call('print_preview', { job }),
  savePdf: (job) => call('save_pdf', { job }),
  openPdf: (path) => call('open_pdf', { path }),
  getBookletTemplate: () => call('get_booklet_template'),
  saveBookletTemplate: (template) => call('save_booklet_template', { template }),
  accessStatus: () => call('access_status'),
  signIn: (staffId, credential) => call('sign_in', { staffId, credential }),
  recoverWithKey: (recoveryKey, staffId, credential) => call('recover_with_key', { recoveryKey, staffId, credential }),
  lockScreen: () => call('lock_screen'),
  setOwnCredential: (current, kind, credential) => call('set_own_credential', { current, kind, credential }),
  registerFirstMember: (member) => call('register_first_member', { member }),
  addStaffMember: (member) => call('add_staff_member', { member }),
  retireStaffMember: (staffId) => call('retire_staff_member', { staffId }),
  setStaffRole: (staffId, role) => call('set_staff_role', { staffId, role }),
  resetStaffCredential: (staffId, kind, credential) => call('reset_staff_credential', { staffId, kind, credential }),
  saveLockMinutes: (minutes) => call('save_lock_minutes', { minutes }),
  recentAuditLog: () => call('recent_audit_log'),
  accessLog: (filter) => call('access_log', { filter }),
  exportAccessLog: (filter, format = 'csv') => call('export_access_log', { filter, format }),
  exchangeStatus: () => call('exchange_status'),
  startExchangeRounds: () => call('start_exchange_rounds'),
  saveExchangeSharedDir: (dir) => call('save_exchange_shared_dir', { dir }),
  prepareExchangeChild: (name) => call('prepare_exchange_child', { name }),
  exportExchangeChanges: () => call('export_exchange_changes'),
  // source: { waiting: file name } or 'choose' (the open dialog).
  previewExchangeFile: (source) => call('preview_exchange_file', { source }),
  applyExchangeFile: (choices) => call('apply_exchange_file', { choices }),
  takeExchangeReply: () => call('take_exchange_reply'),
  chooseSetupFile: () => call('choose_setup_file'),
  startExchangeChild: (staffId, password) => call('start_exchange_child', { staffId, password }),
  backupStatus: () => call('backup_status'),
  saveBackupSettings: (settings) => call('save_backup_settings', { settings }),
  backupNow: () => call('backup_now'),
  startAutoBackup: () => call('start_auto_backup'),
  autoBackupStatus: () => call('auto_backup_status'),
  listBackups: () => call('list_backups'),
  inspectBackup: (name) => call('inspect_backup', { name }),
  chooseBackupFile: () => call('choose_backup_file'),
  // source: { generation: file name } or 'chosen' (the file of chooseBackupFile).
  restoreBackup: (source) => call('restore_backup', { source }),
  caseFormOptions: () => call('case_form_options'),
  listCases: (filter) => call('list_cases', { filter }),
  getCase: (id) => call('get_case', { id }),
  similarPersons: (person) => call('similar_persons', { person }),
  createCase: (caseInput) => call('create_case', { case: caseInput }),
  updateCase: (id, caseInput) => call('update_case', { id, case: caseInput }),
  setCaseStatus: (id, status, version) => call('set_case_status', { id, status, version }),
  deleteCase: (id, version) => call('delete_case', { id, version }),
  addCaseEntry: (caseId, entry, reopen) => call('add_case_entry', { caseId, entry, reopen }),
  updateCaseEntry: (entryId, entry) => call('update_case_entry', { entryId, entry }),
  deleteCaseEntry: (entryId) => call('delete_case_entry', { entryId }),
  caseHistory: (id) => call('case_history', { id }),
  saveCaseList: (kind, items) => call('save_case_list', { kind, items }),
  exportCasesCsv: (filter, format = 'csv') => call('export_cases_csv', { filter, format }),
  registryOptions: () => call('registry_options'),
  listDoctors: (filter) => call('list_doctors', { filter }),
  saveDoctor: (doctor) => call('save_doctor', { doctor }),
  listSupportBeds: (filter) => call('list_support_beds', { filter }),
  saveSupportBed: (bed) => call('save_support_bed', { bed }),
  addSupportBedUpdate: (id, update) => call('add_support_bed_update', { id, update }),
  searchOrganisations: (filter) => call('search_organisations', { filter }),
  saveRegistryOrganisation: (organisation) => call('save_registry_organisation', { organisation }),
  exportRegistryCsv: (exportChoice, format = 'csv') => call('export_registry_csv', { export: exportChoice, format }),
  todayBed: () => call('today_bed'),
  bedRotaMonth: (month) => call('bed_rota_month', { month }),
  fillBedRota: (fill) => call('fill_bed_rota', { fill }),
  setBedRotaDay: (day, bedId) => call('set_bed_rota_day', { day, bedId }),
  listBedRegistrations: (filter) => call('list_bed_registrations', { filter }),
  saveBedRegistration: (registration) => call('save_bed_registration', { registration }),
  deleteBedRegistration: (id) => call('delete_bed_registration', { id }),
  bedStayForm: (day = '') => call('bed_stay_form', { day }),
  listBedStays: (filter) => call('list_bed_stays', { filter }),
  saveBedStay: (stay) => call('save_bed_stay', { stay }),
  deleteBedStay: (id) => call('delete_bed_stay', { id }),
  saveBedStayReasons: (items) => call('save_bed_stay_reasons', { items }),
  bedFigures: (period) => call('bed_figures', { period }),
  exportBedStaysCsv: (filter) => call('export_bed_stays_csv', { filter }),
  exportBedFiguresCsv: (period) => call('export_bed_figures_csv', { period }),
  periodOptions: () => call('period_options'),
  buildReport: (period, cityId = '') => call('build_report', { period, cityId }),
  exportReportCsv: (period, cityId = '') => call('export_report_csv', { period, cityId }),
  exportReportXlsx: (period, cityId = '') => call('export_report_xlsx', { period, cityId }),
  reportSettings: () => call('report_settings'),
  saveReportSettings: (settings) => call('save_report_settings', { settings }),
  reportLabels: () => call('report_labels'),
  saveReportLabels: (labels) => call('save_report_labels', { labels }),
  lectureScreen: (filter) => call('lecture_screen', { filter }),
  lectureSession: (id) => call('lecture_session', { id }),
  saveLectureSession: (session) => call('save_lecture_session', { session }),
  saveLectureTally: (id, tally) => call('save_lecture_tally', { id, tally }),
  recordLectureBooklets: (id, booklets) => call('record_lecture_booklets', { id, booklets }),
  saveLectureTheme: (theme) => call('save_lecture_theme', { theme }),
  saveLectureVenue: (venue) => call('save_lecture_venue', { venue }),
  saveQuestionnaire: (questionnaire) => call('save_questionnaire', { questionnaire }),
  lectureIndicator: (query) => call('lecture_indicator', { query }),
  exportLecturesCsv: (filter, format = 'csv') => call('export_lectures_csv', { filter, format }),
  meetingScreen: (year) => call('meeting_screen', { year }),
  getMeeting: (id) => call('get_meeting', { id }),
  saveMeeting: (meeting) => call('save_meeting', { meeting }),
  deleteMeeting: (id) => call('delete_meeting', { id }),
  setMeetingTaskDone: (taskId, done) => call('set_meeting_task_done', { taskId, done }),
  saveMeetingKinds: (items) => call('save_meeting_kinds', { items }),
  saveMeetingOccupations: (items) => call('save_meeting_occupations', { items }),
  saveMcsFigure: (figure) => call('save_mcs_figure', { figure }),
  deleteMcsFigure: (id) => call('delete_mcs_figure', { id }),
  exportMeetingsCsv: (year) => call('export_meetings_csv', { year }),
};
