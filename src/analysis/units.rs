//! Recall units: the exact, position-faithful rewrite of normalized text
//! (CJK bigrams, whole Latin/digit words, every other visible character)
//! that makes a phrase query behave like `grep -F -i`, the same units of a
//! query string, and identifier runs (`CVE-2024-3094`, `Log4j2`).

use super::normalize::{class, Class};

/// Words longer than this (in bytes) are cut into consecutive chunks: tantivy
/// drops terms over 65,530 bytes, and hex blobs this long are never searched
/// for by a person.
pub(super) const MAX_WORD_BYTES: usize = 240;

/// One unit of the recall representation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Position relative to the first unit.
    pub position: usize,
    pub kind: UnitKind,
    pub text: String,
    /// Byte range in the normalized text.
    pub from: usize,
    pub to: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    /// Two CJK characters.
    Bigram,
    /// A CJK run of one character.
    Unigram,
    Word,
    Punct,
    Newline,
    /// A run of whitespace on one line, kept as itself: a space is not a
    /// tab, and `勒索 软件` must not match `勒索软件`.
    Space,
}

/// Streams the recall units of normalized text, calling `emit` for each.
/// This one function defines the recall representation for both documents
/// (through [`FieldTokenizer`]) and queries (through [`query_units`]).
pub fn recall_units(norm: &str, mut emit: impl FnMut(usize, UnitKind, &str, usize, usize)) {
    let mut pos = 0usize;
    // The previous CJK char of the current run and its byte offset.
    let mut prev_cjk: Option<usize> = None;
    let mut run_len = 0usize;
    let bytes = norm.len();
    let mut iter = norm.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let cls = class(c);
        if cls == Class::Cjk {
            let end = i + c.len_utf8();
            if let Some(p) = prev_cjk {
                emit(pos, UnitKind::Bigram, &norm[p..end], p, end);
                pos += 1;
            }
            prev_cjk = Some(i);
            run_len += 1;
            continue;
        }
        if let Some(p) = prev_cjk.take() {
            if run_len == 1 {
                emit(pos, UnitKind::Unigram, &norm[p..i], p, i);
                pos += 1;
            }
            run_len = 0;
        }
        match cls {
            Class::Word => {
                let mut end = i + c.len_utf8();
                let mut start = i;
                while let Some(&(j, d)) = iter.peek() {
                    if class(d) != Class::Word {
                        break;
                    }
                    let next_end = j + d.len_utf8();
                    if next_end - start > MAX_WORD_BYTES {
                        emit(pos, UnitKind::Word, &norm[start..end], start, end);
                        pos += 1;
                        start = end;
                    }
                    end = next_end;
                    iter.next();
                }
                emit(pos, UnitKind::Word, &norm[start..end], start, end);
                pos += 1;
            }
            Class::Punct => {
                let end = i + c.len_utf8();
                emit(pos, UnitKind::Punct, &norm[i..end], i, end);
                pos += 1;
            }
            Class::Newline | Class::Space => {
                // A whitespace run is one token: itself when it stays on one
                // line (so `a  b` ≠ `a b`, as for grep), a newline when it
                // crosses lines (a barrier: queries never hold one).
                let mut end = i + c.len_utf8();
                let mut newline = cls == Class::Newline;
                while let Some(&(j, d)) = iter.peek() {
                    match class(d) {
                        Class::Space => {}
                        Class::Newline => newline = true,
                        _ => break,
                    }
                    end = j + d.len_utf8();
                    iter.next();
                }
                if newline {
                    emit(pos, UnitKind::Newline, "\n", i, end);
                } else {
                    emit(pos, UnitKind::Space, &norm[i..end], i, end);
                }
                pos += 1;
            }
            Class::Cjk => {}
        }
    }
    if let Some(p) = prev_cjk {
        if run_len == 1 {
            emit(pos, UnitKind::Unigram, &norm[p..bytes], p, bytes);
        }
    }
}

/// A query string's units, with the two ends marked open: the text may
/// continue in the document beyond the first and last unit, which is what
/// turns a unit into a prefix/suffix/infix match (see `search`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryUnit {
    pub unit: Unit,
    /// The document may have more characters of the same token before it.
    pub open_left: bool,
    /// The document may have more characters of the same token after it.
    pub open_right: bool,
}

/// Splits a (normalized) query string into recall units. Leading and
/// trailing whitespace is ignored.
pub fn query_units(norm: &str) -> Vec<QueryUnit> {
    let norm = norm.trim_matches(|c: char| c.is_whitespace());
    let mut units = Vec::new();
    recall_units(norm, |position, kind, text, from, to| {
        units.push(Unit {
            position,
            kind,
            text: text.to_string(),
            from,
            to,
        })
    });
    let n = units.len();
    units
        .into_iter()
        .enumerate()
        .map(|(i, unit)| QueryUnit {
            open_left: i == 0,
            open_right: i + 1 == n,
            unit,
        })
        .collect()
}

/// Characters that join letters and digits into one identifier run besides
/// the word characters: what versions (`8.0.0`), CVE ids, domains, e-mail
/// addresses, URLs, Windows paths and defanged indicators (`evil[.]com`)
/// are made of.
pub(super) const IDENT_JOINERS: &[char] = &[
    '.', '-', '@', ':', '/', '\\', '?', '=', '&', '%', '+', '#', '~', '[', ']',
];

/// Whether a (normalized) character belongs to identifier runs.
pub(super) fn is_ident_char(c: char) -> bool {
    class(c) == Class::Word || IDENT_JOINERS.contains(&c)
}

/// Identifier runs longer than this many bytes are indexed as overlapping
/// windows of this size, a window starting every half of it, so that any
/// string of up to [`MAX_IDENT_QUERY_BYTES`] lies whole inside one window.
pub(super) const IDENT_WINDOW: usize = 1024;

/// The longest query string answered through identifier runs (see
/// [`IDENT_WINDOW`]; a window start moves back and its end forward by at
/// most 3 bytes to a character boundary). Longer strings take the phrase
/// path.
pub const MAX_IDENT_QUERY_BYTES: usize = IDENT_WINDOW / 2 - 12;

/// Streams the identifier runs of normalized text: maximal runs of word
/// characters and [`IDENT_JOINERS`] that hold a joiner and two characters
/// or more (`8.0.0`, `cve-2023-5631`, `security@tencent.com`,
/// `https://x.com/a?b=1`). Each is indexed whole, besides its recall units,
/// so that a query string made of such characters — which can only occur
/// inside one run — is answered by the runs that contain it (a scan of the
/// index's list of runs, see `expand`) instead of a phrase over the most
/// frequent tokens (`.`, `-`, `0`, `1`).
pub fn ident_runs(norm: &str, mut emit: impl FnMut(&str, usize, usize)) {
    let mut start: Option<usize> = None;
    let mut joined = false;
    let mut flush = |from: usize, to: usize, joined: bool| {
        let run = &norm[from..to];
        if joined && run.chars().nth(1).is_some() {
            ident_windows(run, |a, b| emit(&run[a..b], from + a, from + b));
        }
    };
    for (i, c) in norm.char_indices() {
        if is_ident_char(c) {
            start.get_or_insert(i);
            joined |= class(c) != Class::Word;
        } else if let Some(from) = start.take() {
            flush(from, i, joined);
            joined = false;
        }
    }
    if let Some(from) = start {
        flush(from, norm.len(), joined);
    }
}

/// The byte ranges a run is indexed as: itself, or overlapping windows when
/// it is longer than [`IDENT_WINDOW`].
pub(super) fn ident_windows(run: &str, mut emit: impl FnMut(usize, usize)) {
    if run.len() <= IDENT_WINDOW {
        return emit(0, run.len());
    }
    let floor = |mut i: usize| {
        while !run.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let ceil = |mut i: usize| {
        while i < run.len() && !run.is_char_boundary(i) {
            i += 1;
        }
        i.min(run.len())
    };
    let mut k = 0;
    loop {
        let a = floor(k * IDENT_WINDOW / 2);
        let b = ceil(a + IDENT_WINDOW);
        emit(a, b);
        if b >= run.len() {
            return;
        }
        k += 1;
    }
}

/// The string to look up among identifier runs, when the (normalized)
/// query string can only occur inside one run: made of identifier
/// characters only, with a joiner, two characters or more, and short enough
/// (see [`MAX_IDENT_QUERY_BYTES`]). Otherwise `None`: the phrase path.
pub fn ident_query(norm: &str) -> Option<&str> {
    let q = norm.trim_matches(|c: char| c.is_whitespace());
    let ok = q.len() <= MAX_IDENT_QUERY_BYTES
        && q.chars().nth(1).is_some()
        && q.chars().all(is_ident_char)
        && q.chars().any(|c| class(c) != Class::Word);
    ok.then_some(q)
}
