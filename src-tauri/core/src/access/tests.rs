//! Sign-in, credentials, the attempt limit and the lock setting on a real
//! database. The roles are tested through the public API in tests/core.

use chrono::{Duration, NaiveDateTime};

use super::sign_in::{wait_after, wait_label};
use super::*;
use crate::access_log::Kind;
use crate::cases::lists::{self, ListItemInput, ListKind};
use crate::store;

/// 山田 花子 (管理者, PIN 1234) and 佐藤 一郎 (職員, PIN 5555).
pub(super) fn with_staff() -> Result<(Connection, String, String)> {
    let conn = store::open_in_memory()?;
    let yamada = add(&conn, "山田 花子", Role::Admin, CredentialKind::Pin, "1234")?;
    let sato = add(&conn, "佐藤 一郎", Role::Staff, CredentialKind::Pin, "5555")?;
    Ok((conn, yamada, sato))
}

pub(super) fn add(
    conn: &Connection,
    name: &str,
    role: Role,
    kind: CredentialKind,
    credential: &str,
) -> Result<String> {
    let input = MemberInput {
        name: name.into(),
        role,
        kind,
        credential: credential.into(),
    };
    insert_member(conn, &input, false, now())
}

/// A member of an older database, who has no credential yet.
pub(super) fn without_credential(conn: &Connection, name: &str) -> Result<String> {
    let id = add(conn, name, Role::Staff, CredentialKind::Pin, "0000")?;
    conn.execute("DELETE FROM staff_pins WHERE staff_id = ?1", [&id])?;
    Ok(id)
}

pub(super) fn now() -> NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2025, 4, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

pub(super) fn pin() -> CredentialKind {
    CredentialKind::Pin
}

#[test]
fn a_credential_is_hashed_and_checked() -> Result<()> {
    let (mut conn, yamada, sato) = with_staff()?;
    let names: Vec<String> = staff(&conn)?.into_iter().map(|m| m.name).collect();
    assert_eq!(names, ["山田 花子", "佐藤 一郎"]);
    let hashes: Vec<String> = conn
        .prepare("SELECT pin_hash FROM staff_pins")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for hash in &hashes {
        assert!(
            hash.starts_with("$argon2id$") && !hash.contains("1234"),
            "{hash}"
        );
    }
    assert_eq!(
        sign_in(&mut conn, &yamada, "１２３４", now())?.staff_id(),
        yamada
    );
    assert_eq!(
        sign_in(&mut conn, &yamada, "9999", now())
            .unwrap_err()
            .to_string(),
        "暗証番号が違います。"
    );
    let empty = sign_in(&mut conn, &yamada, "", now()).unwrap_err();
    assert_eq!(empty.field(), Some("credential"));
    assert_eq!(empty.to_string(), "暗証番号を入力してください。");
    assert!(!sign_in(&mut conn, &sato, "5555", now())?.needs_credential());
    assert_eq!(
        sign_in(&mut conn, "not-a-uuid", "", now())
            .unwrap_err()
            .field(),
        Some("staff_id")
    );
    // A password is compared exactly as typed.
    let ito = add(
        &conn,
        "伊藤 光",
        Role::Staff,
        CredentialKind::Password,
        "Sakado 2025",
    )?;
    assert!(sign_in(&mut conn, &ito, "sakado 2025", now()).is_err());
    assert!(sign_in(&mut conn, &ito, "Sakado 2025", now()).is_ok());
    let err = sign_in(&mut conn, &ito, "x", now()).unwrap_err();
    assert_eq!(err.to_string(), "パスワードが違います。");
    Ok(())
}
#[test]
fn an_actor_is_a_signed_in_member_or_the_office_without_staff() -> Result<()> {
    let mut conn = store::open_in_memory()?;
    let nobody = unregistered(&conn)?.expect("no staff registered");
    assert_eq!((nobody.name(), nobody.staff_id()), ("", ""));
    assert!(nobody.is_admin() && !nobody.needs_credential());
    assert_eq!(
        set_own_credential(&mut conn, &nobody, "", pin(), "1234", now())
            .unwrap_err()
            .field(),
        Some("new_credential")
    );
    let (mut conn, yamada, sato) = with_staff()?;
    assert_eq!(unregistered(&conn)?, None);
    assert!(sign_in(&mut conn, &yamada, "1234", now())?.is_admin());
    assert!(!sign_in(&mut conn, &sato, "5555", now())?.is_admin());
    Ok(())
}
#[test]
fn staff_are_not_managed_in_the_generic_list_editor() -> Result<()> {
    let (mut conn, _, _) = with_staff()?;
    let items = [ListItemInput {
        id: None,
        name: "名前だけの人".into(),
        retired: false,
    }];
    let err = lists::save(&mut conn, ListKind::Staff, &items).unwrap_err();
    assert_eq!(err.field(), Some("kind"));
    assert_eq!(staff(&conn)?.len(), 2);
    Ok(())
}

pub(super) fn at(seconds: i64) -> NaiveDateTime {
    now() + Duration::seconds(seconds)
}

/// (kind label, outcome, member, member id, detail) of the sign-in
/// attempts in the access log, oldest first.
pub(super) fn sign_in_records(conn: &Connection) -> Vec<(String, String, String, String, String)> {
    let mut stmt = conn
        .prepare(
            "SELECT kind, staff_name, target, detail FROM access_log
              WHERE kind LIKE 'sign_in%' ORDER BY seq",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            let kind: String = r.get(0)?;
            let kind = Kind::from_code(&kind).expect("a known kind");
            let outcome = match kind {
                Kind::SignIn => "成功",
                Kind::SignInFailed => "失敗",
                _ => "待ち時間中",
            };
            Ok((
                kind.label().to_string(),
                outcome.to_string(),
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
            ))
        })
        .unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

#[test]
fn five_wrong_pins_make_the_next_sign_in_wait() -> Result<()> {
    let (mut conn, yamada, sato) = with_staff()?;
    for i in 0..4 {
        let err = sign_in(&mut conn, &yamada, "9999", at(i)).unwrap_err();
        assert_eq!(err.to_string(), "暗証番号が違います。");
    }
    let fifth = sign_in(&mut conn, &yamada, "9999", at(4)).unwrap_err();
    assert_eq!(
        fifth.to_string(),
        "暗証番号が違います。5回まちがえたため、あと30秒お待ちください。"
    );
    // Within the wait even the right PIN is refused, unchecked.
    let refused = sign_in(&mut conn, &yamada, "1234", at(4 + 10)).unwrap_err();
    assert_eq!(refused.field(), Some("credential"));
    assert_eq!(
        refused.to_string(),
        "暗証番号を5回まちがえたため、あと20秒お待ちください。"
    );
    // Another member is not affected.
    assert!(sign_in(&mut conn, &sato, "5555", at(15)).is_ok());
    // After the wait the right PIN is accepted, and clears the count.
    assert_eq!(
        sign_in(&mut conn, &yamada, "1234", at(4 + 30))?.staff_id(),
        yamada
    );
    for i in 0..4 {
        let err = sign_in(&mut conn, &yamada, "0000", at(100 + i)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "暗証番号が違います。",
            "count starts again"
        );
    }

    let records = sign_in_records(&conn);
    let yamadas: Vec<_> = records.iter().filter(|r| r.3 == yamada).collect();
    assert_eq!(yamadas.len(), 5 + 1 + 1 + 4, "{records:#?}");
    let actions: Vec<&str> = yamadas.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(
        actions,
        [
            "失敗",
            "失敗",
            "失敗",
            "失敗",
            "失敗",
            "待ち時間中",
            "成功",
            "失敗",
            "失敗",
            "失敗",
            "失敗"
        ]
    );
    assert!(yamadas.iter().all(|r| r.2 == "山田 花子"));
    assert!(
        yamadas[4].4.contains("5回続けて、30秒待ち"),
        "{:?}",
        yamadas[4]
    );
    assert!(yamadas[6].4.contains("それまでに5回"), "{:?}", yamadas[6]);
    let log: String = conn
        .prepare(
            "SELECT at || actor || row_id || ifnull(new_values, '') FROM audit_log
             UNION ALL SELECT at || staff_name || target || detail FROM access_log",
        )?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .concat();
    for pin in ["1234", "9999", "0000", "5555"] {
        assert!(!log.contains(pin), "a PIN in the change record: {log}");
    }
    // Recorded at the time given, not the computer's clock.
    let first: String = conn.query_row(
        "SELECT at FROM access_log WHERE kind = 'sign_in_failed' ORDER BY seq LIMIT 1",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(first, "2025-04-01T09:00:00");
    sign_in(&mut conn, &sato, "5555", at(200))?;
    let last = sign_in_records(&conn).pop().unwrap();
    assert_eq!(
        (last.1.as_str(), last.2.as_str(), last.3.as_str()),
        ("成功", "佐藤 一郎", sato.as_str())
    );
    Ok(())
}

#[test]
fn the_wait_grows_with_each_further_wrong_pin_up_to_an_hour() -> Result<()> {
    let (mut conn, yamada, _) = with_staff()?;
    let mut t = 0;
    for _ in 0..5 {
        let _ = sign_in(&mut conn, &yamada, "9999", at(t));
    }
    for (count, wait, label) in [
        (6, 60, "1分"),
        (7, 300, "5分"),
        (8, 900, "15分"),
        (9, 3600, "1時間"),
        (10, 3600, "1時間"),
    ] {
        let previous = wait_after(count - 1).unwrap().num_seconds();
        t += previous;
        let err = sign_in(&mut conn, &yamada, "9999", at(t)).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("暗証番号が違います。{count}回まちがえたため、あと{label}お待ちください。")
        );
        assert!(sign_in(&mut conn, &yamada, "1234", at(t + wait - 1)).is_err());
    }
    assert_eq!(
        sign_in(&mut conn, &yamada, "1234", at(t + 1))
            .unwrap_err()
            .to_string(),
        "暗証番号を10回まちがえたため、あと1時間お待ちください。"
    );
    assert_eq!(
        sign_in(&mut conn, &yamada, "1234", at(t + 3600 - 61))
            .unwrap_err()
            .to_string(),
        "暗証番号を10回まちがえたため、あと2分お待ちください。"
    );
    // A clock set back never makes the wait longer than an hour.
    assert_eq!(
        sign_in(&mut conn, &yamada, "1234", at(t - 86_400))
            .unwrap_err()
            .to_string(),
        "暗証番号を10回まちがえたため、あと1時間お待ちください。"
    );
    assert!(sign_in(&mut conn, &yamada, "1234", at(t - 86_400 + 3600)).is_ok());
    Ok(())
}

#[test]
fn the_count_of_wrong_pins_survives_a_restart() -> Result<()> {
    let (_dir, db, mut conn) = store::temp_db()?;
    let yamada = add(&conn, "山田 花子", Role::Admin, pin(), "1234")?;
    for i in 0..5 {
        assert!(sign_in(&mut conn, &yamada, "9999", at(i)).is_err());
    }
    drop(conn);
    let mut conn = store::open(&db)?;
    assert_eq!(
        sign_in(&mut conn, &yamada, "1234", at(10))
            .unwrap_err()
            .to_string(),
        "暗証番号を5回まちがえたため、あと24秒お待ちください。"
    );
    drop(conn);
    let mut conn = store::open(&db)?;
    assert!(sign_in(&mut conn, &yamada, "1234", at(40)).is_ok());
    let failures: i64 =
        conn.query_row("SELECT count(*) FROM sign_in_failures", [], |r| r.get(0))?;
    assert_eq!(failures, 0);
    Ok(())
}

#[test]
fn waits_read_as_staff_say_them() {
    let label = |s: i64| wait_label(Duration::seconds(s));
    assert_eq!(label(30), "30秒");
    assert_eq!(label(59), "59秒");
    assert_eq!(label(60), "1分");
    assert_eq!(label(61), "2分");
    assert_eq!(label(3600), "1時間");
    assert_eq!(label(5400), "1時間30分");
    assert_eq!(wait_label(Duration::milliseconds(29_500)), "30秒");
    assert_eq!(wait_after(4), None);
    assert_eq!(wait_after(5), Some(Duration::seconds(30)));
    assert_eq!(wait_after(50), Some(Duration::seconds(3600)));
}

#[test]
fn lock_minutes_default_and_range() -> Result<()> {
    let conn = store::open_in_memory()?;
    assert_eq!(lock_minutes(&conn)?, DEFAULT_LOCK_MINUTES);
    assert_eq!(save_lock_minutes(&conn, 0)?, 0);
    assert_eq!(lock_minutes(&conn)?, 0);
    assert!(save_lock_minutes(&conn, -1).is_err());
    assert!(save_lock_minutes(&conn, 241).is_err());
    assert_eq!(lock_minutes(&conn)?, 0);
    Ok(())
}
