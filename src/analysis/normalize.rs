//! Normalisation: the one form documents and queries are compared in —
//! NFKC, lower case, traditional characters folded to simplified — and the
//! class of each character, which decides how it is tokenized.

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
pub(super) const BLOCKS: [(u32, u32); 3] = [(0, 0x80), (0x2000, 0x2070), (0x3000, 0x3040)];
pub(super) const BLOCKS_LEN: usize = 0x80 + 0x70 + 0x40;

/// The slot of `u` in [`block_table`], if it is in one of [`BLOCKS`].
pub(super) fn block_slot(u: u32) -> Option<usize> {
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
pub(super) struct BlockChar {
    class: Class,
    /// A non-ASCII character that is its own normal form (`“”—`, `。、《》`):
    /// the answer of `push_normalized`'s general path (NFKC and case
    /// checks: 2% of indexing CPU, for the punctuation of every Chinese
    /// sentence).
    kept: bool,
}

pub(super) fn block_table() -> &'static [BlockChar; BLOCKS_LEN] {
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
pub(super) fn kept_punctuation(c: char) -> bool {
    block_slot(c as u32).is_some_and(|k| block_table()[k].kept)
}

/// [`class`] from Unicode's properties, for a character outside the CJK
/// ranges.
pub(super) fn class_of(c: char) -> Class {
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

pub(super) fn push_lowercase(c: char, out: &mut String) {
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
pub(super) fn caseless_ideograph(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xAC00..=0xD7A3)
}

/// Whether NFKC leaves `c` as it is. The unified ideographs and hangul
/// syllables — nearly every non-ASCII character of the corpus — are
/// answered without a table lookup. Applied a character at a time, which
/// is what matters for the compatibility characters met in practice
/// (a combining sequence is not composed: that would need the neighbours,
/// and composed and decomposed forms both stay searchable as written).
#[inline]
pub(super) fn nfkc_stable(c: char) -> bool {
    use unicode_normalization::{is_nfkc_quick, IsNormalized};
    caseless_ideograph(c) || is_nfkc_quick(std::iter::once(c)) != IsNormalized::No
}

/// Characters that exist only in traditional Chinese (3,798 of U+3400–U+9FFF,
/// those zhconv's zh-Hans table changes), generated from zhconv and checked
/// against it by a test.
pub(super) const HANT_CHARS: &str = include_str!("../../index-schema/hant-chars.txt");

/// Bitmap over U+3400–U+9FFF of [`HANT_CHARS`].
pub(super) static HANT: std::sync::LazyLock<Vec<u64>> = std::sync::LazyLock::new(|| {
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
/// applies to query strings. What zhconv leaves traditional (regional
/// variant characters) OpenCC's tables then convert (`super::variants`).
pub(super) fn to_simplified(run: &str) -> String {
    super::variants::fold_variants(&zhconv::zhconv(run, zhconv::Variant::ZhCN))
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

pub(super) fn normalize_impl(text: &str, mut map: Option<&mut Vec<u32>>) -> String {
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
pub(super) fn convert_run(out: &mut String, map: Option<&mut Vec<u32>>, from: usize) {
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
