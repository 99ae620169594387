use super::*;

fn db_in(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("office.db")
}

#[test]
fn the_key_file_sits_beside_the_database() {
    assert_eq!(
        path_for(Path::new("/data/office.db")),
        Path::new("/data/office.db.keys")
    );
}

#[test]
fn each_member_opens_with_their_own_password_only() {
    let key = DataKey::generate();
    let mut file = KeyFile::create(&key);
    file.set_member(&key, "a", "佐藤", "sato-password").unwrap();
    file.set_member(&key, "b", "鈴木", "suzuki-password")
        .unwrap();
    assert_eq!(file.unwrap_member("a", "sato-password").unwrap(), key);
    assert_eq!(file.unwrap_member("b", "suzuki-password").unwrap(), key);
    for (id, typed) in [("a", "suzuki-password"), ("b", "sato-password"), ("c", "x")] {
        let e = file.unwrap_member(id, typed).unwrap_err();
        assert_eq!(e.to_string(), "パスワードが違います。");
        assert_eq!(e.field(), Some("credential"));
    }
}

#[test]
fn a_copied_entry_does_not_open_for_another_member() {
    let key = DataKey::generate();
    let mut file = KeyFile::create(&key);
    file.set_member(&key, "a", "佐藤", "same-password").unwrap();
    file.set_member(&key, "b", "鈴木", "other-password")
        .unwrap();
    file.members[1].wrapped = file.members[0].wrapped.clone();
    assert!(file.unwrap_member("b", "same-password").is_err());
}

#[test]
fn setup_holds_the_key_until_the_first_member_wraps_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    let key = DataKey::generate();
    let mut file = KeyFile::create(&key);
    file.save(&db).unwrap();
    let again = KeyFile::load(&db).unwrap().unwrap();
    assert_eq!(again.setup_key(), Some(key.clone()));
    assert!(again.holders().is_empty());
    file.set_member(&key, "a", "佐藤", "sato-password").unwrap();
    file.save(&db).unwrap();
    let text = std::fs::read_to_string(path_for(&db)).unwrap();
    assert!(!text.contains(&hex(key.as_bytes())), "key in clear: {text}");
    let again = KeyFile::load(&db).unwrap().unwrap();
    assert_eq!(again.setup_key(), None);
    assert_eq!(
        again.holders(),
        [KeyHolder {
            staff_id: "a".into(),
            name: "佐藤".into()
        }]
    );
}

#[test]
fn the_recovery_key_opens_and_a_new_one_retires_the_old() {
    let key = DataKey::generate();
    let mut file = KeyFile::create(&key);
    assert!(!file.has_recovery_key());
    let recovery = file.new_recovery_key(&key).unwrap();
    assert!(file.has_recovery_key());
    let typed = recovery.display().to_lowercase().replace('-', " ");
    assert_eq!(file.unwrap_recovery(&typed).unwrap(), key);
    let other = RecoveryKey::generate();
    let e = file.unwrap_recovery(&other.display()).unwrap_err();
    assert!(e.to_string().starts_with("回復キーが違います"), "{e}");
    let newer = file.new_recovery_key(&key).unwrap();
    assert!(file.unwrap_recovery(&recovery.display()).is_err());
    assert_eq!(file.unwrap_recovery(&newer.display()).unwrap(), key);
}

#[test]
fn changing_and_removing_a_members_copy() {
    let key = DataKey::generate();
    let mut file = KeyFile::create(&key);
    file.set_member(&key, "a", "佐藤", "old-password").unwrap();
    file.set_member(&key, "a", "佐藤", "new-password").unwrap();
    assert_eq!(file.holders().len(), 1);
    assert!(file.unwrap_member("a", "old-password").is_err());
    assert_eq!(file.unwrap_member("a", "new-password").unwrap(), key);
    assert!(file.remove_member("a"));
    assert!(!file.remove_member("a"));
    assert!(file.unwrap_member("a", "new-password").is_err());
}

#[test]
fn a_damaged_or_newer_key_file_is_refused_in_japanese() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    assert_eq!(KeyFile::load(&db).unwrap(), None);
    std::fs::write(path_for(&db), "{not json").unwrap();
    let e = KeyFile::load(&db).unwrap_err();
    assert!(e.to_string().contains("鍵ファイル"), "{e}");
    std::fs::write(path_for(&db), r#"{"format": 99}"#).unwrap();
    let e = KeyFile::load(&db).unwrap_err();
    assert!(e.to_string().contains("新しい版"), "{e}");
}

#[test]
fn absurd_kdf_parameters_open_nothing() {
    let key = DataKey::generate();
    let mut file = KeyFile::create(&key);
    file.set_member(&key, "a", "佐藤", "sato-password").unwrap();
    file.members[0].wrapped.kdf.m_kib = u32::MAX;
    assert!(file.unwrap_member("a", "sato-password").is_err());
}

#[test]
fn unwrapping_takes_well_under_a_second() {
    let key = DataKey::generate();
    let mut file = KeyFile::create(&key);
    file.set_member(&key, "a", "佐藤", "sato-password").unwrap();
    let start = std::time::Instant::now();
    file.unwrap_member("a", "sato-password").unwrap();
    let took = start.elapsed();
    eprintln!("sign-in unwrap: {took:?}");
    assert!(took < std::time::Duration::from_secs(1), "{took:?}");
}
