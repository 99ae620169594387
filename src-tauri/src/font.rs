//! Serves the bundled Japanese font to the webview as `zfont://localhost/…`
//! (`http://zfont.localhost/…` on Windows), so the screen never shows tofu
//! on a machine without Japanese fonts, without a second copy in `ui/`.

use std::borrow::Cow;

use tauri::http::{header, Request, Response, StatusCode};
use tauri::{Runtime, UriSchemeContext};

pub const SCHEME: &str = "zfont";

pub fn serve<R: Runtime>(
    _ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
) -> Response<Cow<'static, [u8]>> {
    let builder = Response::builder().header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    let response = if request.uri().path() == "/ipaexg.ttf" {
        builder
            .header(header::CONTENT_TYPE, "font/ttf")
            .header(header::CACHE_CONTROL, "max-age=31536000, immutable")
            .body(Cow::Borrowed(zaitaku_core::fonts::JAPANESE_FONT))
    } else {
        builder
            .status(StatusCode::NOT_FOUND)
            .body(Cow::Borrowed(&b""[..]))
    };
    response.unwrap_or_else(|_| Response::new(Cow::Borrowed(&b""[..])))
}
