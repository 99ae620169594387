//! Integration tests of zaitaku-core: real database files in temporary
//! folders, driven only through the crate's public API.
//!
//! Run with `cargo test -p zaitaku-core --test core`.

// Temporary databases, file snapshots and a fixed clock shared by the tests.
mod util;

// Opening the database: connection settings, refused files left untouched, check.
mod store;

// 事業所情報: saving and loading the office, its cities and 圏域, and validation.
mod office;

// Demo data: filling an empty database, refusing a used one.
mod demo;

// 管理者 and 職員: staff management, the last 管理者, the first member.
mod roles;

// 初期設定: steps read from the data, refused steps save nothing, order, demo.
mod first_run;

// Databases made by earlier versions (tests/data/) still open with their data.
mod upgrade;

// 私の意志表示帳: stock ledger, voids and corrections, summaries, CSV export.
mod booklets;

// 相談記録: intake, validation, search, history, duplicates, lists, stale saves.
mod cases;

// 対象者なしの相談, 経過記録の手段・相手・メモ, 4つの場面.
mod enquiries;

// 出前講座・市民公開講座: sessions, tallies, template versions, indicator, booklet link, CSV.
mod lectures;

// 印刷: booklet text saved and printed, every print job, missing characters.
mod print;

// ヘルプ: README's user part as the guide, never the developers' part; its PDF.
mod help;

// Restore trusts nothing: foreign schema objects refused, generations by
// name only, older backups migrated, history carried forward, generations kept.
mod restore;

// Encryption at rest: nothing readable without a key, sign-in unwraps it,
// the recovery key, encrypted backups.
mod encryption;
// 持ち出しと持ち帰り: 親機・子機, exchange files, conflicts, bad files.
mod exchange;
// The shared folder: rounds of each PC.
mod exchange_auto;

// Crash safety: SIGKILL at random moments never loses an acknowledged record.
mod crash;

// 名簿: 往診登録医, もの忘れ相談医, 療養支援ベッド, 関係機関 — search, filters, CSV.
mod registries;

// CSV: no cell of any export, headers included, starts a formula.
mod csv_guard;

// 集計・報告: every figure of the yearly report against a hand count.
mod report;

// 集計・報告 of contacts: 実人数 新規・継続, 延べ by 手段 and 相手, 対応・転帰・場面.
mod report_contacts;

// 集計・報告 as Excel: the workbook read back holds every figure of the CSV.
mod report_xlsx;

// History tables: append-only in the app, hash-chained, checked by `check`.
mod history;

// 閲覧・出力記録: filters, paging, CSV.
mod access_log;

// 療養支援ベッド: 事前登録, 輪番表 (fill a month, PDF), stays and their refusals, yearly figures.
mod beds;
// 会議・研修 and MCS: form rules, tasks, lists, questionnaire link, 議事録 PDF, report items イ〜ク.
mod meetings;
