//! Everything a user reads on stderr: errors, warnings, notes, skips,
//! summaries and the indexing progress bar. (Search results go to stdout
//! through `output`.)
//!
//! One place for this text keeps its form uniform (`secsearch: ` prefix, one
//! line a message, the path first) and lets the core stay silent: the
//! indexer reports through [`writer::Progress`] and returns a summary, and
//! this module decides what a person sees.

use std::fmt::Display;
use std::io::IsTerminal;
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};

use crate::index::writer::{self, Summary};

/// An error that ends a command, with its causes on the same line.
pub fn error(e: &(dyn std::error::Error + 'static)) {
    eprintln!("secsearch: {}", safe_line(&chain(e)));
}

/// The longest message line: a library that quotes its input (serde on a
/// 1 MB garbage `meta.json`) must not print a megabyte.
const MAX_LINE: usize = 600;

/// A message made safe for the terminal: control characters escaped (a
/// file name can hold any byte but `/` and NUL) and the length capped.
fn safe_line(s: &str) -> String {
    let s = crate::output::escape(s);
    if s.chars().count() <= MAX_LINE {
        return s.into_owned();
    }
    let cut: String = s.chars().take(MAX_LINE).collect();
    format!("{cut}… (message cut)")
}

/// `error: cause: cause…`. Many libraries already put their cause in their
/// own message (tantivy does): a cause whose text is already on the line is
/// not repeated.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut line = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        cause = c.source();
    }
    line
}

/// Something went wrong that does not stop the command.
pub fn warning(e: &(dyn std::error::Error + 'static)) {
    eprintln!("secsearch: warning: {}", safe_line(&chain(e)));
}

/// A remark about how the input was understood (the exit code is unchanged).
pub fn note(msg: impl Display) {
    eprintln!("secsearch: note: {}", safe_line(&msg.to_string()));
}

/// A hit's file could not be re-read safely for its snippet.
pub fn no_snippet(path: &str, why: &dyn Display) {
    eprintln!(
        "secsearch: note: {}: no snippet: {why}",
        crate::output::escape(path)
    );
}

/// The aliases a search added to the query, once, on stderr, whatever the
/// output (piped, `-l`, `-c`, `--json`): a count or a list that holds more
/// than the words typed must say why. Scripts get them in `--json` too.
pub fn also_searched(aliases: &[String]) {
    eprintln!(
        "also searched: {} (--exact: only the words as typed)",
        safe_line(&aliases.join(", "))
    );
}

/// Sorted by date, the hits without a date come last: say so, as they are
/// out of any date range the reader infers from the list.
pub fn undated_last(n: usize) {
    eprintln!(
        "secsearch: note: {n} undated article{} listed last",
        if n == 1 { "" } else { "s" }
    );
}

/// A search of an index that holds no document (a first run stopped
/// before its first commit, or a folder with no article).
pub fn empty_index(index: &Path) {
    eprintln!(
        "secsearch: the index {} holds no articles yet; fill it with `secsearch index DIR`",
        crate::output::escape(&index.display().to_string())
    );
}

/// Why a search found nothing: each word's count alone, then, for each word
/// that matched nothing, the close alternatives the index has.
pub fn zero_hits(counts: &[crate::search::TermCount]) {
    if counts.len() > 1 {
        let each: Vec<String> = counts
            .iter()
            .map(|c| format!("{} ({})", c.term, c.hits))
            .collect();
        eprintln!("secsearch: no article has all of: {}", each.join(", "));
    }
    for c in counts.iter().filter(|c| c.hits == 0) {
        if c.suggestions.is_empty() {
            eprintln!("secsearch: '{}' matched nothing", c.term);
        } else {
            eprintln!(
                "secsearch: '{}' matched nothing; try: {}",
                c.term,
                c.suggestions.join(", ")
            );
        }
    }
}

/// Where `secsearch serve` answers: the first line it prints, which tests
/// and scripts read to find the port (`--port 0` picks a free one).
pub fn serving(addr: std::net::SocketAddr, index: &Path) {
    let line = format!(
        "serving {} on http://{addr}/ (Ctrl-C to stop)",
        index.display()
    );
    eprintln!("secsearch: {}", safe_line(&line));
}

/// `serve --bind` to an address other machines can reach: said loudly,
/// since the page shows every article of the index to whoever connects.
pub fn serve_exposed(addr: std::net::SocketAddr) {
    eprintln!(
        "secsearch: WARNING: listening on {addr}, reachable from other machines: \
         anyone who can connect can read every article in this index (no password, no TLS)"
    );
}

/// A file or folder left out of an index run.
pub fn skipped(path: &Path, reason: impl Display) {
    let line = format!("{}: {reason}", path.display());
    eprintln!("secsearch: skipped {}", safe_line(&line));
}

/// The line `secsearch index` ends with.
pub fn index_summary(s: &Summary) {
    eprintln!("{}", summary_line(s));
}

/// What an index run did, with the skips grouped by kind, on one line.
pub fn summary_line(s: &Summary) -> String {
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for k in s.skipped.iter().map(|sk| sk.kind) {
        match kinds.iter_mut().find(|(x, _)| *x == k) {
            Some(e) => e.1 += 1,
            None => kinds.push((k, 1)),
        }
    }
    let skipped = if kinds.is_empty() {
        "0 skipped".to_string()
    } else {
        let parts: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
        format!("{} skipped ({})", s.skipped.len(), parts.join(", "))
    };
    let skipped = match s.hidden {
        0 => skipped,
        n => format!("{skipped}, {n} hidden folders (--hidden walks them)"),
    };
    let skipped = match s.replaced {
        0 => skipped,
        n => format!("{skipped}, {n} files had invalid bytes replaced (U+FFFD)"),
    };
    let skipped = match s.kept_unreadable {
        0 => skipped,
        n => format!("{skipped}, {n} documents kept from folders that could not be read"),
    };
    let mb = s.bytes_read as f64 / 1e6;
    format!(
        "{} documents: {} added, {} updated, {} removed, {} unchanged, {skipped}; read {:.1} MB in {:.2} s ({:.1} MB/s)",
        s.documents,
        s.added,
        s.updated,
        s.removed,
        s.unchanged,
        mb,
        s.seconds,
        if s.seconds > 0.0 { mb / s.seconds } else { 0.0 }
    )
}

/// Ctrl-C stopped an index run after its last commit.
pub fn interrupted(documents: u64) {
    eprintln!(
        "secsearch: interrupted; committed {documents} documents; run the same command again to continue"
    );
}

/// The first Ctrl-C of `index --rebuild`: the new index is abandoned.
pub fn abandoning_rebuild() {
    eprintln!("\nsecsearch: Ctrl-C: abandoning the rebuild; the previous index stays");
}

/// Ctrl-C stopped `index --rebuild` before the new index was complete:
/// nothing of it was kept, and the previous index still answers.
pub fn rebuild_abandoned(documents: u64) {
    eprintln!(
        "secsearch: interrupted; the rebuild was abandoned and its files removed; the previous index ({documents} documents) still answers; run the same command again to rebuild from the start"
    );
}

/// The first Ctrl-C of an index run: what is read is being committed,
/// which can take a while; a second Ctrl-C gives up on it.
pub fn committing_on_interrupt() {
    eprintln!(
        "\nsecsearch: Ctrl-C: committing what was read, then stopping (Ctrl-C again to stop at once and roll back)"
    );
}

/// A second Ctrl-C, or SIGTERM's grace time running out, while a commit or
/// merge was still running: the index keeps its last commit.
pub fn rolled_back(signal: i32) {
    let name = if signal == 15 { "SIGTERM" } else { "SIGINT" };
    eprintln!(
        "secsearch: stopped by {name}; rolled back to the last commit; run the same command again to continue"
    );
}

/// `--strict` turns skips into a failure.
pub fn strict_skips(count: usize) {
    eprintln!("secsearch: {count} files skipped (--strict)");
}

/// What `iocs --stix FILE` wrote.
pub fn stix_written(path: &Path, reports: usize, objects: usize) {
    let line = format!(
        "wrote {} (STIX 2.1 bundle: {reports} reports, {objects} objects)",
        path.display()
    );
    eprintln!("secsearch: {}", safe_line(&line));
}

/// `iocs --stix FILE` found no article with indicators: FILE is left as it
/// was (an empty bundle over a good one helps nobody).
pub fn stix_not_written(path: &Path) {
    let line = format!(
        "no matching article has indicators; {} not written",
        path.display()
    );
    eprintln!("secsearch: {}", safe_line(&line));
}

/// The line `secsearch export` ends with, and what to do next.
pub fn export_summary(run: &crate::export::Run) {
    eprintln!("{}", crate::output::escape(&export_summary_line(run)));
    if run.changed > 0 {
        note(format_args!(
            "{} articles changed since they were indexed and were exported as they are now; \
             `secsearch index DIR` updates the index",
            thousands(run.changed as f64)
        ));
    }
}

/// What an export wrote, on one line, with the command that loads it.
pub fn export_summary_line(run: &crate::export::Run) -> String {
    let w = &run.written;
    let data = w
        .files
        .get(1)
        .and_then(|f| f.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mb = run.bytes_read as f64 / 1e6;
    let rate = if run.seconds > 0.0 {
        mb / run.seconds
    } else {
        0.0
    };
    format!(
        "exported {} of {} indexed articles for {} to {} in {:.2} s ({data} {:.1} MB; read {mb:.1} MB, {rate:.1} MB/s); {} skipped; load with {}",
        thousands(w.documents as f64),
        thousands(run.indexed as f64),
        w.target.name(),
        w.dir.display(),
        run.seconds,
        w.data_bytes as f64 / 1e6,
        thousands(run.skipped as f64),
        w.dir.join("load.sh").display(),
    )
}

/// An export that left articles out fails: `--strict`, or none exported.
pub fn export_incomplete(skipped: u64, strict: bool) {
    let why = if strict {
        "(--strict)"
    } else {
        "and none could be read: was the archive moved since it was indexed?"
    };
    eprintln!(
        "secsearch: {} indexed articles not exported {why}",
        thousands(skipped as f64)
    );
}

/// Skipped articles listed one by one up to this many; the summary counts all.
const EXPORT_SKIPS_SHOWN: u64 = 20;

/// The export progress: a bar of articles on a terminal (hidden when quiet
/// or piped), and each skipped article as it happens, up to
/// [`EXPORT_SKIPS_SHOWN`] (an archive that moved would otherwise print a
/// line for every article).
pub struct ExportProgress {
    bar: ProgressBar,
    skips: std::sync::atomic::AtomicU64,
}

impl ExportProgress {
    pub fn new(quiet: bool) -> Self {
        let bar = if quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            ProgressBar::new(0)
        };
        ExportProgress {
            bar,
            skips: std::sync::atomic::AtomicU64::new(0),
        }
    }
}

impl crate::export::Progress for ExportProgress {
    fn start(&self, total: u64) {
        let style =
            ProgressStyle::with_template("export {bar:40} {pos}/{len} articles  {rate}  eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .with_key(
                    "rate",
                    |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{} articles/s", thousands(s.per_sec()));
                    },
                );
        self.bar.set_style(style);
        self.bar.set_length(total);
    }

    fn exported(&self) {
        self.bar.inc(1);
    }

    fn skipped(&self, path: &Path, reason: &str) {
        self.bar.inc(1);
        let n = self
            .skips
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        if n <= EXPORT_SKIPS_SHOWN {
            self.bar.suspend(|| skipped(path, reason));
        }
        if n == EXPORT_SKIPS_SHOWN + 1 {
            self.bar
                .suspend(|| note("more articles skipped; the summary counts them"));
        }
    }

    fn done(&self) {
        self.bar.finish_and_clear();
    }
}

/// The footer of a text search on a terminal.
/// `folded`: the total counts an article saved or reposted several times
/// once, so it is named as such (`-c` and `-l` count files).
pub fn hit_count(shown: usize, total: u64, folded: bool) {
    if folded {
        eprintln!(
            "{shown} of {total} matching articles (copies and reposts folded; -c counts files)"
        );
    } else {
        eprintln!("{shown} of {total} matching files");
    }
}

/// `6789.75` → `6,790`: counts and rates for people, not `6788.7504/s`.
pub fn thousands(n: f64) -> String {
    let digits = format!("{:.0}", n.max(0.0));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The indexing progress: one line per phase — walk, read + segment,
/// write, commit, merge — with its elapsed time, so a run never sits on a
/// full bar saying nothing while tantivy writes and merges. A spinner while
/// a phase runs, a bar with a rounded rate while files are read; a phase
/// that ends leaves a line with its time. Hidden when quiet or when stderr
/// is not a terminal, so logs and pipes get only the messages.
pub struct IndexProgress {
    bar: ProgressBar,
    /// The running phase and when it began.
    phase: std::sync::Mutex<Option<(&'static str, std::time::Instant)>>,
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

/// The reading bar fits an 80-column terminal at a million files: a line
/// wider than the terminal wraps, and the redraw then clears only its last
/// row, leaving fragments. Widest: 14 (phase) + 16 (bar) + 15 (counts) +
/// 15 (rate, capped) + 14 (eta) + 6 between = 80 at most; see the test.
fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{msg} {bar:16} {pos}/{len} {rate} eta {eta}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key(
            "rate",
            |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let rate = s.per_sec().min(999_999.0);
                let _ = write!(w, "{} files/s", thousands(rate));
            },
        )
}

impl IndexProgress {
    pub fn new(quiet: bool) -> Self {
        let bar = if quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let b = ProgressBar::new_spinner();
            // Ticks on its own, so elapsed time moves while tantivy works.
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            b
        };
        IndexProgress {
            bar,
            phase: std::sync::Mutex::new(None),
        }
    }

    /// Ends the running phase (leaving its line) and starts `next`.
    fn phase(&self, next: Option<&'static str>) {
        let now = std::time::Instant::now();
        let Ok(mut cur) = self.phase.lock() else {
            return;
        };
        if let Some((name, since)) = cur.take() {
            self.bar
                .println(phase_line(name, now - since, self.bar.position()));
        }
        if let Some(name) = next {
            *cur = Some((name, now));
            self.bar.reset_elapsed();
            self.bar.set_style(spinner_style());
            self.bar.set_message(name);
        }
    }
}

/// The line a finished phase leaves: its name and time, and for reading
/// the files and the rounded rate.
pub fn phase_line(name: &str, took: std::time::Duration, files: u64) -> String {
    let secs = took.as_secs_f64();
    if name == PHASE_READ && files > 0 && secs > 0.0 {
        let rate = thousands(files as f64 / secs);
        let files = thousands(files as f64);
        return format!("  {name:<15} {secs:>6.1} s  {files} files, {rate} files/s");
    }
    format!("  {name:<15} {secs:>6.1} s")
}

const PHASE_READ: &str = "read + segment";

impl writer::Progress for IndexProgress {
    fn walking(&self) {
        self.phase(Some("walk"));
    }

    fn reading(&self, files: u64) {
        self.phase(Some(PHASE_READ));
        self.bar.set_length(files);
        self.bar.set_position(0);
        self.bar.set_style(bar_style());
    }

    fn read(&self, files: u64) {
        self.bar.inc(files);
    }

    fn writing(&self) {
        self.phase(Some("write"));
    }

    fn committing(&self) {
        self.phase(Some("commit"));
    }

    fn merging(&self) {
        self.phase(Some("merge"));
    }

    fn done(&self) {
        self.phase(None);
        self.bar.finish_and_clear();
    }

    fn skipped(&self, path: &Path, reason: &str) {
        // Shown at once, so a long run shows problems as they happen.
        self.bar.suspend(|| skipped(path, reason));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::writer::Skipped;

    /// A terminal that keeps what is drawn on it.
    #[derive(Debug, Default)]
    struct Screen(std::sync::Mutex<Vec<String>>);

    impl indicatif::TermLike for Screen {
        fn width(&self) -> u16 {
            200
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.write_str(s)
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            if let Ok(mut v) = self.0.lock() {
                v.push(s.to_string());
            }
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_reading_bar_fits_80_columns_at_a_million_files() {
        let screen = std::sync::Arc::new(Screen::default());
        let target = indicatif::ProgressDrawTarget::term_like(Box::new(SharedScreen(
            std::sync::Arc::clone(&screen),
        )));
        let bar = ProgressBar::with_draw_target(Some(1_000_000), target);
        bar.set_style(bar_style());
        bar.set_message(PHASE_READ);
        bar.set_position(1);
        std::thread::sleep(std::time::Duration::from_millis(30));
        bar.tick();
        bar.set_position(999_999);
        bar.tick();
        bar.finish_and_clear();
        let drawn = screen.0.lock().unwrap().clone();
        let lines: Vec<&String> = drawn.iter().filter(|l| l.contains("files/s")).collect();
        assert!(!lines.is_empty(), "{drawn:?}");
        for l in lines {
            let w = unicode_width::UnicodeWidthStr::width(l.as_str());
            assert!(w < 80, "{w} columns: {l}");
        }
    }

    /// [`Screen`] behind an `Arc`, so the test reads it after drawing.
    #[derive(Debug)]
    struct SharedScreen(std::sync::Arc<Screen>);

    impl indicatif::TermLike for SharedScreen {
        fn width(&self) -> u16 {
            self.0.width()
        }
        fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
            self.0.move_cursor_up(n)
        }
        fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
            self.0.move_cursor_down(n)
        }
        fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
            self.0.move_cursor_right(n)
        }
        fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
            self.0.move_cursor_left(n)
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.0.write_line(s)
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            self.0.write_str(s)
        }
        fn clear_line(&self) -> std::io::Result<()> {
            self.0.clear_line()
        }
        fn flush(&self) -> std::io::Result<()> {
            self.0.flush()
        }
    }

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn a_chain_is_one_line_and_a_cause_already_shown_is_not_repeated() {
        let e = Outer(std::io::Error::other("disk full"));
        assert_eq!(chain(&e), "outer: disk full");
        let e = std::io::Error::other("disk full");
        assert_eq!(chain(&e), "disk full");
    }

    #[test]
    fn rates_and_counts_are_rounded_and_grouped() {
        assert_eq!(thousands(6788.7504), "6,789");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1_234_567.0), "1,234,567");
        assert_eq!(thousands(0.0), "0");
        let l = phase_line(PHASE_READ, std::time::Duration::from_millis(1500), 10_406);
        assert!(l.contains("1.5 s  10,406 files, 6,937 files/s"), "{l}");
        assert!(phase_line("merge", std::time::Duration::from_secs(2), 5).ends_with("2.0 s"));
    }

    #[test]
    fn the_summary_groups_skips_by_kind() {
        let s = Summary {
            added: 2,
            documents: 2,
            skipped: ["binary", "empty", "binary"]
                .into_iter()
                .map(|kind| Skipped {
                    path: "p".into(),
                    reason: "r".into(),
                    kind,
                })
                .collect(),
            ..Summary::default()
        };
        let line = summary_line(&s);
        assert!(line.starts_with("2 documents: 2 added,"), "{line}");
        assert!(line.contains("3 skipped (2 binary, 1 empty)"), "{line}");
    }
}
