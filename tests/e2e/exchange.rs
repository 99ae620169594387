//! 設定 › 端末とデータ共有: the 親機 takes in what a 子機 entered (a case and
//! a booklet hand-out), a conflicting edit is shown side by side and the
//! choice is kept; two app instances exchange through a shared folder.

use std::path::{Path, PathBuf};

use zaitaku_core::booklets::{self, seeded_channel, EntryInput};
use zaitaku_core::cases::lists::{self, ListKind};
use zaitaku_core::cases::{self, CaseInput, PersonInput};
use zaitaku_core::exchange::{self, auto};
use zaitaku_core::store::{self, Connection};

use crate::harness::{db_number, db_text, demo_db_with_cases, App};

const LAPTOP_PERSON: &str = "公民館 花子";
const OFFICE_TEXT: &str = "事務所で書き直した相談内容";
const LAPTOP_TEXT: &str = "公民館で書き直した相談内容";

fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

fn first(conn: &Connection, kind: ListKind) -> String {
    lists::list(conn, kind).unwrap().items[0].id.clone()
}

/// A case taken on the laptop, as the intake form would save it.
fn new_case(conn: &mut Connection, name: &str) {
    let input = CaseInput {
        received_date: "令和7年3月31日".into(),
        received_time: "14:05".into(),
        intake_method_id: first(conn, ListKind::IntakeMethod),
        consulter_type_id: first(conn, ListKind::ConsulterType),
        consulter_name: "長女".into(),
        is_new: true,
        person: PersonInput {
            name: name.into(),
            kana: "こうみんかん はなこ".into(),
            ..Default::default()
        },
        new_person: true,
        category_ids: vec![first(conn, ListKind::Category)],
        content: "講座のあとで相談を受けた。".into(),
        staff_id: first(conn, ListKind::Staff),
        status: "受付".into(),
        ..Default::default()
    };
    let staff = input.staff_id.clone();
    cases::create(conn, &input, &staff, now()).unwrap();
}

/// Booklets received and one handed out at the 公民館.
fn hand_out_booklet(conn: &mut Connection) {
    let edition: String = conn
        .query_row("SELECT id FROM booklet_editions LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let today = now().date().format("%Y-%m-%d").to_string();
    booklets::add_entry(
        conn,
        &EntryInput::receipt(&edition, &today, 10, "print"),
        "",
        now(),
    )
    .unwrap();
    let issue = EntryInput {
        recipient_name: "公民館の講座の参加者".into(),
        ..EntryInput::issue(&edition, &today, 1, seeded_channel::COUNTER)
    };
    booklets::add_entry(conn, &issue, "", now()).unwrap();
}

fn set_content(conn: &Connection, case_no: i64, content: &str) {
    conn.execute(
        "UPDATE cases SET content = ?1 WHERE case_no = ?2",
        (content, case_no),
    )
    .unwrap();
}

/// A 親機 with the demo office and a 子機 started from its setup file (both
/// plain databases, made with the engine as the app does).
struct Office {
    dir: tempfile::TempDir,
    parent_db: PathBuf,
    child_db: PathBuf,
}

fn office() -> Office {
    let (dir, parent_db) = demo_db_with_cases(10);
    let usb = dir.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let mut parent = store::open(&parent_db).unwrap();
    exchange::become_parent(&mut parent, "事務所のPC").unwrap();
    let setup = exchange::prepare(&mut parent, &parent_db, &usb, "ノートPC", None, now()).unwrap();
    std::fs::create_dir_all(dir.path().join("laptop")).unwrap();
    let child_db = dir.path().join("laptop/office.db");
    exchange::start_child(&setup, &child_db, None).unwrap();
    Office {
        dir,
        parent_db,
        child_db,
    }
}

/// On the laptop: a case, a booklet hand-out, and case No.1 rewritten; on
/// the office PC case No.1 rewritten differently.
fn work_on_both(o: &Office) {
    let mut child = store::open(&o.child_db).unwrap();
    new_case(&mut child, LAPTOP_PERSON);
    hand_out_booklet(&mut child);
    set_content(&child, 1, LAPTOP_TEXT);
    let parent = store::open(&o.parent_db).unwrap();
    set_content(&parent, 1, OFFICE_TEXT);
}

fn laptop_cases(db: &Path) -> i64 {
    db_number(
        db,
        &format!(
            "SELECT count(*) FROM cases c JOIN persons p ON p.id = c.person_id WHERE p.name = '{LAPTOP_PERSON}'"
        ),
    )
}

fn handed_out(db: &Path) -> i64 {
    db_number(
        db,
        "SELECT count(*) FROM booklet_entries WHERE recipient_name = '公民館の講座の参加者'",
    )
}

fn case_one(db: &Path) -> String {
    db_text(db, "SELECT content FROM cases WHERE case_no = 1")
}

/// In the preview: picks 「相手のパソコン」 for 相談内容 and takes the file in.
async fn choose_laptop_value_and_apply(app: &App, shot: &str) {
    let conflict = app.wait_for_text("#exchange-conflicts", "相談内容").await;
    assert!(conflict.contains("共通の元の値"), "{conflict}");
    assert!(conflict.contains(OFFICE_TEXT), "{conflict}");
    assert!(conflict.contains(LAPTOP_TEXT), "{conflict}");
    assert!(conflict.contains("両方の端末で変更"), "{conflict}");
    // Which case: its 受付番号 (case 1 is the one both PCs edited).
    assert!(conflict.contains("受付番号 1　"), "{conflict}");
    assert!(
        !app.wait_for_text("#exchange", "端末とデータ共有")
            .await
            .contains("null"),
        "no stray null on the screen"
    );
    // The conflict at the top of the window, for the screenshot.
    app.eval("document.querySelector('.exchange-preview-panel').scrollIntoView({block: 'start'}); return null;")
        .await;
    app.snap(shot).await;
    // Nothing chosen yet: refused, nothing taken in.
    app.click("#exchange-apply").await;
    app.wait_for_text("#message-text", "選ばれていない項目があります")
        .await;
    app.click(".exchange-conflict input[data-field='content'][value='there']")
        .await;
    app.click_for_message("#exchange-apply", "取り込みました")
        .await;
}

#[tokio::test]
async fn the_office_pc_takes_in_the_laptop_s_work_and_the_chosen_value_of_a_conflict_is_kept() {
    let o = office();
    work_on_both(&o);
    let child = store::open(&o.child_db).unwrap();
    let usb = o.dir.path().join("usb");
    let out = exchange::export(&child, &o.child_db, &usb, None, now()).unwrap();
    drop(child);
    // Inherited by tauri-driver and so by the app (tests run one at a time):
    // the file the open dialog would give.
    std::env::set_var("ZAITAKU_E2E_EXCHANGE_FILE", &out.path);
    let app = App::launch(&o.parent_db).await;
    app.open_view("settings").await;
    app.wait_for_text("#exchange-identity", "事務所のPC（親機）")
        .await;
    app.wait_for_text("#exchange-devices", "ノートPC").await;

    app.click("#exchange-import").await;
    let counts = app
        .wait_for_text("#exchange-preview-counts", "相談記録 1件追加")
        .await;
    assert!(
        counts.contains("意志表示帳の入庫・配布 2件追加"),
        "{counts}"
    );
    // Shown, not taken in: the office's data is as it was.
    assert_eq!(laptop_cases(&o.parent_db), 0);
    choose_laptop_value_and_apply(&app, "exchange-conflict").await;
    let done = app.wait_for_text("#message-text", "子機への返信").await;
    assert!(done.contains("相談記録 1件追加"), "{done}");
    app.wait_for_text("#exchange-devices", "取り込み済み").await;
    app.quit().await;
    std::env::remove_var("ZAITAKU_E2E_EXCHANGE_FILE");

    assert_eq!(laptop_cases(&o.parent_db), 1, "the laptop's case arrived");
    assert_eq!(handed_out(&o.parent_db), 1, "the hand-out arrived");
    assert_eq!(case_one(&o.parent_db), LAPTOP_TEXT, "the choice was kept");

    // The reply went beside the file taken in; the laptop takes it and
    // both hold the same case.
    let reply = std::fs::read_dir(&usb)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("reply-")
        })
        .expect("the reply on the USB stick");
    let mut child = store::open(&o.child_db).unwrap();
    exchange::take_reply(&mut child, &o.child_db, &reply, None).unwrap();
    drop(child);
    assert_eq!(case_one(&o.child_db), LAPTOP_TEXT);
}

/// Starts the app on `db` with the shared folder's rounds every second.
async fn launch_with_rounds(db: &Path) -> App {
    std::env::set_var("ZAITAKU_E2E_EXCHANGE_SECONDS", "1");
    let app = App::launch(db).await;
    std::env::remove_var("ZAITAKU_E2E_EXCHANGE_SECONDS");
    app
}

#[tokio::test]
async fn two_pcs_exchange_through_a_shared_folder_and_a_conflict_waits_with_a_badge() {
    let o = office();
    let nas = o.dir.path().join("nas");
    std::fs::create_dir_all(&nas).unwrap();
    for db in [&o.parent_db, &o.child_db] {
        let conn = store::open(db).unwrap();
        auto::set_shared_dir(&conn, nas.to_str().unwrap()).unwrap();
    }
    work_on_both(&o);

    // Both PCs run at once, each on its own database.
    let laptop = launch_with_rounds(&o.child_db).await;
    let office_pc = launch_with_rounds(&o.parent_db).await;

    // The laptop writes its file, the office PC finds the conflict: the
    // menu shows the badge, nothing is taken in until a person chooses.
    let badge = office_pc.wait_for("#exchange-badge").await;
    assert!(badge.text().await.unwrap_or_default().contains('1'));
    assert_eq!(laptop_cases(&o.parent_db), 0);
    office_pc.open_view("settings").await;
    office_pc
        .wait_for_text("#exchange-waiting", "待っているファイル（1件）")
        .await;
    office_pc.click("#exchange-waiting button").await;
    choose_laptop_value_and_apply(&office_pc, "exchange-shared-conflict").await;
    office_pc.wait_for_text("#message-text", "返信").await;
    assert_eq!(laptop_cases(&o.parent_db), 1);
    assert_eq!(handed_out(&o.parent_db), 1);
    assert_eq!(case_one(&o.parent_db), LAPTOP_TEXT);

    // The reply went to the shared folder; the laptop's next round takes
    // it in by itself.
    let start = std::time::Instant::now();
    while case_one(&o.child_db) != LAPTOP_TEXT || std::fs::read_dir(&nas).unwrap().count() > 0 {
        assert!(
            start.elapsed() < crate::harness::WAIT,
            "the laptop did not take the reply in: {:?}",
            std::fs::read_dir(&nas)
                .unwrap()
                .flatten()
                .map(|e| e.file_name())
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(office_pc
        .client
        .find(fantoccini::Locator::Css("#exchange-badge"))
        .await
        .is_err());
    laptop.quit().await;
    office_pc.quit().await;
}

#[tokio::test]
async fn a_new_pc_starts_as_a_child_from_the_setup_file_on_the_first_screen() {
    let o = office();
    let setup = std::fs::read_dir(o.dir.path().join("usb"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "zds"))
        .expect("the setup file");
    let db = o.dir.path().join("new-pc.db");
    std::env::set_var("ZAITAKU_E2E_EXCHANGE_FILE", &setup);
    let app = App::launch_locked(&db).await;
    app.wait_for("#first-run").await;
    app.click("#first-run-child").await;
    let question = app.dialog_text().await;
    assert!(question.contains("子機として開始"), "{question}");
    app.client.accept_alert().await.unwrap();
    app.wait_for_text("#lock-note", "子機「ノートPC」として開始しました")
        .await;
    app.sign_in_as("山田 花子").await;
    app.open_view("settings").await;
    app.wait_for_text("#exchange-identity", "ノートPC（子機）")
        .await;
    app.wait_for("#exchange-export").await;
    app.quit().await;
    std::env::remove_var("ZAITAKU_E2E_EXCHANGE_FILE");
    assert_eq!(
        db_number(&db, "SELECT count(*) FROM cases"),
        db_number(&o.parent_db, "SELECT count(*) FROM cases"),
        "the office's records came with the setup file"
    );
}
