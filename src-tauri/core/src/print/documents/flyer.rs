//! A4 lecture flyers for a 公民館 board: a strong title band, the date and
//! time in 令和 with the weekday, venue, lecturer, description, 定員 and
//! how to apply, and the office's contact box at the foot; optionally the
//! user's image and a QR code. Two templates: 講座 (blue band) and 施設見学
//! ツアー (green frame).

use std::sync::Arc;

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::lectures::SessionKind;
use crate::office::Office;
use crate::print::layout::{fill, fit, frame, wrap, Align, Area, Lines, PageSize};
use crate::print::{Image, Op, Page, Printed, Rgb};
use crate::{store, wareki, Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Template {
    /// 出前講座・市民公開講座
    Lecture,
    /// 介護施設見学ツアー
    Tour,
}

/// Everything a flyer shows; built from a lecture session or by hand.
#[derive(Debug, Clone, PartialEq)]
pub struct FlyerData {
    pub template: Template,
    /// 出前講座 / 市民公開講座 / 施設見学ツアー
    pub kind_label: String,
    pub title: String,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: Option<NaiveTime>,
    pub venue_name: String,
    pub venue_address: String,
    pub lecturer: String,
    pub lecturer_organisation: String,
    pub description: String,
    /// 定員, e.g. 30名（先着順）
    pub capacity: String,
    /// 申込方法, e.g. 11月17日（月）までにお電話で
    pub application: String,
    pub office: Office,
    pub image: Option<Arc<Image>>,
    /// A URL or phone number shown as a QR code.
    pub qr_text: Option<String>,
}

/// 令和7年11月24日（月）14:00〜15:30
pub fn date_time_label(date: NaiveDate, start: NaiveTime, end: Option<NaiveTime>) -> String {
    let mut out = format!(
        "{}{}",
        wareki::format_date_with_weekday(date),
        start.format("%H:%M")
    );
    if let Some(end) = end {
        out.push_str(&format!("〜{}", end.format("%H:%M")));
    }
    out
}

struct Palette {
    strong: Rgb,
    pale: Rgb,
    accent: Rgb,
}

const BLUE: Palette = Palette {
    strong: Rgb(0x1f, 0x4e, 0x79),
    pale: Rgb(0xe6, 0xee, 0xf6),
    accent: Rgb(0xe0, 0x8a, 0x1e),
};

const GREEN: Palette = Palette {
    strong: Rgb(0x2e, 0x6b, 0x3a),
    pale: Rgb(0xe8, 0xf3, 0xe4),
    accent: Rgb(0xd9, 0x6b, 0x4a),
};

const W: f32 = 210.0;
const H: f32 = 297.0;
const M: f32 = 14.0;

pub fn build(data: &FlyerData) -> Result<Printed> {
    let mut page = Page::new(PageSize::A4Portrait);
    let palette = match data.template {
        Template::Lecture => &BLUE,
        Template::Tour => &GREEN,
    };
    let ops = &mut page.ops;
    let body_top = match data.template {
        Template::Lecture => lecture_header(ops, data, palette)?,
        Template::Tour => tour_header(ops, data, palette)?,
    };
    let contact_top = H - M - 42.0;
    body(ops, data, palette, body_top, contact_top - 5.0)?;
    contact(
        ops,
        data,
        palette,
        Area::new(M, contact_top, W - 2.0 * M, 42.0),
    )?;
    Ok(Printed {
        title: data.title.clone(),
        pages: vec![page],
    })
}

/// A full-width band with the kind and the title in white.
fn lecture_header(ops: &mut Vec<Op>, data: &FlyerData, p: &Palette) -> Result<f32> {
    ops.push(fill(Area::new(0.0, 0.0, W, 84.0), p.strong));
    ops.push(fill(Area::new(0.0, 84.0, W, 2.5), p.accent));
    kind_pill(
        ops,
        data,
        Area::new(M, 12.0, 0.0, 10.0),
        Rgb::WHITE,
        p.strong,
    )?;
    let area = Area::new(M, 28.0, W - 2.0 * M, 48.0);
    let title = fit_title(&data.title, area, 36.0)?;
    draw_centered(ops, &title, area, Rgb::WHITE);
    Ok(94.0)
}

/// A framed page with a centred ribbon and the title in colour.
fn tour_header(ops: &mut Vec<Op>, data: &FlyerData, p: &Palette) -> Result<f32> {
    ops.push(frame(
        Area::new(6.0, 6.0, W - 12.0, H - 12.0),
        p.strong,
        2.2,
    ));
    ops.push(fill(Area::new(6.0, 6.0, W - 12.0, 30.0), p.pale));
    let (label, widest) = kind_label(data, Area::new(M, 12.0, W - 2.0 * M, 14.0), 20.0, 12.0)?;
    let w = widest + 16.0;
    let ribbon = Area::new((W - w) / 2.0, 13.0, w, label.height() + 2.0);
    ops.push(fill(ribbon, p.strong));
    draw_centered(ops, &label, ribbon, Rgb::WHITE);
    let area = Area::new(M + 4.0, 42.0, W - 2.0 * M - 8.0, 40.0);
    let title = fit_title(&data.title, area, 34.0)?;
    draw_centered(ops, &title, area, p.strong);
    ops.push(fill(Area::new(W / 2.0 - 30.0, 85.0, 60.0, 1.2), p.accent));
    Ok(92.0)
}

/// A title breaks at its own seams when that still reads large: at spaces
/// (主題 on one line, 〜副題〜 on the next), else before an opening bracket
/// or 〜 (…在宅療養 / （専門職向け）); otherwise it wraps like any text.
fn fit_title(title: &str, area: Area, max: f32) -> Result<Lines> {
    if let Some(seamed) = title_seams(title) {
        if let Ok(lines) = fit("title", "題名", &seamed, area, max, max * 0.7) {
            return Ok(lines);
        }
    }
    fit("title", "題名", title, area, max, 18.0)
}

fn title_seams(title: &str) -> Option<String> {
    let pieces: Vec<&str> = title.split([' ', '　']).filter(|p| !p.is_empty()).collect();
    if (2..=3).contains(&pieces.len()) {
        return Some(pieces.join("\n"));
    }
    let at = title
        .char_indices()
        .skip(1)
        .find(|&(_, c)| matches!(c, '（' | '〜' | '「' | '～'))
        .map(|(i, _)| i)?;
    Some(format!("{}\n{}", &title[..at], &title[at..]))
}

/// The kind label fitted into `area` (between `max` and `min` points) and
/// the width of its widest line.
fn kind_label(data: &FlyerData, area: Area, max: f32, min: f32) -> Result<(Lines, f32)> {
    let label = fit("kindLabel", "種類", &data.kind_label, area, max, min)?;
    let widest = label
        .lines
        .iter()
        .map(|l| width(l, label.size))
        .fold(0.0, f32::max);
    Ok((label, widest))
}

fn kind_pill(ops: &mut Vec<Op>, data: &FlyerData, at: Area, bg: Rgb, fg: Rgb) -> Result<()> {
    let (label, widest) = kind_label(data, Area::new(0.0, 0.0, 120.0, at.h), 14.0, 9.0)?;
    let pill = Area::new(at.x, at.y, widest + 10.0, at.h);
    ops.push(fill(pill, bg));
    draw_centered(ops, &label, pill, fg);
    Ok(())
}

/// Date panel, venue and lecturer rows, description (beside the image if
/// there is one), then 定員 and 申込方法.
fn body(ops: &mut Vec<Op>, data: &FlyerData, p: &Palette, top: f32, bottom: f32) -> Result<()> {
    let inner = W - 2.0 * M;
    let mut y = top;
    // 日時: the line people read first after the title.
    let panel = Area::new(M, y, inner, 20.0);
    ops.push(fill(panel, p.pale));
    ops.push(fill(Area::new(M, y, 3.0, 20.0), p.strong));
    let when = date_time_label(data.date, data.start, data.end);
    let text_area = Area::new(M + 8.0, y + 2.0, inner - 12.0, 16.0);
    let when = fit("date", "日時", &when, text_area, 22.0, 14.0)?;
    draw_centered(
        ops,
        &when,
        Area::new(M + 8.0, y, inner - 12.0, 20.0),
        p.strong,
    );
    y += 25.0;

    let venue_label = if data.template == Template::Tour {
        "見学先"
    } else {
        "会場"
    };
    let mut venue = data.venue_name.clone();
    if !data.venue_address.is_empty() {
        venue.push('\n');
        venue.push_str(&data.venue_address);
    }
    y = info_row(ops, p, y, venue_label, "venueName", &venue, 14.0, 16.0)?;
    if !data.lecturer.is_empty() {
        let mut who = data.lecturer.clone();
        if !data.lecturer_organisation.is_empty() {
            who.push_str(&format!("（{}）", data.lecturer_organisation));
        }
        let label = if data.template == Template::Tour {
            "案内"
        } else {
            "講師"
        };
        y = info_row(ops, p, y, label, "lecturer", &who, 13.0, 12.0)?;
    }
    y += 3.0;

    // 定員 and 申込方法 sit at the bottom of the body; the description
    // takes what is left between.
    let terms_h = 22.0;
    let terms_top = bottom - terms_h;
    let mut text_w = inner;
    if let Some(image) = &data.image {
        let box_w = 62.0;
        let max_h = (terms_top - y - 4.0).max(10.0);
        let (w, h) = contain(image, box_w, max_h);
        ops.push(Op::Image {
            x: W - M - box_w + (box_w - w) / 2.0,
            y,
            w,
            h,
            image: image.clone(),
        });
        text_w = inner - box_w - 6.0;
    }
    let desc_area = Area::new(M, y, text_w, terms_top - y - 4.0);
    if !data.description.is_empty() {
        // A short text is set larger so the page does not look empty.
        let desc = fit(
            "description",
            "説明",
            &data.description,
            desc_area,
            16.0,
            9.0,
        )?;
        desc.draw(ops, desc_area, Align::Left, Rgb::BLACK);
    }

    let half = (inner - 5.0) / 2.0;
    terms_box(
        ops,
        p,
        Area::new(M, terms_top, half, terms_h),
        "定員",
        "capacity",
        &data.capacity,
    )?;
    terms_box(
        ops,
        p,
        Area::new(M + half + 5.0, terms_top, half, terms_h),
        "申込方法",
        "application",
        &data.application,
    )?;
    Ok(())
}

/// A labelled row (会場, 講師): label on a coloured tab, value beside it.
#[allow(clippy::too_many_arguments)]
fn info_row(
    ops: &mut Vec<Op>,
    p: &Palette,
    y: f32,
    label: &str,
    field: &str,
    value: &str,
    size: f32,
    max_h: f32,
) -> Result<f32> {
    let label_w = 24.0;
    let area = Area::new(M + label_w + 4.0, y, W - 2.0 * M - label_w - 4.0, max_h);
    let lines = fit(field, label, value, area, size, 9.0)?;
    let h = lines.height().max(9.0);
    let tab = Area::new(M, y, label_w, h);
    ops.push(fill(tab, p.strong));
    draw_centered(ops, &wrap(label, label_w, 11.0), tab, Rgb::WHITE);
    lines.draw(
        ops,
        Area::new(area.x, y + (h - lines.height()) / 2.0, area.w, h),
        Align::Left,
        Rgb::BLACK,
    );
    ops.push(Op::Line {
        x1: M,
        y1: y + h + 1.5,
        x2: W - M,
        y2: y + h + 1.5,
        color: Rgb::LIGHT,
        width: 0.3,
        dashed: false,
    });
    Ok(y + h + 4.0)
}

fn terms_box(
    ops: &mut Vec<Op>,
    p: &Palette,
    area: Area,
    label: &str,
    field: &str,
    value: &str,
) -> Result<()> {
    ops.push(frame(area, p.strong, 0.5));
    let tab = Area::new(area.x, area.y, area.w, 7.0);
    ops.push(fill(tab, p.pale));
    draw_centered(ops, &wrap(label, area.w, 10.5), tab, p.strong);
    let text_area = Area::new(area.x + 3.0, area.y + 8.0, area.w - 6.0, area.h - 9.0);
    let lines = fit(field, label, value, text_area, 12.0, 8.0)?;
    draw_centered(ops, &lines, text_area, Rgb::BLACK);
    Ok(())
}

/// お問い合わせ・お申し込み: the office from 設定, with the QR code.
fn contact(ops: &mut Vec<Op>, data: &FlyerData, p: &Palette, area: Area) -> Result<()> {
    ops.push(frame(area, p.strong, 1.0));
    let head = Area::new(area.x, area.y, area.w, 8.0);
    ops.push(fill(head, p.strong));
    draw_centered(
        ops,
        &wrap("お問い合わせ・お申し込み", area.w, 11.0),
        head,
        Rgb::WHITE,
    );
    let mut text_w = area.w - 10.0;
    if let Some(qr) = data.qr_text.as_deref().filter(|t| !t.is_empty()) {
        let size = area.h - 12.0;
        qr_code(ops, qr, area.x + area.w - size - 4.0, area.y + 10.0, size)?;
        text_w -= size + 4.0;
    }
    let o = &data.office;
    let mut lines = vec![o.name.clone()];
    let mut address = String::new();
    if !o.postal_code.is_empty() {
        address.push_str(&format!("〒{}　", o.postal_code));
    }
    address.push_str(&o.address);
    let mut phones = String::new();
    if !o.phone.is_empty() {
        phones.push_str(&format!("TEL {}", o.phone));
    }
    if !o.fax.is_empty() {
        phones.push_str(&format!("　FAX {}", o.fax));
    }
    // The person on a line of its own, so a name is never split.
    let person = if o.contact_person.is_empty() {
        String::new()
    } else {
        format!("担当　{}", o.contact_person)
    };
    let name_area = Area::new(area.x + 5.0, area.y + 11.0, text_w, 9.0);
    let name = fit(
        "office",
        "事業所名",
        &lines.remove(0),
        name_area,
        15.0,
        10.0,
    )?;
    name.draw(ops, name_area, Align::Left, Rgb::BLACK);
    let rest = [address, phones, person]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let rest_area = Area::new(area.x + 5.0, area.y + 22.0, text_w, area.h - 24.0);
    let rest = fit("office", "事業所の連絡先", &rest, rest_area, 12.0, 8.0)?;
    rest.draw(ops, rest_area, Align::Left, Rgb::BLACK);
    Ok(())
}

/// Dark modules as rectangles (runs merged along each row).
fn qr_code(ops: &mut Vec<Op>, text: &str, x: f32, y: f32, size: f32) -> Result<()> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|_| {
        Error::invalid(
            "qrText",
            "QRコードにする文字が長すぎます。短いURLか電話番号にしてください。",
        )
    })?;
    let n = code.width();
    let colors = code.to_colors();
    let quiet = 2.0;
    let cell = size / (n as f32 + 2.0 * quiet);
    ops.push(fill(Area::new(x, y, size, size), Rgb::WHITE));
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if colors[row * n + col] == qrcode::Color::Dark {
                let start = col;
                while col < n && colors[row * n + col] == qrcode::Color::Dark {
                    col += 1;
                }
                ops.push(fill(
                    Area::new(
                        x + (quiet + start as f32) * cell,
                        y + (quiet + row as f32) * cell,
                        (col - start) as f32 * cell + 0.02,
                        cell + 0.02,
                    ),
                    Rgb(0, 0, 0),
                ));
            } else {
                col += 1;
            }
        }
    }
    Ok(())
}

fn width(text: &str, size: f32) -> f32 {
    crate::print::font::font().width_mm(text, size)
}

fn draw_centered(ops: &mut Vec<Op>, lines: &Lines, area: Area, color: Rgb) {
    let top = area.y + (area.h - lines.height()) / 2.0;
    lines.draw(
        ops,
        Area::new(area.x, top, area.w, lines.height()),
        Align::Center,
        color,
    );
}

/// The image scaled to fit `max_w` × `max_h`, keeping its proportions.
fn contain(image: &Image, max_w: f32, max_h: f32) -> (f32, f32) {
    let ratio = image.height_px.max(1) as f32 / image.width_px.max(1) as f32;
    let w = max_w.min(max_h / ratio);
    (w, w * ratio)
}

/// The flyer of a lecture session: kind, title, 令和 date and time, venue
/// with address, lecturers with the theme's organisation, the theme's
/// summary, 定員, and the office's contact box with a QR code of its phone
/// number (a smartphone calls it).
pub fn from_session(session: &crate::lectures::Session, office: Office) -> Result<FlyerData> {
    let b = &session.basics;
    let date = store::parse_iso(&b.session_date)?;
    if b.start_time.is_empty() {
        return Err(Error::invalid(
            "startTime",
            "チラシには開始時刻が必要です。開催に開始時刻を入れてください。",
        ));
    }
    let start = store::parse_clock(&b.start_time)?;
    let end = match b.end_time.as_str() {
        "" => None,
        stored => Some(store::parse_clock(stored)?),
    };
    let theme = session.theme.as_ref();
    let title = if b.title.is_empty() {
        theme.map(|t| t.title.clone()).unwrap_or_default()
    } else {
        b.title.clone()
    };
    let (venue_name, venue_address) = session
        .venue
        .as_ref()
        .map(|v| (v.name.clone(), v.address.clone()))
        .unwrap_or_default();
    let capacity = match b.capacity {
        Some(n) if n > 0 => format!("{n}名（先着順）・参加無料"),
        _ => "どなたでも・参加無料".to_string(),
    };
    let qr_text =
        (!office.phone.is_empty()).then(|| format!("tel:{}", office.phone.replace(['-', ' '], "")));
    Ok(FlyerData {
        template: if b.kind == SessionKind::FacilityTour {
            Template::Tour
        } else {
            Template::Lecture
        },
        kind_label: b.kind.to_string(),
        title,
        date,
        start,
        end,
        venue_name,
        venue_address,
        lecturer: session.lecturers.join("、"),
        lecturer_organisation: theme
            .map(|t| t.organisation_name.clone())
            .unwrap_or_default(),
        description: theme.map(|t| t.summary.clone()).unwrap_or_default(),
        capacity,
        application: "お電話でお申し込みください\n（下記のお問い合わせ先）".into(),
        office,
        image: None,
        qr_text,
    })
}

/// A flyer for tests, the benchmark and a first look; text written for this
/// project.
pub fn demo(template: Template, office: Office) -> FlyerData {
    let (kind, title, description) = match template {
        Template::Lecture => (
            "市民公開講座",
            "住み慣れた家で自分らしく暮らす　〜在宅医療と人生会議〜",
            "通院がむずかしくなっても、医師や看護師が家に来てくれる「在宅医療」があります。どんな人が、どんなふうに支えてくれるのか、費用はどのくらいか。訪問診療をしている医師が、実際の例をまじえてわかりやすくお話しします。\n後半は「人生会議（ACP）」について。もしものときに大切にしたいことを、家族や身近な人と話しておくためのヒントをお伝えします。どなたでもお気軽にご参加ください。",
        ),
        Template::Tour => (
            "介護施設見学ツアー",
            "みんなで見に行こう！ 地域の介護施設",
            "「施設ってどんなところ？」「費用は？」「面会はできるの？」そんな疑問を、実際に見て、聞いてみませんか。特別養護老人ホームとグループホームの2か所を、職員の案内でまわります。移動はマイクロバスです（歩きやすい靴でお越しください）。",
        ),
    };
    FlyerData {
        template,
        kind_label: kind.into(),
        title: title.into(),
        date: NaiveDate::from_ymd_opt(2025, 11, 24).expect("valid date"),
        start: NaiveTime::from_hms_opt(14, 0, 0).expect("valid time"),
        end: NaiveTime::from_hms_opt(15, 30, 0),
        venue_name: "みなと市中央公民館　2階 大会議室".into(),
        venue_address: "みなと市本町2丁目3番1号（市役所となり）".into(),
        lecturer: "海野 さくら".into(),
        lecturer_organisation: "みなと市医師会・うみのクリニック院長".into(),
        description: description.into(),
        capacity: "40名（先着順）・参加無料".into(),
        application: "11月17日（月）までに\nお電話でお申し込みください".into(),
        office,
        image: None,
        qr_text: Some("https://example.jp/zaitaku/kouza".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn office() -> Office {
        Office {
            name: "みなと在宅医療相談室".into(),
            postal_code: "123-4567".into(),
            address: "みなと市本町1丁目2番3号 医師会館1階".into(),
            phone: "0123-45-6789".into(),
            fax: "0123-45-6790".into(),
            contact_person: "山田".into(),
            cities: Vec::new(),
            updated_at: None,
            updated_label: None,
        }
    }

    #[test]
    fn the_date_line_is_reiwa_with_weekday_and_range() {
        let d = demo(Template::Lecture, office());
        assert_eq!(
            date_time_label(d.date, d.start, d.end),
            "令和7年11月24日（月）14:00〜15:30"
        );
    }

    #[test]
    fn both_templates_fit_on_one_page_inside_the_paper() {
        for t in [Template::Lecture, Template::Tour] {
            let printed = build(&demo(t, office())).unwrap();
            assert_eq!(printed.pages.len(), 1);
            let text = printed.pages[0].text();
            for expected in [
                "令和7年11月24日（月）14:00〜15:30",
                "みなと在宅医療相談室",
                "TEL 0123-45-6789",
                "40名（先着順）",
            ] {
                assert!(text.contains(expected), "{expected} in {text}");
            }
            for op in &printed.pages[0].ops {
                if let Op::Text {
                    x, y, size, text, ..
                } = op
                {
                    assert!(
                        *x >= 0.0 && x + width(text, *size) <= W && *y <= H,
                        "{op:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn titles_break_at_their_seams() {
        assert_eq!(
            title_seams("住み慣れた家で　〜在宅医療〜").as_deref(),
            Some("住み慣れた家で\n〜在宅医療〜")
        );
        assert_eq!(
            title_seams("多職種で支える在宅療養（専門職向け）").as_deref(),
            Some("多職種で支える在宅療養\n（専門職向け）")
        );
        assert_eq!(title_seams("介護保険サービスのしくみ"), None);
        let area = Area::new(0.0, 0.0, 182.0, 48.0);
        let lines = fit_title("多職種で支える在宅療養（専門職向け）", area, 36.0).unwrap();
        assert_eq!(
            lines.lines,
            vec!["多職種で支える在宅療養", "（専門職向け）"]
        );
    }

    #[test]
    fn a_description_too_long_is_refused_naming_the_field() {
        let mut d = demo(Template::Lecture, office());
        d.description = "とても長い説明です。".repeat(200);
        let err = build(&d).unwrap_err();
        assert_eq!(err.field(), Some("description"));
        assert!(err.to_string().contains("「説明」が長すぎて"));
    }
}
