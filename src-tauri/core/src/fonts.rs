//! The bundled Japanese font (IPAexGothic, IPA Font License v1.0; see
//! `src-tauri/fonts/`). One copy serves both the screen and the PDFs.

pub const JAPANESE_FONT: &[u8] = include_bytes!("../../fonts/ipaexg.ttf");
