//! `zaitaku`, the administrator's command line: headless subcommands for the
//! jobs an administrator scripts (demo data, checks, exports, PDFs, backups).
//! It depends on the core only, so it needs no GUI library; the window is
//! the other binary, `zaitaku-desk`.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use zaitaku_core::access_log::{self, Kind};
use zaitaku_core::backup::{self, BackupKind};
use zaitaku_core::csv::Csv;
use zaitaku_core::print::{self, documents::flyer, PrintJob};
use zaitaku_core::registries::organisations::OrganisationFilter;
use zaitaku_core::registries::{BedFilter, DoctorFilter, Export as List};
use zaitaku_core::{demo, store};

#[derive(Parser, Debug)]
#[command(
    name = "zaitaku",
    version,
    arg_required_else_help = true,
    about = "在宅医療相談室デスクの管理者向けコマンド — デモデータ・検査・書き出し・PDF・バックアップ",
    long_about = "在宅医療相談室デスクの管理者向けコマンド。\n画面を開かずに実行します（管理者・スクリプト用。GTK/WebKit のないサーバーでも動きます）。画面は zaitaku-desk で開きます。"
)]
struct Cli {
    /// データベースファイル
    #[arg(long, value_name = "PATH", env = "ZAITAKU_DESK_DB", global = true)]
    db: Option<PathBuf>,

    /// 暗号化したデータベースを開く担当者（名前または ID）。パスワードは --password-file か --password-stdin で渡す（コマンドラインには書かない）
    #[arg(long, value_name = "NAME", global = true)]
    staff: Option<String>,

    /// 担当者のパスワードを書いたファイル（1行目）
    #[arg(
        long,
        value_name = "FILE",
        global = true,
        conflicts_with = "password_stdin"
    )]
    password_file: Option<PathBuf>,

    /// 担当者のパスワードを標準入力の1行目から読む
    #[arg(long, global = true)]
    password_stdin: bool,

    /// 回復キーを書いたファイル（パスワードの代わりに暗号化したデータベースを開く）
    #[arg(long, value_name = "FILE", global = true, conflicts_with_all = ["password_file", "password_stdin"])]
    recovery_key_file: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// 空のデータベースにデモデータ（2市の事業所・圏域など）を作成する
    DemoData {
        /// 作成する相談記録の件数（ベンチマーク用に大きくできる）
        #[arg(long, value_name = "N", default_value_t = demo::DEFAULT_CASES as u32,
              value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
        cases: u32,
    },
    /// データベースを検査し、問題なければ「ok」とデータの版を表示する
    Check,
    /// 記録を CSV（UTF-8 BOM 付き、CRLF、日本語の見出し）に書き出す
    Export {
        #[command(subcommand)]
        what: Export,
    },
    /// 私の意志表示帳を PDF にする（A5。--imposed で A4 横に2ページずつ、中綴じ用に面付け）
    Booklet {
        /// 保存する PDF ファイル
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        /// 中綴じ冊子用に面付けする（A4 横・両面印刷・短辺とじ）
        #[arg(long)]
        imposed: bool,
    },
    /// 講座の開催のチラシ（A4）を PDF にする（連絡先は設定の事業所）
    Flyer {
        /// 保存する PDF ファイル
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        /// 開催の ID
        #[arg(
            long,
            value_name = "ID",
            required_unless_present = "sample",
            conflicts_with = "sample"
        )]
        session: Option<String>,
        /// 開催の代わりに見本: lecture（出前講座・市民公開講座）または tour（施設見学ツアー）
        #[arg(long, value_enum, value_name = "TEMPLATE")]
        sample: Option<SampleFlyer>,
    },
    /// 一覧表を PDF にする（見出し行は各ページにくり返す）
    List {
        /// dementia（もの忘れ相談医リスト）、doctors（往診登録医一覧）、beds（療養支援ベッド一覧）、organisations（関係機関一覧）
        #[arg(value_enum)]
        what: ListKind,
        /// 保存する PDF ファイル
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
    },
    /// 療養支援ベッドの輪番表を PDF にする（A4 縦、1か月1ページ）
    Rota {
        /// 最初の月（例: 2025-04 または 令和7年4月）
        #[arg(long, value_name = "MONTH")]
        month: String,
        /// 印刷する月数（1〜12）
        #[arg(long, value_name = "N", default_value_t = 1)]
        months: u32,
        /// 保存する PDF ファイル
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
    },
    /// 事業報告（年度の集計）を PDF・CSV・Excel に書き出す（--out の拡張子で選ぶ）
    Report {
        /// 年度（4月始まり。例: 2025 は令和7年4月〜令和8年3月）
        #[arg(long, value_name = "YEAR")]
        year: i32,
        /// 書き出すファイル（.pdf、.csv または .xlsx）
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// 市の報告にする（設定の市の名前、または「市外」。省略すると全体）
        #[arg(long, value_name = "NAME")]
        city: Option<String>,
    },
    /// バックアップを作成する（整合性を検査してから保存し、古い世代を整理する）
    Backup {
        /// 保存先のフォルダ
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
    },
    /// 親機・子機のデータ共有（持ち出し・持ち帰り）: 子機の準備、変更の書き出し、取り込み、状態
    Exchange {
        #[command(subcommand)]
        what: Exchange,
    },
    /// バックアップから復元する（このアプリが作ったままのバックアップだけを受け付け、いまのデータは先にバックアップしてから置き換える。変更の記録などの履歴は引き継ぐ）
    Restore {
        /// 復元するバックアップファイル
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
    },
    /// 暗号化していないデータベースを暗号化する（先にバックアップを作成。--staff の管理者のパスワードで鍵を守り、回復キーを表示する。ほかの担当者は管理者がパスワードを設定し直す）
    Encrypt {
        /// 回復キーの PDF の保存先（印刷したら削除してください）
        #[arg(long, value_name = "FILE.pdf")]
        recovery_pdf: Option<PathBuf>,
    },
    /// 暗号化したデータベースを、暗号化しないコピーとして書き出す（ほかのシステムへの移行用。誰でも読めるファイルになります）
    Decrypt {
        /// 書き出すファイル（新しいファイル）
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum Exchange {
    /// 親機で、新しい子機の準備ファイル（この事業所の記録の写し）を作る。初めてならこの端末を親機にする
    Prepare {
        /// 子機の名前（例: ノートPC）
        #[arg(long, value_name = "NAME")]
        name: String,
        /// 準備ファイルを保存するフォルダ（USBメモリなど）
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// 子機として開始する: 準備ファイルから --db のデータベース（まだないこと）を作る
    Start {
        /// 親機で作った準備ファイル（.zds）
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
    },
    /// 子機で、前回の交換からの変更をファイルに書き出す
    Export {
        /// 書き出すフォルダ（USBメモリ・共有フォルダなど）
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// 親機では子機の書き出しファイルを取り込んで返信を書き出し、子機では親機の返信を取り込む。
    /// 競合があるときは取り込まず、親機の画面で選ぶために保管して件数を表示する
    Import {
        /// 取り込むファイル（.zdx）
        file: PathBuf,
        /// 親機の返信を保存するフォルダ（省略時は取り込んだファイルと同じフォルダ）
        #[arg(long, value_name = "DIR")]
        reply_to: Option<PathBuf>,
    },
    /// この端末の名前・役割と、子機・競合待ちのファイル
    Status,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum SampleFlyer {
    Lecture,
    Tour,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum ListKind {
    Dementia,
    Doctors,
    Beds,
    Organisations,
}

#[derive(Subcommand, Debug)]
enum Export {
    /// 私の意志表示帳の入庫・配布台帳（取消した記録も「取消」として含む）
    Booklets {
        /// 書き出すファイル（.csv、または .xlsx なら Excel）
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// この年度（4月〜3月、例: 2025）だけを書き出す。省略時はすべて
        #[arg(long, value_name = "YEAR", conflicts_with = "year")]
        fiscal_year: Option<i32>,
        /// この暦年（1月〜12月）だけを書き出す
        #[arg(long, value_name = "YEAR")]
        year: Option<i32>,
    },
    /// 往診登録医の名簿（登録終了の医師を含む）
    Doctors {
        /// 書き出すファイル（.csv、または .xlsx なら Excel）
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// もの忘れ相談医リスト（市民向け：市・医療機関・医師・住所・電話）
    Dementia {
        /// 書き出すファイル（.csv、または .xlsx なら Excel）
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// 療養支援ベッド（病院ごとの最新の空床状況）
    Beds {
        /// 書き出すファイル（.csv、または .xlsx なら Excel）
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// 関係機関の名簿（登録終了の機関を含む）
    Organisations {
        /// 書き出すファイル（.csv、または .xlsx なら Excel）
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// 出前講座・市民公開講座の開催とアンケート集計（1列目は開催ID、古い順）
    Lectures {
        /// 書き出すファイル（.csv、または .xlsx なら Excel）
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// この年度（4月〜3月、例: 2025）の実施済・過去の開催だけを書き出す。省略時はすべて
        #[arg(long, value_name = "YEAR")]
        fiscal_year: Option<i32>,
    },
    /// 療養支援ベッドの利用記録（入院日の新しい順）
    BedStays {
        /// 書き出す CSV ファイル
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// この年度（4月〜3月、例: 2025）に1日でもかかる利用だけを書き出す。省略時はすべて
        #[arg(long, value_name = "YEAR")]
        fiscal_year: Option<i32>,
    },
    /// 会議・研修の一覧（年度の開催日順：種類・事業項目・参加者数・職種別の参加者・未了の宿題）
    Meetings {
        /// 書き出す CSV ファイル
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// 年度（4月〜3月、例: 2025）
        #[arg(long, value_name = "YEAR")]
        fiscal_year: i32,
    },
    /// 相談記録（期間を指定しなければすべて、新しい順）
    Cases {
        /// 書き出すファイル（.csv、または .xlsx なら Excel）
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// この日から（例: 2025-04-01 または 令和7年4月1日）
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// この日まで
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
    },
}

/// Parses the arguments and runs; the process exit code is
/// 0 ok, 1 failed, 2 bad arguments.
fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            std::process::exit(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let credentials = Credentials {
        staff: cli.staff,
        password_file: cli.password_file,
        password_stdin: cli.password_stdin,
        recovery_key_file: cli.recovery_key_file,
    };
    let unlocked = match (&cli.command, cli.db.as_deref()) {
        // Encrypt opens the plain database itself; the others need the key.
        (Command::Encrypt { .. }, _) | (_, None) => Ok(()),
        (_, Some(db)) => unlock(db, &credentials),
    };
    let result = unlocked.and_then(|()| run(cli.command, cli.db.as_deref(), &credentials));
    if let Err(message) = result {
        eprintln!("エラー: {message}");
        std::process::exit(1);
    }
}

/// How an encrypted database is opened on the command line: never a
/// password as an argument (other users see the command lines).
struct Credentials {
    staff: Option<String>,
    password_file: Option<PathBuf>,
    password_stdin: bool,
    recovery_key_file: Option<PathBuf>,
}

impl Credentials {
    /// The password from the file or standard input (its first line).
    fn password(&self) -> Result<Option<zeroize::Zeroizing<String>>, String> {
        let text = if let Some(file) = &self.password_file {
            std::fs::read_to_string(file)
                .map_err(|e| format!("「{}」を読めません（{e}）。", file.display()))?
        } else if self.password_stdin {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| format!("標準入力を読めません（{e}）。"))?;
            line
        } else {
            return Ok(None);
        };
        let text = zeroize::Zeroizing::new(text);
        let first = text.lines().next().unwrap_or("").to_string();
        Ok(Some(zeroize::Zeroizing::new(first)))
    }
}

/// The data key of the database opened by this process, once unlocked.
static DATA_KEY: std::sync::OnceLock<store::DataKey> = std::sync::OnceLock::new();

fn data_key() -> Option<&'static store::DataKey> {
    DATA_KEY.get()
}

/// Unlocks an encrypted database at `db` with the staff password (a
/// sign-in, with its waits and records) or the 回復キー; nothing to do
/// for a plain one.
fn unlock(db: &Path, credentials: &Credentials) -> Result<(), String> {
    use zaitaku_core::keys::{self, KeyFile};
    if store::storage(db).map_err(|e| e.to_string())? != store::Storage::Encrypted {
        keys::convert::resolve_leftover(db).map_err(|e| e.to_string())?;
        return Ok(());
    }
    let file = KeyFile::load(db)
        .map_err(|e| e.to_string())?
        .ok_or("鍵ファイルが見つかりません。")?;
    let key = if let Some(path) = &credentials.recovery_key_file {
        file.unwrap_recovery(read_recovery_key(path)?.trim())
            .map_err(|e| e.to_string())?
    } else {
        let Some(password) = credentials.password()? else {
            return Err("このデータベースは暗号化されています。--staff と --password-file（または --password-stdin）、または --recovery-key-file で開いてください。".into());
        };
        let staff_id = staff_id(&file, credentials.staff.as_deref())?;
        let now = chrono::Local::now().naive_local();
        let unlocked = zaitaku_core::access::sign_in_encrypted(db, &staff_id, &password, now)
            .map_err(|e| e.to_string())?;
        unlocked.keyring.key().clone()
    };
    let _ = DATA_KEY.set(key);
    Ok(())
}

fn read_recovery_key(path: &Path) -> Result<zeroize::Zeroizing<String>, String> {
    std::fs::read_to_string(path)
        .map(zeroize::Zeroizing::new)
        .map_err(|e| format!("「{}」を読めません（{e}）。", path.display()))
}

/// The data key of an encrypted office's setup file (`zaitaku exchange
/// start`), from the key file that came with it: there is no database yet
/// to record a sign-in in, so the password only unwraps.
fn setup_key(setup: &Path, credentials: &Credentials) -> Result<Option<store::DataKey>, String> {
    let Some(file) = zaitaku_core::keys::KeyFile::load(setup).map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    let key = if let Some(path) = &credentials.recovery_key_file {
        file.unwrap_recovery(read_recovery_key(path)?.trim())
    } else {
        let password = credentials.password()?.ok_or(
            "この準備ファイルは暗号化されています。--staff と --password-file（または --password-stdin）、または --recovery-key-file を付けてください。",
        )?;
        file.unwrap_member(&staff_id(&file, credentials.staff.as_deref())?, &password)
    };
    key.map(Some).map_err(|e| e.to_string())
}

/// The id of the member named (or with the id) `staff` in the key file.
fn staff_id(file: &zaitaku_core::keys::KeyFile, staff: Option<&str>) -> Result<String, String> {
    let staff = staff.ok_or("--staff で担当者の名前を指定してください。")?;
    file.holders()
        .into_iter()
        .find(|h| h.staff_id == staff || h.name == staff)
        .map(|h| h.staff_id)
        .ok_or_else(|| format!("担当者「{staff}」はこのデータベースを開けません。"))
}

/// [`store::open`] with the key of this process's database, if encrypted.
fn open_db(db: &Path) -> zaitaku_core::Result<store::Connection> {
    store::open_with(db, data_key())
}

/// [`store::open_for_output`] with the key, if encrypted.
fn open_output(db: &Path) -> zaitaku_core::Result<store::Connection> {
    store::open_for_output_with(db, data_key())
}

/// Lays out a print job and saves it as PDF, warning on stderr about
/// characters the font lacks (they would print as empty boxes).
fn print_to(db: &Path, job: &PrintJob, out: &Path) -> Result<(), String> {
    let conn = open_output(db).map_err(|e| e.to_string())?;
    let today = chrono::Local::now().date_naive();
    let printed = print::render(&conn, job, today).map_err(|e| e.to_string())?;
    let missing = printed.missing_chars();
    if !missing.is_empty() {
        let chars: String = missing.iter().map(|c| format!("「{c}」")).collect();
        eprintln!("注意: 次の文字はフォントにないため印刷されません: {chars}");
    }
    let bytes = print::pdf::write(&printed);
    write_file(out, &bytes)?;
    record_output(&conn, Kind::PdfSave, out)?;
    println!(
        "PDF を保存しました: {}（{} ページ、{} KB）",
        out.display(),
        printed.pages.len(),
        bytes.len().div_ceil(1024)
    );
    Ok(())
}

fn run(command: Command, db: Option<&Path>, credentials: &Credentials) -> Result<(), String> {
    let db = db.ok_or("--db でデータベースファイルを指定してください。")?;
    let fail = |e: zaitaku_core::Error| e.to_string();
    match command {
        Command::DemoData { cases } => {
            let mut conn = open_db(db).map_err(fail)?;
            let now = chrono::Local::now().naive_local();
            let summary = demo::fill_with_cases(&mut conn, now, cases as usize).map_err(fail)?;
            println!(
                "デモデータを作成しました: {}（市 {} 件、圏域 {} 件、意志表示帳 {} 版・入庫 {} 件・配布 {} 件、相談記録 {} 件・対象者なしの相談 {} 件、講座テーマ {} 件・開催 {} 件、会議・研修 {} 件、往診登録医 {} 件、療養支援ベッド {} 病院、関係機関 {} 件）",
                db.display(),
                summary.cities,
                summary.areas,
                summary.booklet_editions,
                summary.booklet_receipts,
                summary.booklet_issues,
                summary.cases,
                summary.enquiries,
                summary.lecture_themes,
                summary.lecture_sessions,
                summary.meetings,
                summary.doctors,
                summary.support_beds,
                summary.organisations
            );
            println!(
                "担当者: {}（管理者）、{}（職員）。暗証番号はどの担当者も {}",
                demo::cases::STAFF[0],
                demo::cases::STAFF[1..].join("、"),
                demo::cases::DEMO_PIN
            );
        }
        Command::Export {
            what: Export::Cases { out, from, to },
        } => {
            use zaitaku_core::cases::{self, CaseFilter};
            let filter = CaseFilter {
                from: from.unwrap_or_default(),
                to: to.unwrap_or_default(),
                ..Default::default()
            };
            export_csv(db, &out, "相談記録", "件", |conn, today| {
                cases::export_csv(conn, &filter, today)
            })?;
        }
        Command::Export {
            what:
                Export::Booklets {
                    out,
                    fiscal_year,
                    year,
                },
        } => {
            use zaitaku_core::booklets;
            use zaitaku_core::period::Period;
            let period = match (fiscal_year, year) {
                (Some(year), _) => Some(Period::fiscal(year)),
                (None, Some(year)) => Some(Period::calendar(year)),
                (None, None) => None,
            };
            export_csv(db, &out, "意志表示帳の台帳", "行", |conn, _| {
                booklets::export_csv(conn, period)
            })?;
        }
        Command::Report { year, out, city } => {
            use zaitaku_core::report::{self, ReportPeriod};
            let city = match &city {
                Some(name) => {
                    let conn = open_output(db).map_err(fail)?;
                    Some(report::city_by_name(&conn, name).map_err(fail)?)
                }
                None => None,
            };
            let extension = out
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            match extension.as_deref() {
                Some("csv") | Some("xlsx") => {}
                Some("pdf") => {
                    let period = ReportPeriod::Fiscal { year };
                    // Check the year first so a bad one is refused like for CSV.
                    period.span().map_err(fail)?;
                    let city_id = city.map(|c| c.id).unwrap_or_default();
                    return print_to(db, &PrintJob::YearReport { period, city_id }, &out);
                }
                _ => {
                    return Err(
                        "--out には .pdf、.csv または .xlsx のファイルを指定してください。".into(),
                    )
                }
            }
            let conn = open_output(db).map_err(fail)?;
            let today = chrono::Local::now().date_naive();
            let built =
                report::build_for(&conn, &ReportPeriod::Fiscal { year }, city.as_ref(), today)
                    .map_err(fail)?;
            let bytes = if extension.as_deref() == Some("xlsx") {
                report::to_xlsx(&built).map_err(fail)?
            } else {
                report::to_csv(&built)
            };
            write_file(&out, &bytes)?;
            record_output(&conn, Kind::CsvExport, &out)?;
            println!(
                "{}の事業報告{}を書き出しました: {}（実人数 {} 人、延べ {} 件）",
                built.period_label,
                built
                    .city
                    .as_ref()
                    .map(|c| format!("（{c}）"))
                    .unwrap_or_default(),
                out.display(),
                built.consultations.persons,
                built.consultations.total
            );
            if let Some(note) = &built.note {
                println!("{note}");
            }
        }
        Command::Export {
            what: Export::Doctors { out },
        } => export_registry(
            db,
            List::Doctors {
                filter: DoctorFilter {
                    include_retired: true,
                    ..Default::default()
                },
            },
            &out,
        )?,
        Command::Export {
            what: Export::Dementia { out },
        } => export_registry(db, List::Dementia, &out)?,
        Command::Export {
            what: Export::Beds { out },
        } => export_registry(
            db,
            List::Beds {
                filter: BedFilter {
                    include_retired: true,
                    ..Default::default()
                },
            },
            &out,
        )?,
        Command::Export {
            what: Export::Organisations { out },
        } => export_registry(
            db,
            List::Organisations {
                filter: OrganisationFilter {
                    include_retired: true,
                    ..Default::default()
                },
            },
            &out,
        )?,
        Command::Export {
            what: Export::Lectures { out, fiscal_year },
        } => {
            use zaitaku_core::lectures::{self, PastFilter};
            let filter = fiscal_year.map(PastFilter::fiscal);
            export_csv(db, &out, "講座の開催", "件", |conn, today| {
                lectures::export_csv(conn, filter.as_ref(), today)
            })?;
        }
        Command::Export {
            what: Export::BedStays { out, fiscal_year },
        } => {
            use zaitaku_core::beds::{stays_csv, StayFilter};
            let filter = match fiscal_year {
                Some(year) => {
                    let (from, to) = zaitaku_core::period::Period::fiscal(year)
                        .check()
                        .map_err(fail)?
                        .range();
                    StayFilter {
                        from: from.to_string(),
                        to: to.to_string(),
                        ..Default::default()
                    }
                }
                None => StayFilter::default(),
            };
            export_csv(
                db,
                &out,
                "療養支援ベッドの利用記録",
                "件",
                |conn, today| stays_csv(conn, &filter, today),
            )?;
        }
        Command::Rota { month, months, out } => {
            print_to(db, &PrintJob::BedRota { month, months }, &out)?;
        }
        Command::Export {
            what: Export::Meetings { out, fiscal_year },
        } => {
            export_csv(db, &out, "会議・研修", "件", |conn, _| {
                zaitaku_core::meetings::meetings_csv(conn, fiscal_year)
            })?;
        }
        Command::Booklet { out, imposed } => {
            print_to(db, &PrintJob::Booklet { imposed }, &out)?;
        }
        Command::Flyer {
            out,
            session,
            sample,
        } => {
            let job = match (session, sample) {
                (Some(session_id), _) => PrintJob::Flyer { session_id },
                (None, Some(SampleFlyer::Tour)) => PrintJob::SampleFlyer {
                    template: flyer::Template::Tour,
                },
                (None, _) => PrintJob::SampleFlyer {
                    template: flyer::Template::Lecture,
                },
            };
            print_to(db, &job, &out)?;
        }
        Command::List { what, out } => {
            let job = match what {
                ListKind::Dementia => PrintJob::DementiaList,
                ListKind::Doctors => PrintJob::Doctors,
                ListKind::Beds => PrintJob::Beds,
                ListKind::Organisations => PrintJob::Organisations,
            };
            print_to(db, &job, &out)?;
        }
        Command::Check => {
            let conn = open_db(db).map_err(fail)?;
            let version = store::check(&conn).map_err(fail)?;
            println!("ok");
            println!("データの版: {version}");
        }
        Command::Backup { to } => {
            let conn = open_db(db).map_err(fail)?;
            let now = chrono::Local::now().naive_local();
            store::audit::set_actor(&conn, "", COMMAND_LINE).map_err(fail)?;
            let file = backup::create(&conn, data_key(), db, &to, BackupKind::Manual, now)
                .map_err(fail)?;
            access_log::record_here(&conn, Kind::Backup, &file.file_name, "", now).map_err(fail)?;
            let settings = backup::load_settings(&conn).map_err(fail)?;
            let removed = backup::prune(&conn, &to, &settings, now).map_err(fail)?;
            println!(
                "バックアップを作成しました: {}（{} バイト、検査 ok）",
                file.path, file.size_bytes
            );
            if removed > 0 {
                println!("保存期間を過ぎた古いバックアップを {removed} 件削除しました。");
            }
        }
        Command::Exchange { what } => exchange(db, what, credentials)?,
        Command::Restore { from } => {
            let mut conn = open_db(db).map_err(fail)?;
            let now = chrono::Local::now().naive_local();
            store::audit::set_actor(&conn, "", COMMAND_LINE).map_err(fail)?;
            let safety = backup::restore(&mut conn, data_key(), db, &from, now).map_err(fail)?;
            println!("{} から復元しました。", from.display());
            println!("復元前のデータは {} に保存しました。", safety.path);
        }
        Command::Encrypt { recovery_pdf } => encrypt(db, credentials, recovery_pdf.as_deref())?,
        Command::Decrypt { out } => {
            if data_key().is_none() {
                return Err("このデータベースは暗号化されていません。".into());
            }
            let conn = open_db(db).map_err(fail)?;
            eprintln!("注意: 書き出すファイルは暗号化されません。患者さんの情報を誰でも読めるため、移行が済んだら確実に削除してください。");
            zaitaku_core::keys::convert::export_plain(&conn, &out).map_err(fail)?;
            println!("暗号化しないコピーを書き出しました: {}", out.display());
        }
    }
    Ok(())
}

/// `zaitaku encrypt`: the conversion, the 回復キー shown once (and its
/// PDF if asked for).
fn encrypt(db: &Path, credentials: &Credentials, pdf: Option<&Path>) -> Result<(), String> {
    use zaitaku_core::keys::convert;
    let password = credentials
        .password()?
        .ok_or("管理者のパスワードを --password-file か --password-stdin で渡してください。")?;
    let staff = credentials
        .staff
        .as_deref()
        .ok_or("--staff で管理者の名前を指定してください。")?;
    let staff_id = {
        let conn = open_output(db).map_err(|e| e.to_string())?;
        zaitaku_core::access::staff(&conn)
            .map_err(|e| e.to_string())?
            .into_iter()
            .find(|m| m.id == staff || m.name == staff)
            .map(|m| m.id)
            .ok_or_else(|| format!("担当者「{staff}」が見つかりません。"))?
    };
    let now = chrono::Local::now().naive_local();
    let done = convert::encrypt(db, &staff_id, &password, now).map_err(|e| e.to_string())?;
    println!(
        "暗号化しました。先に作成したバックアップ: {}",
        done.backup.path
    );
    println!();
    println!("回復キー: {}", done.recovery_key.display().as_str());
    println!("（印刷して事務所の金庫など安全な場所に保管してください。パスワードを忘れたときに必要です。）");
    if let Some(pdf) = pdf {
        let key = zaitaku_core::keys::KeyFile::load(db)
            .map_err(|e| e.to_string())?
            .ok_or("鍵ファイルが見つかりません。")?
            .unwrap_recovery(&done.recovery_key.display())
            .map_err(|e| e.to_string())?;
        let conn = store::open_for_output_with(db, Some(&key)).map_err(|e| e.to_string())?;
        let sheet =
            zaitaku_core::first_run::recovery_key_sheet(&conn, db, &done.recovery_key, now.date())
                .map_err(|e| e.to_string())?;
        print::pdf::save(&sheet, pdf).map_err(|e| e.to_string())?;
        println!(
            "回復キーの PDF を保存しました: {}（印刷したら削除してください）",
            pdf.display()
        );
    }
    if !done.need_password.is_empty() {
        println!(
            "次の担当者は、管理者が「設定」でパスワードを設定し直すまでサインインできません: {}",
            done.need_password.join("、")
        );
    }
    Ok(())
}

/// `zaitaku exchange …`. The command line never decides a conflict: a file
/// that has some is kept for the 親機's screen. Files written and taken in
/// are recorded in the access log.
fn exchange(db: &Path, what: Exchange, credentials: &Credentials) -> Result<(), String> {
    use zaitaku_core::exchange::{self, Role};
    let fail = |e: zaitaku_core::Error| e.to_string();
    let now = chrono::Local::now().naive_local();
    let record = |conn: &store::Connection, kind: Kind, file: &Path| {
        access_log::record_here(conn, kind, &access_log::file_name(file), "", now).map_err(fail)
    };
    if let Exchange::Start { from } = &what {
        let key = setup_key(from, credentials)?;
        let id = exchange::start_child(from, db, key.as_ref()).map_err(fail)?;
        let conn = store::open_with(db, key.as_ref()).map_err(fail)?;
        store::audit::set_actor(&conn, "", COMMAND_LINE).map_err(fail)?;
        record(&conn, Kind::ExchangeImport, from)?;
        println!("子機「{}」として開始しました: {}", id.name, db.display());
        return Ok(());
    }
    let mut conn = open_db(db).map_err(fail)?;
    store::audit::set_actor(&conn, "", COMMAND_LINE).map_err(fail)?;
    let counts = exchange::auto::counts_text;
    match what {
        Exchange::Start { .. } => unreachable!("handled above"),
        Exchange::Prepare { name, out } => {
            let path =
                exchange::prepare(&mut conn, db, &out, &name, data_key(), now).map_err(fail)?;
            record(&conn, Kind::ExchangeExport, &path)?;
            println!(
                "子機「{name}」の準備ファイルを作成しました: {}",
                path.display()
            );
        }
        Exchange::Export { out } => {
            let done = exchange::export(&conn, db, &out, data_key(), now).map_err(fail)?;
            record(&conn, Kind::ExchangeExport, &done.path)?;
            println!(
                "変更を書き出しました: {}（{}、{} KB）",
                done.path.display(),
                counts(&done.counts),
                done.size_bytes.div_ceil(1024)
            );
        }
        Exchange::Import { file, reply_to } => {
            let role = exchange::identity(&conn).map_err(fail)?.map(|i| i.role);
            if role == Some(Role::Child) {
                let taken = exchange::take_reply(&mut conn, db, &file, data_key()).map_err(fail)?;
                record(&conn, Kind::ExchangeImport, &file)?;
                println!(
                    "親機からの返信を取り込みました（{}）。",
                    counts(&taken.counts)
                );
                if taken.kept_here > 0 {
                    println!("書き出した後にこの端末で変更した記録 {} 件は、この端末の内容を残しました。", taken.kept_here);
                }
                return Ok(());
            }
            let preview = exchange::import(&conn, db, &file, data_key()).map_err(fail)?;
            println!(
                "「{}」から: {}",
                preview.device_name,
                counts(&preview.counts)
            );
            if !preview.conflicts.is_empty() {
                let kept = exchange::keep_for_screen(db, &file).map_err(fail)?;
                println!(
                    "競合が {} 件あるため、取り込んでいません。親機の画面（設定 › 端末とデータ共有）でどちらを残すか選んでください（ファイルは {} に保管しました）。",
                    preview.conflicts.len(),
                    kept.display()
                );
                return Ok(());
            }
            let dir = reply_to.unwrap_or_else(|| {
                file.parent()
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
            });
            let applied = exchange::apply(&mut conn, db, &file, data_key(), &[], Some(&dir), now)
                .map_err(fail)?;
            record(&conn, Kind::ExchangeImport, &file)?;
            let reply = dir.join(applied.reply.file_name().unwrap_or_default());
            record(&conn, Kind::ExchangeExport, &reply)?;
            println!("取り込みました。子機への返信: {}", reply.display());
        }
        Exchange::Status => {
            let status = exchange::status(&conn, db).map_err(fail)?;
            match &status.identity {
                None => println!("この端末はまだデータ共有をしていません。"),
                Some(id) => println!("この端末: {}（{}）", id.name, id.role_label),
            }
            for d in &status.devices {
                let state = if d.exchanged {
                    "交換済み"
                } else {
                    "未交換"
                };
                println!("子機 {}: {}（{state}）", d.no, d.name);
            }
            if !status.waiting.is_empty() {
                println!(
                    "競合の選択を待っているファイル: {} 件",
                    status.waiting.len()
                );
            }
            if status.awaiting_reply {
                println!("書き出したファイルへの親機の返信を待っています。");
            }
        }
    }
    Ok(())
}

/// One registry list as CSV (名簿 export subcommands).
fn export_registry(db: &Path, list: List, out: &Path) -> Result<(), String> {
    export_csv(db, out, list.name(), "件", |conn, today| {
        list.csv(conn, today)
    })
}

/// The export subcommands: makes the CSV from the database (as of today),
/// writes it to `--out` (as an Excel workbook when it ends in .xlsx) and
/// says so with its count of `unit`.
fn export_csv(
    db: &Path,
    out: &Path,
    what: &str,
    unit: &str,
    csv: impl FnOnce(&store::Connection, chrono::NaiveDate) -> zaitaku_core::Result<Csv>,
) -> Result<(), String> {
    let fail = |e: zaitaku_core::Error| e.to_string();
    let conn = open_output(db).map_err(fail)?;
    let today = chrono::Local::now().date_naive();
    let csv = csv(&conn, today).map_err(fail)?;
    let excel = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let bytes = if excel {
        csv.to_xlsx(what, today).map_err(fail)?
    } else {
        csv.bytes.clone()
    };
    write_file(out, &bytes)?;
    record_output(&conn, Kind::CsvExport, out)?;
    println!(
        "{what}を書き出しました: {}（{} {unit}）",
        out.display(),
        csv.rows
    );
    Ok(())
}

/// Who the command line is in the records: nobody signs in there.
const COMMAND_LINE: &str = "（コマンド）";

/// Output made on the command line is in the access log too, by its file
/// name, under no staff member (nobody signs in there). A file whose
/// record cannot be written is removed, as in the app. `conn` is from
/// [`store::open_for_output`].
fn record_output(conn: &store::Connection, kind: Kind, out: &Path) -> Result<(), String> {
    let name = access_log::file_name(out);
    let now = chrono::Local::now().naive_local();
    access_log::record_output(out, || {
        store::allow_access_record(conn)?;
        access_log::record_for(conn, "", COMMAND_LINE, kind, &name, "", now)
    })
    .map_err(|e| e.to_string())
}

fn write_file(out: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(out, bytes)
        .map_err(|e| format!("「{}」に書き込めません（{e}）。", out.display()))
}
