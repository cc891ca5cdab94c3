//! The presentation stage: everything a user reads on stdout — hits with
//! their snippets, facets, `stats` — as text for people or JSON for scripts.
//! Snippets are made here, from the article file, only for the hits that
//! are printed.
//!
//! Colour only when stdout is a terminal and `NO_COLOR` is unset (or
//! `--color always`); without colour, highlights become plain `**` markers so that
//! piped output still shows what matched. Every write returns its error: a
//! closed pipe (`| head`) is handled once, in `main`, by ending quietly.

use std::io::{self, IsTerminal, Write};

use anstyle::{AnsiColor, Style};
use rayon::prelude::*;

use crate::article::fsread::Scope;
use crate::output::context;
use crate::output::show::ArticleView;
use crate::output::snippet::{self, Snippet};
use crate::search::stats::{Facets, Stats};
use crate::search::{Hit, Results};

const TITLE: Style = Style::new().bold();
const MATCH: Style = AnsiColor::Red.on_default().bold();
const META: Style = AnsiColor::Green.on_default();
const PATH: Style = AnsiColor::Magenta.on_default();
const DIM: Style = Style::new().dimmed();

/// Snippet width when stdout is not a terminal: readable in a pager or a
/// log, and what scripts get unless they ask (`--width`).
pub const PIPED_WIDTH: usize = 100;

/// The widest snippet: `--width` is the user's number, and snippet sizes
/// are computed from it (a width near `usize::MAX` overflowed them). No
/// terminal is wider; a wider request gets this.
pub const MAX_WIDTH: usize = 10_000;

/// The columns snippets may take: `--width`, else the terminal's width,
/// else [`PIPED_WIDTH`].
pub fn snippet_width(requested: Option<usize>) -> usize {
    if let Some(w) = requested {
        return w.min(MAX_WIDTH);
    }
    let stdout = io::stdout();
    if !stdout.is_terminal() {
        return PIPED_WIDTH;
    }
    terminal_size::terminal_size_of(&stdout).map_or(PIPED_WIDTH, |(w, _)| w.0 as usize)
}

/// `s` made safe for a terminal: control characters (C0 but tab, DEL, C1)
/// are shown as escapes (`\x1b`, `\n`, `\u{9b}`) instead of being
/// written raw, so that a title, path or snippet cannot clear the screen,
/// set the window title or forge a hyperlink (ripgrep and fd do the same).
/// `--json` does not use this: JSON escapes control characters itself and
/// must stay exact.
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c != '\t' && c.is_control();
    if !has_control(s.as_bytes()) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether UTF-8 text holds a control character other than a tab, by its
/// bytes: C0 and DEL are single bytes, C1 (U+0080–U+009F) is 0xC2 followed
/// by 0x80–0x9F; no other character's encoding holds those. The same answer
/// as `char::is_control` (a test compares every character), without
/// decoding: `-l` of a million articles escapes 570k paths.
fn has_control(b: &[u8]) -> bool {
    b.iter().enumerate().any(|(i, &c)| {
        (c < 0x20 && c != b'\t')
            || c == 0x7f
            || (c == 0xc2 && matches!(b.get(i + 1), Some(0x80..=0x9f)))
    })
}

/// When to colour: the core's own type; `cli::ColorArg` is its clap face.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How hits are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Text,
    Json,
    Paths,
    /// `-l -0`: raw paths ending with NUL, for `xargs -0`.
    PathsNul,
    Count,
}

pub struct Printer {
    out: io::BufWriter<io::Stdout>,
    color: bool,
    /// Terminal columns for snippets.
    pub width: usize,
    /// The current directory with a trailing separator: paths below it are
    /// shown relative to it (looked up once, not once a path).
    cwd: Option<String>,
}

impl Printer {
    pub fn new(choice: ColorChoice) -> Printer {
        let stdout = io::stdout();
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        Printer {
            out: io::BufWriter::with_capacity(64 * 1024, stdout),
            cwd: std::env::current_dir().ok().and_then(|d| {
                d.to_str()
                    .map(|s| format!("{}{}", s.trim_end_matches('/'), std::path::MAIN_SEPARATOR))
            }),
            color,
            width: 160,
        }
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn styled(&mut self, style: Style, s: &str) -> io::Result<()> {
        let s = escape(s);
        let s = s.as_ref();
        if self.color {
            write!(self.out, "{style}{s}{style:#}")
        } else {
            self.out.write_all(s.as_bytes())
        }
    }

    fn snippet(&mut self, s: &Snippet) -> io::Result<()> {
        let mut at = 0;
        for &(a, b) in &s.highlights {
            if a < at {
                continue;
            }
            self.out.write_all(escape(&s.text[at..a]).as_bytes())?;
            if self.color {
                self.styled(MATCH, &s.text[a..b])?;
            } else {
                write!(self.out, "**{}**", escape(&s.text[a..b]))?;
            }
            at = b;
        }
        self.out.write_all(escape(&s.text[at..]).as_bytes())
    }

    /// Columns each highlight adds to a line: the two `**` pairs of plain
    /// output; none in colour.
    fn marker_cols(&self) -> usize {
        if self.color {
            0
        } else {
            4
        }
    }

    /// One path of `-l`: escaped, a line; raw and NUL-terminated with `-0`.
    fn path_line(&mut self, path: &str, nul: bool) -> io::Result<()> {
        if nul {
            let p = self.display_path(path);
            self.out.write_all(p.as_bytes())?;
            self.out.write_all(b"\0")
        } else {
            let p = escape(self.display_path(path));
            self.out.write_all(p.as_bytes())?;
            self.out.write_all(b"\n")
        }
    }

    /// Prints results in `mode`, highlighting the query's match terms.
    pub fn results(&mut self, r: &Results, mode: Mode) -> io::Result<()> {
        let needles = &r.match_terms;
        match mode {
            Mode::Count => writeln!(self.out, "{}", r.total)?,
            Mode::Paths | Mode::PathsNul => {
                let nul = mode == Mode::PathsNul;
                match &r.paths {
                    Some(all) => all.for_each(|p| self.path_line(p, nul))?,
                    None => {
                        for h in &r.hits {
                            self.path_line(&h.path, nul)?;
                        }
                    }
                }
            }
            Mode::Json => {
                for (h, snip) in with_snippets(&r.hits, needles, (self.width, 0), &r.scope) {
                    writeln!(self.out, "{}", hit_json_with(r, h, snip))?;
                }
                if let Some(f) = &r.facets {
                    let v = serde_json::json!({ "facets": f, "total": r.total });
                    writeln!(self.out, "{v}")?;
                }
            }
            Mode::Text => {
                let width = self.width.saturating_sub(2);
                let markers = self.marker_cols();
                for (h, snip) in with_snippets(&r.hits, needles, (width, markers), &r.scope) {
                    self.hit(h, needles, snip)?;
                }
                if let Some(f) = &r.facets {
                    self.facets(f)?;
                }
            }
        }
        Ok(())
    }

    /// A hit's first two lines: the title (marked), then source, date, path.
    fn hit_header(&mut self, h: &Hit, needles: &[String]) -> io::Result<()> {
        let title_snip = snippet::fitted(
            |cols| snippet::title(&h.title, needles, cols),
            self.width,
            self.marker_cols(),
        );
        if self.color {
            write!(self.out, "{TITLE}")?;
        }
        self.snippet(&title_snip)?;
        if self.color {
            write!(self.out, "{TITLE:#}")?;
        }
        writeln!(self.out)?;
        let mut meta = Vec::new();
        if !h.source.is_empty() {
            meta.push(h.source.clone());
        }
        if let Some(d) = &h.date {
            meta.push(d.clone());
        }
        write!(self.out, "  ")?;
        self.styled(META, &meta.join(" · "))?;
        if !meta.is_empty() {
            write!(self.out, "  ")?;
        }
        let path = self.display_path(&h.path).to_string();
        self.styled(PATH, &path)?;
        if !h.duplicates.is_empty() {
            let n = h.duplicates.len();
            self.styled(
                DIM,
                &format!("  (+{n} duplicate{})", if n == 1 { "" } else { "s" }),
            )?;
        }
        if let Some(note) = reprints_note(h) {
            self.styled(DIM, &note)?;
        }
        for mark in hit_marks(h) {
            write!(self.out, "  ")?;
            self.styled(DIM, &mark)?;
        }
        writeln!(self.out)
    }

    fn hit(&mut self, h: &Hit, needles: &[String], snip: Snippet) -> io::Result<()> {
        self.hit_header(h, needles)?;
        write!(self.out, "  ")?;
        if h.stale == Some(crate::search::Stale::Gone) {
            // No file to read: say so, not that the article is empty.
            self.styled(DIM, &stale_note(crate::search::Stale::Gone))?;
        } else if snip.text.is_empty() {
            // Say why there is no snippet: the article has a title and no body.
            self.styled(DIM, "(title only)")?;
        } else {
            self.snippet(&snip)?;
        }
        writeln!(self.out)?;
        writeln!(self.out)
    }

    /// Hits in ripgrep's context view (`-C/-A/-B`): each hit's header, then
    /// its matching lines (`12:`) with context lines (`11-`), `--` between
    /// groups, a blank line between hits.
    pub fn context_hits(&mut self, r: &Results, groups: &[Vec<context::Group>]) -> io::Result<()> {
        for (h, gs) in r.hits.iter().zip(groups) {
            self.hit_header(h, &r.match_terms)?;
            for (i, g) in gs.iter().enumerate() {
                if i > 0 {
                    self.styled(DIM, "--")?;
                    writeln!(self.out)?;
                }
                for l in g {
                    self.context_line(l)?;
                }
            }
            writeln!(self.out)?;
        }
        Ok(())
    }

    fn context_line(&mut self, l: &context::Line) -> io::Result<()> {
        let sep = if l.is_match() { ':' } else { '-' };
        self.styled(META, &l.number.to_string())?;
        write!(self.out, "{sep}")?;
        let marks: Vec<(usize, usize)> = l.marks.iter().map(|r| (r.start, r.end)).collect();
        self.snippet(&Snippet {
            text: l.text.clone(),
            highlights: marks,
        })?;
        writeln!(self.out)
    }

    fn facets(&mut self, f: &Facets) -> io::Result<()> {
        self.styled(TITLE, "Sources")?;
        writeln!(self.out)?;
        for (s, n) in f.sources.iter().take(20) {
            writeln!(
                self.out,
                "  {n:>6}  {}",
                escape(if s.is_empty() { "(none)" } else { s })
            )?;
        }
        self.styled(TITLE, "Months")?;
        writeln!(self.out)?;
        for (m, n) in &f.months {
            writeln!(self.out, "  {n:>6}  {}", escape(m))?;
        }
        Ok(())
    }

    /// Prints what `stats` computed: one JSON object, or a summary for people.
    pub fn stats(&mut self, st: &Stats, json: bool) -> io::Result<()> {
        if json {
            serde_json::to_writer(&mut self.out, st)?;
            return writeln!(self.out);
        }
        let out = &mut self.out;
        writeln!(out, "index:      {}", escape(&st.index))?;
        writeln!(out, "documents:  {}", st.documents)?;
        writeln!(out, "size:       {:.1} MB", st.index_bytes as f64 / 1e6)?;
        writeln!(
            out,
            "dates:      {} .. {}",
            st.first_date.as_deref().unwrap_or("-"),
            st.last_date.as_deref().unwrap_or("-")
        )?;
        writeln!(
            out,
            "versions:   schema {}, analyzer {}, dictionary {}",
            st.schema_version, st.analyzer_version, st.dict_hash
        )?;
        writeln!(out, "roots:      {}", escape(&st.roots.join(", ")))?;
        let shown = st.sources.len().min(STATS_SOURCES);
        if st.source_count > shown {
            writeln!(out, "sources (top {shown} of {}):", st.source_count)?;
        } else {
            writeln!(out, "sources ({}):", st.source_count)?;
        }
        for (s, n) in st.sources.iter().take(shown) {
            let s = if s.is_empty() { "(none)" } else { s };
            writeln!(out, "  {n:>7}  {}", escape(s))?;
        }
        // Every month: an archive's months are a few dozen lines, and a
        // cut list would hide the oldest articles without saying so.
        writeln!(out, "months ({}):", st.months.len())?;
        for (m, n) in &st.months {
            writeln!(out, "  {n:>7}  {}", escape(m))?;
        }
        writeln!(out, "indicators (distinct values, mentions in articles):")?;
        for c in &st.indicators {
            writeln!(out, "  {:>7}  {:>7}  {}", c.values, c.mentions, c.kind)?;
        }
        Ok(())
    }

    /// A stored absolute path shown relative to the current directory when
    /// it lies below it, as ripgrep shows paths.
    fn display_path<'a>(&self, p: &'a str) -> &'a str {
        match &self.cwd {
            Some(cwd) => p.strip_prefix(cwd.as_str()).unwrap_or(p),
            None => p,
        }
    }
}

/// Sources `stats` lists, the largest first (`--json` has them all).
const STATS_SOURCES: usize = 15;

/// How `iocs` prints its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IocFormat {
    Text,
    Json,
    Csv,
}

/// Sources shown in the text table and the CSV column.
const TOP_SOURCES: usize = 3;

/// `name (n), name (n)` of the first [`TOP_SOURCES`] sources.
fn top_sources(row: &crate::ioc::Row, sep: &str) -> String {
    row.sources
        .iter()
        .take(TOP_SOURCES)
        .map(|(s, n)| format!("{s} ({n})"))
        .collect::<Vec<_>>()
        .join(sep)
}

/// A CSV cell that is safe to open in a spreadsheet and to print: control
/// characters escaped (a source name carrying an OSC 52 clipboard write),
/// and a cell starting with `=`, `+`, `-`, `@`, tab or carriage return
/// prefixed with `'`, as OWASP recommends against formula injection (a
/// spreadsheet would run `=HYPERLINK(...)` from an article's text).
pub fn csv_cell(s: &str) -> String {
    let s = escape(s);
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.into_owned(),
    }
}

fn day_or(d: Option<jiff::civil::Date>, none: &str) -> String {
    d.map_or_else(|| none.to_string(), |d| d.to_string())
}

impl Printer {
    /// Prints `iocs` rows: an aligned table for people, JSON Lines
    /// (`type`, `value`, `role`, `articles`, `first`, `last`, `sources`) or
    /// CSV (`role` last, so that scripts reading columns by place still work).
    pub fn iocs(&mut self, rows: &[crate::ioc::Row], format: IocFormat) -> io::Result<()> {
        match format {
            IocFormat::Json => {
                for r in rows {
                    let sources: Vec<_> = r
                        .sources
                        .iter()
                        .map(|(s, n)| serde_json::json!({ "source": s, "articles": n }))
                        .collect();
                    let v = serde_json::json!({
                        "type": r.kind.name(), "value": r.value, "role": r.role.name(),
                        "articles": r.articles,
                        "first": r.first.map(|d| d.to_string()),
                        "last": r.last.map(|d| d.to_string()), "sources": sources,
                    });
                    writeln!(self.out, "{v}")?;
                }
                Ok(())
            }
            IocFormat::Csv => self.iocs_csv(rows),
            IocFormat::Text => self.iocs_table(rows),
        }
    }

    fn iocs_csv(&mut self, rows: &[crate::ioc::Row]) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(&mut self.out);
        w.write_record([
            "type",
            "value",
            "articles",
            "first",
            "last",
            "top_sources",
            "role",
        ])?;
        for r in rows {
            w.write_record([
                r.kind.name(),
                &csv_cell(&r.value),
                &r.articles.to_string(),
                &day_or(r.first, ""),
                &day_or(r.last, ""),
                &csv_cell(&top_sources(r, "; ")),
                r.role.name(),
            ])?;
        }
        w.flush()
    }

    fn iocs_table(&mut self, rows: &[crate::ioc::Row]) -> io::Result<()> {
        // Values are padded to the longest shown (up to 48 columns); a longer
        // one (a URL) just pushes its own line's sources right.
        let width = rows
            .iter()
            .map(|r| r.value.chars().count())
            .max()
            .unwrap_or(5)
            .clamp(5, 48);
        writeln!(
            self.out,
            "{:<7} {:<10} {:<width$} {:>8}  {:<10}  {:<10}  top sources",
            "type", "role", "value", "articles", "first", "last"
        )?;
        for r in rows {
            writeln!(
                self.out,
                "{:<7} {:<10} {:<width$} {:>8}  {:<10}  {:<10}  {}",
                r.kind.name(),
                r.role.name(),
                escape(&r.value),
                r.articles,
                day_or(r.first, "-"),
                day_or(r.last, "-"),
                escape(&top_sources(r, ", "))
            )?;
        }
        Ok(())
    }
}

/// Whether to colour: `--color`, else a terminal without `NO_COLOR`.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Text with its marks, styled (colour) or between `**` (plain).
fn marked(out: &mut String, text: &str, marks: &[std::ops::Range<usize>], color: bool) {
    let mut at = 0;
    for m in marks {
        if m.start < at || m.end > text.len() {
            continue;
        }
        out.push_str(&text[at..m.start]);
        if color {
            out.push_str(&format!("{MATCH}{}{MATCH:#}", &text[m.clone()]));
        } else {
            out.push_str(&format!("**{}**", &text[m.clone()]));
        }
        at = m.end;
    }
    out.push_str(&text[at..]);
}

/// `secsearch show`: the article as text for a pager or a pipe. With
/// `hyperlinks`, the URL is an OSC 8 link (clickable where the terminal
/// supports it); the URL text is shown either way.
pub fn render_article(v: &ArticleView, color: bool, hyperlinks: bool) -> String {
    let mut out = String::new();
    let paint = |out: &mut String, style: Style, s: &str| {
        if color {
            out.push_str(&format!("{style}{s}{style:#}"));
        } else {
            out.push_str(s);
        }
    };
    if color {
        out.push_str(&format!("{TITLE}"));
    }
    marked(&mut out, &v.title, &v.title_marks, color);
    if color {
        out.push_str(&format!("{TITLE:#}"));
    }
    out.push('\n');
    let meta: Vec<&str> = [v.source.as_str(), v.date.as_deref().unwrap_or("")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if !meta.is_empty() {
        paint(&mut out, META, &meta.join(" · "));
        out.push('\n');
    }
    let url: String = v.url.chars().filter(|c| !c.is_control()).collect();
    if !url.is_empty() {
        if hyperlinks {
            out.push_str(&format!("\x1b]8;;{url}\x1b\\"));
            paint(&mut out, PATH, &url);
            out.push_str("\x1b]8;;\x1b\\");
        } else {
            paint(&mut out, PATH, &url);
        }
        out.push('\n');
    }
    paint(&mut out, DIM, &escape(&v.path.display().to_string()));
    out.push_str("\n\n");
    for (line, marks) in &v.lines {
        marked(&mut out, line, marks, color);
        out.push('\n');
    }
    out
}

/// `  +2 reprints, first: 安全圈 2025-01-02` for a story reposted by other
/// accounts; `None` without reprints.
fn reprints_note(h: &Hit) -> Option<String> {
    let (source, date) = h.first_copy()?;
    let n = h.reprints.len();
    let first = [source, date.unwrap_or("")]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    Some(format!(
        "  +{n} reprint{}, first: {first}",
        if n == 1 { "" } else { "s" }
    ))
}

/// What the text output says about a changed or vanished file, with how to
/// bring the index up to date.
fn stale_note(s: crate::search::Stale) -> String {
    let what = match s {
        crate::search::Stale::Gone => "file gone since indexing",
        crate::search::Stale::Changed => "file changed since indexing",
    };
    format!("({what}; re-index: secsearch index DIR)")
}

/// The markers after a hit's path: a thin page (no body of its own), found
/// only through an alias, a file changed since indexing (a vanished one is
/// said in place of its snippet).
fn hit_marks(h: &Hit) -> Vec<String> {
    let mut out = Vec::new();
    if !h.substance {
        out.push("(thin: no body of its own)".to_string());
    }
    if h.via_alias {
        out.push("(via alias)".to_string());
    }
    if h.stale == Some(crate::search::Stale::Changed) {
        out.push(stale_note(crate::search::Stale::Changed));
    }
    out
}

/// Hits made into snippets this many at a time (see [`with_snippets`]).
const SNIPPET_BATCH: usize = 32;

/// Each hit with its snippet, `max_cols` wide counting `marker_cols` for
/// each highlight, in order. A snippet reads,
/// cleans and normalizes its article's file (~0.2 ms each, the most of
/// printing ten hits at a million articles): a batch of hits is made on
/// every core, then printed, so that `-n 0` still prints as it goes.
fn with_snippets<'h>(
    hits: &'h [Hit],
    needles: &'h [String],
    (max_cols, marker_cols): (usize, usize),
    scope: &'h Scope,
) -> impl Iterator<Item = (&'h Hit, Snippet)> + 'h {
    hits.chunks(SNIPPET_BATCH).flat_map(move |batch| {
        let snips: Vec<Snippet> = batch
            .par_iter()
            .map(|h| {
                let body = snippet::Prepared::of_file(&h.path, &h.title, scope);
                snippet::fitted(|c| body.snippet(needles, c), max_cols, marker_cols)
            })
            .collect();
        batch.iter().zip(snips)
    })
}

/// One hit as `search --json` prints it (the contract's fields first, then
/// highlights, duplicates, reprints and the words also searched), with its
/// snippet already made (by [`with_snippets`], or by the web server
/// from the bodies it keeps): the web API answers the same object, so both
/// stay one shape.
pub fn hit_json_with(r: &Results, h: &Hit, snip: snippet::Snippet) -> serde_json::Value {
    serde_json::json!({
        "path": h.path,
        "title": h.title,
        "source": h.source,
        "date": h.date,
        "url": h.url,
        "score": h.score,
        "snippet": snip.text,
        "highlights": snip.highlights,
        "duplicates": h.duplicates,
        "reprints": h.reprints,
        "also_searched": r.also_searched,
        "substance": h.substance,
        "via_alias": h.via_alias,
        "stale": h.stale,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_bytes_are_exactly_the_control_characters() {
        for c in (0..=0x10_ffff).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let s = c.encode_utf8(&mut buf);
            assert_eq!(
                has_control(s.as_bytes()),
                c != '\t' && c.is_control(),
                "U+{:04X}",
                c as u32
            );
        }
        assert!(!has_control("勒索软件/a\tb.md".as_bytes()));
        assert_eq!(escape("a\u{1b}[31mb"), "a\\u{1b}[31mb");
    }
}
