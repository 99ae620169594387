//! 回復キー: the one sheet that opens an encrypted database when every
//! password is forgotten, with what to do with it.

use chrono::NaiveDate;

use crate::print::layout::{Block, Document, PageSize};

/// The sheet for `key` (as shown: 8 groups of 4), of the database file
/// named `db_file` of `office_name`.
pub fn build(office_name: &str, db_file: &str, key: &str, made_on: NaiveDate) -> Document {
    let mut doc = Document::new(
        PageSize::A4Portrait,
        "回復キー（データを開くための予備の鍵）",
    );
    doc.subtitle = Some(office_name.to_string());
    doc.printed_on = Some(made_on);
    doc.push(Block::Boxed {
        title: "回復キー".into(),
        text: key.to_string(),
    });
    doc.push(Block::KeyValue(vec![
        ("事業所".into(), office_name.to_string()),
        ("データのファイル".into(), db_file.to_string()),
        ("作成日".into(), crate::wareki::format_date(made_on)),
    ]));
    doc.push(Block::Heading("この紙の保管について".into()));
    for text in [
        "この紙は、事務所の金庫など鍵のかかる場所に保管してください。パソコンやUSBメモリと一緒に置かないでください。",
        "管理者がパスワードを忘れたときは、サインイン画面の「回復キーで開く」でこの回復キーを入力すると、データを開いて新しいパスワードを設定できます。",
        "回復キーを知っている人は、誰でもデータを開けます。コピーや写真を撮らず、必要な人以外に見せないでください。",
        "このPDFを印刷したら、パソコンに保存したPDFのファイルは削除してください。",
        "回復キーを作り直すと、この紙の回復キーは使えなくなります。",
    ] {
        doc.push(Block::ListItem {
            depth: 0,
            marker: "・".into(),
            text: text.into(),
        });
    }
    doc
}
