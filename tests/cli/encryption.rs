//! `zaitaku encrypt`, and every other command on an encrypted database:
//! opened only with a password from a file or standard input (never an
//! argument) or the 回復キー, refused in Japanese otherwise, with no
//! SQLCipher messages on stderr.

use std::io::Write;
use std::process::Stdio;

use zaitaku_core::access::{self, CredentialKind};

use super::*;

const PASSWORD: &str = "kanri-password-1";

/// The demo office whose first 管理者 (山田 花子) has a password.
fn demo_with_password(dir: &Path) -> PathBuf {
    let db = dir.join("office.db");
    let mut conn = store::open(&db).unwrap();
    let now = chrono::Local::now().naive_local();
    zaitaku_core::demo::fill(&mut conn, now).unwrap();
    let first = access::staff(&conn).unwrap()[0].id.clone();
    let pin = zaitaku_core::demo::cases::DEMO_PIN;
    let admin = access::sign_in(&mut conn, &first, pin, now).unwrap();
    access::set_own_credential(
        &mut conn,
        &admin,
        pin,
        CredentialKind::Password,
        PASSWORD,
        now,
    )
    .unwrap();
    db
}

#[test]
fn encrypt_then_every_command_needs_a_password_or_the_recovery_key() {
    let dir = temp_dir();
    let db = demo_with_password(dir.path());
    let mut cmd = zaitaku(&[
        "--db",
        arg(&db),
        "--staff",
        "山田 花子",
        "--password-stdin",
        "encrypt",
    ]);
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key_line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("回復キー: "))
        .expect("the recovery key is shown");
    assert_eq!(key_line.len(), 39, "{key_line}");
    assert!(
        stdout.contains("佐藤 美紀"),
        "members who need a new password: {stdout}"
    );

    let ran = zaitaku_run(&["--db", arg(&db), "check"]);
    assert_failed_with(&ran, "暗号化されています");

    let password_file = dir.path().join("password.txt");
    std::fs::write(&password_file, "not-the-password\n").unwrap();
    let ran = zaitaku_run(&[
        "--db",
        arg(&db),
        "--staff",
        "山田 花子",
        "--password-file",
        arg(&password_file),
        "check",
    ]);
    assert_failed_with(&ran, "パスワードが違います");
    assert!(!ran.stderr.contains("ERROR"), "{}", ran.stderr);

    std::fs::write(&password_file, format!("{PASSWORD}\n")).unwrap();
    let ran = zaitaku_run(&[
        "--db",
        arg(&db),
        "--staff",
        "山田 花子",
        "--password-file",
        arg(&password_file),
        "check",
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.starts_with("ok"), "{}", ran.stdout);

    let recovery_file = dir.path().join("recovery.txt");
    std::fs::write(&recovery_file, key_line.to_lowercase()).unwrap();
    let backups = dir.path().join("usb");
    std::fs::create_dir(&backups).unwrap();
    let ran = zaitaku_run(&[
        "--db",
        arg(&db),
        "--recovery-key-file",
        arg(&recovery_file),
        "backup",
        "--to",
        arg(&backups),
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    // The backup is encrypted and has its key file beside it.
    let names: Vec<String> = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().any(|n| n.ends_with(".db.keys")), "{names:?}");
    for name in names.iter().filter(|n| n.ends_with(".db")) {
        let bytes = std::fs::read(backups.join(name)).unwrap();
        assert!(!bytes.starts_with(b"SQLite format 3"), "{name} is plain");
    }
}
