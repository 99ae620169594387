//! The first start after installing: a fresh HOME and no database named.
//! In the suite it drives the binary this run built; .dev/package-test.sh
//! runs it on the installed /usr/bin/zaitaku-desk (ZAITAKU_E2E_APP) with a
//! HOME it keeps (ZAITAKU_E2E_HOME), to check that removing the package
//! leaves the data folder.
use std::path::{Path, PathBuf};

use crate::harness::App;

/// The screen a new office starts on: 初期設定's first step.
const FIRST_SCREEN: &str = "#first-run .first-run-card";

/// Where the app keeps its database under `home` on Linux (README,
/// 「データの保存場所」).
fn default_db(home: &Path) -> PathBuf {
    home.join(".local/share/jp.zaitaku-desk.desktop/zaitaku-desk.db")
}

#[tokio::test]
async fn first_start_on_a_fresh_home_opens_the_window_and_makes_the_data_folder() {
    let temp_home = tempfile::tempdir().expect("temp home");
    let home = std::env::var_os("ZAITAKU_E2E_HOME")
        .map_or_else(|| temp_home.path().to_path_buf(), PathBuf::from);
    assert!(
        !default_db(&home).exists(),
        "{} is not a fresh home",
        home.display()
    );
    let app = App::launch_in_home(&home).await;
    assert_eq!(app.client.title().await.unwrap(), "在宅医療相談室デスク");
    app.wait_for_text(FIRST_SCREEN, "事業所").await;
    app.wait_for_text("#first-run-demo", "デモデータで試す")
        .await;
    app.screenshot("installed-first-start").await;
    app.quit().await;
    assert!(
        default_db(&home).is_file(),
        "the first start made no database at {}",
        default_db(&home).display()
    );
}
