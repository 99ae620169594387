//! `zaitaku exchange`: a 子機 prepared and started from the command line,
//! its changes taken in by the 親機 and the reply taken back; a conflict is
//! never decided here but kept for the 親機's screen.

use std::path::{Path, PathBuf};

use zaitaku_core::store;

use super::{arg, demo_db, temp_dir, zaitaku_run};

fn only_file(dir: &Path, ext: &str) -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found.remove(0)
}

fn ok(args: &[&str]) -> String {
    let ran = zaitaku_run(args);
    assert_eq!(ran.code, 0, "{args:?}: {}", ran.stderr);
    ran.stdout
}

fn fax(db: &Path) -> String {
    store::open(db)
        .unwrap()
        .query_row("SELECT fax FROM office", [], |r| r.get(0))
        .unwrap()
}

fn set_fax(db: &Path, fax: &str) {
    store::open(db)
        .unwrap()
        .execute("UPDATE office SET fax = ?1", [fax])
        .unwrap();
}

#[test]
fn a_child_started_from_the_command_line_brings_its_changes_home_and_conflicts_wait() {
    let dir = temp_dir();
    let parent = demo_db(dir.path());
    let usb = dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let out = ok(&[
        "exchange",
        "prepare",
        "--db",
        arg(&parent),
        "--name",
        "ノートPC",
        "--out",
        arg(&usb),
    ]);
    assert!(
        out.contains("子機「ノートPC」の準備ファイルを作成しました"),
        "{out}"
    );
    let setup = only_file(&usb, "zds");
    let child = dir.path().join("laptop/office.db");
    std::fs::create_dir_all(child.parent().unwrap()).unwrap();
    let out = ok(&[
        "exchange",
        "start",
        "--db",
        arg(&child),
        "--from",
        arg(&setup),
    ]);
    assert!(out.contains("子機「ノートPC」として開始しました"), "{out}");
    let out = ok(&["exchange", "status", "--db", arg(&child)]);
    assert!(out.contains("この端末: ノートPC（子機）"), "{out}");

    set_fax(&child, "049-000-1111");
    let out = ok(&[
        "exchange",
        "export",
        "--db",
        arg(&child),
        "--out",
        arg(&usb),
    ]);
    assert!(out.contains("事業所情報 1件変更"), "{out}");
    let export = only_file(&usb, "zdx");
    let replies = dir.path().join("replies");
    std::fs::create_dir_all(&replies).unwrap();
    let out = ok(&[
        "exchange",
        "import",
        arg(&export),
        "--db",
        arg(&parent),
        "--reply-to",
        arg(&replies),
    ]);
    assert!(
        out.contains("「ノートPC」から: 事業所情報 1件変更"),
        "{out}"
    );
    assert_eq!(fax(&parent), "049-000-1111");
    let reply = only_file(&replies, "zdx");
    let out = ok(&["exchange", "import", arg(&reply), "--db", arg(&child)]);
    assert!(out.contains("親機からの返信を取り込みました"), "{out}");

    // The same file again: skipped as such.
    let ran = zaitaku_run(&["exchange", "import", arg(&export), "--db", arg(&parent)]);
    assert_eq!(ran.code, 1);
    assert!(ran.stderr.contains("取り込み済みです"), "{}", ran.stderr);

    // Both PCs change the fax: the command line takes nothing in.
    set_fax(&parent, "049-000-2222");
    set_fax(&child, "049-000-3333");
    std::fs::remove_file(&export).unwrap();
    ok(&[
        "exchange",
        "export",
        "--db",
        arg(&child),
        "--out",
        arg(&usb),
    ]);
    let second = only_file(&usb, "zdx");
    let out = ok(&["exchange", "import", arg(&second), "--db", arg(&parent)]);
    assert!(
        out.contains("競合が 1 件あるため、取り込んでいません"),
        "{out}"
    );
    assert_eq!(fax(&parent), "049-000-2222");
    let out = ok(&["exchange", "status", "--db", arg(&parent)]);
    assert!(out.contains("子機 1: ノートPC（交換済み）"), "{out}");
    assert!(
        out.contains("競合の選択を待っているファイル: 1 件"),
        "{out}"
    );

    // Every file written or taken in is in the access log.
    let kinds: Vec<String> = store::open(&parent)
        .unwrap()
        .prepare("SELECT kind FROM access_log WHERE kind LIKE 'exchange%' ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(kinds.contains(&"exchange_import".to_string()), "{kinds:?}");
    assert!(kinds.contains(&"exchange_export".to_string()), "{kinds:?}");
}
