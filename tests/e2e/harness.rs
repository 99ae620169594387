//! One running app per test: its own temp database, its own tauri-driver on
//! free ports, and clean shutdown (SIGTERM, so the driver also stops its
//! WebKitWebDriver) even when the test fails.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

pub const APP_BIN: &str = env!("CARGO_BIN_EXE_zaitaku-desk");
pub const WAIT: Duration = Duration::from_secs(15);

pub struct App {
    pub client: Client,
    driver: Child,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free local port")
}

fn tauri_driver() -> PathBuf {
    let home_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|d| d.join("bin/tauri-driver"));
    match home_bin {
        Some(path) if path.exists() => path,
        _ => PathBuf::from("tauri-driver"),
    }
}

/// The app the tests drive: `ZAITAKU_E2E_APP` when set (the installed
/// package, from .dev/package-test.sh), else the binary this run built.
fn app_bin() -> PathBuf {
    std::env::var_os("ZAITAKU_E2E_APP").map_or_else(|| PathBuf::from(APP_BIN), PathBuf::from)
}

impl App {
    /// Starts the app on `db` and waits until its first screen (or the lock
    /// screen) is drawn.
    pub async fn launch_locked(db: &Path) -> App {
        let app = App::start(|driver| {
            // Inherited by WebKitWebDriver and so by the app.
            driver.env("ZAITAKU_DESK_DB", db);
        })
        .await;
        // Either the first screen, the lock screen asking who is working,
        // or 初期設定 on a new database.
        app.wait_for("#view > *, #lock:not([hidden]) .lock-panel, #first-run .first-run-card")
            .await;
        app
    }

    /// Starts the app as a user who just installed it: `home` as HOME and
    /// no database named, so it opens its default one under `home`.
    pub async fn launch_in_home(home: &Path) -> App {
        App::start(|driver| {
            driver
                .env("HOME", home)
                .env_remove("ZAITAKU_DESK_DB")
                .env_remove("XDG_DATA_HOME")
                .env_remove("XDG_CONFIG_HOME")
                .env_remove("XDG_CACHE_HOME");
        })
        .await
    }

    /// Starts tauri-driver (set up by `configure`) and a session on the app.
    async fn start(configure: impl FnOnce(&mut Command)) -> App {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "end-to-end tests need a display: run them under xvfb-run"
        );
        let port = free_port();
        let native_port = free_port();
        let mut command = Command::new(tauri_driver());
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        configure(&mut command);
        let driver = command
            .spawn()
            .expect("cannot start tauri-driver (cargo install tauri-driver --locked)");
        let mut app = AppStarting {
            driver: Some(driver),
        };
        wait_for_port(port);
        let caps = json!({
            "browserName": "wry",
            "tauri:options": { "application": app_bin() },
        });
        // tauri-driver may accept connections before WebKitWebDriver is
        // ready; a refused first session is retried a few times.
        let mut attempt = 0;
        let client = loop {
            attempt += 1;
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.as_object().cloned().unwrap_or_default())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => break client,
                Err(e) if attempt < 5 => {
                    eprintln!("webdriver session attempt {attempt} failed: {e}; retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(e) => panic!("webdriver session did not start: {e}"),
            }
        };
        App {
            client,
            driver: app.driver.take().expect("driver"),
        }
    }

    /// Starts the app and, when it asks who is working, signs in as the
    /// first staff member listed (tests of other screens don't care who;
    /// on the demo data that is the 管理者) with the demo PIN.
    pub async fn launch(db: &Path) -> App {
        let app = App::launch_locked(db).await;
        if app
            .client
            .find(Locator::Css("#lock:not([hidden]) .lock-member"))
            .await
            .is_ok()
        {
            app.click("#lock .lock-member").await;
            app.type_demo_pin().await;
            app.wait_for("#view > *").await;
        }
        app
    }

    /// Types the demo PIN into the lock screen's field, then Enter.
    async fn type_demo_pin(&self) {
        let pin = format!("{}\u{E007}", zaitaku_core::demo::cases::DEMO_PIN);
        self.fill("#lock-credential", &pin).await;
    }

    /// On the lock screen, signs in as the member whose name contains
    /// `name`, with the demo PIN.
    pub async fn sign_in_as(&self, name: &str) {
        let members = self
            .client
            .find_all(Locator::Css("#lock .lock-member"))
            .await
            .unwrap_or_default();
        for member in members {
            if member.text().await.unwrap_or_default().contains(name) {
                member
                    .click()
                    .await
                    .unwrap_or_else(|e| panic!("sign in as {name}: {e}"));
                self.type_demo_pin().await;
                self.wait_for_text("#actor-name", name).await;
                self.wait_for("#view > *").await;
                return;
            }
        }
        panic!("no staff member named {name} on the lock screen");
    }

    pub async fn wait_for(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
    }

    /// Waits until `css` exists and its text contains `needle`.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let start = Instant::now();
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if let Ok(text) = el.text().await {
                    if text.contains(needle) {
                        return text;
                    }
                    if start.elapsed() > WAIT {
                        panic!("{css} shows {text:?}, expected it to contain {needle:?}");
                    }
                }
            }
            if start.elapsed() > WAIT {
                panic!("{css} never appeared (waiting for {needle:?})");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn click(&self, css: &str) {
        let el = self.wait_for(css).await;
        // Centre it first: WebDriver scrolls it just into view, where the
        // sticky save bar would cover it (a person scrolls further).
        let arg = serde_json::to_value(&el).unwrap_or_default();
        let _ = self
            .client
            .execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg])
            .await;
        el.click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e:?}"));
    }

    /// Replaces the value of the input `css` by typing `text`.
    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.wait_for(css).await;
        el.clear()
            .await
            .unwrap_or_else(|e| panic!("clear {css}: {e}"));
        el.send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    pub async fn value(&self, css: &str) -> String {
        let el = self.wait_for(css).await;
        el.prop("value").await.ok().flatten().unwrap_or_default()
    }

    /// Evaluates `js` (a function body that returns a JSON value).
    pub async fn eval(&self, js: &str) -> serde_json::Value {
        self.client
            .execute(js, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// Waits for a confirm()/alert() dialog and returns its text.
    pub async fn dialog_text(&self) -> String {
        let start = Instant::now();
        loop {
            match self.client.get_alert_text().await {
                Ok(text) => return text,
                Err(e) if start.elapsed() > WAIT => panic!("no dialog appeared: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Saves a screenshot under target/e2e-screenshots/ for people to look at.
    pub async fn screenshot(&self, name: &str) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-screenshots");
        // WebKitWebDriver's screenshot waits for the next frame. With the
        // renderer the app chooses on Linux (no DMA-BUF), a page where
        // nothing moves makes none and the screenshot never came; a short
        // animation nobody can see (opacity 1 → 0.999) makes frames.
        let _ = self
            .client
            .execute(
                "document.documentElement.animate([{ opacity: 1 }, { opacity: 0.999 }], { duration: 200 }); return null;",
                vec![],
            )
            .await;
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
    }

    /// Ends the session (which closes the app) and stops the driver.
    pub async fn quit(mut self) {
        let client = self.client.clone();
        let _ = client.close().await;
        stop(&mut self.driver);
    }
}

impl Drop for App {
    fn drop(&mut self) {
        stop(&mut self.driver);
    }
}

/// Holds the driver while the session is being set up, so a failed start
/// does not leave it running.
struct AppStarting {
    driver: Option<Child>,
}

impl Drop for AppStarting {
    fn drop(&mut self) {
        if let Some(driver) = self.driver.as_mut() {
            stop(driver);
        }
    }
}

fn wait_for_port(port: u16) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < WAIT,
            "tauri-driver did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// SIGTERM, not SIGKILL: tauri-driver then stops its WebKitWebDriver too.
fn stop(driver: &mut Child) {
    if let Ok(Some(_)) = driver.try_wait() {
        return;
    }
    let _ = Command::new("kill")
        .args(["-TERM", &driver.id().to_string()])
        .status();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        if let Ok(Some(_)) = driver.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = driver.kill();
    let _ = driver.wait();
}

pub fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("office.db");
    (dir, db)
}

/// An empty database whose 初期設定 is marked done, so that it opens
/// unlocked on 設定 as an office without staff: for the tests of the 設定
/// form itself, which start from empty fields.
pub fn settings_db() -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = temp_db();
    let conn = zaitaku_core::store::open(&db).expect("open the test database");
    zaitaku_core::store::set_setting(&conn, zaitaku_core::first_run::KEY, "finished")
        .expect("mark 初期設定 done");
    (dir, db)
}

/// A database with the demo office, lists, registries, booklets and
/// lectures, and `cases` demo consultation cases.
pub fn demo_db_with_cases(cases: usize) -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = temp_db();
    let mut conn = zaitaku_core::store::open(&db).expect("open the test database");
    zaitaku_core::demo::fill_with_cases(&mut conn, chrono::Local::now().naive_local(), cases)
        .expect("demo data");
    (dir, db)
}

/// The app on a [`demo_db_with_cases`] database, open on the screen `view`.
pub async fn demo_app_on(cases: usize, view: &str) -> (tempfile::TempDir, PathBuf, App) {
    let (dir, db) = demo_db_with_cases(cases);
    let app = App::launch(&db).await;
    app.open_view(view).await;
    (dir, db, app)
}

/// [`demo_db_with_cases`] with the demo's usual number of cases.
pub fn demo_db() -> (tempfile::TempDir, PathBuf) {
    demo_db_with_cases(zaitaku_core::demo::DEFAULT_CASES)
}

/// The password the end-to-end tests give the first 管理者 of a new
/// (encrypted) database.
pub const E2E_PASSWORD: &str = "kanri-pass-2468";

/// Opens the test database `db`; an encrypted one with the key its key
/// file keeps during 初期設定, or unwrapped with [`E2E_PASSWORD`].
fn open_test_db(db: &Path) -> zaitaku_core::store::Connection {
    use zaitaku_core::keys::KeyFile;
    use zaitaku_core::store::{self, Storage};
    if store::storage(db).expect("storage") != Storage::Encrypted {
        return store::open(db).expect("open the test database");
    }
    let file = KeyFile::load(db).expect("key file").expect("key file");
    let key = file.setup_key().unwrap_or_else(|| {
        let holder = file.holders().remove(0);
        file.unwrap_member(&holder.staff_id, E2E_PASSWORD)
            .expect("the test password")
    });
    store::open_with(db, Some(&key)).expect("open the encrypted test database")
}

/// The number `sql` selects from the database file `db` (a count, a sum).
pub fn db_number(db: &Path, sql: &str) -> i64 {
    let conn = open_test_db(db);
    conn.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The text `sql` selects from the database file `db`.
pub fn db_text(db: &Path, sql: &str) -> String {
    let conn = open_test_db(db);
    conn.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The text of the PDF `pdf` as pdftotext extracts it.
pub fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
