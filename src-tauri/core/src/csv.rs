//! CSV the way Excel on a Japanese Windows PC opens it correctly: UTF-8 with
//! a byte-order mark, CRLF line ends, a header row in Japanese, and every
//! field that needs it quoted. Text that Excel would run as a formula
//! (starting with = + - @, their full-width forms ＝ ＋ － ＠, a tab or a
//! carriage return) gets a leading apostrophe, in the header row too:
//! headers can hold text staff typed (question text in the lectures export).

/// One cell: text is guarded against formula injection, numbers are not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Number(i64),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Number(n)
    }
}

/// A finished file and how many records it holds (the header row not
/// counted), so callers report the count instead of counting lines. The
/// table it was made from is kept, so the same export can be saved as an
/// Excel workbook ([`Csv::to_xlsx`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Csv {
    pub bytes: Vec<u8>,
    pub rows: usize,
    headers: Vec<String>,
    table: Vec<Vec<Cell>>,
}

impl Csv {
    pub fn new(headers: &[&str], rows: &[Vec<Cell>]) -> Csv {
        Csv {
            bytes: to_bytes(headers, rows),
            rows: rows.len(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            table: rows.to_vec(),
        }
    }

    /// The same table as a workbook of one sheet named `title`, made on
    /// `created`: numbers as numbers, text never run as a formula.
    pub fn to_xlsx(&self, title: &str, created: chrono::NaiveDate) -> crate::Result<Vec<u8>> {
        let headers: Vec<&str> = self.headers.iter().map(String::as_str).collect();
        let rows: Vec<Vec<crate::xlsx::Value>> = self
            .table
            .iter()
            .map(|row| row.iter().cloned().map(Into::into).collect())
            .collect();
        let mut book = crate::xlsx::workbook(created)?;
        crate::xlsx::add_sheet(&mut book, title, &headers, &rows)?;
        crate::xlsx::to_bytes(&mut book)
    }
}

/// What an export is saved as: the screens offer both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    /// UTF-8 CSV with a BOM, for Excel on a Japanese PC and other programs.
    #[default]
    Csv,
    /// An Excel workbook (.xlsx) of one sheet.
    Xlsx,
}

/// Writes `file` into `dir` as `<stem>_<date-time>.csv` or `.xlsx`, the
/// sheet named `stem`; returns the path.
pub fn save_to_folder(
    dir: &std::path::Path,
    stem: &str,
    now: chrono::NaiveDateTime,
    file: &Csv,
    format: FileFormat,
) -> crate::Result<std::path::PathBuf> {
    match format {
        FileFormat::Csv => write_to_folder(dir, stem, now, &file.bytes),
        FileFormat::Xlsx => {
            let bytes = file.to_xlsx(stem, now.date())?;
            write_file_to_folder(dir, stem, "xlsx", now, &bytes)
        }
    }
}

/// A column of an export: its header and its cell for one record.
pub type Column<T> = (&'static str, fn(&T) -> Cell);

/// The file of `records`, one row each, in the order of `columns`.
pub fn from_columns<T>(columns: &[Column<T>], records: &[T]) -> Csv {
    let headers: Vec<&str> = columns.iter().map(|(header, _)| *header).collect();
    let rows: Vec<Vec<Cell>> = records
        .iter()
        .map(|r| columns.iter().map(|(_, cell)| cell(r)).collect())
        .collect();
    Csv::new(&headers, &rows)
}

/// The whole file: BOM, header row, then the rows, each line ending in CRLF.
pub fn to_bytes(headers: &[&str], rows: &[Vec<Cell>]) -> Vec<u8> {
    let mut out = String::from("\u{FEFF}");
    let header: Vec<String> = headers.iter().map(|h| quote(&guard_formula(h))).collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|cell| match cell {
                Cell::Number(n) => n.to_string(),
                Cell::Text(s) => quote(&guard_formula(s)),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// The first characters that make a spreadsheet read a cell as a formula
/// (Excel with a Japanese IME reads the full-width forms as formulas too).
const FORMULA_STARTS: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

fn guard_formula(s: &str) -> String {
    if s.starts_with(FORMULA_STARTS) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes `bytes` as `dir/<stem>_<date-time>.csv` through a temporary file,
/// so a half-written CSV never carries the final name; returns the path.
pub fn write_to_folder(
    dir: &std::path::Path,
    stem: &str,
    now: chrono::NaiveDateTime,
    bytes: &[u8],
) -> crate::Result<std::path::PathBuf> {
    write_file_to_folder(dir, stem, "csv", now, bytes)
}

/// [`write_to_folder`] for any kind of export file (.csv, .xlsx).
pub fn write_file_to_folder(
    dir: &std::path::Path,
    stem: &str,
    extension: &str,
    now: chrono::NaiveDateTime,
    bytes: &[u8],
) -> crate::Result<std::path::PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!(
        "{stem}_{}.{extension}",
        now.format("%Y%m%d-%H%M%S")
    ));
    let partial = path.with_extension(format!("{extension}.part"));
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, &path)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_crlf_quoting_and_formula_guard() {
        let rows = vec![vec![
            Cell::from("a,b"),
            Cell::from("say \"hi\""),
            Cell::from("=1+1"),
            Cell::from(-3),
            Cell::from("改行\nあり"),
        ]];
        let bytes = to_bytes(&["列1", "列2", "列3", "列4", "列5"], &rows);
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(
            text,
            "\u{FEFF}列1,列2,列3,列4,列5\r\n\"a,b\",\"say \"\"hi\"\"\",'=1+1,-3,\"改行\nあり\"\r\n"
        );
    }

    #[test]
    fn formula_starts_are_guarded_in_headers_and_text_but_not_numbers() {
        let texts = [
            "=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "＋1", "－1", "＠A1",
        ];
        for text in texts {
            let bytes = to_bytes(&[text], &[vec![Cell::from(text), Cell::from(-1)]]);
            let file = String::from_utf8(bytes).unwrap();
            let quoted = quote(&format!("'{text}"));
            assert_eq!(
                file,
                format!("\u{FEFF}{quoted}\r\n{quoted},-1\r\n"),
                "{text:?}"
            );
        }
        for text in ["1+1", "a=b", " 在宅", "'=1", "ー1"] {
            assert_eq!(guard_formula(text), text);
        }
    }
}
