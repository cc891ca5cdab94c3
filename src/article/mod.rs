//! Reading one article file: bytes → text → [`Article`] (title, url, source,
//! date and the cleaned body that is indexed and shown in snippets).
//!
//! Why hand-written and not a YAML or Markdown crate:
//!
//! * The front matter only looks like YAML. Real headers hold unquoted titles
//!   with `: `, titles that start with `[` or `@`, titles that run over several
//!   raw lines, empty titles, CRLF. Both maintained YAML crates reject ~2% of
//!   real headers, and a rejected header must never cost us the article. So the
//!   header is read line by line (`key: value`, split at the first `: `) and
//!   anything odd falls back instead of failing: [`parse`] cannot fail.
//! * The body only needs what a reader *sees* as text, and the files are
//!   HTML→Markdown converter output (unbalanced code fences, images inside
//!   code blocks, truncated last lines) on which a spec-following Markdown
//!   parser would faithfully produce the wrong text. [`clean_body`] is one
//!   linear pass over the lines (no regex, no backtracking, every look-ahead
//!   bounded) plus one linear pass over the line list for WeChat boilerplate:
//!   measured ~300–390 MB/s a core for decode + parse + clean (release build,
//!   10k real articles), far from the indexer's bottleneck.
//!
//! What the cleaned body is matters for correctness, not only for looks: the
//! search promises grep-exact recall *over the cleaned text*, and the same
//! text is what snippets show, so cleaning must be deterministic and must keep
//! every word a reader of the article sees.
//!
//! One submodule a stage of that reading: [`decode`](decode()) (bytes →
//! text), `front_matter` (header, title, date), `markdown` (the body
//! cleaner), `wechat` (the page UI text around WeChat articles), and the
//! small shared pieces `text` (line splitting, whitespace) and `entities`.

pub mod decode;
mod entities;
mod front_matter;
pub mod fsread;
mod markdown;
mod related;
mod text;
pub mod walk;
mod wechat;

pub use decode::{decode, Decoded};
pub use front_matter::{parse_date, MAX_HEADER_LINES};
pub use markdown::{clean, clean_body, clean_body_with_links, Cleaned};
pub use wechat::is_ui_line;

impl Article {
    /// The text ranking scores: the body without related-article lists.
    pub fn ranking_text(&self) -> &str {
        self.ranking_body.as_deref().unwrap_or(&self.body)
    }

    /// How much of the article is its own: the visible characters of the
    /// ranking text that are not white space. Page UI text (a saved
    /// verification page's `环境异常 … 去验证`) and related-article lists are
    /// already out of the ranking text; white space is not counted because
    /// a Markdown conversion pads a near-empty page with blank lines.
    pub fn substance_chars(&self) -> u64 {
        self.ranking_text()
            .chars()
            .filter(|c| !c.is_whitespace() && !text::is_invisible(*c))
            .count() as u64
    }

    /// The body for the two recall fields: the article's own lines (the
    /// ranking text) and the lines of its related-article lists (empty when
    /// it has none; see `related::list_lines`).
    pub fn recall_parts(&self) -> (&str, String) {
        let lists = self
            .ranking_body
            .as_deref()
            .and_then(|r| Some((r, related::list_lines(&self.body, r)?)));
        match lists {
            Some((own, lists)) => (own, lists),
            None => (&self.body, String::new()),
        }
    }
}

use crate::error::SkipReason;
use front_matter::{header_title, heading_title, split_front_matter};
use text::collapse_whitespace;

/// One parsed article, ready for the analyzer.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// Never empty: front matter `title`, else the first `# ` heading (any
    /// level if there is no `# `), else the file stem. Whitespace collapsed,
    /// HTML entities (`&#8220;`, `&amp;`) decoded as a reader would see them.
    pub title: String,
    /// `""` if missing.
    pub url: String,
    /// `""` if missing.
    pub source: String,
    /// From `date:`; the civil date as written (an offset, if any, is not
    /// applied). `None` when missing or unparseable.
    pub date: Option<jiff::civil::Date>,
    /// The cleaned body text, see [`clean_body`].
    pub body: String,
    /// The cleaned body without its related-article lists (see
    /// `related`), when it has any: what ranking scores, so a list of other
    /// articles' titles scores like a footer. `None`: rank `body`.
    pub ranking_body: Option<String>,
    /// The body's link targets, see [`clean_body_with_links`]: invisible,
    /// so not in `body`, but searchable as `link:`.
    pub links: Vec<String>,
    /// Words of the body that held Markdown escapes, as written, see
    /// [`Cleaned::escaped`].
    pub escaped: Vec<String>,
    /// `Some("GBK")` etc. when the bytes were transcoded,
    /// `Some(decode::REPLACED)` for UTF-8 with invalid bytes replaced,
    /// `None` for UTF-8.
    pub encoding: Option<&'static str>,
}

/// decode + parse.
pub fn read(bytes: &[u8], file_stem: &str) -> Result<Article, SkipReason> {
    let (text, encoding) = decode(bytes)?;
    let mut article = parse(&text, file_stem);
    article.encoding = encoding;
    Ok(article)
}

/// Text → [`Article`]. Never fails: odd headers fall back, the body is kept.
///
/// Front matter: after an optional BOM and blank lines, a line `---`; it ends
/// at the next line that is exactly `---` (trailing blanks ignored). Without
/// that closing line (looked for in the first [`MAX_HEADER_LINES`] lines),
/// the whole text is body. Header lines are read tolerantly, line by line
/// (see `FrontMatter` in the source); only `title`, `url`, `source` and
/// `date` are used.
pub fn parse(text: &str, file_stem: &str) -> Article {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (front, body) = split_front_matter(text);
    let front = front.unwrap_or_default();

    let mut title = header_title(&front.title);
    if title.is_empty() {
        title = heading_title(body).unwrap_or_default();
    }
    if title.is_empty() {
        title = collapse_whitespace(file_stem);
    }
    if title.is_empty() {
        title = "untitled".to_owned();
    }

    // Related-article lists are found in the raw Markdown, before cleaning.
    let ranking_body = related::without_related(body).map(|b| clean_body(&b));
    let Cleaned {
        text: body,
        links,
        escaped,
    } = clean(body);
    Article {
        title,
        url: front.url.trim().to_owned(),
        source: collapse_whitespace(&front.source),
        date: parse_date(&front.date),
        body,
        ranking_body,
        links,
        escaped,
        encoding: None,
    }
}

/// Tests of the reader as a whole, on the real files of the shared corpus;
/// each stage's own tests live beside it.
#[cfg(test)]
mod tests {
    use super::front_matter::{is_block_indicator, split_key_line, unquote, Key};
    use super::text::Lines;
    use super::*;

    /// The shared corpus, as `tests/common::corpus` finds it: a test that
    /// asks for it (it is `#[ignore = "needs ../shared/corpus"]`) fails
    /// when it is missing, never passes unseen.
    fn corpus_dir() -> std::path::PathBuf {
        let dir = match std::env::var_os("SHARED_CORPUS") {
            Some(d) => std::path::PathBuf::from(d),
            None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        };
        assert!(
            dir.is_dir(),
            "shared corpus missing: {} not found; this test needs ../shared/corpus (set SHARED_CORPUS)",
            dir.display()
        );
        dir
    }

    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    /// The raw header title as [`parse`] should report it: the `title:` line
    /// and its continuation lines, joined, unquoted, entity-decoded; and how
    /// many raw lines it took.
    fn expected_title(text: &str) -> Option<(String, usize)> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = Lines::new(text).skip_while(|l| l.trim().is_empty());
        if lines.next()?.trim_end() != "---" {
            return None;
        }
        let mut title: Option<(String, usize, bool)> = None;
        let mut open = false;
        for line in lines {
            if line.trim_end() == "---" {
                break;
            }
            match split_key_line(line) {
                Some((Key::Title, v)) => {
                    let block = is_block_indicator(v);
                    title = Some((if block { String::new() } else { v.to_owned() }, 1, block));
                    open = true;
                }
                Some(_) => open = false,
                None if open && !line.trim().is_empty() => {
                    let (t, n, _) = title.as_mut()?;
                    t.push(' ');
                    t.push_str(line.trim());
                    *n += 1;
                }
                None => {}
            }
        }
        let (raw, n, block) = title?;
        let value = if block {
            raw
        } else {
            unquote(raw.trim()).into_owned()
        };
        Some((header_title(&value), n))
    }

    /// Every file of `edge/` and `sample/`, sorted.
    fn corpus_files() -> Vec<std::path::PathBuf> {
        let root = corpus_dir();
        let mut files = Vec::new();
        for kind in ["edge", "sample"] {
            walk(&root.join(kind), &mut files);
        }
        files.sort();
        assert!(
            files.len() > 1000,
            "only {} files under {root:?}",
            files.len()
        );
        files
    }

    /// How many corpus files show each oddity the reader must survive, and
    /// how many bytes cleaning removed: printed, so that a change in the
    /// reader shows up as a change in these numbers.
    struct Tally {
        counts: std::collections::BTreeMap<&'static str, usize>,
        raw_bytes: usize,
        body_in: usize,
        body_out: usize,
    }

    impl Tally {
        fn new() -> Self {
            let mut counts = std::collections::BTreeMap::new();
            for what in [
                "no front matter",
                "empty or no title in header",
                "title from heading or stem",
                "multi-line title",
                "title with ': '",
                "title starting with [ or @",
                "CRLF",
                "lone CR",
                "BOM",
                "transcoded",
                "U+FFFD",
                "missing/bad date",
                "empty cleaned body",
            ] {
                counts.insert(what, 0);
            }
            Tally {
                counts,
                raw_bytes: 0,
                body_in: 0,
                body_out: 0,
            }
        }

        fn count(&mut self, what: &'static str, yes: bool) {
            if yes {
                *self.counts.entry(what).or_default() += 1;
            }
        }

        fn print(&self, files: usize) {
            let (raw_bytes, body_in, body_out) = (self.raw_bytes, self.body_in, self.body_out);
            eprintln!(
                "{files} files, {raw_bytes} bytes; body {body_in} -> {body_out} bytes ({:.1}% removed by cleaning)",
                100.0 * (body_in - body_out) as f64 / body_in as f64
            );
            for (what, n) in &self.counts {
                eprintln!("  {what}: {n}");
            }
        }
    }

    /// Reads one corpus file, asserts what must hold for every article, and
    /// tallies its oddities.
    fn check_file(path: &std::path::Path, tally: &mut Tally) {
        let bytes = std::fs::read(path).unwrap();
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let article =
            read(&bytes, stem).unwrap_or_else(|e| panic!("{} skipped: {e}", path.display()));
        let text = decode(&bytes).unwrap().0;
        let shown = path.display();
        assert!(!article.title.trim().is_empty(), "{shown}: empty title");
        // Only images cut off by the end of a truncated line are left: a
        // reader sees those as text.
        for line in article.body.lines() {
            for (k, _) in line.match_indices("![") {
                let rest = &line[k..];
                let complete = rest
                    .find("](")
                    .is_some_and(|open| rest[open..].contains(')'));
                assert!(!complete, "{shown}: image left in {line:?}");
            }
        }
        assert!(
            article.links.iter().all(|l| !l.is_empty()),
            "{shown}: empty link target"
        );
        assert!(
            !article.body.contains("预览时标签不可点"),
            "{shown}: footer left"
        );

        let (front, body) = split_front_matter(text.strip_prefix('\u{feff}').unwrap_or(&text));
        match expected_title(&text) {
            Some((t, lines)) if !t.is_empty() && front.is_some() => {
                assert_eq!(article.title, t, "{shown}");
                tally.count("multi-line title", lines > 1);
                tally.count("title with ': '", t.contains(": "));
                tally.count("title starting with [ or @", t.starts_with(['[', '@']));
            }
            _ => tally.count("empty or no title in header", true),
        }
        tally.count("no front matter", front.is_none());
        tally.count("CRLF", bytes.windows(2).any(|w| w == b"\r\n"));
        tally.count(
            "lone CR",
            bytes.windows(2).any(|w| w[0] == b'\r' && w[1] != b'\n'),
        );
        tally.count("BOM", bytes.starts_with(b"\xEF\xBB\xBF"));
        tally.count(
            "transcoded",
            article.encoding.is_some_and(|e| e != decode::REPLACED),
        );
        tally.count("U+FFFD", text.contains('\u{fffd}'));
        tally.count("missing/bad date", article.date.is_none());
        tally.count("empty cleaned body", article.body.is_empty());
        tally.count(
            "title from heading or stem",
            front.as_ref().is_none_or(|f| f.title.trim().is_empty()),
        );
        tally.raw_bytes += bytes.len();
        tally.body_in += body.len();
        tally.body_out += article.body.len();
    }

    #[test]
    #[ignore = "needs ../shared/corpus"]
    fn reads_every_shared_corpus_file() {
        let files = corpus_files();
        let mut tally = Tally::new();
        for path in &files {
            check_file(path, &mut tally);
        }
        tally.print(files.len());
    }
}
