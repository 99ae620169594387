//! 報告の設定: how the office's report is made, the same on every PC
//! (`report_settings`). Today the 浸透度 definition.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::lectures::AwarenessRule;
use crate::{Error, Result};

/// One choice of a setting as 設定 offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub value: AwarenessRule,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportSettings {
    /// Which answers of the 浸透度 question count as aware.
    pub awareness_rule: AwarenessRule,
    pub awareness_choices: Vec<Choice>,
}

/// What 設定 sends. The rule arrives as text, so an unknown value gets a
/// message on its field instead of a parse error.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSettingsInput {
    pub awareness_rule: String,
}

pub fn settings(conn: &Connection) -> Result<ReportSettings> {
    Ok(ReportSettings {
        awareness_rule: AwarenessRule::load(conn)?,
        awareness_choices: AwarenessRule::ALL
            .into_iter()
            .map(|value| Choice {
                value,
                label: value.label().into(),
            })
            .collect(),
    })
}

pub fn save_settings(conn: &Connection, input: &ReportSettingsInput) -> Result<ReportSettings> {
    let rule: AwarenessRule = serde_json::from_value(serde_json::Value::String(
        input.awareness_rule.clone(),
    ))
    .map_err(|_| Error::invalid("awareness_rule", "浸透度の数え方を一覧から選んでください。"))?;
    rule.save(conn)?;
    settings(conn)
}
