//! The bundled Japanese font (IPAexGothic, IPA Font License v1.0; see
//! `src-tauri/fonts/`). One copy serves both the screen and the PDFs.

/// A `static`, not a `const`: a const slice is copied into every crate that
/// uses it, which put the 6 MB font into the binary twice.
pub static JAPANESE_FONT: &[u8] = include_bytes!("../../fonts/ipaexg.ttf");
