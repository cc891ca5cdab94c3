//! The index's vocabulary: every word term of the ranking fields and every
//! identifier run, flat in two side files rebuilt after each commit, so that
//! an open-ended query word (`log4` in `log4j2`) is a scan of a list, not a
//! walk of the term dictionary; and [`WordAutomaton`], which selects the
//! word part of a dictionary (used to write the list, and by the query when
//! the list is missing).

use tantivy::schema::Field;
use tantivy::Searcher;
use tantivy_fst::Automaton;

use crate::index::layout::{map_stamped, temp_path, IDENTS_FILE, VOCABULARY_FILE};

/// Where the needle must sit inside a matching term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// Anywhere (`.*x.*`).
    Contains,
    /// At the end (`.*x`).
    Suffix,
    /// At the start (`x.*`).
    Prefix,
}

/// Matches word terms containing / ending with / starting with a needle,
/// with a KMP matcher over the term's bytes.
#[derive(Debug, Clone)]
pub struct WordAutomaton {
    needle: Vec<u8>,
    fail: Vec<usize>,
    anchor: Anchor,
}

/// Automaton state: `None` is dead; `Some((matched, depth, done))` where
/// `matched` is the KMP state and `done` records a completed match for
/// `Contains`.
type State = Option<(usize, usize, bool)>;

/// Whether a term starting with this byte can be a word token: ASCII
/// letters/digits/underscore, or a lead byte of a non-CJK script. Lead bytes
/// 0xE3–0xE9 (U+3000–U+9FFF) and 0xEA–0xED (hangul) and 4-byte chars hold
/// the CJK bigrams, which never contain a word needle.
fn word_lead(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || (0xC2..=0xE2).contains(&b)
}

impl WordAutomaton {
    pub fn new(needle: &str, anchor: Anchor) -> Self {
        let n = needle.as_bytes().to_vec();
        let mut fail = vec![0; n.len()];
        let mut k = 0;
        for i in 1..n.len() {
            while k > 0 && n[i] != n[k] {
                k = fail[k - 1];
            }
            if n[i] == n[k] {
                k += 1;
            }
            fail[i] = k;
        }
        WordAutomaton {
            needle: n,
            fail,
            anchor,
        }
    }

    fn step(&self, mut k: usize, b: u8) -> usize {
        if k == self.needle.len() {
            k = self.fail[k - 1];
        }
        while k > 0 && self.needle[k] != b {
            k = self.fail[k - 1];
        }
        if self.needle[k] == b {
            k + 1
        } else {
            0
        }
    }
}

impl Automaton for WordAutomaton {
    type State = State;

    fn start(&self) -> State {
        Some((0, 0, false))
    }

    fn is_match(&self, s: &State) -> bool {
        match s {
            Some((k, _, done)) => *done || *k == self.needle.len(),
            None => false,
        }
    }

    fn can_match(&self, s: &State) -> bool {
        s.is_some()
    }

    fn will_always_match(&self, s: &State) -> bool {
        matches!(
            (s, self.anchor),
            (Some((_, _, true)), Anchor::Contains | Anchor::Prefix)
        )
    }

    fn accept(&self, s: &State, b: u8) -> State {
        let (k, depth, done) = (*s)?;
        if depth == 0 && !word_lead(b) {
            return None;
        }
        if self.needle.is_empty() {
            return Some((0, depth + 1, true));
        }
        match self.anchor {
            Anchor::Prefix => {
                if done {
                    return Some((k, depth + 1, true));
                }
                if self.needle[depth] != b {
                    return None;
                }
                let d = depth + 1;
                Some((d, d, d == self.needle.len()))
            }
            Anchor::Contains => {
                if done {
                    return Some((k, depth + 1, true));
                }
                let k = self.step(k, b);
                Some((k, depth + 1, k == self.needle.len()))
            }
            Anchor::Suffix => Some((self.step(k, b), depth + 1, false)),
        }
    }
}

/// A list of terms kept as one flat text, so that finding every term that
/// contains a needle is a `memmem` scan (~0.1 ms for the words of 10k
/// articles) instead of an FST walk (~4 ms a segment and field).
struct TermFile {
    /// The file: its first line, then terms joined by "\n" + "\n".
    data: TermBytes,
    /// Where the header's "\n" is: `data[start..]` is "\n" + terms + "\n".
    start: usize,
}

/// The bytes of a term file: mapped, so that a query reads only the pages
/// it scans and copies nothing (reading the 1 MB list of identifier runs
/// into memory was a tenth of an identifier query's time); owned in tests.
enum TermBytes {
    Mapped(memmap2::Mmap),
    #[cfg(test)]
    Owned(Vec<u8>),
}

impl std::ops::Deref for TermBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            TermBytes::Mapped(m) => m,
            #[cfg(test)]
            TermBytes::Owned(v) => v,
        }
    }
}

impl TermFile {
    /// Reads `dir/file` if its first line is `{kind} opstamp={opstamp}` and its
    /// checksum holds. Read
    /// as it is, not copied behind a "\n": the header line's own end serves
    /// (the copy was a tenth of a no-hit query's time).
    fn load(dir: &std::path::Path, file: &str, kind: &str, opstamp: u64) -> Option<TermFile> {
        let (data, start) = map_stamped(dir, file, kind, opstamp)?;
        Some(TermFile {
            data: TermBytes::Mapped(data),
            start,
        })
    }

    /// "\n" + the terms, each followed by "\n".
    fn terms(&self) -> &[u8] {
        &self.data[self.start..]
    }

    /// Every term matching `needle` at `anchor`.
    fn matching(&self, needle: &str, anchor: Anchor) -> Vec<&str> {
        let bytes = self.terms();
        let mut out: Vec<&str> = Vec::new();
        let mut last_line_start = usize::MAX;
        for at in memchr::memmem::find_iter(bytes, needle.as_bytes()) {
            let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
            if start == last_line_start {
                continue;
            }
            let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
            if end < at + needle.len() {
                continue; // the needle spans a line break: not inside one term
            }
            let ok = match anchor {
                Anchor::Contains => true,
                Anchor::Prefix => at == start,
                Anchor::Suffix => at + needle.len() == end,
            };
            if ok {
                last_line_start = start;
                // Written from valid UTF-8 terms; a damaged line is skipped.
                if let Ok(t) = std::str::from_utf8(&bytes[start..end]) {
                    out.push(t);
                }
            }
        }
        out
    }
}

/// The word part of the index's vocabulary, and (read when first needed)
/// its identifier runs. Both files are rebuilt after every commit; a file
/// from another commit (a crash between the two) is ignored — words are
/// then found by the automaton, identifier strings by the phrase path — so a
/// stale file can never lose a match.
pub struct Vocabulary {
    words: TermFile,
    idents: std::sync::OnceLock<Option<TermFile>>,
    /// The flat list of paths (read when `-l` first needs it).
    paths: std::sync::OnceLock<Option<std::sync::Arc<crate::index::paths::PathList>>>,
    dir: std::path::PathBuf,
    opstamp: u64,
}

impl Vocabulary {
    /// Loads the vocabulary if it describes commit `opstamp`. A missing or
    /// unreadable file is not an error: it only costs speed, since the
    /// automaton finds the same words.
    pub fn load(dir: &std::path::Path, opstamp: u64) -> Option<Vocabulary> {
        Some(Vocabulary {
            words: TermFile::load(dir, VOCABULARY_FILE, "secsearch-words", opstamp)?,
            idents: std::sync::OnceLock::new(),
            paths: std::sync::OnceLock::new(),
            dir: dir.to_path_buf(),
            opstamp,
        })
    }

    /// Every word term, in dictionary order: the candidates a zero-hit
    /// query's suggestions are picked from.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.words
            .terms()
            .split(|&b| b == b'\n')
            .filter(|w| !w.is_empty())
            .filter_map(|w| std::str::from_utf8(w).ok())
    }

    /// Every word term matching `needle` at `anchor` (a scan of the
    /// list; a query's build asks once a word, see `search::build::Words`).
    pub fn matching(&self, needle: &str, anchor: Anchor) -> Vec<&str> {
        self.words.matching(needle, anchor)
    }

    /// The index's flat list of paths for this commit, if it has one.
    pub fn paths(&self) -> Option<std::sync::Arc<crate::index::paths::PathList>> {
        self.paths
            .get_or_init(|| {
                crate::index::paths::PathList::load(&self.dir, self.opstamp)
                    .map(std::sync::Arc::new)
            })
            .clone()
    }

    /// Every identifier run containing `needle`; `None` when the index has
    /// no list of runs for this commit (the caller takes the phrase path).
    pub fn idents_containing(&self, needle: &str) -> Option<Vec<&str>> {
        let file = self.idents.get_or_init(|| {
            TermFile::load(&self.dir, IDENTS_FILE, "secsearch-idents", self.opstamp)
        });
        Some(file.as_ref()?.matching(needle, Anchor::Contains))
    }
}

/// Writes every term of `fields` accepted by `automaton`, sorted, without
/// repeats, one a line, as `dir/file` for commit `opstamp`, atomically
/// (temporary file + rename).
///
/// The segments' term dictionaries are each sorted, so their streams are
/// merged and written as they come: the list of every term of every
/// segment, repeats included, sorted in memory (as before) was the peak of
/// a million-article run, 1.37 GB resident at its very end.
fn write_term_file<A>(
    dir: &std::path::Path,
    (file, kind): (&str, &str),
    searcher: &Searcher,
    fields: &[Field],
    (automaton, opstamp): (&A, u64),
) -> std::io::Result<()>
where
    A: Automaton,
    A::State: Clone,
{
    use std::io::Write;
    let mut readers = Vec::new();
    for seg in searcher.segment_readers() {
        for &f in fields {
            readers.push(seg.inverted_index(f).map_err(std::io::Error::other)?);
        }
    }
    let mut streams = Vec::with_capacity(readers.len());
    for r in &readers {
        streams.push(r.terms().search(automaton).into_stream()?);
    }
    let tmp = temp_path(dir, file);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
    out.write_all(crate::index::layout::stamp_line(kind, opstamp).as_bytes())?;
    let mut last: Option<Vec<u8>> = None;
    crate::index::sorted::merge(&mut streams, |key| {
        if last.as_deref() == Some(key) {
            return Ok(());
        }
        if std::str::from_utf8(key).is_ok() && !key.contains(&b'\n') {
            out.write_all(key)?;
            out.write_all(b"\n")?;
        }
        let l = last.get_or_insert_with(Vec::new);
        l.clear();
        l.extend_from_slice(key);
        Ok(())
    })?;
    out.flush()?;
    drop(out);
    crate::index::layout::seal(&tmp)?;
    std::fs::rename(&tmp, dir.join(file))
}

/// Writes the vocabulary of `fields` for the searcher's commit.
pub fn write_vocabulary(
    dir: &std::path::Path,
    searcher: &Searcher,
    fields: &[Field],
    opstamp: u64,
) -> std::io::Result<()> {
    // The empty needle accepts every term that can be a word.
    let any = WordAutomaton::new("", Anchor::Contains);
    let names = (VOCABULARY_FILE, "secsearch-words");
    write_term_file(dir, names, searcher, fields, (&any, opstamp))
}

/// Writes the identifier runs of `fields` (every term) for the searcher's
/// commit.
pub fn write_idents(
    dir: &std::path::Path,
    searcher: &Searcher,
    fields: &[Field],
    opstamp: u64,
) -> std::io::Result<()> {
    let all = tantivy_fst::automaton::AlwaysMatch;
    let names = (IDENTS_FILE, "secsearch-idents");
    write_term_file(dir, names, searcher, fields, (&all, opstamp))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(a: &WordAutomaton, s: &str) -> bool {
        let mut st = a.start();
        for &b in s.as_bytes() {
            st = a.accept(&st, b);
            if !a.can_match(&st) {
                return false;
            }
        }
        a.is_match(&st)
    }

    #[test]
    fn vocabulary_matches_by_anchor() {
        let v = TermFile {
            data: TermBytes::Owned(b"head\napt\napt29\nlog4j\nlog4j2\nxcve\n".to_vec()),
            start: 4,
        };
        assert_eq!(
            v.matching("log4j", Anchor::Contains),
            vec!["log4j", "log4j2"]
        );
        assert_eq!(v.matching("cve", Anchor::Suffix), vec!["xcve"]);
        assert_eq!(v.matching("apt", Anchor::Prefix), vec!["apt", "apt29"]);
        assert!(v.matching("t\na", Anchor::Contains).is_empty());
    }

    #[test]
    fn contains_suffix_prefix() {
        let c = WordAutomaton::new("log4j", Anchor::Contains);
        assert!(run(&c, "log4j2") && run(&c, "xlog4j") && run(&c, "log4j"));
        assert!(!run(&c, "log4") && !run(&c, "漏洞"));
        let s = WordAutomaton::new("cve", Anchor::Suffix);
        assert!(run(&s, "cve") && run(&s, "xcve") && run(&s, "cvecve"));
        assert!(!run(&s, "cvex"));
        let p = WordAutomaton::new("aab", Anchor::Suffix);
        assert!(run(&p, "aaab"));
        let p = WordAutomaton::new("apt", Anchor::Prefix);
        assert!(run(&p, "apt29") && run(&p, "apt") && !run(&p, "xapt"));
    }
}
