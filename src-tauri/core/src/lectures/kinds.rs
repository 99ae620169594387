//! The two closed lists of a session: its 種別 and its 状態. Each variant
//! has one label, which is what the database stores (its CHECK constraints
//! list the same labels), what the UI sends and shows, and what a message
//! quotes.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// An enum whose variants are written as Japanese labels everywhere.
macro_rules! labelled {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $label:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $label)] $variant,)+
        }

        impl $name {
            /// Every variant, in the order the UI offers them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The label: stored, sent and shown.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }

            /// The variant with this label, if any.
            pub fn parse(label: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == label)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let label = value.as_str()?;
                $name::parse(label).ok_or_else(|| {
                    FromSqlError::Other(format!("{} 「{label}」", stringify!($name)).into())
                })
            }
        }
    };
}

labelled! {
    /// 開催の種別.
    SessionKind {
        Outreach = "出前講座",
        PublicLecture = "市民公開講座",
        Training = "研修会",
        /// 介護施設見学ツアー: printed with the tour flyer.
        FacilityTour = "施設見学ツアー",
        Other = "その他",
    }
}

labelled! {
    /// 開催の状態. Figures count [`Status::Held`] sessions only.
    Status {
        Planned = "予定",
        Held = "実施済",
        Cancelled = "中止",
    }
}

impl Status {
    /// Whether the questionnaire tally of a session in this state may be
    /// entered: only once it is 実施済.
    pub fn takes_tally(self) -> bool {
        self == Status::Held
    }
}

/// A 種別 from a filter: empty is every kind.
pub(crate) fn check_kind_filter(value: &str) -> Result<Option<SessionKind>> {
    match value.trim() {
        "" => Ok(None),
        label => SessionKind::parse(label)
            .map(Some)
            .ok_or_else(|| Error::invalid("kind", "種別を一覧から選んでください。")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_the_wire_and_stored_form() {
        for kind in SessionKind::ALL {
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(json, format!("\"{kind}\""));
            assert_eq!(serde_json::from_str::<SessionKind>(&json).unwrap(), *kind);
            assert_eq!(SessionKind::parse(kind.as_str()), Some(*kind));
        }
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(*status));
        }
        assert_eq!(
            serde_json::to_string(&Status::ALL).unwrap(),
            r#"["予定","実施済","中止"]"#
        );
        assert_eq!(SessionKind::parse("講演会"), None);
        assert_eq!(Status::parse(""), None);
    }

    #[test]
    fn stored_labels_read_back_and_unknown_ones_fail() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let read = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, SessionKind>(0));
        assert_eq!(
            read("SELECT '施設見学ツアー'").unwrap(),
            SessionKind::FacilityTour
        );
        assert!(read("SELECT '講演会'").is_err());
        let held: Status = conn
            .query_row("SELECT ?1", [Status::Held], |r| r.get(0))
            .unwrap();
        assert_eq!(held, Status::Held);
    }
}
