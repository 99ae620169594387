//! Operations → PDF with printpdf. The font is embedded as a subset with a
//! ToUnicode map (printpdf's `text_layout` subsetting), so `pdftotext` and a
//! viewer's search find the Japanese text.

use std::collections::HashMap;
use std::sync::Arc;

use printpdf::{
    Color, Line, LineDashPattern, LinePoint, Mm, Op as PdfOp, PaintMode, ParsedFont, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, RawImage, Rect, TextItem, TextMatrix,
    XObjectId, XObjectTransform,
};

use super::font::font;
use super::{Image, Op, Printed, Rgb};
use crate::{Error, Result};

const PT_PER_MM: f32 = 72.0 / 25.4;

/// Writes the document as PDF bytes.
pub fn write(printed: &Printed) -> Vec<u8> {
    let mut doc = PdfDocument::new(&printed.title);
    // Only the characters printed: printpdf then parses a font of a few
    // hundred glyphs instead of the whole 6 MB one.
    let subset = font().subset(&printed.chars());
    let parsed = ParsedFont::from_bytes(&subset, 0, &mut Vec::new())
        .expect("the subset of the bundled font parses");
    let font_id = doc.add_font(&parsed);
    let mut images: HashMap<*const Image, Option<XObjectId>> = HashMap::new();
    let mut pages = Vec::with_capacity(printed.pages.len());
    for page in &printed.pages {
        let mut ops = Vec::new();
        for op in &page.ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    color,
                    text,
                } => {
                    ops.push(PdfOp::StartTextSection);
                    ops.push(PdfOp::SetFont {
                        font: PdfFontHandle::External(font_id.clone()),
                        size: Pt(*size),
                    });
                    ops.push(PdfOp::SetFillColor {
                        col: colour(*color),
                    });
                    ops.push(PdfOp::SetTextMatrix {
                        matrix: TextMatrix::Translate(pt(*x), pt(page.height - y)),
                    });
                    ops.push(PdfOp::ShowText {
                        items: vec![TextItem::Text(text.clone())],
                    });
                    ops.push(PdfOp::EndTextSection);
                }
                Op::Rect {
                    x,
                    y,
                    w,
                    h,
                    fill,
                    stroke,
                } => rect(&mut ops, page.height, (*x, *y, *w, *h), *fill, *stroke),
                Op::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    color,
                    width,
                    dashed,
                } => {
                    ops.push(PdfOp::SaveGraphicsState);
                    ops.push(PdfOp::SetOutlineColor {
                        col: colour(*color),
                    });
                    ops.push(PdfOp::SetOutlineThickness {
                        pt: Pt(*width * PT_PER_MM),
                    });
                    if *dashed {
                        ops.push(PdfOp::SetLineDashPattern {
                            dash: LineDashPattern::new(0.0, &[2.0, 2.0]),
                        });
                    }
                    ops.push(PdfOp::DrawLine {
                        line: Line {
                            points: vec![
                                point(*x1, page.height - y1),
                                point(*x2, page.height - y2),
                            ],
                            is_closed: false,
                        },
                    });
                    ops.push(PdfOp::RestoreGraphicsState);
                }
                Op::Image { x, y, w, h, image } => {
                    let id = images
                        .entry(Arc::as_ptr(image))
                        .or_insert_with(|| {
                            let raw =
                                RawImage::decode_from_bytes(&image.bytes, &mut Vec::new()).ok()?;
                            Some(doc.add_image(&raw))
                        })
                        .clone();
                    if let Some(id) = id {
                        // At the default 300 dpi one pixel is 72/300 pt.
                        let natural_w = image.width_px as f32 * 72.0 / 300.0;
                        let natural_h = image.height_px as f32 * 72.0 / 300.0;
                        ops.push(PdfOp::UseXobject {
                            id,
                            transform: XObjectTransform {
                                translate_x: Some(pt(*x)),
                                translate_y: Some(pt(page.height - y - h)),
                                scale_x: Some(w * PT_PER_MM / natural_w),
                                scale_y: Some(h * PT_PER_MM / natural_h),
                                dpi: Some(300.0),
                                ..Default::default()
                            },
                        });
                    }
                }
            }
        }
        pages.push(PdfPage::new(Mm(page.width), Mm(page.height), ops));
    }
    doc.with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new())
}

/// Writes the PDF to `path` (the whole file at once, so a failure leaves no
/// half-written file behind a previous one).
pub fn save(printed: &Printed, path: &std::path::Path) -> Result<()> {
    let bytes = write(printed);
    let tmp = path.with_extension("pdf.part");
    std::fs::write(&tmp, &bytes)?;
    std::fs::rename(&tmp, path).map_err(Error::from)
}

fn rect(
    ops: &mut Vec<PdfOp>,
    page_h: f32,
    (x, y, w, h): (f32, f32, f32, f32),
    fill: Option<Rgb>,
    stroke: Option<(Rgb, f32)>,
) {
    let shape = |mode| Rect {
        x: pt(x),
        y: pt(page_h - y - h),
        width: pt(w),
        height: pt(h),
        mode: Some(mode),
        winding_order: None,
    };
    ops.push(PdfOp::SaveGraphicsState);
    if let Some(fill) = fill {
        ops.push(PdfOp::SetFillColor { col: colour(fill) });
        ops.push(PdfOp::DrawRectangle {
            rectangle: shape(PaintMode::Fill),
        });
    }
    if let Some((color, width)) = stroke {
        ops.push(PdfOp::SetOutlineColor { col: colour(color) });
        ops.push(PdfOp::SetOutlineThickness {
            pt: Pt(width * PT_PER_MM),
        });
        ops.push(PdfOp::DrawRectangle {
            rectangle: shape(PaintMode::Stroke),
        });
    }
    ops.push(PdfOp::RestoreGraphicsState);
}

fn pt(mm: f32) -> Pt {
    Pt(mm * PT_PER_MM)
}

fn point(x: f32, y: f32) -> LinePoint {
    LinePoint {
        p: Point { x: pt(x), y: pt(y) },
        bezier: false,
    }
}

fn colour(c: Rgb) -> Color {
    Color::Rgb(printpdf::Rgb::new(
        f32::from(c.0) / 255.0,
        f32::from(c.1) / 255.0,
        f32::from(c.2) / 255.0,
        None,
    ))
}

impl Image {
    /// Checks a user's PNG or JPEG and reads its size; anything else is
    /// refused with a message for the `field`.
    pub fn from_bytes(field: &str, bytes: Vec<u8>) -> Result<Image> {
        let mime = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            "image/png"
        } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            "image/jpeg"
        } else {
            return Err(Error::invalid(
                field,
                "画像はPNGかJPEGのファイルを選んでください。",
            ));
        };
        if bytes.len() > 8 * 1024 * 1024 {
            return Err(Error::invalid(
                field,
                "画像が大きすぎます（8MBまで）。小さくしてから選んでください。",
            ));
        }
        let raw = RawImage::decode_from_bytes(&bytes, &mut Vec::new()).map_err(|_| {
            Error::invalid(
                field,
                "画像を読み取れません。別のPNGかJPEGを選んでください。",
            )
        })?;
        Ok(Image {
            bytes,
            mime,
            width_px: raw.width as u32,
            height_px: raw.height as u32,
        })
    }
}
