//! Setting one's own credential: the current one under the attempt limit,
//! the policy of new ones, and the members who must set one first.

use super::tests::{at, now, pin, sign_in_records, with_staff, without_credential};
use super::*;

#[test]
fn changing_one_s_credential_needs_the_current_one() -> Result<()> {
    let (mut conn, yamada, _) = with_staff()?;
    let me = sign_in(&mut conn, &yamada, "1234", now())?;
    let wrong = set_own_credential(&mut conn, &me, "0000", pin(), "5678", now()).unwrap_err();
    assert_eq!(wrong.field(), Some("current_credential"));
    assert_eq!(wrong.to_string(), "暗証番号が違います。");
    let me = set_own_credential(
        &mut conn,
        &me,
        "1234",
        CredentialKind::Password,
        "hanako-sakado",
        now(),
    )?;
    assert_eq!(
        me.member().and_then(|m| m.credential),
        Some(CredentialKind::Password)
    );
    assert!(sign_in(&mut conn, &yamada, "1234", now()).is_err());
    assert!(sign_in(&mut conn, &yamada, "hanako-sakado", now()).is_ok());
    // Nobody removes their credential.
    let empty = set_own_credential(&mut conn, &me, "hanako-sakado", pin(), "", now()).unwrap_err();
    assert_eq!(empty.field(), Some("new_credential"));
    Ok(())
}
#[test]
fn a_member_without_a_credential_may_only_set_one() -> Result<()> {
    let (mut conn, _, _) = with_staff()?;
    let kato = without_credential(&conn, "加藤 誠")?;
    let me = sign_in(&mut conn, &kato, "", now())?;
    assert!(me.needs_credential());
    let records = sign_in_records(&conn);
    let last = records.last().unwrap();
    assert_eq!((last.1.as_str(), last.3.as_str()), ("成功", kato.as_str()));
    assert!(last.4.contains("未設定"), "{last:?}");
    let me = set_own_credential(&mut conn, &me, "", pin(), "8642", now())?;
    assert!(!me.needs_credential());
    assert!(sign_in(&mut conn, &kato, "", now()).is_err());
    assert!(!sign_in(&mut conn, &kato, "8642", now())?.needs_credential());
    Ok(())
}

#[test]
fn a_temporary_credential_must_be_changed_to_another() -> Result<()> {
    let (mut conn, yamada, sato) = with_staff()?;
    let admin = sign_in(&mut conn, &yamada, "1234", now())?;
    reset_credential(&mut conn, &admin, &sato, pin(), "7777", now())?;
    assert!(sign_in(&mut conn, &sato, "5555", now()).is_err());
    let me = sign_in(&mut conn, &sato, "7777", now())?;
    assert!(me.needs_credential());
    let same = set_own_credential(&mut conn, &me, "", pin(), "7777", now()).unwrap_err();
    assert_eq!(same.field(), Some("new_credential"));
    let me = set_own_credential(&mut conn, &me, "", pin(), "2580", now())?;
    assert!(!me.needs_credential());
    assert!(!sign_in(&mut conn, &sato, "2580", now())?.needs_credential());
    Ok(())
}

#[test]
fn new_credentials_follow_the_policy_and_name_the_field() -> Result<()> {
    let (mut conn, yamada, _) = with_staff()?;
    let me = sign_in(&mut conn, &yamada, "1234", now())?;
    for bad in ["123", "123456789", "12a4", "12 34", ""] {
        let err = set_own_credential(&mut conn, &me, "1234", pin(), bad, now()).unwrap_err();
        assert_eq!(err.field(), Some("new_credential"), "{bad}");
        assert_eq!(
            err.to_string(),
            "暗証番号は4〜8桁の数字で入力してください。"
        );
    }
    let password = CredentialKind::Password;
    for bad in ["short12", "", " padded-password ", "line\nbreak-pass"] {
        let err = set_own_credential(&mut conn, &me, "1234", password, bad, now()).unwrap_err();
        assert_eq!(err.field(), Some("new_credential"), "{bad:?}");
        assert!(err.to_string().starts_with("パスワード"), "{err}");
    }
    let short = set_own_credential(&mut conn, &me, "1234", password, "1234567", now());
    assert_eq!(
        short.unwrap_err().to_string(),
        "パスワードは8〜128文字で入力してください。"
    );
    // Refused changes left the PIN as it was.
    assert!(sign_in(&mut conn, &yamada, "1234", now()).is_ok());
    // An encrypted database takes passwords only.
    let encrypted = CredentialPolicy { encrypted: true };
    assert!(encrypted.check("credential", pin(), "1234").is_err());
    assert!(encrypted.check("credential", password, "12345678").is_ok());
    assert!(encrypted.check("credential", password, "1234567").is_err());
    Ok(())
}

#[test]
fn five_wrong_current_credentials_make_the_change_and_sign_in_wait() -> Result<()> {
    let (mut conn, yamada, _) = with_staff()?;
    let me = sign_in(&mut conn, &yamada, "1234", now())?;
    for i in 0..4 {
        let err = set_own_credential(&mut conn, &me, "9999", pin(), "5678", at(i)).unwrap_err();
        assert_eq!(err.to_string(), "暗証番号が違います。");
    }
    let fifth = set_own_credential(&mut conn, &me, "9999", pin(), "5678", at(4)).unwrap_err();
    assert_eq!(
        fifth.to_string(),
        "暗証番号が違います。5回まちがえたため、あと30秒お待ちください。"
    );
    // Within the wait even the right one is refused, unchecked, here and
    // at the sign-in screen: one count for both.
    let refused = set_own_credential(&mut conn, &me, "1234", pin(), "5678", at(10)).unwrap_err();
    assert_eq!(refused.field(), Some("current_credential"));
    assert_eq!(
        refused.to_string(),
        "暗証番号を5回まちがえたため、あと24秒お待ちください。"
    );
    assert!(sign_in(&mut conn, &yamada, "1234", at(11)).is_err());
    assert!(sign_in(&mut conn, &yamada, "1234", at(4 + 30)).is_ok());
    let actions: Vec<String> = sign_in_records(&conn)
        .into_iter()
        .filter(|r| r.4.contains("変更時"))
        .map(|r| r.1)
        .collect();
    assert_eq!(
        actions,
        ["失敗", "失敗", "失敗", "失敗", "失敗", "待ち時間中"]
    );
    // The PIN is still the old one.
    set_own_credential(&mut conn, &me, "1234", pin(), "5678", at(40))?;
    assert!(sign_in(&mut conn, &yamada, "5678", at(41)).is_ok());
    Ok(())
}
