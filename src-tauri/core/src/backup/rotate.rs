//! Backup file names, listing, and pruning to the kept generations.

use std::collections::HashSet;
use std::fs;
use std::path::Path;

use chrono::{Datelike, NaiveDateTime};

use super::{
    restore::not_a_backup, BackupFile, BackupKind, BackupSettings, KEEP_PRE_RESTORE, PREFIX, STAMP,
};
use crate::store::Connection;
use crate::{access_log, wareki, Result};

pub(super) fn parse_name(name: &str) -> Option<(NaiveDateTime, BackupKind)> {
    let rest = name.strip_prefix(PREFIX)?.strip_suffix(".db")?;
    let (stamp, tag) = rest.split_once('_')?;
    Some((
        NaiveDateTime::parse_from_str(stamp, STAMP).ok()?,
        BackupKind::from_tag(tag)?,
    ))
}

pub(super) fn describe(path: &Path) -> Result<BackupFile> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    let (created_at, kind) = parse_name(&name).ok_or_else(|| not_a_backup(path))?;
    Ok(BackupFile {
        path: path.display().to_string(),
        file_name: name,
        kind,
        kind_label: kind.label(),
        created_at,
        created_label: wareki::format_datetime(created_at),
        size_bytes: fs::metadata(path)?.len(),
    })
}

/// The backups in `dir`, newest first. A missing folder has none.
pub fn list(dir: &Path) -> Result<Vec<BackupFile>> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut files: Vec<BackupFile> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_str().and_then(parse_name).is_some())
        .filter_map(|e| describe(&e.path()).ok())
        .collect();
    files.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then(b.file_name.cmp(&a.file_name))
    });
    Ok(files)
}

/// Which backups to keep: all of the newest day, the newest of each of the
/// last `keep_daily` days that have a backup, the newest of each of the last
/// `keep_monthly` months, and the last few pre-restore copies. Pure, so it is easy to test.
pub fn to_keep(files: &[BackupFile], settings: &BackupSettings) -> HashSet<String> {
    let mut keep = HashSet::new();
    let (pre, regular): (Vec<&BackupFile>, Vec<&BackupFile>) = files
        .iter()
        .partition(|f| matches!(f.kind, BackupKind::PreRestore | BackupKind::PreExchange));
    let mut newest: Vec<&BackupFile> = regular;
    newest.sort_by_key(|f| std::cmp::Reverse(f.created_at));
    let mut days = Vec::new();
    let mut months = Vec::new();
    // Every backup of the newest day stays until the next day, so a backup
    // made by hand never makes the morning's one disappear.
    let newest_day = newest.first().map(|f| f.created_at.date());
    for f in &newest {
        if Some(f.created_at.date()) == newest_day {
            keep.insert(f.file_name.clone());
        }
        let day = f.created_at.date();
        if !days.contains(&day) && days.len() < settings.keep_daily as usize {
            days.push(day);
            keep.insert(f.file_name.clone());
        }
        let month = (day.year(), day.month());
        if !months.contains(&month) && months.len() < settings.keep_monthly as usize {
            months.push(month);
            keep.insert(f.file_name.clone());
        }
    }
    let mut pre = pre;
    pre.sort_by_key(|f| std::cmp::Reverse(f.created_at));
    keep.extend(
        pre.iter()
            .take(KEEP_PRE_RESTORE)
            .map(|f| f.file_name.clone()),
    );
    keep
}

/// Deletes backups outside the generations and records which ones in
/// `conn` (a backup that disappears is never a silent event). Returns how
/// many were removed.
pub fn prune(
    conn: &Connection,
    dir: &Path,
    settings: &BackupSettings,
    now: NaiveDateTime,
) -> Result<usize> {
    let files = list(dir)?;
    let keep = to_keep(&files, settings);
    let mut removed = Vec::new();
    for f in files.iter().filter(|f| !keep.contains(&f.file_name)) {
        if fs::remove_file(&f.path).is_ok() {
            // An encrypted backup's key file goes with it.
            let _ = fs::remove_file(crate::keys::path_for(Path::new(&f.path)));
            removed.push(f.file_name.as_str());
        }
    }
    if !removed.is_empty() {
        access_log::record_here(
            conn,
            access_log::Kind::BackupDelete,
            &removed.join(" "),
            &format!("{}件（残す世代数を超えた分）", removed.len()),
            now,
        )?;
    }
    Ok(removed.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backup::file_name;
    use crate::backup::tests::at;

    fn fake(name_at: NaiveDateTime, kind: BackupKind) -> BackupFile {
        BackupFile {
            path: String::new(),
            file_name: file_name(kind, name_at),
            kind,
            kind_label: kind.label(),
            created_at: name_at,
            created_label: String::new(),
            size_bytes: 0,
        }
    }

    #[test]
    fn generations_keep_14_days_and_12_months() {
        // Two backups a day for 400 days.
        let mut files = Vec::new();
        let start = at(2025, 1, 1, 9);
        for day in 0..400 {
            let d = start + chrono::Duration::days(day);
            files.push(fake(d, BackupKind::Auto));
            files.push(fake(d + chrono::Duration::hours(8), BackupKind::Manual));
        }
        let keep = to_keep(&files, &BackupSettings::default());
        let last_day = start + chrono::Duration::days(399);
        // The newest of each of the last 14 days…
        for back in 0..14 {
            let newest = last_day + chrono::Duration::hours(8) - chrono::Duration::days(back);
            assert!(
                keep.contains(&file_name(BackupKind::Manual, newest)),
                "day -{back}"
            );
        }
        // …and one per month for 12 months (some coincide with the days).
        let months: HashSet<(i32, u32)> = files
            .iter()
            .filter(|f| keep.contains(&f.file_name))
            .map(|f| (f.created_at.year(), f.created_at.month()))
            .collect();
        assert_eq!(months.len(), 12);
        assert!(keep.len() <= 15 + 12 && keep.len() >= 12, "{}", keep.len());
        // Both backups of the newest day stay; on older days only the newer one.
        assert!(keep.contains(&file_name(BackupKind::Auto, last_day)));
        assert!(!keep.contains(&file_name(
            BackupKind::Auto,
            last_day - chrono::Duration::days(1)
        )));
        assert!(
            !keep.contains(&file_name(BackupKind::Auto, start)),
            "older than 12 months"
        );
    }
}
