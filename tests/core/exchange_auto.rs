//! Exchange through a shared folder: what a round of each PC does with the
//! files there (the app only schedules the rounds).

use std::path::{Path, PathBuf};

use zaitaku_core::exchange::{self, auto};

use crate::exchange::{edit, new_case, pair, Pair};
use crate::util::at;

fn shared(p: &Pair) -> PathBuf {
    let dir = p.dir.path().join("nas");
    std::fs::create_dir_all(&dir).unwrap();
    auto::set_shared_dir(&p.parent, dir.to_str().unwrap()).unwrap();
    auto::set_shared_dir(&p.child, dir.to_str().unwrap()).unwrap();
    dir
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The cases of a PC as a person sees them (the access log of each PC
/// records the exchange itself, so the two differ by that until the next
/// round).
fn cases_of(conn: &zaitaku_core::store::Connection) -> Vec<(i64, String)> {
    conn.prepare("SELECT case_no, content FROM cases ORDER BY case_no")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn same(p: &Pair) -> bool {
    cases_of(&p.parent) == cases_of(&p.child)
}

fn child_round(p: &mut Pair, minute: u32) -> auto::Round {
    auto::round(&mut p.child, &p.child_db, None, at(12, minute)).unwrap()
}

fn parent_round(p: &mut Pair, minute: u32) -> auto::Round {
    auto::round(&mut p.parent, &p.parent_db, None, at(12, minute)).unwrap()
}

#[test]
fn rounds_through_the_shared_folder_bring_both_pcs_to_the_same_records() {
    let mut p = pair(5, None);
    let dir = shared(&p);
    new_case(&mut p.child, "共有 花子");
    new_case(&mut p.parent, "事務所 次郎");

    let wrote = child_round(&mut p, 0);
    assert_eq!(wrote.done.len(), 1, "{wrote:?}");
    assert!(wrote.done[0].contains("相談記録 1件追加"), "{wrote:?}");
    assert_eq!(names(&dir).len(), 1, "{:?}", names(&dir));
    // Waiting for the reply: a second round sends nothing more.
    assert_eq!(child_round(&mut p, 1), auto::Round::default());

    let took = parent_round(&mut p, 2);
    assert_eq!(took.done.len(), 1, "{took:?}");
    assert!(took.done[0].starts_with("ノートPCから"), "{took:?}");
    let files = names(&dir);
    assert_eq!(files.len(), 1, "only the reply is left: {files:?}");
    assert!(files[0].starts_with("reply-"), "{files:?}");

    let back = child_round(&mut p, 3);
    assert!(back.done[0].starts_with("親機からの返信"), "{back:?}");
    assert!(names(&dir).is_empty(), "{:?}", names(&dir));
    assert!(same(&p), "both PCs hold the same records");

    // Nothing changed and the exchange is recent: no file at all.
    assert_eq!(child_round(&mut p, 10), auto::Round::default());
    assert!(names(&dir).is_empty());
    assert!(
        !exchange::status(&p.child, &p.child_db)
            .unwrap()
            .awaiting_reply
    );
    // After an hour without exchange it asks the office for its news (and
    // sends the access log of the last exchange with it).
    let idle = auto::round(&mut p.child, &p.child_db, None, at(14, 0)).unwrap();
    assert_eq!(idle.done.len(), 1, "{idle:?}");
    assert_eq!(names(&dir).len(), 1, "{:?}", names(&dir));
}

#[test]
fn a_file_with_conflicts_waits_for_a_person_and_leaves_the_folder() {
    let mut p = pair(5, None);
    let dir = shared(&p);
    let case = new_case(&mut p.parent, "両方 変更");
    child_round(&mut p, 0);
    parent_round(&mut p, 1);
    child_round(&mut p, 2);
    assert!(same(&p));

    edit(&mut p.parent, &case.id, |c| {
        c.content = "事務所で書いた".into()
    });
    edit(&mut p.child, &case.id, |c| {
        c.content = "公民館で書いた".into()
    });
    child_round(&mut p, 3);
    let before = exchange::shared_fingerprint(&p.parent).unwrap();
    let round = parent_round(&mut p, 4);
    assert_eq!(round.waiting, 1, "{round:?}");
    assert!(round.done.is_empty(), "nothing decided without a person");
    assert!(names(&dir).is_empty(), "{:?}", names(&dir));
    assert_eq!(exchange::shared_fingerprint(&p.parent).unwrap(), before);
    let status = exchange::status(&p.parent, &p.parent_db).unwrap();
    assert_eq!(status.waiting.len(), 1);

    // The screen takes it by name; a name from elsewhere is refused.
    let name = status.waiting[0].file_name().unwrap().to_str().unwrap();
    let path = auto::waiting_file(&p.parent_db, name).unwrap();
    assert!(auto::waiting_file(&p.parent_db, "../office.db").is_err());
    assert!(auto::waiting_file(&p.parent_db, "nothing.zdx").is_err());
    auto::done_with(&p.parent_db, &path).unwrap();
    assert!(exchange::status(&p.parent, &p.parent_db)
        .unwrap()
        .waiting
        .is_empty());
}

#[test]
fn a_shared_folder_must_exist_and_belongs_to_a_pc_that_exchanges() {
    let p = pair(1, None);
    let missing = p.dir.path().join("nowhere");
    let err = auto::set_shared_dir(&p.parent, missing.to_str().unwrap()).unwrap_err();
    assert!(err.to_string().contains("見つかりません"), "{err}");
    assert_eq!(auto::set_shared_dir(&p.parent, "  ").unwrap(), None);
    assert_eq!(auto::shared_dir(&p.parent).unwrap(), None);
    let lone = crate::util::temp_dir();
    let conn = crate::exchange::open(&lone.path().join("a.db"), None);
    let err = auto::set_shared_dir(&conn, lone.path().to_str().unwrap()).unwrap_err();
    assert!(err.to_string().contains("親機か子機"), "{err}");
}
