//! 管理者 and 職員 through the public API: only a 管理者 manages staff, at
//! least one active 管理者 always remains, a new office registers its first
//! member, and the demo staff can sign in.

use zaitaku_core::access::{self, Actor, CredentialKind, MemberInput, Role};
use zaitaku_core::store::Connection;
use zaitaku_core::{demo, Error};

use crate::util::{at, new_db, query_i64, temp_dir};

fn pin() -> CredentialKind {
    CredentialKind::Pin
}

fn member(name: &str, role: Role) -> MemberInput {
    MemberInput {
        name: name.into(),
        role,
        kind: pin(),
        credential: "1357".into(),
    }
}

/// A new office with 山田 花子 (管理者, PIN 1234) signed in.
fn office_with_admin() -> (tempfile::TempDir, Connection, Actor) {
    let dir = temp_dir();
    let (_path, mut conn) = new_db(dir.path());
    let admin = access::register_first(&mut conn, "山田 花子", pin(), "1234", at(9, 0)).unwrap();
    (dir, conn, admin)
}

#[test]
fn the_first_member_of_a_new_office_is_its_manager() {
    let dir = temp_dir();
    let (_path, mut conn) = new_db(dir.path());
    assert!(access::unregistered(&conn).unwrap().is_some());
    let bad = access::register_first(&mut conn, "山田 花子", pin(), "12", at(9, 0)).unwrap_err();
    assert_eq!(bad.field(), Some("credential"));
    assert_eq!(
        query_i64(
            &conn,
            "SELECT count(*) FROM case_list_items WHERE kind = 'staff'"
        ),
        0
    );
    let admin = access::register_first(&mut conn, "山田 花子", pin(), "1234", at(9, 0)).unwrap();
    assert!(admin.is_admin() && !admin.needs_credential());
    let second = access::register_first(&mut conn, "佐藤 美紀", pin(), "1234", at(9, 1));
    assert!(matches!(second, Err(Error::Conflict(_))), "{second:?}");
    assert_eq!(access::admin_names(&conn).unwrap(), ["山田 花子"]);
}

#[test]
fn only_a_manager_manages_staff_and_the_refusal_names_them() {
    let (_dir, mut conn, admin) = office_with_admin();
    let sato = access::add_member(
        &mut conn,
        &admin,
        &member("佐藤 美紀", Role::Staff),
        at(9, 1),
    )
    .unwrap();
    // Added with a temporary PIN, changed at the first sign-in.
    assert!(sato.must_change);
    let me = access::sign_in(&mut conn, &sato.id, "1357", at(9, 2)).unwrap();
    let me = access::set_own_credential(&mut conn, &me, "", pin(), "2468", at(9, 3)).unwrap();
    assert!(!me.is_admin());
    let refusals = [
        access::add_member(&mut conn, &me, &member("高橋 健一", Role::Staff), at(9, 4)).map(|_| ()),
        access::retire(&mut conn, &me, admin.staff_id()),
        access::set_role(&mut conn, &me, &sato.id, Role::Admin).map(|_| ()),
        access::reset_credential(&mut conn, &me, admin.staff_id(), pin(), "0000", at(9, 4))
            .map(|_| ()),
    ];
    for refused in refusals {
        let err = refused.unwrap_err();
        assert_eq!(err.kind(), "admin_only");
        assert_eq!(
            err.to_string(),
            "この操作は管理者だけが行えます。管理者（山田 花子）に依頼してください。"
        );
    }
    assert_eq!(access::staff(&conn).unwrap().len(), 2);
    assert!(access::sign_in(&mut conn, admin.staff_id(), "1234", at(9, 5)).is_ok());
}

#[test]
fn the_last_active_manager_cannot_be_retired_or_demoted() {
    let (_dir, mut conn, admin) = office_with_admin();
    let id = admin.staff_id().to_string();
    for refused in [
        access::retire(&mut conn, &admin, &id),
        access::set_role(&mut conn, &admin, &id, Role::Staff).map(|_| ()),
    ] {
        let err = refused.unwrap_err();
        assert!(matches!(err, Error::Conflict(_)), "{err:?}");
        assert!(
            err.to_string().contains("管理者が一人もいなくなる"),
            "{err}"
        );
    }
    // Rolled back: still the active 管理者.
    assert_eq!(access::admin_names(&conn).unwrap(), ["山田 花子"]);
    // With a second 管理者 the first may retire, and the second may not
    // then be demoted.
    let sato = access::add_member(
        &mut conn,
        &admin,
        &member("佐藤 美紀", Role::Admin),
        at(9, 1),
    )
    .unwrap();
    access::retire(&mut conn, &admin, &id).unwrap();
    assert_eq!(access::admin_names(&conn).unwrap(), ["佐藤 美紀"]);
    let sato = access::sign_in(&mut conn, &sato.id, "1357", at(9, 2)).unwrap();
    let sato = access::set_own_credential(&mut conn, &sato, "", pin(), "2468", at(9, 3)).unwrap();
    let err = access::set_role(&mut conn, &sato, sato.staff_id(), Role::Staff).unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err:?}");
    // The retired 管理者 no longer signs in, nor acts.
    assert!(access::sign_in(&mut conn, &id, "1234", at(9, 4)).is_err());
    let err = access::add_member(
        &mut conn,
        &admin,
        &member("高橋 健一", Role::Staff),
        at(9, 5),
    );
    assert_eq!(err.unwrap_err().kind(), "admin_only");
}

#[test]
fn a_reset_credential_must_be_changed_and_ends_the_wait() {
    let (_dir, mut conn, admin) = office_with_admin();
    let sato = access::add_member(
        &mut conn,
        &admin,
        &member("佐藤 美紀", Role::Staff),
        at(9, 1),
    )
    .unwrap();
    for _ in 0..access::FREE_ATTEMPTS {
        assert!(access::sign_in(&mut conn, &sato.id, "0000", at(9, 2)).is_err());
    }
    assert!(access::sign_in(&mut conn, &sato.id, "1357", at(9, 2)).is_err());
    let reset = access::reset_credential(
        &mut conn,
        &admin,
        &sato.id,
        CredentialKind::Password,
        "kari-pass-1",
        at(9, 3),
    )
    .unwrap();
    assert!(reset.must_change);
    assert_eq!(reset.credential, Some(CredentialKind::Password));
    let me = access::sign_in(&mut conn, &sato.id, "kari-pass-1", at(9, 3)).unwrap();
    assert!(me.needs_credential());
    // Their own credential a 管理者 changes as everyone does.
    let own =
        access::reset_credential(&mut conn, &admin, admin.staff_id(), pin(), "0000", at(9, 4));
    assert_eq!(own.unwrap_err().field(), Some("staff_id"));
}

#[test]
fn the_demo_staff_sign_in_with_the_demo_pin_and_the_first_is_manager() {
    let dir = temp_dir();
    let (_path, mut conn) = new_db(dir.path());
    demo::fill_with_cases(&mut conn, at(8, 0), 0).unwrap();
    let staff = access::staff(&conn).unwrap();
    let names: Vec<&str> = staff.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, demo::cases::STAFF);
    for (i, m) in staff.iter().enumerate() {
        let me = access::sign_in(&mut conn, &m.id, demo::cases::DEMO_PIN, at(9, 0)).unwrap();
        assert!(!me.needs_credential(), "{}", m.name);
        assert_eq!(me.is_admin(), i == 0, "{}", m.name);
    }
}
