//! `backup` and `restore` on the command line, including the failures an
//! office meets: a USB stick not plugged in, a read-only stick, a full one,
//! a file that is not a backup. Each failure leaves the data as it was.

use std::path::{Path, PathBuf};
use std::process::Command;

use zaitaku_core::{office, store};

use super::{arg, assert_failed_with, demo_db, run, temp_dir, zaitaku, zaitaku_run, BIN};

fn fingerprint(db: &Path) -> (u64, String) {
    let conn = store::open(db).unwrap();
    (
        store::content_fingerprint(&conn).unwrap(),
        office::load(&conn).unwrap().name,
    )
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Runs `zaitaku-desk backup` with `dir` replaced by a small tmpfs mounted
/// with `mount_options`, inside a private mount namespace (so it works
/// without touching the machine's mounts, as root or not).
fn backup_onto_tmpfs(db: &Path, dir: &Path, mount_options: &str) -> super::Ran {
    let script = r#"mount -t tmpfs -o "$1" tmpfs "$2" || exit 97; "$3" backup --db "$4" --to "$2"; code=$?; ls -A "$2" >&2; exit $code"#;
    let mut cmd = Command::new("unshare");
    cmd.args([
        "--user",
        "--map-root-user",
        "--mount",
        "sh",
        "-c",
        script,
        "sh",
        mount_options,
        arg(dir),
        BIN,
        arg(db),
    ])
    .env_remove("DISPLAY")
    .env_remove("ZAITAKU_DESK_DB");
    let ran = run(cmd);
    assert_ne!(
        ran.code, 97,
        "could not mount a tmpfs for the test: {}",
        ran.stderr
    );
    ran
}

/// `zaitaku-desk backup` of `db` into a new folder `usb` in `dir`; the one
/// backup file it made.
fn backup_to_usb(dir: &Path, db: &Path) -> PathBuf {
    let to = dir.join("usb");
    std::fs::create_dir(&to).unwrap();
    let ran = zaitaku_run(&["backup", "--db", arg(db), "--to", arg(&to)]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stdout.contains("バックアップを作成しました"),
        "{}",
        ran.stdout
    );
    let files = entries(&to);
    assert_eq!(files.len(), 1, "{files:?}");
    to.join(&files[0])
}

#[test]
fn backup_then_restore_from_the_command_line() {
    let dir = temp_dir();
    let db = demo_db(dir.path());
    let backup = backup_to_usb(dir.path(), &db);
    let check = zaitaku_run(&["check", "--db", arg(&backup)]);
    assert_eq!(
        check.code, 0,
        "the backup itself passes check: {}",
        check.stderr
    );

    {
        let mut conn = store::open(&db).unwrap();
        // Only the name changes; cities keep their ids (records use them).
        let mut input = office::OfficeInput::from(&office::load(&conn).unwrap());
        input.name = "あとで変えた名前".into();
        office::save(&mut conn, &input, chrono::Local::now().naive_local()).unwrap();
    }
    let ran = zaitaku_run(&["restore", "--db", arg(&db), "--from", arg(&backup)]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains("復元しました"), "{}", ran.stdout);
    let conn = store::open(&db).unwrap();
    let restored = office::load(&conn).unwrap();
    assert_eq!(restored.name, "坂戸鶴ヶ島医師会 在宅医療相談室");
    let safety = entries(&dir.path().join("backups"));
    assert!(
        safety.iter().any(|f| f.ends_with("_pre-restore.db")),
        "{safety:?}"
    );
    let newest = &store::audit::recent(&conn, 1).unwrap()[0];
    assert_eq!(
        (newest.table_label, newest.actor.as_str()),
        ("復元", "管理者（コマンド）")
    );
}

/// A USB stick that is not plugged in, read-only or full: the backup is
/// refused with the reason, nothing is left on the stick, the data is as it was.
#[test]
fn backup_onto_a_missing_read_only_or_full_stick_is_refused() {
    // (tmpfs mount options, or none for a folder that is not there; reason)
    let sticks = [
        (None, "見つかりません"),
        (Some("ro,size=1m"), "書き込めません"),
        // Room for the write probe, not for the database.
        (Some("size=16k"), "空き容量"),
    ];
    for (mount, reason) in sticks {
        let dir = temp_dir();
        let db = demo_db(dir.path());
        assert!(
            std::fs::metadata(&db).unwrap().len() > 16 * 1024,
            "demo too small"
        );
        let before = fingerprint(&db);
        let stick = dir.path().join("stick");
        let ran = match mount {
            None => zaitaku_run(&["backup", "--db", arg(&db), "--to", arg(&stick)]),
            Some(options) => {
                std::fs::create_dir(&stick).unwrap();
                backup_onto_tmpfs(&db, &stick, options)
            }
        };
        // One error line: `ls -A` of the stick, after it, printed nothing.
        assert_failed_with(&ran, reason);
        assert_eq!(stick.exists(), mount.is_some(), "{reason}");
        assert_eq!(fingerprint(&db), before, "{reason}");
    }
}

#[test]
fn restore_refuses_what_is_not_a_backup_of_this_app() {
    let dir = temp_dir();
    let db = demo_db(dir.path());
    let before = fingerprint(&db);
    let text = dir.path().join("memo.db");
    std::fs::write(&text, "バックアップではないファイル").unwrap();
    let ran = zaitaku_run(&["restore", "--db", arg(&db), "--from", arg(&text)]);
    assert_failed_with(&ran, "バックアップではありません");

    // A real backup, but from a newer version of the app.
    let backup = backup_to_usb(dir.path(), &db);
    {
        let conn = store::Connection::open(&backup).unwrap();
        conn.pragma_update(None, "user_version", store::SCHEMA_VERSION + 1)
            .unwrap();
    }
    let ran = run({
        let mut cmd = zaitaku(&["restore", "--db", arg(&db), "--from", arg(&backup)]);
        cmd.env("LC_ALL", "C.UTF-8");
        cmd
    });
    assert_failed_with(&ran, "新しい版");
    assert_eq!(fingerprint(&db), before);
    assert!(
        entries(&dir.path().join("backups")).is_empty(),
        "no safety copy for a refused restore"
    );
}
