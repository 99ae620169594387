//! End-to-end tests: the real app binary in its real webview (WebKitGTK),
//! driven through tauri-driver + WebKitWebDriver. Needs a display (run under
//! `xvfb-run`) and `tauri-driver` on PATH or in ~/.cargo/bin.
//!
//! Run: xvfb-run -a cargo test -p zaitaku-desk --features e2e --test e2e -- --test-threads=1

// Starting and stopping the app, driver ports, screenshots, test databases.
mod harness;
// Steps on a page: open a screen, fill a form, wait for a message or a value.
mod steps;
// The shell: window title, navigation, placeholders, bundled font, startup errors.
mod shell;
// 設定: office data saved, shown again after a restart, bad input refused.
mod settings;
// 初期設定: every step on an empty database, resuming after a quit, デモデータで試す.
mod first_run;
// 設定 › バックアップ: backup now, restore, a missing backup folder.
mod backup;
// 意志表示帳: receive, hand out at the counter, chart, refused over-issue.
mod booklets;
// Markup typed into text fields is shown as text and never runs.
mod xss;
// Access record: who is working, PIN, lock.
mod access;
// Encryption: 設定 converts a plain office, the plain copy, 回復キーで開く.
mod encryption;
// 相談記録: keyboard intake, カタカナ search, timeline, closing, history, duplicates, stale saves.
mod cases;
// 名簿: add a doctor, find it by search, もの忘れ相談医 tab, bed availability.
mod registry;
// 集計・報告: the demo year's figures on screen equal the core's, empty year, bad range.
mod reports;
// 講座: a session from a theme, tallies from a paper form, the 浸透度 chart.
mod lectures;
// 印刷: booklet preview, a missing character marked, PDF saved.
mod print;
// ヘルプ: F1 over any screen and the lock screen, search, Esc back, its PDF.
mod help;
// Forms: Enter twice saves once; 必須 fields carry aria-required.
mod forms;
// 療養支援ベッド: today's bed, the rota calendar, a stay from a day of it, listed and counted.
mod beds;
// 会議・研修: a meeting with 職種 attendance and a task, the year's list, open tasks, 議事録.
mod meetings;
// 端末とデータ共有: 子機として開始, a 子機's file taken in with a conflict chosen, two PCs through a shared folder.
mod exchange;
// The first start after installing: fresh HOME, default database, first screen.
mod installed;
