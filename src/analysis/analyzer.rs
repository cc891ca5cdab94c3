//! Text analysis: how documents and queries become index terms.
//!
//! Two representations of the same text, registered as two tantivy tokenizers:
//!
//! * **recall** (`RECALL_TOKENIZER`) — an exact, position-faithful rewrite of the
//!   text, so that a phrase query over it behaves like `grep -F -i`. CJK runs
//!   become overlapping bigrams (a lone CJK character becomes a unigram), runs
//!   of letters/digits become one lowercase word, every other visible
//!   character is a one-character token, a run of spaces is a token of its
//!   own, and a run of whitespace holding a line break is one newline token.
//!   Because nothing is dropped or merged, "these units at these relative
//!   positions" is equivalent to "this string occurs here"; only the two ends
//!   of a query string need expansion (a partial word, a lone CJK character),
//!   see [`query_units`].
//! * **words** (`WORDS_TOKENIZER`) — jieba-rs words for ranking (BM25). Only
//!   used at index time: the query side looks query substrings up in the
//!   index's own term dictionary instead, so a search never pays jieba's
//!   110–170 ms dictionary build.
//!
//! Both run over [`normalize`]d text, and queries are normalized the same way.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;

use crate::error::Error;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Bumped whenever tokenization changes in a way that changes index terms.
/// An index built with another version is refused (see `schema`).
pub const ANALYZER_VERSION: u32 = 7;

pub const RECALL_TOKENIZER: &str = "secsearch_recall";
pub const WORDS_TOKENIZER: &str = "secsearch_words";
/// The recall representation of URLs (`url`, `link`): see [`link_index_form`].
pub const LINK_TOKENIZER: &str = "secsearch_recall_link";
/// Identifier runs as whole terms (`title_ident`, `body_ident`): see
/// [`ident_runs`].
pub const IDENT_TOKENIZER: &str = "secsearch_ident";

/// Words longer than this (in bytes) are cut into consecutive chunks: tantivy
/// drops terms over 65,530 bytes, and hex blobs this long are never searched
/// for by a person.
const MAX_WORD_BYTES: usize = 240;

/// The class of a (normalized) character, which decides how it is tokenized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Han, kana, hangul: no spaces between words, so indexed as bigrams.
    Cjk,
    /// Letters and digits of space-separated scripts: whole lowercase words.
    Word,
    /// Any other visible character: a one-character token.
    Punct,
    /// A line break: a token, so that a phrase never spans lines (grep is
    /// line-based).
    Newline,
    /// Other whitespace: a run of it is a token of its own, so that the
    /// representation stays exact.
    Space,
}

pub fn class(c: char) -> Class {
    let u = c as u32;
    if matches!(u, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF | 0x20000..=0x323AF)
    {
        Class::Cjk
    } else if let Some(k) = block_slot(u) {
        block_table()[k].class
    } else {
        class_of(c)
    }
}

/// ASCII, General Punctuation (U+2000–U+206F: `“”…—`) and CJK Symbols and
/// Punctuation (U+3000–U+303F: `，。、《》`), the characters Chinese text is
/// full of besides Han: [`class_of`] asks Unicode's tables for each of them
/// (a fifth of the analyzer's CPU when indexing, measured), so their
/// classes are computed once, by `class_of` itself, into a table.
const BLOCKS: [(u32, u32); 3] = [(0, 0x80), (0x2000, 0x2070), (0x3000, 0x3040)];
const BLOCKS_LEN: usize = 0x80 + 0x70 + 0x40;

/// The slot of `u` in [`block_table`], if it is in one of [`BLOCKS`].
fn block_slot(u: u32) -> Option<usize> {
    let mut base = 0;
    for (lo, hi) in BLOCKS {
        if (lo..hi).contains(&u) {
            return Some(base + (u - lo) as usize);
        }
        base += (hi - lo) as usize;
    }
    None
}

/// What the analyzer asks of a character of [`BLOCKS`], answered once.
#[derive(Clone, Copy)]
struct BlockChar {
    class: Class,
    /// A non-ASCII character that is its own normal form (`“”—`, `。、《》`):
    /// the answer of `push_normalized`'s general path (NFKC and case
    /// checks: 2% of indexing CPU, for the punctuation of every Chinese
    /// sentence).
    kept: bool,
}

fn block_table() -> &'static [BlockChar; BLOCKS_LEN] {
    static TABLE: std::sync::OnceLock<[BlockChar; BLOCKS_LEN]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = [BlockChar {
            class: Class::Punct,
            kept: false,
        }; BLOCKS_LEN];
        let chars = BLOCKS.iter().flat_map(|&(lo, hi)| lo..hi);
        for (slot, c) in t.iter_mut().zip(chars.map(char::from_u32)) {
            if let Some(c) = c {
                slot.class = class_of(c);
                slot.kept =
                    !c.is_ascii() && nfkc_stable(c) && (c.is_lowercase() || !c.is_alphabetic());
            }
        }
        t
    })
}

/// Whether `c` is a non-ASCII character of [`BLOCKS`] that normalizes to
/// itself (see [`BlockChar::kept`]).
fn kept_punctuation(c: char) -> bool {
    block_slot(c as u32).is_some_and(|k| block_table()[k].kept)
}

/// [`class`] from Unicode's properties, for a character outside the CJK
/// ranges.
fn class_of(c: char) -> Class {
    if c == '\n' {
        Class::Newline
    } else if c.is_whitespace() {
        Class::Space
    } else if c.is_alphanumeric() || c == '_' {
        Class::Word
    } else {
        Class::Punct
    }
}

/// Maps one character to its normalized form: full-width ASCII to half-width
/// (`ＣＶＥ－２０２４` → `cve-2024`), ideographic space to space, any other
/// character whose Unicode NFKC form differs to that form (the Kangxi
/// radical `⼀` → `一`, `⽂` → `文`, `ﬁ` → `fi`, `①` → `1`: converters and
/// some fonts put them in articles that read as ordinary text, and grep
/// under NFKC — the dev set's truth — finds them), lowercase.
/// Pushes onto `out` so that callers can track offsets char by char.
#[inline]
pub fn push_normalized(c: char, out: &mut String) {
    let u = c as u32;
    let c = match u {
        0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        0x0D => '\n',
        _ => c,
    };
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if caseless_ideograph(c) || kept_punctuation(c) {
        // Most characters of the corpus: no case and NFKC-stable, so none of
        // the three Unicode table lookups below (`is_lowercase`,
        // `is_alphabetic`, `to_lowercase` — 12% of a web search's profile,
        // measured) can change them.
        out.push(c);
    } else if !nfkc_stable(c) {
        use unicode_normalization::UnicodeNormalization;
        for d in std::iter::once(c).nfkc() {
            push_lowercase(d, out);
        }
    } else {
        push_lowercase(c, out);
    }
}

fn push_lowercase(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if c.is_lowercase() || !c.is_alphabetic() {
        out.push(c);
    } else {
        out.extend(c.to_lowercase());
    }
}

/// CJK unified ideographs (base block and extension A) and hangul
/// syllables: characters without case that NFKC leaves alone.
#[inline]
fn caseless_ideograph(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xAC00..=0xD7A3)
}

/// Whether NFKC leaves `c` as it is. The unified ideographs and hangul
/// syllables — nearly every non-ASCII character of the corpus — are
/// answered without a table lookup. Applied a character at a time, which
/// is what matters for the compatibility characters met in practice
/// (a combining sequence is not composed: that would need the neighbours,
/// and composed and decomposed forms both stay searchable as written).
#[inline]
fn nfkc_stable(c: char) -> bool {
    use unicode_normalization::{is_nfkc_quick, IsNormalized};
    caseless_ideograph(c) || is_nfkc_quick(std::iter::once(c)) != IsNormalized::No
}

/// Characters that exist only in traditional Chinese (3,798 of U+3400–U+9FFF,
/// those zhconv's zh-Hans table changes), generated from zhconv and checked
/// against it by a test.
const HANT_CHARS: &str = include_str!("../../index-schema/hant-chars.txt");

/// Bitmap over U+3400–U+9FFF of [`HANT_CHARS`].
static HANT: std::sync::LazyLock<Vec<u64>> = std::sync::LazyLock::new(|| {
    let mut bits = vec![0u64; (0xA000 - 0x3400) / 64 + 1];
    for c in HANT_CHARS.chars() {
        let u = c as usize;
        if (0x3400..0xA000).contains(&u) {
            bits[(u - 0x3400) / 64] |= 1 << ((u - 0x3400) % 64);
        }
    }
    bits
});

/// Whether `c` is written only in traditional Chinese.
pub fn is_hant(c: char) -> bool {
    let u = c as usize;
    (0x3400..0xA000).contains(&u) && HANT[(u - 0x3400) / 64] & (1 << ((u - 0x3400) % 64)) != 0
}

/// Converts a run of CJK characters holding a traditional-only character to
/// simplified Chinese with mainland vocabulary (`勒索軟體` → `勒索软件`,
/// `網絡攻擊` → `网络攻击`), phrase-level as OpenCC's tw2sp does, with zhconv.
/// Only CJK runs are converted (punctuation such as 「」 stays as written),
/// and only runs with a traditional-only character, so simplified text —
/// nearly all of it — keeps grep's semantics to the byte. The same rule
/// applies to query strings.
fn to_simplified(run: &str) -> String {
    zhconv::zhconv(run, zhconv::Variant::ZhCN)
}

/// Normalizes a whole text (see [`push_normalized`] and [`to_simplified`]);
/// CRLF becomes one newline.
pub fn normalize(text: &str) -> String {
    normalize_impl(text, None)
}

/// Like [`normalize`] but also returns, for every byte of the output, the byte
/// offset in `text` of the character it came from (plus one final entry for
/// the end), so that matches found in normalized text can be highlighted in
/// the original. Where a traditional run converts to a different number of
/// characters (rare: `部落格` → `博客`), positions inside it are spread
/// proportionally.
pub fn normalize_with_map(text: &str) -> (String, Vec<u32>) {
    let mut map = Vec::with_capacity(text.len() + 1);
    let out = normalize_impl(text, Some(&mut map));
    map.push(text.len() as u32);
    (out, map)
}

fn normalize_impl(text: &str, mut map: Option<&mut Vec<u32>>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev_cr = false;
    // The current CJK run: where it starts in `out`, and whether it holds a
    // traditional-only character.
    let mut run: Option<usize> = None;
    let mut has_hant = false;
    for (i, c) in text.char_indices() {
        if c == '\n' && prev_cr {
            prev_cr = false;
            continue;
        }
        prev_cr = c == '\r';
        let cjk = class(c) == Class::Cjk;
        if !cjk {
            if let Some(start) = run.take() {
                if has_hant {
                    convert_run(&mut out, map.as_deref_mut(), start);
                }
                has_hant = false;
            }
        } else if run.is_none() {
            run = Some(out.len());
        }
        push_normalized(c, &mut out);
        if let Some(m) = map.as_deref_mut() {
            m.resize(out.len(), i as u32);
        }
        has_hant |= cjk && is_hant(c);
    }
    if let (Some(start), true) = (run, has_hant) {
        convert_run(&mut out, map, start);
    }
    out
}

/// Replaces `out[from..]` (one CJK run) by its simplified form, keeping
/// `map` in step.
fn convert_run(out: &mut String, map: Option<&mut Vec<u32>>, from: usize) {
    let conv = to_simplified(&out[from..]);
    let Some(map) = map else {
        out.truncate(from);
        out.push_str(&conv);
        return;
    };
    let old_map: Vec<u32> = map[from..].to_vec();
    let old_chars: Vec<usize> = out[from..].char_indices().map(|(i, _)| i).collect();
    let new_count = conv.chars().count().max(1);
    out.truncate(from);
    map.truncate(from);
    for (k, c) in conv.chars().enumerate() {
        let src = if new_count == old_chars.len() {
            old_chars[k]
        } else {
            old_chars
                .get(k * old_chars.len() / new_count)
                .copied()
                .unwrap_or(0)
        };
        let orig = old_map.get(src).copied().unwrap_or(0);
        out.push(c);
        map.resize(out.len(), orig);
    }
}

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
const IDENT_JOINERS: &[char] = &[
    '.', '-', '@', ':', '/', '\\', '?', '=', '&', '%', '+', '#', '~', '[', ']',
];

/// Whether a (normalized) character belongs to identifier runs.
fn is_ident_char(c: char) -> bool {
    class(c) == Class::Word || IDENT_JOINERS.contains(&c)
}

/// Identifier runs longer than this many bytes are indexed as overlapping
/// windows of this size, a window starting every half of it, so that any
/// string of up to [`MAX_IDENT_QUERY_BYTES`] lies whole inside one window.
const IDENT_WINDOW: usize = 1024;

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
fn ident_windows(run: &str, mut emit: impl FnMut(usize, usize)) {
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

/// Which representation a [`FieldTokenizer`] produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Representation {
    Recall,
    Words,
    /// [`Representation::Recall`] of [`link_index_form`].
    Link,
    /// [`ident_runs`].
    Ident,
}

/// The WeChat page's own links (`mp.weixin.qq.com/s?__biz=…&mid=…&idx=…&sn=…
/// &chksm=…&scene=…`) as the `url` and `link` fields index them: only the
/// parameters that name the article (`__biz`, `mid`, `idx`) are kept. The
/// others are per-link checksums and tracking (`chksm` alone is ~110 hex
/// digits), unique to each link, which nobody searches for, and which made
/// the index 1.01× its input on wechat-10k (measured: 57.1 MB for 56.5 MB;
/// the limit is 1.0×). Other links, one a line, are indexed as written.
pub fn link_index_form(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.lines().any(is_wechat_link) {
        return std::borrow::Cow::Borrowed(text);
    }
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            if !is_wechat_link(l) {
                return l.to_owned();
            }
            let (head, query) = l.split_once('?').unwrap_or((l, ""));
            let query = query.split('#').next().unwrap_or("");
            let kept: Vec<&str> = query
                .split('&')
                .filter(|kv| {
                    let k = kv.split('=').next().unwrap_or("");
                    matches!(k, "__biz" | "mid" | "idx")
                })
                .collect();
            if kept.is_empty() {
                head.to_owned()
            } else {
                format!("{head}?{}", kept.join("&"))
            }
        })
        .collect();
    std::borrow::Cow::Owned(lines.join("\n"))
}

/// A link with a query string to a host of the WeChat page itself.
fn is_wechat_link(line: &str) -> bool {
    let rest = line.trim_start();
    let lower = rest.get(..8).unwrap_or(rest).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &rest[8..]
    } else if lower.starts_with("http://") {
        &rest[7..]
    } else {
        rest
    };
    let host_end = rest.find(['/', '?', '#', ':']).unwrap_or(rest.len());
    rest.contains('?') && crate::ioc::extract::host_excluded(&rest[..host_end].to_ascii_lowercase())
}

/// The tantivy tokenizer of both field families: [`recall_units`] for the
/// recall fields, [`ranking_words`] for the ranking fields.
#[derive(Clone)]
pub struct FieldTokenizer {
    representation: Representation,
    tokens: Vec<Token>,
}

impl FieldTokenizer {
    pub fn recall() -> Self {
        FieldTokenizer {
            representation: Representation::Recall,
            tokens: Vec::new(),
        }
    }

    pub fn words() -> Self {
        FieldTokenizer {
            representation: Representation::Words,
            tokens: Vec::new(),
        }
    }

    pub fn link() -> Self {
        FieldTokenizer {
            representation: Representation::Link,
            tokens: Vec::new(),
        }
    }

    pub fn ident() -> Self {
        FieldTokenizer {
            representation: Representation::Ident,
            tokens: Vec::new(),
        }
    }
}

/// A token stream over a precomputed token list. Tokens are cheap to
/// compute, and precomputing lets one function ([`recall_units`]) define the
/// representation for documents and queries alike.
pub struct VecTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    /// Tokens of this text: the list may hold more, kept from a longer one.
    len: usize,
    next: usize,
}

impl TokenStream for VecTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.len {
            self.next += 1;
            true
        } else {
            false
        }
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// Token slots a tokenizer keeps between texts: their strings are
/// overwritten instead of allocated and freed for every token (a malloc and
/// a free a token were ~8% of indexing CPU). A longer text's extra slots
/// are released, so one huge file does not pin its tokens' memory.
const KEEP_TOKENS: usize = 1 << 16;

/// Writes a text's tokens into the slots of a token list, in order.
struct Slots<'a> {
    tokens: &'a mut Vec<Token>,
    len: usize,
}

impl<'a> Slots<'a> {
    fn new(tokens: &'a mut Vec<Token>) -> Self {
        if tokens.len() > KEEP_TOKENS {
            tokens.truncate(KEEP_TOKENS);
            tokens.shrink_to_fit();
        }
        Slots { tokens, len: 0 }
    }

    fn push(&mut self, position: usize, text: &str, from: usize, to: usize) {
        match self.tokens.get_mut(self.len) {
            Some(t) => {
                t.offset_from = from;
                t.offset_to = to;
                t.position = position;
                t.position_length = 1;
                t.text.clear();
                t.text.push_str(text);
            }
            None => self.tokens.push(Token {
                offset_from: from,
                offset_to: to,
                position,
                text: text.to_string(),
                position_length: 1,
            }),
        }
        self.len += 1;
    }

    fn stream(self) -> VecTokenStream<'a> {
        VecTokenStream {
            tokens: self.tokens,
            len: self.len,
            next: 0,
        }
    }
}

thread_local! {
    /// The last text normalized on this thread and its normal form. Each
    /// title and body is tokenized twice in a row (recall field, then words
    /// field) on the same indexing thread; this makes the second time free.
    static LAST_NORMALIZED: std::cell::RefCell<(String, String)> =
        const { std::cell::RefCell::new((String::new(), String::new())) };
}

/// Runs `f` on the normalized form of `text`, normalizing it only if it is
/// not the text this thread normalized last.
fn with_normalized<R>(text: &str, f: impl FnOnce(&str) -> R) -> R {
    LAST_NORMALIZED.with(|cell| {
        let mut last = cell.borrow_mut();
        if last.0 != text {
            last.1 = normalize(text);
            last.0.clear();
            last.0.push_str(text);
        }
        f(&last.1)
    })
}

impl Tokenizer for FieldTokenizer {
    type TokenStream<'a> = VecTokenStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream<'a> {
        let representation = self.representation;
        let mut slots = Slots::new(&mut self.tokens);
        if representation == Representation::Link {
            let form = link_index_form(text);
            let norm = normalize(&form);
            recall_units(&norm, |position, _, t, from, to| {
                slots.push(position, t, from, to)
            });
            return slots.stream();
        }
        with_normalized(text, |norm| match representation {
            Representation::Recall => recall_units(norm, |position, _, t, from, to| {
                slots.push(position, t, from, to)
            }),
            Representation::Link => {}
            Representation::Ident => {
                let mut position = 0;
                ident_runs(norm, |t, from, to| {
                    slots.push(position, t, from, to);
                    position += 1;
                });
            }
            Representation::Words => {
                let mut position = 0;
                ranking_words(norm, |w, from, to| {
                    slots.push(position, w, from, to);
                    position += 1;
                });
            }
        });
        slots.stream()
    }
}

/// Calls `emit(word, from, to)` for each ranking word of normalized text.
pub fn ranking_words(norm: &str, mut emit: impl FnMut(&str, usize, usize)) {
    let mut run_start: Option<usize> = None;
    let mut word_start: Option<usize> = None;
    let flush_cjk = |start: usize, end: usize, emit: &mut dyn FnMut(&str, usize, usize)| {
        let run = &norm[start..end];
        for t in jieba().cut(run, true) {
            emit(t.word, start + t.byte_start, start + t.byte_end);
        }
    };
    for (i, c) in norm.char_indices() {
        let cls = class(c);
        if cls != Class::Cjk {
            if let Some(s) = run_start.take() {
                flush_cjk(s, i, &mut emit);
            }
        }
        if cls != Class::Word {
            if let Some(s) = word_start.take() {
                emit_ranking_word(&norm[s..i], s, i, &mut emit);
            }
        }
        match cls {
            Class::Cjk if run_start.is_none() => run_start = Some(i),
            Class::Word if word_start.is_none() => word_start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = run_start {
        flush_cjk(s, norm.len(), &mut emit);
    }
    if let Some(s) = word_start {
        emit_ranking_word(&norm[s..], s, norm.len(), &mut emit);
    }
}

/// Latin/digit words longer than this rank nothing: they are ids in URLs
/// (WeChat image and link ids run 40–110 characters), unique to one
/// article, and only grew the word fields once visible URLs were indexed.
/// Recall is untouched: the recall fields keep every word.
const MAX_RANKING_WORD_BYTES: usize = 40;

fn emit_ranking_word(w: &str, s: usize, e: usize, emit: &mut impl FnMut(&str, usize, usize)) {
    if w.len() <= MAX_RANKING_WORD_BYTES {
        emit(w, s, e);
    }
}

/// The security vocabulary shipped with the project, loaded into jieba with
/// explicit frequencies so that terms like 勒索软件 stay whole.
pub const USER_DICT: &str = include_str!("../../index-schema/userdict.txt");

static JIEBA: OnceLock<Arc<Jieba>> = OnceLock::new();

/// The one shared jieba instance, built on first use (110–170 ms), which only
/// indexing and `tokenize` ever trigger.
pub fn jieba() -> &'static Jieba {
    // The shipped dictionary is compiled in and a test loads it, so the
    // fallback is never taken in a released binary.
    JIEBA.get_or_init(|| Arc::new(build_jieba(None).unwrap_or_else(|_| Jieba::new())))
}

/// A `--user-dict` file, read and checked: jieba takes its text, the index
/// stores its hash.
#[derive(Debug)]
pub struct UserDict {
    pub path: PathBuf,
    pub text: String,
}

impl UserDict {
    /// Reads and checks the file, so that a bad line is reported with the
    /// file's name and the line's number before any work is done.
    pub fn read(path: &Path) -> Result<UserDict, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            what: "cannot read user dictionary",
            source,
        })?;
        check_dict(&text).map_err(|(line, freq, source)| Error::UserDict {
            path: path.to_path_buf(),
            line,
            freq,
            source,
        })?;
        Ok(UserDict {
            path: path.to_path_buf(),
            text,
        })
    }
}

/// jieba's own rule for a dictionary line (`word [freq [tag]]`, the
/// frequency a whole number), checked here because jieba's error quotes the
/// line without naming the file.
fn check_dict(text: &str) -> Result<(), (usize, String, std::num::ParseIntError)> {
    for (i, line) in text.lines().enumerate() {
        if let Some(freq) = line.split_whitespace().nth(1) {
            freq.parse::<usize>()
                .map_err(|e| (i + 1, freq.to_string(), e))?;
        }
    }
    Ok(())
}

/// Builds jieba with the shipped dictionary plus an optional extra one; must
/// be called before the first [`jieba`] to take effect.
pub fn init_jieba(extra: Option<&UserDict>) -> Result<(), Error> {
    let j = build_jieba(extra.map(|d| d.text.as_str())).map_err(|source| Error::Jieba {
        what: match extra {
            Some(d) => format!("{}: cannot load user dictionary", d.path.display()),
            None => "cannot load the shipped dictionary".to_string(),
        },
        source,
    })?;
    // Already set only if something segmented text before this call: fine
    // with the shipped dictionary alone, wrong with a user dictionary.
    match (JIEBA.set(Arc::new(j)), extra) {
        (Err(_), Some(d)) => Err(Error::Path {
            path: d.path.clone(),
            msg: "the user dictionary was loaded after jieba had started".into(),
        }),
        _ => Ok(()),
    }
}

fn build_jieba(extra: Option<&str>) -> Result<Jieba, jieba_rs::Error> {
    let mut j = Jieba::new();
    j.load_dict(&mut USER_DICT.as_bytes())?;
    if let Some(extra) = extra {
        j.load_dict(&mut extra.as_bytes())?;
    }
    Ok(j)
}

/// Hash of the dictionaries that shape the ranking words, stored in the index
/// so that a changed dictionary asks for `--rebuild`.
pub fn dict_hash(extra: Option<&str>) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(b"jieba-rs 0.11 default dict;");
    h.update(USER_DICT.as_bytes());
    if let Some(e) = extra {
        h.update(b";");
        h.update(e.as_bytes());
    }
    format!("{:016x}", h.digest())
}

/// Registers both tokenizers on an index; must happen on every open.
pub fn register(index: &tantivy::Index) {
    let mgr = index.tokenizers();
    mgr.register(RECALL_TOKENIZER, FieldTokenizer::recall());
    mgr.register(WORDS_TOKENIZER, FieldTokenizer::words());
    mgr.register(LINK_TOKENIZER, FieldTokenizer::link());
    mgr.register(IDENT_TOKENIZER, FieldTokenizer::ident());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_kept_as_is_is_what_the_general_path_gives() {
        for u in BLOCKS.iter().flat_map(|&(lo, hi)| lo..hi) {
            let Some(c) = char::from_u32(u) else { continue };
            if c.is_ascii() || matches!(u, 0x3000 | 0x0D) {
                continue;
            }
            let mut general = String::new();
            if nfkc_stable(c) {
                push_lowercase(c, &mut general);
            } else {
                use unicode_normalization::UnicodeNormalization;
                std::iter::once(c)
                    .nfkc()
                    .for_each(|d| push_lowercase(d, &mut general));
            }
            let mut fast = String::new();
            push_normalized(c, &mut fast);
            assert_eq!(fast, general, "U+{u:04X}");
            if kept_punctuation(c) {
                assert_eq!(general, c.to_string(), "U+{u:04X}");
            }
        }
        assert!(kept_punctuation('。') && kept_punctuation('“') && !kept_punctuation('…'));
    }

    #[test]
    fn the_class_table_agrees_with_unicode_for_every_character() {
        for c in (0..=0x10_ffff).filter_map(char::from_u32) {
            let u = c as u32;
            let cjk = matches!(u, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
                | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x323AF);
            let want = if cjk { Class::Cjk } else { class_of(c) };
            assert_eq!(class(c), want, "U+{u:04X}");
        }
        assert_eq!(class('，'), Class::Punct);
        assert_eq!(class('々'), Class::Word);
        assert_eq!(class('\u{3000}'), Class::Space);
    }

    #[test]
    fn the_shipped_dictionary_loads() {
        assert!(build_jieba(None).is_ok());
    }

    #[test]
    fn a_bad_user_dictionary_line_is_named_by_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("dict.txt");
        std::fs::write(&p, "勒索软件 100 n\n\n挖矿木马\r\n供应链 many n\n").unwrap();
        let e = UserDict::read(&p).unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e, Error::UserDict { line: 4, .. }), "{e:?}");
        assert!(msg.contains(&format!("{}:4:", p.display())), "{msg}");
        assert!(msg.contains("'many'"), "{msg}");
        std::fs::write(&p, "勒索软件 100 n\n挖矿木马\n").unwrap();
        assert!(UserDict::read(&p).is_ok());
    }

    #[test]
    fn a_missing_user_dictionary_is_an_error_with_its_cause() {
        let dir = tempfile::tempdir().unwrap();
        let e = UserDict::read(&dir.path().join("none.txt")).unwrap_err();
        assert!(matches!(e, Error::Io { .. }), "{e:?}");
        assert!(std::error::Error::source(&e).is_some());
    }

    fn units(s: &str) -> Vec<(usize, String)> {
        let mut v = Vec::new();
        recall_units(&normalize(s), |p, _, t, _, _| v.push((p, t.to_string())));
        v
    }

    fn u(v: &[(usize, &str)]) -> Vec<(usize, String)> {
        v.iter().map(|(p, t)| (*p, t.to_string())).collect()
    }

    #[test]
    fn cjk_runs_become_bigrams_and_lone_chars_unigrams() {
        assert_eq!(
            units("勒索软件"),
            u(&[(0, "勒索"), (1, "索软"), (2, "软件")])
        );
        assert_eq!(units("洞"), u(&[(0, "洞")]));
        assert_eq!(units("a洞b"), u(&[(0, "a"), (1, "洞"), (2, "b")]));
    }

    #[test]
    fn words_are_lowercased_whole_and_punctuation_kept() {
        assert_eq!(
            units("CVE-2024-3094"),
            u(&[(0, "cve"), (1, "-"), (2, "2024"), (3, "-"), (4, "3094")])
        );
        assert_eq!(units("APT29组织"), u(&[(0, "apt29"), (1, "组织")]));
    }

    #[test]
    fn whitespace_and_newlines_are_tokens() {
        assert_eq!(units("a b"), u(&[(0, "a"), (1, " "), (2, "b")]));
        assert_eq!(units("勒索 软件"), u(&[(0, "勒索"), (1, " "), (2, "软件")]));
        assert_eq!(units("a\r\nb"), u(&[(0, "a"), (1, "\n"), (2, "b")]));
        assert_eq!(units("a \n\n b"), u(&[(0, "a"), (1, "\n"), (2, "b")]));
        assert_eq!(units("a  b"), u(&[(0, "a"), (1, "  "), (2, "b")]));
    }

    #[test]
    fn common_cjk_characters_are_their_own_normal_form() {
        use unicode_normalization::UnicodeNormalization;
        let all = (0x3400..=0x4DBF)
            .chain(0x4E00..=0x9FFF)
            .chain(0xAC00..=0xD7A3);
        for c in all.filter_map(char::from_u32) {
            assert!(caseless_ideograph(c));
            assert!(c.to_lowercase().eq([c]), "{c}");
            assert!(std::iter::once(c).nfkc().eq([c]), "{c}");
        }
    }

    #[test]
    fn compatibility_characters_fold_as_nfkc() {
        assert_eq!(normalize("关于今年HW的⼀些思考"), "关于今年hw的一些思考");
        assert_eq!(normalize("⽂件 ﬁle ①"), "文件 file 1");
        assert_eq!(normalize("Ⅻ ㈱"), "xii (株)");
        assert_eq!(normalize("勒索软件。"), "勒索软件。");
        let (norm, map) = normalize_with_map("a⼀b");
        assert_eq!(norm, "a一b");
        assert_eq!(map, vec![0, 1, 1, 1, 4, 5]);
    }

    #[test]
    fn wechat_links_are_indexed_by_their_identity() {
        let url =
            "https://mp.weixin.qq.com/s?__biz=MzU3==&mid=22&idx=1&sn=07ed&chksm=fcdd&scene=58#rd";
        assert_eq!(
            link_index_form(url),
            "https://mp.weixin.qq.com/s?__biz=MzU3==&mid=22&idx=1"
        );
        let other = "https://github.com/a/b?x=1\nhttp://mp.weixin.qq.com/s?sn=1&chksm=2";
        assert_eq!(
            link_index_form(other),
            "https://github.com/a/b?x=1\nhttp://mp.weixin.qq.com/s"
        );
        assert!(matches!(
            link_index_form("https://e.org/x?chksm=1"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn full_width_is_folded() {
        assert_eq!(normalize("ＣＶＥ－２０２４　Log4J"), "cve-2024 log4j");
    }

    #[test]
    fn traditional_lines_become_simplified_and_simplified_stays() {
        assert_eq!(normalize("勒索軟體"), "勒索软件");
        assert_eq!(normalize("網絡攻擊"), "网络攻击");
        assert_eq!(normalize("显著\n著名"), "显著\n著名");
        // punctuation around a converted run stays as written
        assert_eq!(normalize("「aaronp」據郭明錤"), "「aaronp」据郭明𫓹");
        let (n, map) = normalize_with_map("甲\n資料庫外洩");
        assert_eq!(n, "甲\n数据库外泄");
        // highlights map back into the original line
        let at = n.find("外泄").unwrap();
        assert_eq!(map[at] as usize, "甲\n資料庫".len());
    }

    #[test]
    fn shipped_traditional_list_matches_zhconv() {
        let mut want = String::new();
        for u in 0x3400u32..=0x9FFF {
            if let Some(c) = char::from_u32(u) {
                let s = c.to_string();
                if zhconv::zhconv(&s, zhconv::Variant::ZhHans) != s {
                    want.push(c);
                }
            }
        }
        assert_eq!(HANT_CHARS.trim_end(), want);
    }

    #[test]
    fn map_points_back_to_original() {
        let (n, map) = normalize_with_map("ＡB漏");
        assert_eq!(n, "ab漏");
        assert_eq!(map[0], 0);
        assert_eq!(map[1], 3);
        assert_eq!(map[2], 4);
        assert_eq!(*map.last().unwrap(), "ＡB漏".len() as u32);
    }

    #[test]
    fn long_words_are_chunked() {
        let s = "a".repeat(MAX_WORD_BYTES * 2 + 5);
        let v = units(&s);
        assert_eq!(v.len(), 3);
        assert!(v.iter().all(|(_, t)| t.len() <= MAX_WORD_BYTES));
    }

    #[test]
    fn query_units_mark_open_ends() {
        let q = query_units("log4j");
        assert_eq!(q.len(), 1);
        assert!(q[0].open_left && q[0].open_right);
        let q = query_units("全漏洞利");
        assert_eq!(q.len(), 3);
        assert!(q[0].open_left && !q[0].open_right);
        assert!(q[2].open_right && !q[2].open_left);
    }

    fn runs(s: &str) -> Vec<String> {
        let mut v = Vec::new();
        ident_runs(&normalize(s), |t, _, _| v.push(t.to_string()));
        v
    }

    #[test]
    fn identifier_runs_are_whole_joined_words() {
        assert_eq!(
            runs("升级到 8.0.0，修复CVE-2023-5631（见 https://x.com/a?b=1）"),
            ["8.0.0", "cve-2023-5631", "https://x.com/a?b=1"]
        );
        assert_eq!(
            runs("联系 Security@Tencent.com 或 evil[.]com"),
            ["security@tencent.com", "evil[.]com"]
        );
        // no joiner, or one character: not a run (the recall word serves)
        assert!(runs("log4j2 漏洞 - a").is_empty());
        // a line break ends a run, as it ends a grep match
        assert_eq!(runs("a.b\nc.d"), ["a.b", "c.d"]);
    }

    #[test]
    fn long_identifier_runs_are_overlapping_windows() {
        let run = format!("{}.{}", "a".repeat(1500), "b".repeat(1500));
        let w = runs(&run);
        assert!(
            w.len() > 2 && w.iter().all(|t| t.len() <= IDENT_WINDOW),
            "{}",
            w.len()
        );
        assert_eq!(w.last().map(|t| t.ends_with('b')), Some(true));
        // every string short enough for the ident path lies inside a window
        for at in (0..run.len() - MAX_IDENT_QUERY_BYTES).step_by(97) {
            let q = &run[at..at + MAX_IDENT_QUERY_BYTES];
            assert!(w.iter().any(|t| t.contains(q)), "at {at}");
        }
    }

    #[test]
    fn only_strings_of_identifier_characters_with_a_joiner_use_runs() {
        for q in [
            "8.0.0",
            "cve-2023-5631",
            ".com",
            "a@b",
            "evil[.]com",
            "c:\\windows",
            " 1.2 ",
        ] {
            assert!(ident_query(&normalize(q)).is_some(), "{q}");
        }
        assert_eq!(ident_query(" 1.2 "), Some("1.2"));
        // a plain word, one character, a space, CJK or other punctuation:
        // the phrase path
        for q in ["log4j", ".", "-", "a b.c", "漏洞.com", "a,b", "a!b", ""] {
            assert!(ident_query(&normalize(q)).is_none(), "{q}");
        }
        assert!(ident_query(&"1.".repeat(MAX_IDENT_QUERY_BYTES)).is_none());
    }

    fn stream(t: &mut FieldTokenizer, text: &str) -> Vec<String> {
        let mut s = t.token_stream(text);
        let mut v = Vec::new();
        while s.advance() {
            v.push(s.token().text.clone());
        }
        v
    }

    #[test]
    fn a_reused_tokenizer_streams_only_the_tokens_of_its_text() {
        let mut r = FieldTokenizer::recall();
        assert_eq!(
            stream(&mut r, "勒索软件 a"),
            vec!["勒索", "索软", "软件", " ", "a"]
        );
        assert_eq!(stream(&mut r, "b"), vec!["b"], "no slot of the longer text");
        let mut s = r.token_stream("挖矿");
        assert!(s.advance());
        assert_eq!((s.token().position, s.token().offset_to), (0, 6));
        assert!(!s.advance());
        let long = "x ".repeat(KEEP_TOKENS);
        assert_eq!(stream(&mut r, &long).len(), 2 * KEEP_TOKENS);
        assert_eq!(stream(&mut r, "c"), vec!["c"]);
        assert!(
            r.tokens.capacity() <= KEEP_TOKENS,
            "a long text's slots are released"
        );
    }

    #[test]
    fn both_field_tokenizers_share_one_normalization_per_text() {
        let (mut r, mut w) = (FieldTokenizer::recall(), FieldTokenizer::words());
        assert_eq!(stream(&mut r, "ＬＯＧ4J漏洞"), vec!["log4j", "漏洞"]);
        assert_eq!(stream(&mut w, "ＬＯＧ4J漏洞"), vec!["log4j", "漏洞"]);
        // a different text is normalized afresh, not served from the cache
        assert_eq!(stream(&mut w, "勒索軟體"), vec!["勒索软件"]);
        assert_eq!(stream(&mut r, "ab"), vec!["ab"]);
    }

    #[test]
    fn ranking_words_use_jieba_and_drop_punctuation() {
        let mut v = Vec::new();
        ranking_words(
            &normalize("勒索软件攻击医院，Log4j2！"),
            |w, _, _| v.push(w.to_string()),
        );
        assert!(v.contains(&"勒索软件".to_string()), "{v:?}");
        assert!(v.contains(&"医院".to_string()), "{v:?}");
        assert!(v.contains(&"log4j2".to_string()), "{v:?}");
        assert!(!v.iter().any(|w| w == "，" || w == "！"));
    }
}
