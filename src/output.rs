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

use crate::search::{Hit, Results};
use crate::snippet::{self, Snippet};
use crate::stats::{Facets, Stats};

const TITLE: Style = Style::new().bold();
const MATCH: Style = AnsiColor::Red.on_default().bold();
const META: Style = AnsiColor::Green.on_default();
const PATH: Style = AnsiColor::Magenta.on_default();
const DIM: Style = Style::new().dimmed();

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
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
            self.out.write_all(&s.text.as_bytes()[at..a])?;
            if self.color {
                self.styled(MATCH, &s.text[a..b])?;
            } else {
                write!(self.out, "**{}**", &s.text[a..b])?;
            }
            at = b;
        }
        self.out.write_all(&s.text.as_bytes()[at..])
    }

    /// Prints results in `mode`, highlighting the query's match terms.
    pub fn results(&mut self, r: &Results, mode: Mode) -> io::Result<()> {
        let needles = &r.match_terms;
        match mode {
            Mode::Count => writeln!(self.out, "{}", r.total)?,
            Mode::Paths => {
                for h in &r.hits {
                    let p = self.display_path(&h.path);
                    self.out.write_all(p.as_bytes())?;
                    self.out.write_all(b"\n")?;
                }
            }
            Mode::Json => {
                for h in &r.hits {
                    let snip = snippet::for_file(&h.path, &h.title, needles, self.width);
                    let v = serde_json::json!({
                        "path": h.path,
                        "title": h.title,
                        "source": h.source,
                        "date": h.date,
                        "url": h.url,
                        "score": h.score,
                        "snippet": snip.text,
                        "highlights": snip.highlights,
                        "duplicates": h.duplicates,
                    });
                    writeln!(self.out, "{v}")?;
                }
                if let Some(f) = &r.facets {
                    let v = serde_json::json!({ "facets": f, "total": r.total });
                    writeln!(self.out, "{v}")?;
                }
            }
            Mode::Text => {
                for h in &r.hits {
                    self.hit(h, needles)?;
                }
                if let Some(f) = &r.facets {
                    self.facets(f)?;
                }
            }
        }
        Ok(())
    }

    fn hit(&mut self, h: &Hit, needles: &[String]) -> io::Result<()> {
        let title_snip = snippet::make(&h.title, needles, 400);
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
        writeln!(self.out)?;
        let snip = snippet::for_file(&h.path, &h.title, needles, self.width);
        if !snip.text.is_empty() {
            write!(self.out, "  ")?;
            self.snippet(&snip)?;
            writeln!(self.out)?;
        }
        writeln!(self.out)
    }

    fn facets(&mut self, f: &Facets) -> io::Result<()> {
        self.styled(TITLE, "Sources")?;
        writeln!(self.out)?;
        for (s, n) in f.sources.iter().take(20) {
            writeln!(
                self.out,
                "  {n:>6}  {}",
                if s.is_empty() { "(none)" } else { s }
            )?;
        }
        self.styled(TITLE, "Months")?;
        writeln!(self.out)?;
        for (m, n) in &f.months {
            writeln!(self.out, "  {n:>6}  {m}")?;
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
        writeln!(out, "index:      {}", st.index)?;
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
        writeln!(out, "roots:      {}", st.roots.join(", "))?;
        writeln!(out, "sources ({}):", st.source_count)?;
        for (s, n) in st.sources.iter().take(15) {
            writeln!(out, "  {n:>7}  {}", if s.is_empty() { "(none)" } else { s })?;
        }
        writeln!(out, "months:")?;
        for (m, n) in st.months.iter().take(24) {
            writeln!(out, "  {n:>7}  {m}")?;
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
fn top_sources(row: &crate::iocs::Row, sep: &str) -> String {
    row.sources
        .iter()
        .take(TOP_SOURCES)
        .map(|(s, n)| format!("{s} ({n})"))
        .collect::<Vec<_>>()
        .join(sep)
}

fn day_or(d: Option<jiff::civil::Date>, none: &str) -> String {
    d.map_or_else(|| none.to_string(), |d| d.to_string())
}

impl Printer {
    /// Prints `iocs` rows: an aligned table for people, JSON Lines
    /// (`type`, `value`, `articles`, `first`, `last`, `sources`) or CSV.
    pub fn iocs(&mut self, rows: &[crate::iocs::Row], format: IocFormat) -> io::Result<()> {
        match format {
            IocFormat::Json => {
                for r in rows {
                    let sources: Vec<_> = r
                        .sources
                        .iter()
                        .map(|(s, n)| serde_json::json!({ "source": s, "articles": n }))
                        .collect();
                    let v = serde_json::json!({
                        "type": r.kind.name(), "value": r.value, "articles": r.articles,
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

    fn iocs_csv(&mut self, rows: &[crate::iocs::Row]) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(&mut self.out);
        w.write_record(["type", "value", "articles", "first", "last", "top_sources"])?;
        for r in rows {
            w.write_record([
                r.kind.name(),
                &r.value,
                &r.articles.to_string(),
                &day_or(r.first, ""),
                &day_or(r.last, ""),
                &top_sources(r, "; "),
            ])?;
        }
        w.flush()
    }

    fn iocs_table(&mut self, rows: &[crate::iocs::Row]) -> io::Result<()> {
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
            "{:<7} {:<width$} {:>8}  {:<10}  {:<10}  top sources",
            "type", "value", "articles", "first", "last"
        )?;
        for r in rows {
            writeln!(
                self.out,
                "{:<7} {:<width$} {:>8}  {:<10}  {:<10}  {}",
                r.kind.name(),
                r.value,
                r.articles,
                day_or(r.first, "-"),
                day_or(r.last, "-"),
                top_sources(r, ", ")
            )?;
        }
        Ok(())
    }
}
