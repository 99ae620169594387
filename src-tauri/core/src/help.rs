//! ヘルプ: the user guide, which is README's user part (everything before
//! `## For developers`), embedded at build time so the help in the app can
//! never drift from the README that office staff read on the repository.
//!
//! The Markdown is parsed (pulldown-cmark) into a small structured form:
//! sections by heading, blocks and styled spans of plain text. The window
//! draws it with DOM calls and the PDF is laid out from it, so no Markdown
//! or HTML is ever handed to the page as markup. Raw HTML in the README is
//! dropped; a link is kept only when it points at a section of the guide,
//! an image only when it is a screenshot under `ui/help/`.

use std::sync::OnceLock;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

/// The whole README, as committed next to the workspace.
const README: &str = include_str!("../../../README.md");

/// The line that starts the developers' part, which the help never shows.
pub const DEVELOPERS: &str = "\n## For developers\n";

/// Where the developers' part starts in [`README`]. Checked at build time:
/// a README without that heading does not compile, so the help cannot
/// silently grow the developers' part.
const USER_END: usize = find(README.as_bytes(), DEVELOPERS.as_bytes());
const _: () = assert!(
    USER_END < README.len(),
    "README.md lost its `## For developers` heading"
);

const fn find(haystack: &[u8], needle: &[u8]) -> usize {
    let mut i = 0;
    while i + needle.len() <= haystack.len() {
        let mut j = 0;
        while j < needle.len() && haystack[i + j] == needle[j] {
            j += 1;
        }
        if j == needle.len() {
            return i;
        }
        i += 1;
    }
    haystack.len()
}

/// README's user part: everything before `## For developers`.
pub fn user_part() -> &'static str {
    &README[..USER_END]
}

/// The folder of README's screenshots, as README links them; the window
/// serves the same files from `help/`.
pub const IMAGE_FOLDER: &str = "ui/help/";

/// The guide the help shows, parsed once.
pub fn guide() -> &'static Guide {
    static GUIDE: OnceLock<Guide> = OnceLock::new();
    GUIDE.get_or_init(|| parse(user_part()))
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Guide {
    /// In README order; the first is the `#` title with the introduction.
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// GitHub's anchor for the heading, so `[…](#バックアップ)` works both
    /// on the repository and in the app.
    pub id: String,
    /// 1 for `#`, 2 for `##` …
    pub level: u8,
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Block {
    Paragraph {
        spans: Vec<Span>,
    },
    List {
        ordered: bool,
        /// Each item is blocks of its own (a paragraph, a nested list).
        items: Vec<Vec<Block>>,
    },
    Code {
        text: String,
    },
    Quote {
        blocks: Vec<Block>,
    },
    Table {
        head: Vec<Vec<Span>>,
        rows: Vec<Vec<Vec<Span>>>,
    },
    /// A screenshot: `src` is relative to the window's page (`help/…png`).
    Image {
        src: String,
        alt: String,
    },
}

/// A run of plain text with one style.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Span {
    pub text: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub strong: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub code: bool,
    /// The id of the section linked to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

impl Block {
    /// The block's text without styles (for the PDF and the tests).
    pub fn plain(&self) -> String {
        match self {
            Block::Paragraph { spans } => plain(spans),
            Block::List { items, .. } => items
                .iter()
                .flatten()
                .map(Block::plain)
                .collect::<Vec<_>>()
                .join("\n"),
            Block::Code { text } => text.clone(),
            Block::Quote { blocks } => blocks
                .iter()
                .map(Block::plain)
                .collect::<Vec<_>>()
                .join("\n"),
            Block::Table { head, rows } => std::iter::once(head)
                .chain(rows)
                .map(|row| row.iter().map(|c| plain(c)).collect::<Vec<_>>().join("\t"))
                .collect::<Vec<_>>()
                .join("\n"),
            Block::Image { alt, .. } => alt.clone(),
        }
    }
}

impl Span {
    fn same_style(&self, other: &Span) -> bool {
        self.strong == other.strong && self.code == other.code && self.link == other.link
    }
}

pub fn plain(spans: &[Span]) -> String {
    spans.iter().map(|s| s.text.as_str()).collect()
}

impl Guide {
    /// The whole text, headings included (for the tests).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for section in &self.sections {
            out.push_str(&section.title);
            out.push('\n');
            for block in &section.blocks {
                out.push_str(&block.plain());
                out.push('\n');
            }
        }
        out
    }
}

/// GitHub's anchor for a heading: lower case, punctuation and symbols
/// dropped (（）・ too), spaces turned into hyphens.
pub fn anchor(title: &str) -> String {
    title
        .trim()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Parses a Markdown guide into sections.
pub fn parse(markdown: &str) -> Guide {
    let mut builder = Builder::default();
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        builder.event(event);
    }
    builder.finish()
}

/// A block container being filled: the section body, a quote, a list or
/// one of its items.
enum Open {
    Body(Vec<Block>),
    Quote(Vec<Block>),
    List {
        ordered: bool,
        items: Vec<Vec<Block>>,
    },
    Item(Vec<Block>),
}

#[derive(Default)]
struct Table {
    head: Vec<Vec<Span>>,
    rows: Vec<Vec<Vec<Span>>>,
    in_head: bool,
}

#[derive(Default)]
struct Builder {
    sections: Vec<Section>,
    open: Vec<Open>,
    /// Text of the paragraph, heading, table cell or tight list item being read.
    spans: Vec<Span>,
    heading: Option<u8>,
    code: Option<String>,
    image: Option<(String, String)>,
    table: Option<Table>,
    strong: usize,
    links: Vec<Option<String>>,
    /// A soft line break is pending: a space between Latin words, nothing
    /// between Japanese ones (the README wraps its lines anywhere).
    soft_break: bool,
}

impl Builder {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text),
            Event::Code(text) => {
                self.flush_soft_break(&text);
                self.spans.push(Span {
                    text: text.into_string(),
                    code: true,
                    ..self.style()
                });
            }
            Event::SoftBreak => self.soft_break = true,
            Event::HardBreak => self.text("\n"),
            // Raw HTML, rules, footnotes and the rest: never shown.
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Heading { level, .. } => {
                self.flush_spans();
                self.heading = Some(level_number(level));
            }
            Tag::Paragraph => self.flush_spans(),
            Tag::BlockQuote(_) => {
                self.flush_spans();
                self.open.push(Open::Quote(Vec::new()));
            }
            Tag::List(start) => {
                self.flush_spans();
                self.open.push(Open::List {
                    ordered: start.is_some(),
                    items: Vec::new(),
                });
            }
            Tag::Item => self.open.push(Open::Item(Vec::new())),
            Tag::CodeBlock(_) => {
                self.flush_spans();
                self.code = Some(String::new());
            }
            Tag::Table(_) => {
                self.flush_spans();
                self.table = Some(Table::default());
            }
            Tag::TableHead => {
                if let Some(table) = &mut self.table {
                    table.in_head = true;
                }
            }
            Tag::TableRow => {
                if let Some(table) = &mut self.table {
                    table.rows.push(Vec::new());
                }
            }
            Tag::TableCell => self.spans.clear(),
            Tag::Strong => self.strong += 1,
            Tag::Link { dest_url, .. } => self.links.push(section_link(&dest_url)),
            Tag::Image { dest_url, .. } => {
                self.image = Some((dest_url.into_string(), String::new()))
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => {
                let spans = std::mem::take(&mut self.spans);
                let level = self.heading.take().unwrap_or(2);
                if !matches!(self.open.as_slice(), [] | [Open::Body(_)]) {
                    // A heading inside a quote or a list starts no section.
                    let spans = spans
                        .into_iter()
                        .map(|s| Span { strong: true, ..s })
                        .collect();
                    self.push(Block::Paragraph { spans });
                    return;
                }
                self.end_section();
                let title = plain(&spans).trim().to_string();
                self.sections.push(Section {
                    id: anchor(&title),
                    level,
                    title,
                    blocks: Vec::new(),
                });
            }
            TagEnd::Paragraph => self.flush_spans(),
            TagEnd::BlockQuote(_) => {
                self.flush_spans();
                if let Some(Open::Quote(blocks)) = self.open.pop() {
                    self.push(Block::Quote { blocks });
                }
            }
            TagEnd::Item => {
                self.flush_spans();
                if let Some(Open::Item(blocks)) = self.open.pop() {
                    if let Some(Open::List { items, .. }) = self.open.last_mut() {
                        items.push(blocks);
                    }
                }
            }
            TagEnd::List(_) => {
                if let Some(Open::List { ordered, items }) = self.open.pop() {
                    self.push(Block::List { ordered, items });
                }
            }
            TagEnd::CodeBlock => {
                if let Some(text) = self.code.take() {
                    self.push(Block::Code {
                        text: text.trim_end().to_string(),
                    });
                }
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.spans);
                if let Some(table) = &mut self.table {
                    if table.in_head {
                        table.head.push(cell);
                    } else if let Some(row) = table.rows.last_mut() {
                        row.push(cell);
                    }
                }
            }
            TagEnd::TableHead => {
                if let Some(table) = &mut self.table {
                    table.in_head = false;
                }
            }
            TagEnd::Table => {
                if let Some(Table { head, rows, .. }) = self.table.take() {
                    self.push(Block::Table { head, rows });
                }
            }
            TagEnd::Strong => self.strong = self.strong.saturating_sub(1),
            TagEnd::Link => {
                self.links.pop();
            }
            TagEnd::Image => {
                if let Some((url, alt)) = self.image.take() {
                    // An image ends the paragraph around it: it is a block.
                    self.flush_spans();
                    if let Some(src) = screenshot_src(&url) {
                        self.push(Block::Image { src, alt });
                    }
                }
            }
            _ => {}
        }
    }

    fn style(&self) -> Span {
        Span {
            text: String::new(),
            strong: self.strong > 0,
            code: false,
            link: self.links.last().cloned().flatten(),
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(code) = &mut self.code {
            code.push_str(text);
            return;
        }
        if let Some((_, alt)) = &mut self.image {
            alt.push_str(text);
            return;
        }
        self.flush_soft_break(text);
        let style = self.style();
        match self.spans.last_mut() {
            Some(last) if last.same_style(&style) => last.text.push_str(text),
            _ => self.spans.push(Span {
                text: text.to_string(),
                ..style
            }),
        }
    }

    fn flush_soft_break(&mut self, next: &str) {
        if !std::mem::take(&mut self.soft_break) {
            return;
        }
        let before = self.spans.last().and_then(|s| s.text.chars().last());
        let after = next.chars().next();
        if before.is_some_and(|c| c.is_ascii()) && after.is_some_and(|c| c.is_ascii()) {
            self.text(" ");
        }
    }

    /// Ends the paragraph (or tight item text) read so far, if any.
    fn flush_spans(&mut self) {
        self.soft_break = false;
        if self.table.is_some() || self.heading.is_some() {
            return;
        }
        let spans = std::mem::take(&mut self.spans);
        if !spans.iter().all(|s| s.text.trim().is_empty()) {
            self.push(Block::Paragraph { spans });
        }
    }

    fn push(&mut self, block: Block) {
        match self.open.last_mut() {
            Some(Open::Body(blocks) | Open::Quote(blocks) | Open::Item(blocks)) => {
                blocks.push(block)
            }
            // A list holds items only; a stray block becomes an item.
            Some(Open::List { items, .. }) => items.push(vec![block]),
            None => self.open.push(Open::Body(vec![block])),
        }
    }

    /// Moves the blocks read since the last heading into its section (an
    /// untitled one for text before the first heading).
    fn end_section(&mut self) {
        let Some(Open::Body(blocks)) = self.open.pop() else {
            return;
        };
        if self.sections.is_empty() {
            self.sections.push(Section {
                id: String::new(),
                level: 1,
                title: String::new(),
                blocks: Vec::new(),
            });
        }
        if let Some(section) = self.sections.last_mut() {
            section.blocks.extend(blocks);
        }
    }

    fn finish(mut self) -> Guide {
        self.flush_spans();
        self.end_section();
        dedupe_ids(&mut self.sections);
        Guide {
            sections: self.sections,
        }
    }
}

fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// `#anchor` → the section id; any other link is shown as its text only
/// (the app opens nothing outside itself).
fn section_link(url: &str) -> Option<String> {
    url.strip_prefix('#')
        .filter(|id| !id.is_empty())
        .map(|id| anchor(&percent_decode(id)))
}

/// `%E3%83%98…` in an anchor link (as GitHub's "copy link" writes it).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `ui/help/cases.png` (README's path) → `help/cases.png` (the window's);
/// anything else is not shown.
pub fn screenshot_src(url: &str) -> Option<String> {
    let name = url.strip_prefix(IMAGE_FOLDER)?;
    let stem = name.strip_suffix(".png")?;
    let plain = !stem.is_empty()
        && stem
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    plain.then(|| format!("help/{name}"))
}

/// GitHub numbers repeated anchors: `a`, `a-1`, `a-2`.
fn dedupe_ids(sections: &mut [Section]) {
    let mut seen: Vec<String> = Vec::new();
    for section in sections {
        let base = section.id.clone();
        let mut id = base.clone();
        let mut n = 0;
        while seen.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        seen.push(id.clone());
        section.id = id;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_githubs() {
        assert_eq!(anchor("バックアップ"), "バックアップ");
        assert_eq!(
            anchor("印刷（冊子・チラシ・一覧・相談記録）"),
            "印刷冊子チラシ一覧相談記録"
        );
        assert_eq!(
            anchor("はじめに（Debian / Ubuntu）"),
            "はじめにdebian--ubuntu"
        );
    }

    #[test]
    fn japanese_lines_join_without_a_space_and_latin_words_with_one() {
        let guide = parse("## 見出し\n\n日本語の\n文です。\nCSV\nfile\n");
        assert_eq!(
            guide.sections[0].blocks[0].plain(),
            "日本語の文です。CSV file"
        );
    }

    #[test]
    fn raw_html_and_foreign_images_are_dropped_and_links_kept_only_to_sections() {
        let guide = parse(
            "## A\n\n<script>alert(1)</script>\n\n[外](https://example.com) [中](#b) ![x](../../etc/passwd) ![画面](ui/help/cases.png)\n\n## B\n",
        );
        let blocks = &guide.sections[0].blocks;
        let text: String = blocks.iter().map(Block::plain).collect();
        assert!(!text.contains("script"), "{text}");
        let Block::Paragraph { spans } = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert_eq!(spans.iter().filter(|s| s.link.is_some()).count(), 1);
        assert_eq!(
            spans
                .iter()
                .find(|s| s.text == "中")
                .and_then(|s| s.link.clone()),
            Some("b".into())
        );
        let images: Vec<&Block> = blocks
            .iter()
            .filter(|b| matches!(b, Block::Image { .. }))
            .collect();
        assert_eq!(
            images,
            [&Block::Image {
                src: "help/cases.png".into(),
                alt: "画面".into()
            }]
        );
    }
}
