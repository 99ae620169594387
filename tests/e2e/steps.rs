//! Steps a person takes on a page, built on the primitives of the
//! harness: opening a screen, filling a form, pressing keys, waiting for a
//! message or a value, checking how a form marks its required fields.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use serde_json::json;

use crate::harness::{App, WAIT};

/// The screens of the side menu: view (as in `#cases`) and heading.
pub const SCREENS: &[(&str, &str)] = &[
    ("cases", "相談記録"),
    ("booklets", "意志表示帳"),
    ("lectures", "講座・チラシ"),
    ("registry", "名簿"),
    ("reports", "集計・報告"),
    ("settings", "設定"),
    ("meetings", "会議・研修"),
];

/// WebDriver key codes.
pub const ENTER: &str = "\u{E007}";
pub const ESCAPE: &str = "\u{E00C}";

impl App {
    /// Fills the fields of `form` named by their data-field, in order.
    pub async fn fill_fields(&self, form: &str, fields: &[(&str, &str)]) {
        for (field, text) in fields {
            self.fill(&format!("{form} [data-field='{field}']"), text)
                .await;
        }
    }

    /// The values of the fields of `form` named by their data-field.
    pub async fn field_values(&self, form: &str, fields: &[&str]) -> Vec<String> {
        let mut values = Vec::new();
        for field in fields {
            values.push(self.value(&format!("{form} [data-field='{field}']")).await);
        }
        values
    }

    /// Waits for a refusal containing `needle`: the same text in the message
    /// area and next to the field in `form`. Returns the message.
    pub async fn refused(&self, form: &str, needle: &str) -> String {
        let message = self.wait_for_text("#message-text", needle).await;
        let inline = self
            .wait_for_text(&format!("{form} .field-error"), needle)
            .await;
        assert_eq!(inline, message, "the message by the field in {form}");
        message
    }

    /// Clicks `css` (a save button) and waits for the message containing
    /// `message`; returns the whole message.
    pub async fn click_for_message(&self, css: &str, message: &str) -> String {
        self.click(css).await;
        self.wait_for_text("#message-text", message).await
    }

    /// Opens a screen from the side menu and waits for its heading.
    pub async fn open_view(&self, view: &str) {
        let (_, title) = SCREENS
            .iter()
            .find(|(v, _)| *v == view)
            .unwrap_or_else(|| panic!("no screen {view}"));
        self.click(&format!("a[data-view='{view}']")).await;
        self.wait_for_text("#view h1", title).await;
    }

    /// Sends `keys` (text or WebDriver key codes) to the element `css`.
    pub async fn press(&self, css: &str, keys: &str) {
        self.wait_for(css)
            .await
            .send_keys(keys)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// Sets a <select> (or input) to `value` and tells the page, as a
    /// change by the person would.
    pub async fn choose_value(&self, css: &str, value: &str) {
        self.wait_for(css).await;
        self.eval(&format!(
            "const el = document.querySelector({css:?}); el.value = {value:?}; el.dispatchEvent(new Event('change', {{bubbles: true}})); return el.value;"
        ))
        .await;
    }

    /// How many elements match `css` now.
    pub async fn count(&self, css: &str) -> usize {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map(|all| all.len())
            .unwrap_or(0)
    }

    /// Evaluates the expression `js` until it equals `want`.
    pub async fn wait_for_value(&self, js: &str, want: serde_json::Value) {
        let start = Instant::now();
        loop {
            let got = self.eval(&format!("return {js};")).await;
            if got == want {
                return;
            }
            if start.elapsed() > WAIT {
                panic!("{js} is {got}, expected {want}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Every field of the form `form` marked 必須 carries aria-required, and
    /// every aria-required control shows the mark. Returns how many there are.
    pub async fn required_fields(&self, form: &str) -> usize {
        self.wait_for(form).await;
        let found = self
            .eval(&format!(
                "const form = document.querySelector({form:?});
                 const marked = [...form.querySelectorAll('label')].filter(l => l.querySelector('.required'))
                   .map(l => document.getElementById(l.htmlFor));
                 const required = [...form.querySelectorAll('[aria-required=\"true\"]')];
                 const name = (el) => el ? (el.dataset.field || el.id) : 'a label without its control';
                 return {{
                   unmarked: required.filter(el => !marked.includes(el)).map(name),
                   not_required: marked.filter(el => !el || el.getAttribute('aria-required') !== 'true').map(name),
                   count: marked.length,
                 }};"
            ))
            .await;
        assert_eq!(
            found["unmarked"],
            json!([]),
            "aria-required without the 必須 mark in {form}"
        );
        assert_eq!(
            found["not_required"],
            json!([]),
            "必須 without aria-required in {form}"
        );
        found["count"].as_u64().unwrap_or(0) as usize
    }

    /// A screenshot after the webview has painted the last change.
    pub async fn snap(&self, name: &str) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        self.screenshot(name).await;
    }
}
