//! The data key of an encrypted database: 256 random bits given to SQLCipher
//! as a raw key, so opening needs no key derivation. It is never written to
//! disk as it is; only wrapped copies are (see the encryption design).

use std::fmt;
use std::path::Path;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use rusqlite::Connection;
use zeroize::Zeroizing;

use crate::Result;

/// A database's data key. Wiped from memory when dropped; `Debug` never
/// prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    /// A new random key from the operating system's generator.
    pub fn generate() -> DataKey {
        let mut bytes = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(bytes.as_mut());
        DataKey(bytes)
    }

    pub fn from_bytes(bytes: [u8; 32]) -> DataKey {
        DataKey(Zeroizing::new(bytes))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// SQLCipher's raw-key literal, `"x'<64 hex digits>'"` (quoted for a
    /// PRAGMA or an ATTACH … KEY).
    fn literal(&self) -> Zeroizing<String> {
        let mut text = Zeroizing::new(String::with_capacity(69));
        text.push_str("\"x'");
        for byte in self.0.iter() {
            text.push_str(&format!("{byte:02x}"));
        }
        text.push_str("'\"");
        text
    }

    /// Keys a freshly opened connection: must be the first statement on it.
    /// A wrong key is only noticed by the first read, and reported by the
    /// caller in Japanese: SQLCipher's own `ERROR CORE …` lines on stderr
    /// are turned off first (the level is global to the process and set
    /// once SQLCipher has initialised, i.e. on an open connection).
    pub fn unlock(&self, conn: &Connection) -> Result<()> {
        quiet(conn)?;
        conn.execute_batch(&format!("PRAGMA key = {};", self.literal().as_str()))?;
        Ok(())
    }

    /// Attaches the encrypted database at `path` as `schema` (a name from
    /// code, never from input).
    pub fn attach(&self, conn: &Connection, path: &Path, schema: &str) -> Result<()> {
        quiet(conn)?;
        conn.execute(
            &format!(
                "ATTACH DATABASE ?1 AS {schema} KEY {}",
                self.literal().as_str()
            ),
            [path.to_string_lossy()],
        )?;
        Ok(())
    }
}

/// Turns off SQLCipher's logging to stderr (see [`DataKey::unlock`]).
fn quiet(conn: &Connection) -> Result<()> {
    conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()))?;
    Ok(())
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_encrypted_file_opens_only_with_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.db");
        let key = DataKey::generate();
        {
            let conn = Connection::open(&path).unwrap();
            key.unlock(&conn).unwrap();
            conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES ('秘密の相談内容');")
                .unwrap();
        }
        let bytes = std::fs::read(&path).unwrap();
        assert!(!bytes.windows(4).any(|w| w == b"SQLi"), "header in clear");
        assert!(!bytes.windows("秘密".len()).any(|w| w == "秘密".as_bytes()));

        let again = Connection::open(&path).unwrap();
        key.unlock(&again).unwrap();
        let text: String = again
            .query_row("SELECT x FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(text, "秘密の相談内容");

        let wrong = Connection::open(&path).unwrap();
        DataKey::generate().unlock(&wrong).unwrap();
        assert!(wrong
            .query_row("SELECT count(*) FROM t", [], |r| r.get::<_, i64>(0))
            .is_err());
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = DataKey::from_bytes([0xab; 32]);
        assert_eq!(format!("{key:?}"), "DataKey(…)");
        assert!(key.literal().contains(&"ab".repeat(32)));
    }
}
