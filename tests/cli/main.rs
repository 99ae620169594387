//! The command line of the real `zaitaku` binary (the administrator's
//! commands, crate `zaitaku-cli`): help, version, bad arguments and the
//! headless subcommands on temporary database files.
//!
//! Run with `cargo test -p zaitaku-cli --test cli`. No test here may open a
//! window: every run has DISPLAY and WAYLAND_DISPLAY removed and a time limit.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

use zaitaku_core::store::{self, Connection, SCHEMA_VERSION};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_zaitaku");
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// The binary with a clean environment: no database from the caller's
/// environment and no display, so a bug that starts the GUI fails instead of
/// opening a window.
fn zaitaku(args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("ZAITAKU_DESK_DB")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("LC_ALL", "C.UTF-8");
    cmd
}

/// Runs `cmd` to the end, killing it after [`TIME_LIMIT`].
fn output_within_limit(mut cmd: Command) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        out.read_to_end(&mut buf).map(|_| buf)
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        err.read_to_end(&mut buf).map(|_| buf)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {TIME_LIMIT:?} (did it start the GUI?)");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out_reader.join().unwrap().unwrap(),
        stderr: err_reader.join().unwrap().unwrap(),
    }
}

struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(cmd: Command) -> Ran {
    let output = output_within_limit(cmd);
    Ran {
        code: output
            .status
            .code()
            .expect("exited, not killed by a signal"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

fn zaitaku_run(args: &[&str]) -> Ran {
    run(zaitaku(args))
}

fn is_japanese(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}'))
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("zaitaku-cli-test")
        .tempdir()
        .expect("temp dir")
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

/// Bytes, modification time and neighbours of a file or folder: what a
/// refused `check` must leave as it was.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    bytes: Option<Vec<u8>>,
    modified: SystemTime,
    neighbours: Vec<String>,
}

fn snapshot(path: &Path) -> Snapshot {
    let meta = std::fs::metadata(path).unwrap();
    let mut neighbours: Vec<String> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    neighbours.sort();
    Snapshot {
        bytes: (!meta.is_dir()).then(|| std::fs::read(path).unwrap()),
        modified: meta.modified().unwrap(),
        neighbours,
    }
}

/// Exit 1 and exactly one Japanese line on stderr starting with `エラー:`,
/// containing `expected`; nothing on stdout.
fn assert_failed_with(ran: &Ran, expected: &str) {
    assert_eq!(ran.code, 1, "exit code; stderr: {}", ran.stderr);
    let lines: Vec<&str> = ran.stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "exactly one line on stderr: {:?}",
        ran.stderr
    );
    assert!(lines[0].starts_with("エラー:"), "{:?}", lines[0]);
    assert!(is_japanese(lines[0]), "{:?}", lines[0]);
    assert!(
        lines[0].contains(expected),
        "{:?} should contain {expected:?}",
        lines[0]
    );
    assert_eq!(ran.stdout, "", "nothing on stdout");
}

/// Runs `check --db path` and expects it refused with `expected`, leaving the
/// file exactly as it was.
fn assert_check_refuses(path: &Path, expected: &str) {
    let before = snapshot(path);
    let ran = zaitaku_run(&["check", "--db", arg(path)]);
    assert_failed_with(&ran, expected);
    assert_eq!(snapshot(path), before, "{} was changed", path.display());
}

/// What a passing `check` prints: `ok`, then the schema version of the file.
fn assert_check_ok(ran: &Ran) {
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stderr, "", "nothing on stderr");
    let lines: Vec<&str> = ran.stdout.lines().collect();
    assert_eq!(
        lines,
        ["ok".to_string(), format!("データの版: {SCHEMA_VERSION}")],
        "{}",
        ran.stdout
    );
}

fn demo_db(dir: &Path) -> PathBuf {
    let path = dir.join("demo.db");
    let ran = zaitaku_run(&["demo-data", "--db", arg(&path)]);
    assert_eq!(ran.code, 0, "demo-data failed: {}", ran.stderr);
    // A newcomer learns whom to sign in as, and with what.
    assert!(
        ran.stdout.contains("山田 花子（管理者）")
            && ran.stdout.contains("暗証番号はどの担当者も 1234"),
        "{}",
        ran.stdout
    );
    path
}

#[test]
fn help_lists_the_subcommands() {
    for flag in ["--help", "-h", "help"] {
        let ran = zaitaku_run(&[flag]);
        assert_eq!(ran.code, 0, "{flag}: {}", ran.stderr);
        assert!(ran.stdout.contains("Usage:"), "{flag}: {}", ran.stdout);
        assert!(ran.stdout.contains("demo-data"), "{flag}: {}", ran.stdout);
        assert!(ran.stdout.contains("check"), "{flag}: {}", ran.stdout);
        assert!(ran.stdout.contains("--db"), "{flag}: {}", ran.stdout);
        assert!(is_japanese(&ran.stdout), "{flag}: {}", ran.stdout);
    }
}

#[test]
fn help_of_a_subcommand_does_not_run_it() {
    let dir = temp_dir();
    let path = dir.path().join("never.db");
    let ran = zaitaku_run(&["demo-data", "--help", "--db", arg(&path)]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains("Usage:"), "{}", ran.stdout);
    assert!(!path.exists(), "--help must not create the database");
}

#[test]
fn version_prints_the_package_version() {
    for flag in ["--version", "-V"] {
        let ran = zaitaku_run(&[flag]);
        assert_eq!(ran.code, 0, "{flag}: {}", ran.stderr);
        assert_eq!(
            ran.stdout.trim(),
            format!("zaitaku {}", env!("CARGO_PKG_VERSION"))
        );
        assert!(ran.stdout.contains("0.1.0"), "{}", ran.stdout);
    }
}

#[test]
fn unknown_subcommand_or_flag_exits_2_with_usage() {
    for args in [
        &["frobnicate"][..],
        &["--bogus"],
        &["check", "--bogus"],
        &["check", "extra"],
    ] {
        let ran = zaitaku_run(args);
        assert_eq!(ran.code, 2, "{args:?}: {}", ran.stderr);
        assert!(
            ran.stderr.contains("Usage: zaitaku "),
            "{args:?}: {}",
            ran.stderr
        );
        assert_eq!(ran.stdout, "", "{args:?}");
    }
}

#[test]
fn db_without_a_path_exits_2() {
    let ran = zaitaku_run(&["check", "--db"]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("--db"), "{}", ran.stderr);
    assert!(ran.stderr.contains("--help"), "{}", ran.stderr);
    assert_eq!(ran.stdout, "");
}

#[test]
fn demo_data_then_check_reports_ok_and_the_version() {
    let dir = temp_dir();
    let path = dir.path().join("office.db");
    let ran = zaitaku_run(&["demo-data", "--db", arg(&path)]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stderr, "");
    assert!(
        ran.stdout.contains("デモデータを作成しました"),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("市 2 件、圏域 9 件"), "{}", ran.stdout);
    assert!(path.is_file());

    let ran = zaitaku_run(&["check", "--db", arg(&path)]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(ran.stderr, "");
    assert_check_ok(&ran);

    // The demo data is really in the file.
    let conn = store::open(&path).unwrap();
    let office = zaitaku_core::office::load(&conn).unwrap();
    let cities: Vec<&str> = office.cities.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(cities, ["坂戸市", "鶴ヶ島市"]);
}

#[test]
fn demo_data_refuses_a_database_that_has_data() {
    let dir = temp_dir();
    let path = demo_db(dir.path());
    let before = zaitaku_core::office::load(&store::open(&path).unwrap()).unwrap();
    let ran = zaitaku_run(&["demo-data", "--db", arg(&path)]);
    assert_failed_with(&ran, "既にデータがあります");
    let after = zaitaku_core::office::load(&store::open(&path).unwrap()).unwrap();
    assert_eq!(after, before);
}

#[test]
fn the_database_can_be_given_in_the_environment() {
    let dir = temp_dir();
    let path = dir.path().join("from-env.db");
    let mut cmd = zaitaku(&["demo-data"]);
    cmd.env("ZAITAKU_DESK_DB", &path);
    let ran = run(cmd);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        path.is_file(),
        "ZAITAKU_DESK_DB names the file demo-data creates"
    );

    let mut cmd = zaitaku(&["check"]);
    cmd.env("ZAITAKU_DESK_DB", &path);
    let ran = run(cmd);
    assert_check_ok(&ran);
}

#[test]
fn db_on_the_command_line_wins_over_the_environment() {
    let dir = temp_dir();
    let good = demo_db(dir.path());
    let folder = dir.path().join("a-folder");
    std::fs::create_dir(&folder).unwrap();
    let mut cmd = zaitaku(&["check", "--db", arg(&good)]);
    cmd.env("ZAITAKU_DESK_DB", &folder);
    let ran = run(cmd);
    assert_check_ok(&ran);
}

#[test]
fn a_subcommand_without_a_database_is_refused_in_japanese() {
    for sub in ["check", "demo-data"] {
        let ran = zaitaku_run(&[sub]);
        assert!(
            matches!(ran.code, 1 | 2),
            "{sub}: exit {} {}",
            ran.code,
            ran.stderr
        );
        assert!(is_japanese(&ran.stderr), "{sub}: {}", ran.stderr);
        assert!(ran.stderr.contains("--db"), "{sub}: {}", ran.stderr);
        assert_eq!(ran.stdout, "");
    }
}

#[test]
fn check_refuses_a_directory() {
    let dir = temp_dir();
    let folder = dir.path().join("office.db");
    std::fs::create_dir(&folder).unwrap();
    assert_check_refuses(&folder, "フォルダ");
    assert_eq!(
        std::fs::read_dir(&folder).unwrap().count(),
        0,
        "nothing created inside"
    );
}

#[test]
fn check_refuses_a_text_file() {
    let dir = temp_dir();
    let path = dir.path().join("名簿.txt");
    std::fs::write(&path, "氏名,電話\n山田 花子,049-200-0000\n").unwrap();
    assert_check_refuses(&path, "データベースではありません");
}

#[test]
fn check_refuses_another_programs_sqlite_file() {
    let dir = temp_dir();
    let path = dir.path().join("other.sqlite");
    {
        let raw = Connection::open(&path).unwrap();
        raw.execute_batch("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('他のアプリ');")
            .unwrap();
    }
    assert_check_refuses(&path, "データベースではありません");
}

#[test]
fn check_refuses_a_database_from_a_newer_version() {
    let dir = temp_dir();
    let path = demo_db(dir.path());
    {
        let raw = Connection::open(&path).unwrap();
        raw.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    assert_check_refuses(&path, "新しい版");
    let ran = zaitaku_run(&["check", "--db", arg(&path)]);
    assert!(
        ran.stderr
            .contains(&format!("データの版 {}", SCHEMA_VERSION + 1)),
        "{}",
        ran.stderr
    );
}

#[cfg(unix)]
fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output().expect("run id -u");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

#[cfg(unix)]
#[test]
fn check_refuses_a_file_it_may_not_read() {
    use std::os::unix::fs::PermissionsExt;

    let dir = temp_dir();
    // The folder must be traversable by the unprivileged user below.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = demo_db(dir.path());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    let before = snapshot(&path);

    // root reads any file, so run the binary as nobody when we are root.
    let cmd = if is_root() {
        let mut cmd = Command::new("setpriv");
        cmd.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            BIN,
            "check",
            "--db",
            arg(&path),
        ])
        .env_remove("ZAITAKU_DESK_DB")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("LC_ALL", "C.UTF-8");
        cmd
    } else {
        zaitaku(&["check", "--db", arg(&path)])
    };
    let ran = run(cmd);
    assert_failed_with(&ran, "開けません");
    assert_eq!(snapshot(&path), before);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
}

// backup and restore: success, and each failure leaving the data untouched.
/// A history row edited with another program (a plain SQLite connection)
/// fails `check`, which names the table and the row; the file is left as
/// it was.
#[test]
fn check_names_a_history_table_changed_outside_the_app() {
    let dir = temp_dir();
    let db = demo_db(dir.path());
    // An export from the command line is in the access log by its file name.
    let out = dir.path().join("dementia.csv");
    let ran = zaitaku_run(&["export", "dementia", "--db", arg(&db), "--out", arg(&out)]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let logged: String = store::open(&db)
        .unwrap()
        .query_row("SELECT kind || ' ' || target FROM access_log", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(logged, "csv_export dementia.csv");
    assert_check_ok(&zaitaku_run(&["check", "--db", arg(&db)]));
    let edited = Connection::open(&db)
        .unwrap()
        .execute("UPDATE audit_log SET actor = '別人' WHERE seq = 2", [])
        .unwrap();
    assert_eq!(edited, 1);
    assert_check_refuses(&db, "設定の変更の記録：2番の行が書き換えられています");
}

/// `export cases` writes the enquiries without a patient like the other
/// cases, with 対象者なし where the name would be, and each case's 4つの場面.
#[test]
fn export_cases_includes_enquiries_without_a_patient() {
    let dir = temp_dir();
    let db = demo_db(dir.path());
    let out = dir.path().join("cases.csv");
    let ran = zaitaku_run(&["export", "cases", "--db", arg(&db), "--out", arg(&out)]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{FEFF}').lines().collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (name, scenes) = (column("対象者氏名"), column("4つの場面"));
    let cells = |line: &str| line.split(',').map(str::to_string).collect::<Vec<_>>();
    let nobody = lines[1..]
        .iter()
        .filter(|l| cells(l).get(name).map(String::as_str) == Some("対象者なし"))
        .count();
    let conn = store::open(&db).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        nobody as i64,
        count("SELECT count(*) FROM cases WHERE person_id IS NULL")
    );
    assert!(
        nobody > 0,
        "the demo office has enquiries without a patient"
    );
    assert!(
        lines[1..].iter().any(|l| cells(l)
            .get(scenes)
            .is_some_and(|s| s.contains("入退院支援"))),
        "4つの場面 are exported"
    );
}

mod backup;
// encrypt, and the options that open an encrypted database.
mod encryption;
// booklet, flyer and list PDFs checked with qpdf and poppler.
mod print;

// report (事業報告 CSV) and the 名簿 exports.
mod report;
// export lectures (issue 7, 出前講座・市民公開講座).
mod lectures;
// export bed-stays and rota (療養支援ベッド).
mod beds;
// export meetings (issue 16): the 年度's 会議・研修 as CSV.
mod meetings;
// exchange (issue 15): 親機・子機, export, import, reply, conflicts kept.
mod exchange;

// ---------------------------------------------------------------------------
// export booklets (issue 6, 意志表示帳). Self-contained so it does not depend
// on the helpers above.
mod export_booklets {
    use std::process::Command;

    fn zaitaku(args: &[&str]) -> std::process::Output {
        Command::new(env!("CARGO_BIN_EXE_zaitaku"))
            .args(args)
            .env_remove("ZAITAKU_DESK_DB")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .output()
            .expect("run zaitaku")
    }

    #[test]
    fn export_booklets_writes_excel_ready_csv() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("office.db");
        let out = dir.path().join("台帳.csv");
        let db_arg = db.to_str().unwrap();
        let out_arg = out.to_str().unwrap();
        let made = zaitaku(&["demo-data", "--db", db_arg]);
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );

        let ran = zaitaku(&["export", "booklets", "--db", db_arg, "--out", out_arg]);
        assert!(
            ran.status.success(),
            "{}",
            String::from_utf8_lossy(&ran.stderr)
        );
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(text.ends_with("\r\n"));
        assert!(
            !text.replace("\r\n", "").contains('\n'),
            "every line ends in CRLF"
        );
        let lines: Vec<&str> = text.split_terminator("\r\n").collect();
        assert_eq!(
            lines[0],
            "日付,和暦,区分,冊子名・版,冊数,入庫元,配布経路,配布先種別,配布先,市,備考,状態,取消日時,取消理由,登録者,登録日時,記録ID"
        );
        let conn = zaitaku_core::store::open(&db).unwrap();
        let entries: i64 = conn
            .query_row("SELECT count(*) FROM booklet_entries", [], |r| r.get(0))
            .unwrap();
        assert_eq!(lines.len() as i64, entries + 1, "one row per ledger entry");
        assert!(entries > 200, "{entries}");
        let stdout = String::from_utf8(ran.stdout).unwrap();
        assert!(stdout.contains(&format!("（{entries} 行）")), "{stdout}");

        // One fiscal year only: fewer rows, all inside April–March.
        let ran = zaitaku(&[
            "export",
            "booklets",
            "--db",
            db_arg,
            "--out",
            out_arg,
            "--fiscal-year",
            "2000",
        ]);
        assert!(
            ran.status.success(),
            "{}",
            String::from_utf8_lossy(&ran.stderr)
        );
        let text = String::from_utf8(std::fs::read(&out).unwrap()[3..].to_vec()).unwrap();
        assert_eq!(
            text.split_terminator("\r\n").count(),
            1,
            "only the header for 2000年度"
        );
    }
}

/// The administrator's commands run on a machine without a desktop (a
/// server making the yearly reports): the binary links no GUI library.
#[cfg(target_os = "linux")]
#[test]
fn the_binary_links_no_gui_library() {
    let out = Command::new("ldd").arg(BIN).output().expect("run ldd");
    let libraries = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{libraries}");
    for gui in ["gtk", "webkit", "gdk", "glib", "cairo", "pango", "soup"] {
        assert!(
            !libraries.to_ascii_lowercase().contains(gui),
            "{gui} linked:\n{libraries}"
        );
    }
}

#[test]
fn no_arguments_prints_the_usage_and_runs_nothing() {
    let ran = zaitaku_run(&[]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("Usage: zaitaku"), "{}", ran.stderr);
    assert!(ran.stderr.contains("demo-data"), "{}", ran.stderr);
    assert_eq!(ran.stdout, "");
}
