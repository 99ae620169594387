//! The 回復キー: 160 random bits printed for the office safe, shown as
//! eight groups of four Crockford base32 characters (no I, L, O or U, so
//! nothing is misread), typed back with or without spaces and hyphens, in
//! either case, with O/I/L read as 0/1/1 the way Crockford decodes them.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use zeroize::Zeroizing;

use crate::{Error, Result};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const BYTES: usize = 20;
/// 160 bits in 5-bit characters.
const CHARS: usize = BYTES * 8 / 5;
const GROUP: usize = 4;

/// A recovery key. Wiped from memory when dropped; `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryKey(Zeroizing<[u8; BYTES]>);

impl RecoveryKey {
    pub fn generate() -> RecoveryKey {
        let mut bytes = Zeroizing::new([0u8; BYTES]);
        OsRng.fill_bytes(bytes.as_mut());
        RecoveryKey(bytes)
    }

    pub(super) fn as_bytes(&self) -> &[u8] {
        self.0.as_ref()
    }

    /// The key as printed: `XXXX-XXXX-…` (8 groups of 4).
    pub fn display(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(CHARS + CHARS / GROUP));
        let (mut acc, mut bits) = (0u32, 0u32);
        let mut written: usize = 0;
        for &byte in self.0.iter() {
            acc = (acc << 8) | u32::from(byte);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                if written > 0 && written.is_multiple_of(GROUP) {
                    out.push('-');
                }
                out.push(ALPHABET[((acc >> bits) & 31) as usize] as char);
                written += 1;
            }
        }
        out
    }

    /// Reads a key as staff type it. `field` names the form field.
    pub fn parse(field: &str, typed: &str) -> Result<RecoveryKey> {
        let wrong = || {
            Error::invalid(
                field,
                format!("回復キーは英数字{CHARS}文字です（4文字ずつの区切りや大文字・小文字は問いません）。印刷した回復キーを確かめて入力してください。"),
            )
        };
        let mut values = Zeroizing::new(Vec::with_capacity(CHARS));
        let folded = Zeroizing::new(crate::text::fold_number_text(typed));
        for c in folded.chars() {
            let c = match c.to_ascii_uppercase() {
                ' ' | '-' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            let value = ALPHABET
                .iter()
                .position(|&a| a as char == c)
                .ok_or_else(wrong)?;
            values.push(value as u32);
        }
        if values.len() != CHARS {
            return Err(wrong());
        }
        let mut bytes = Zeroizing::new([0u8; BYTES]);
        let (mut acc, mut bits, mut at) = (0u32, 0u32, 0);
        for &v in values.iter() {
            acc = (acc << 5) | v;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                bytes[at] = (acc >> bits) as u8;
                at += 1;
            }
        }
        Ok(RecoveryKey(bytes))
    }
}

impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKey(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_printed_key_reads_back_however_it_is_typed() {
        let key = RecoveryKey::generate();
        let shown = key.display();
        assert_eq!(shown.len(), 39, "{}", shown.as_str());
        assert_eq!(shown.split('-').count(), 8);
        assert!(shown
            .chars()
            .all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
        let sloppy = shown.replace('-', " ").to_lowercase().replace('0', "o");
        for typed in [shown.to_string(), sloppy, shown.replace('-', "")] {
            assert_eq!(RecoveryKey::parse("k", &typed).unwrap(), key);
        }
        let wide: String = shown
            .chars()
            .map(|c| match c {
                '-' => '－',
                c => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            })
            .collect();
        assert_eq!(RecoveryKey::parse("k", &wide).unwrap(), key);
    }

    #[test]
    fn a_short_or_foreign_key_is_refused_in_japanese() {
        for typed in ["", "ABCD-EFGH", "UUUU-UUUU-UUUU-UUUU-UUUU-UUUU-UUUU-UUUU"] {
            let e = RecoveryKey::parse("recovery_key", typed).unwrap_err();
            assert_eq!(e.field(), Some("recovery_key"));
            assert!(e.to_string().contains("回復キー"), "{e}");
        }
        assert_eq!(format!("{:?}", RecoveryKey::generate()), "RecoveryKey(…)");
    }
}
