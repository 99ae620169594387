//! The flow of a document's blocks down its pages: where the next block
//! starts, when a page is full, and the table header that repeats.

use super::*;

const TABLE_HEAD: Rgb = Rgb(0xe3, 0xeb, 0xf3);

/// Lays the document's blocks out on pages of its size.
pub(super) fn body_pages(doc: &Document) -> Result<Vec<Page>> {
    let (w, h) = doc.size.mm();
    let top = doc.margin + doc.header_height();
    let bottom = h - doc.margin - 8.0;
    let mut flow = Flow {
        size: doc.size,
        pages: Vec::new(),
        page: Page::new(doc.size),
        x: doc.margin,
        width: w - 2.0 * doc.margin,
        top,
        bottom,
        y: top,
        body: doc.body_size,
    };
    for block in &doc.blocks {
        flow.block(block)?;
    }
    flow.pages.push(flow.page);
    Ok(flow.pages)
}

struct Flow {
    size: PageSize,
    pages: Vec<Page>,
    page: Page,
    x: f32,
    width: f32,
    top: f32,
    bottom: f32,
    y: f32,
    body: f32,
}

impl Flow {
    fn new_page(&mut self) {
        let done = std::mem::replace(&mut self.page, Page::new(self.size));
        self.pages.push(done);
        self.y = self.top;
    }

    fn room(&self) -> f32 {
        self.bottom - self.y
    }

    /// Starts a new page unless `h` fits; true when it did.
    fn ensure(&mut self, h: f32) -> bool {
        if h > self.room() && self.y > self.top {
            self.new_page();
            true
        } else {
            false
        }
    }

    fn block(&mut self, block: &Block) -> Result<()> {
        match block {
            Block::Heading(text) => self.heading(text),
            Block::Subheading(text) => self.subheading(text),
            Block::ListItem {
                depth,
                marker,
                text,
            } => self.list_item(*depth, marker, text),
            Block::Paragraph(text) => self.paragraph(text, self.body, Rgb::BLACK),
            Block::Caption(text) => {
                // Room for the caption, the table header and two rows.
                self.ensure(wrap(text, self.width, self.body).height() + 24.0);
                self.paragraph(text, self.body, ACCENT)
            }
            Block::KeyValue(rows) => self.key_value(rows),
            Block::Table {
                columns,
                rows,
                min_row_height,
            } => self.table(columns, rows, *min_row_height),
            Block::Boxed { title, text } => self.boxed(title, text)?,
            Block::WriteLines(n) => self.write_lines(*n),
            Block::Spacer(h) => self.y = (self.y + h).min(self.bottom),
            Block::PageBreak => {
                if self.y > self.top || !self.page.ops.is_empty() {
                    self.new_page();
                }
            }
        }
        Ok(())
    }

    fn heading(&mut self, text: &str) {
        let size = self.body + 3.5;
        let lines = wrap(text, self.width - 4.0, size);
        // Keep a heading with at least a few lines of what follows.
        self.ensure(lines.height() + 20.0);
        if self.y > self.top {
            self.y += 3.0;
        }
        let h = lines.height();
        self.page
            .ops
            .push(fill(Area::new(self.x, self.y + 1.0, 1.6, h - 2.0), ACCENT));
        lines.draw(
            &mut self.page.ops,
            Area::new(self.x + 4.0, self.y, self.width - 4.0, h),
            Align::Left,
            ACCENT,
        );
        self.y += h + 1.5;
    }

    fn subheading(&mut self, text: &str) {
        let size = self.body + 1.5;
        let lines = wrap(text, self.width, size);
        self.ensure(lines.height() + 14.0);
        if self.y > self.top {
            self.y += 2.0;
        }
        let h = lines.height();
        lines.draw(
            &mut self.page.ops,
            Area::new(self.x, self.y, self.width, h),
            Align::Left,
            ACCENT,
        );
        self.y += h + 1.0;
    }

    /// The marker hangs in a 5 mm column; the text's further lines line up
    /// under its first, and a page may break between them.
    fn list_item(&mut self, depth: usize, marker: &str, text: &str) {
        const STEP: f32 = 5.0;
        let indent = (STEP * depth as f32).min(self.width / 2.0);
        let x = self.x + indent + STEP;
        let width = self.width - indent - STEP;
        let lines = wrap(text, width, self.body);
        let lh = lines.line_height();
        for (i, line) in lines.lines.into_iter().enumerate() {
            self.ensure(lh);
            let at = |x, w| Area::new(x, self.y, w, lh);
            if i == 0 && !marker.is_empty() {
                wrap(marker, STEP, self.body).draw(
                    &mut self.page.ops,
                    at(self.x + indent, STEP),
                    Align::Left,
                    Rgb::BLACK,
                );
            }
            Lines {
                size: self.body,
                lines: vec![line],
            }
            .draw(&mut self.page.ops, at(x, width), Align::Left, Rgb::BLACK);
            self.y += lh;
        }
        self.y += 1.0;
    }

    fn paragraph(&mut self, text: &str, size: f32, color: Rgb) {
        let lines = wrap(text, self.width, size);
        let lh = lines.line_height();
        for line in lines.lines {
            self.ensure(lh);
            Lines {
                size,
                lines: vec![line],
            }
            .draw(
                &mut self.page.ops,
                Area::new(self.x, self.y, self.width, lh),
                Align::Left,
                color,
            );
            self.y += lh;
        }
        self.y += 2.0;
    }

    fn key_value(&mut self, rows: &[(String, String)]) {
        let label_w = self.width * 0.25;
        let value_w = self.width - label_w - 3.0;
        for (label, value) in rows {
            let l = wrap(label, label_w - 2.0, self.body - 0.5);
            let v = wrap(value, value_w, self.body);
            let h = l.height().max(v.height()) + 2.0;
            self.ensure(h);
            l.draw(
                &mut self.page.ops,
                Area::new(self.x + 1.0, self.y + 1.0, label_w, h),
                Align::Left,
                Rgb::GREY,
            );
            v.draw(
                &mut self.page.ops,
                Area::new(self.x + label_w + 3.0, self.y + 1.0, value_w, h),
                Align::Left,
                Rgb::BLACK,
            );
            self.y += h;
            self.page.ops.push(line(
                self.x,
                self.y,
                self.x + self.width,
                self.y,
                Rgb::LIGHT,
                0.2,
            ));
        }
        self.y += 3.0;
    }

    fn table(&mut self, columns: &[Column], rows: &[Vec<String>], min_row_height: f32) {
        let size = self.body - 1.5;
        let total: f32 = columns.iter().map(|c| c.width.max(0.01)).sum();
        let widths: Vec<f32> = columns
            .iter()
            .map(|c| self.width * c.width.max(0.01) / total)
            .collect();
        let pad = 1.5;
        let cells = |texts: &mut dyn Iterator<Item = &str>| -> Vec<Lines> {
            texts
                .zip(&widths)
                .map(|(t, w)| wrap(t, w - 2.0 * pad, size))
                .collect()
        };
        let header = cells(&mut columns.iter().map(|c| c.title.as_str()));
        let header_h = header.iter().map(Lines::height).fold(0.0, f32::max) + 2.0 * pad;
        self.ensure(header_h + min_row_height.max(8.0));
        self.table_row(&header, &widths, columns, header_h, true);
        for row in rows {
            let row_cells = cells(&mut row.iter().map(String::as_str));
            let h = (row_cells.iter().map(Lines::height).fold(0.0, f32::max) + 2.0 * pad)
                .max(min_row_height);
            if self.ensure(h) {
                self.table_row(&header, &widths, columns, header_h, true);
            }
            self.table_row(&row_cells, &widths, columns, h, false);
        }
        self.y += 4.0;
    }

    fn table_row(
        &mut self,
        cells: &[Lines],
        widths: &[f32],
        columns: &[Column],
        h: f32,
        head: bool,
    ) {
        let mut x = self.x;
        if head {
            self.page
                .ops
                .push(fill(Area::new(self.x, self.y, self.width, h), TABLE_HEAD));
        }
        for ((cell, w), column) in cells.iter().zip(widths).zip(columns) {
            let align = if head { Align::Center } else { column.align };
            cell.draw(
                &mut self.page.ops,
                Area::new(x + 1.5, self.y + 1.5, w - 3.0, h),
                align,
                Rgb::BLACK,
            );
            self.page
                .ops
                .push(frame(Area::new(x, self.y, *w, h), Rgb::GREY, 0.25));
            x += w;
        }
        self.y += h;
    }

    fn boxed(&mut self, title: &str, text: &str) -> Result<()> {
        let pad = 3.0;
        let t = wrap(title, self.width - 2.0 * pad, self.body);
        let body = wrap(text, self.width - 2.0 * pad, self.body - 0.5);
        let h = t.height() + body.height() + 2.0 * pad + 1.0;
        if h > self.bottom - self.top {
            return Err(Error::invalid(
                "text",
                format!("「{title}」の文章が1ページに収まりません。短くしてください。"),
            ));
        }
        self.ensure(h);
        let area = Area::new(self.x, self.y, self.width, h);
        self.page.ops.push(frame(area, ACCENT, 0.5));
        t.draw(
            &mut self.page.ops,
            Area::new(self.x + pad, self.y + pad, self.width, h),
            Align::Left,
            ACCENT,
        );
        body.draw(
            &mut self.page.ops,
            Area::new(
                self.x + pad,
                self.y + pad + t.height() + 1.0,
                self.width - 2.0 * pad,
                h,
            ),
            Align::Left,
            Rgb::BLACK,
        );
        self.y += h + 4.0;
        Ok(())
    }

    fn write_lines(&mut self, n: usize) {
        let gap = 8.5;
        for _ in 0..n {
            self.ensure(gap);
            self.y += gap;
            self.page.ops.push(Op::Line {
                x1: self.x,
                y1: self.y,
                x2: self.x + self.width,
                y2: self.y,
                color: Rgb::LIGHT,
                width: 0.3,
                dashed: true,
            });
        }
        self.y += 3.0;
    }
}
