//! 療養支援ベッド on paper: the 輪番表 handed to the hospitals and the
//! 地域包括支援センター (one A4 page per month: every day with its hospital
//! and telephone, then each hospital's number of days), and the section of
//! the yearly report.

use chrono::NaiveDate;

use crate::beds::rota::RotaMonth;
use crate::beds::BedFigures;
use crate::print::layout::{Align, Block, Column, Document, PageSize};
use crate::report::beds::SECTION_BEDS;

const WEEKDAYS: [&str; 7] = ["月", "火", "水", "木", "金", "土", "日"];

/// The rota of `months` (consecutive), one month per page.
pub fn rota(months: &[RotaMonth], office_name: &str, today: NaiveDate) -> Document {
    let title = match (months.first(), months.last()) {
        (Some(a), Some(b)) if a.month != b.month => {
            format!("療養支援ベッド 輪番表（{}〜{}）", a.label, b.label)
        }
        (Some(a), _) => format!("療養支援ベッド 輪番表（{}）", a.label),
        _ => "療養支援ベッド 輪番表".to_string(),
    };
    let mut doc = Document::new(PageSize::A4Portrait, &title);
    doc.subtitle = Some(office_name.to_string());
    doc.printed_on = Some(today);
    doc.body_size = 9.5;
    for (i, month) in months.iter().enumerate() {
        if i > 0 {
            doc.push(Block::PageBreak);
        }
        doc.push(Block::Heading(format!("{}の輪番", month.label)));
        doc.push(Block::Paragraph(
            "各日の担当病院が療養支援ベッドを1床確保しています。事前登録者の急変時・レスパイトの入院は、その日の担当病院の地域連携室へご相談ください。".into(),
        ));
        doc.push(Block::Table {
            columns: [day_columns(), day_columns()].concat(),
            rows: side_by_side(month),
            min_row_height: 0.0,
        });
        let mut totals: Vec<String> = month
            .hospitals
            .iter()
            .map(|h| format!("{} {}日", h.hospital, h.days))
            .collect();
        if month.open_days > 0 {
            totals.push(format!("未定 {}日", month.open_days));
        }
        doc.push(Block::KeyValue(vec![(
            "担当日数".into(),
            totals.join("、"),
        )]));
    }
    doc
}

/// 日, 曜日, 担当病院, 電話番号: the columns of one half of the month.
fn day_columns() -> Vec<Column> {
    let centred = |title: &str, width: f32| Column {
        align: Align::Center,
        ..Column::new(title, width)
    };
    vec![
        centred("日", 0.7),
        centred("曜", 0.45),
        Column::new("担当病院", 2.4),
        Column::new("電話番号", 1.5),
    ]
}

/// The 1st–16th on the left and the 17th–31st on the right, so a month
/// fits on one page with room for its totals.
fn side_by_side(month: &RotaMonth) -> Vec<Vec<String>> {
    let cells = |d: &crate::beds::RotaDay| {
        vec![
            format!("{}日", d.day_of_month),
            WEEKDAYS[d.weekday as usize % 7].to_string(),
            if d.hospital.is_empty() {
                "（未定）".to_string()
            } else {
                d.hospital.clone()
            },
            d.phone.clone(),
        ]
    };
    let (left, right) = month.days.split_at(month.days.len().min(16));
    left.iter()
        .enumerate()
        .map(|(i, d)| {
            let mut row = cells(d);
            row.extend(
                right
                    .get(i)
                    .map(cells)
                    .unwrap_or_else(|| vec![String::new(); 4]),
            );
            row
        })
        .collect()
}

fn figure_table(doc: &mut Document, label: &str, rows: Vec<Vec<String>>) {
    doc.push(Block::Table {
        columns: vec![
            Column::new(label, 2.6),
            Column::new("利用件数", 1.0).right(),
            Column::new("延べ利用日数", 1.0).right(),
        ],
        rows,
        min_row_height: 0.0,
    });
}

/// The report's 療養支援ベッド section: registrants, then stays and days by
/// reason, hospital and month.
pub fn report_section(doc: &mut Document, f: &BedFigures) {
    doc.push(Block::Heading(SECTION_BEDS.into()));
    doc.push(Block::KeyValue(vec![
        ("新規登録者数".into(), format!("{} 人", f.new_registrants)),
        (
            format!("登録者数（{}現在）", f.end_label),
            format!("{} 人", f.registrants_at_end),
        ),
        (
            "利用".into(),
            format!(
                "{} 件・延べ {} 日（うち14日を超えた利用 {} 件）",
                f.stays, f.days, f.long_stays
            ),
        ),
    ]));
    for (title, tallies) in f.tables() {
        doc.push(Block::Spacer(1.5));
        doc.push(Block::Caption(format!("■ 療養支援ベッド {title}")));
        let mut rows: Vec<Vec<String>> = tallies
            .iter()
            .map(|t| vec![t.name.clone(), t.stays.to_string(), t.days.to_string()])
            .collect();
        rows.push(vec!["合計".into(), f.stays.to_string(), f.days.to_string()]);
        figure_table(doc, "区分", rows);
    }
}
