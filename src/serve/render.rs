//! The article view's Markdown, read into blocks of plain text: headings,
//! paragraphs, list items, code, quotes, table rows. The page builds them
//! as DOM elements holding text nodes, so nothing an article holds is ever
//! parsed as HTML there (raw HTML in the Markdown is reduced to its text);
//! a link keeps only an `http(s)` target; images are left out (the page
//! links the original for them). Matches are marked a span at a time, as
//! the terminal's `show` marks them.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::output::snippet;

/// A run of text with one style.
#[derive(Debug, Default, Serialize, PartialEq)]
pub struct Span {
    pub text: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub marks: Vec<(usize, usize)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub strong: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub code: bool,
}

/// One block: `h1`…`h6`, `p`, `li` (with its list depth), `pre`, `quote`,
/// `hr`, or a table row `tr`/`th` (its cells).
#[derive(Debug, Default, Serialize, PartialEq)]
pub struct Block {
    pub kind: &'static str,
    #[serde(skip_serializing_if = "is_zero")]
    pub depth: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<Span>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<Vec<Span>>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Blocks of one article at most: a page of more is not reading.
const MAX_BLOCKS: usize = 20_000;

/// Reading state: the block being filled and the styles in force.
#[derive(Default)]
struct Reader {
    out: Vec<Block>,
    cur: Option<Block>,
    strong: usize,
    href: Option<String>,
    image: usize,
    list_depth: usize,
    quote: usize,
    needles: Vec<String>,
}

fn heading(level: HeadingLevel) -> &'static str {
    match level {
        HeadingLevel::H1 => "h1",
        HeadingLevel::H2 => "h2",
        HeadingLevel::H3 => "h3",
        HeadingLevel::H4 => "h4",
        HeadingLevel::H5 => "h5",
        HeadingLevel::H6 => "h6",
    }
}

/// Only web links are kept: an article's link could be `javascript:`.
fn safe_href(url: &str) -> Option<String> {
    let lower = url.trim_start().to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then(|| url.trim().to_string())
}

/// The text of a raw HTML fragment: its tags dropped.
fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

impl Reader {
    fn open(&mut self, kind: &'static str) {
        self.close();
        let depth = if kind == "li" { self.list_depth } else { 0 };
        let kind = if kind == "p" && self.quote > 0 {
            "quote"
        } else {
            kind
        };
        self.cur = Some(Block {
            kind,
            depth,
            ..Block::default()
        });
    }

    fn close(&mut self) {
        if let Some(b) = self.cur.take() {
            let empty = b.spans.iter().all(|s| s.text.trim().is_empty())
                && b.cells.is_empty()
                && b.kind != "hr";
            if !empty && self.out.len() < MAX_BLOCKS {
                self.out.push(b);
            }
        }
    }

    fn text(&mut self, text: &str, code: bool) {
        if self.image > 0 || text.is_empty() {
            return;
        }
        let span = Span {
            text: text.to_string(),
            marks: snippet::marks::marks(text, &self.needles)
                .into_iter()
                .map(|r| (r.start, r.end))
                .collect(),
            href: self.href.clone(),
            strong: self.strong > 0,
            code,
        };
        let block = self.cur.get_or_insert_with(|| Block {
            kind: "p",
            ..Block::default()
        });
        match block.cells.last_mut() {
            Some(cell) => cell.push(span),
            None => block.spans.push(span),
        }
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Heading { level, .. } => self.open(heading(level)),
            // A loose list item's paragraph stays in the item.
            Tag::Paragraph if self.cur.as_ref().is_none_or(|b| b.kind != "li") => self.open("p"),
            Tag::Item => self.open("li"),
            Tag::List(_) => self.list_depth += 1,
            Tag::CodeBlock(_) => self.open("pre"),
            Tag::BlockQuote(_) => self.quote += 1,
            Tag::TableHead => self.open("th"),
            Tag::TableRow => self.open("tr"),
            Tag::TableCell => {
                if let Some(b) = self.cur.as_mut() {
                    b.cells.push(Vec::new());
                }
            }
            Tag::Strong => self.strong += 1,
            Tag::Link { dest_url, .. } => self.href = safe_href(&dest_url),
            Tag::Image { .. } => self.image += 1,
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_)
            | TagEnd::Paragraph
            | TagEnd::Item
            | TagEnd::CodeBlock
            | TagEnd::TableHead
            | TagEnd::TableRow => self.close(),
            TagEnd::List(_) => self.list_depth = self.list_depth.saturating_sub(1),
            TagEnd::BlockQuote(_) => self.quote = self.quote.saturating_sub(1),
            TagEnd::Strong => self.strong = self.strong.saturating_sub(1),
            TagEnd::Link => self.href = None,
            TagEnd::Image => self.image = self.image.saturating_sub(1),
            _ => {}
        }
    }
}

/// The blocks of `markdown`, with the matches of `needles` marked. A first
/// heading that repeats the title is left out (the page shows the title).
pub fn blocks(markdown: &str, title: &str, needles: &[String]) -> Vec<Block> {
    let mut r = Reader {
        needles: needles.to_vec(),
        ..Reader::default()
    };
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for ev in Parser::new_ext(markdown, opts) {
        match ev {
            Event::Start(tag) => r.start(tag),
            Event::End(tag) => r.end(tag),
            Event::Text(t) => r.text(&t, false),
            Event::Code(t) => r.text(&t, true),
            Event::Html(h) | Event::InlineHtml(h) => r.text(&html_text(&h), false),
            Event::SoftBreak => r.text(" ", false),
            Event::HardBreak => r.text("\n", false),
            Event::Rule => {
                r.open("hr");
                r.close();
            }
            _ => {}
        }
    }
    r.close();
    let repeats_title = r.out.first().is_some_and(|b| {
        b.kind.starts_with('h')
            && b.spans
                .iter()
                .map(|s| s.text.as_str())
                .collect::<String>()
                .trim()
                == title.trim()
    });
    if repeats_title {
        r.out.remove(0);
    }
    r.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(b: &[Block]) -> Vec<&str> {
        b.iter().map(|b| b.kind).collect()
    }

    #[test]
    fn markdown_becomes_blocks_of_text() {
        let md = "# 标题\n\n第一段 **重要** 文字，[原文](https://example.com/a) 与 [坏](javascript:alert(1))。\n\n![图](https://img/x.png)\n\n- 一\n- 二\n  - 三\n\n```\ncode <b>\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<div onclick=\"x()\">层</div>\n";
        let b = blocks(md, "标题", &[]);
        assert_eq!(kinds(&b), ["p", "li", "li", "li", "pre", "th", "tr", "p"]);
        let p = &b[0].spans;
        assert!(p.iter().any(|s| s.strong && s.text == "重要"));
        assert_eq!(
            p.iter()
                .find(|s| s.text == "原文")
                .and_then(|s| s.href.as_deref()),
            Some("https://example.com/a")
        );
        assert!(p
            .iter()
            .find(|s| s.text == "坏")
            .is_some_and(|s| s.href.is_none()));
        assert!(!b
            .iter()
            .flat_map(|b| &b.spans)
            .any(|s| s.text.contains('图')));
        assert_eq!(b[3].depth, 2);
        assert_eq!(b[4].spans[0].text, "code <b>\n");
        assert_eq!(b[6].cells.len(), 2);
        assert_eq!(
            b[7].spans
                .iter()
                .map(|s| s.text.as_str())
                .collect::<String>()
                .trim(),
            "层"
        );
    }

    #[test]
    fn matches_are_marked_in_each_span() {
        let b = blocks("勒索软件攻击 **LockBit** 医院", "", &["lockbit".into()]);
        let s = b[0].spans.iter().find(|s| s.strong).expect("strong span");
        assert_eq!(s.marks, vec![(0, 7)]);
    }
}
