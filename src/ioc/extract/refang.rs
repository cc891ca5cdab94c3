//! Undoing defanging: `evil[.]com` → `evil.com`, `hxxp://` → `http://`.
//!
//! Analysts defang indicators so that nobody clicks them; a search and an
//! extractor must see through it. The rewrite is done once into a copy of the
//! text plus a byte map back to the original, so every extractor pass works on
//! plain text and still reports the span of what the reader saw.

use std::borrow::Cow;

use super::defang_forms::{self, Rewrite};

/// Text with defanging undone, and where each of its bytes came from.
pub(crate) struct Refanged<'a> {
    pub text: Cow<'a, str>,
    /// `map[i]` = byte offset in the original of byte `i` of `text`; one extra
    /// entry for `text.len()`. `None` when nothing was rewritten (identity).
    map: Option<Vec<usize>>,
}

impl Refanged<'_> {
    /// The original byte range of `range` in the refanged text. A rewritten
    /// marker is one byte here (`[.]` → `.`), so a range never splits one.
    pub fn original(&self, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
        match &self.map {
            None => range,
            Some(map) => map[range.start]..map[range.end],
        }
    }
}

/// Full-width and CJK markers (`evil。com`, `evil．com`, `admin＠evil.com`)
/// and the port colon `1.2.3.4[:]80`, whose replacement is one byte; every
/// other form is a rule of [`defang_forms`]. Lowercase; matched ASCII
/// case-insensitively.
const MARKERS: &[(&str, u8, Around)] = &[
    ("。", b'.', Around::Label),
    ("．", b'.', Around::Label),
    ("＠", b'@', Around::Label),
    ("[:]", b':', Around::Colon),
];

/// What the neighbours of a marker must be for it to be a defang and not
/// prose: `a。b` is; a Chinese sentence end is not.
#[derive(Clone, Copy)]
enum Around {
    /// ASCII letter/digit/`-`/`_` before, ASCII letter/digit after.
    Label,
    /// Letter/digit before, `/` or digit after (`hxxp[:]//`, `1.2.3.4[:]80`).
    Colon,
}

fn starts_with_ci(hay: &[u8], needle: &str) -> bool {
    hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle.as_bytes())
}

fn neighbours_ok(bytes: &[u8], start: usize, end: usize, around: Around) -> bool {
    let before = start.checked_sub(1).map(|i| bytes[i]);
    let after = bytes.get(end).copied();
    let label = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric());
    match around {
        Around::Label => {
            before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                && label(after)
        }
        Around::Colon => label(before) && after.is_some_and(|b| b == b'/' || b.is_ascii_digit()),
    }
}

/// The rewrite at `i`, if any: a rule of [`defang_forms`] or a marker.
fn rewrite_at(bytes: &[u8], i: usize, floor: usize) -> Option<Rewrite> {
    if let Some(r) = defang_forms::rewrite_at(bytes, i, floor) {
        return Some(r);
    }
    if !matches!(bytes[i], b'[' | 0xE3 | 0xEF) {
        return None;
    }
    MARKERS.iter().find_map(|(m, with, around)| {
        let end = i + m.len();
        (starts_with_ci(&bytes[i..], m) && neighbours_ok(bytes, i, end, *around)).then(|| Rewrite {
            back: 0,
            len: m.len(),
            with: std::borrow::Cow::Borrowed(std::slice::from_ref(with)),
        })
    })
}

/// The bytes a rewrite can start with: [`defang_forms::STARTS`] and the
/// lead bytes of `。`, `．` and `＠`.
const MARKER_START: [bool; 256] = {
    let mut t = [false; 256];
    let starts = defang_forms::STARTS;
    let mut k = 0;
    while k < starts.len() {
        t[starts[k] as usize] = true;
        k += 1;
    }
    t[0xE3] = true;
    t[0xEF] = true;
    t
};

/// The first byte at or after `from` where a marker may start. `，` `：`
/// `（` `、` `《` — Chinese punctuation, in every sentence — share their
/// lead byte with `．` and `。`, so a lead byte counts only when the whole
/// character follows (the marker checks ran on each: 1.5% of indexing CPU).
fn next_marker_start(bytes: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let i = from
            + bytes
                .get(from..)?
                .iter()
                .position(|&b| MARKER_START[b as usize])?;
        let whole = |c: &str| bytes[i..].starts_with(c.as_bytes());
        match bytes[i] {
            0xE3 if !whole("。") => from = i + 1,
            0xEF if !whole("．") && !whole("＠") => from = i + 1,
            _ => return Some(i),
        }
    }
}

/// Rewrites every defang marker; borrows when there is none.
pub(crate) fn refang_mapped(text: &str) -> Refanged<'_> {
    let bytes = text.as_bytes();
    let mut out: Option<(Vec<u8>, Vec<usize>)> = None;
    let mut i = 0;
    let mut floor = 0;
    while i < bytes.len() {
        if out.is_none() {
            // Nothing copied yet (nearly every text): jump to the next byte
            // a marker can start with. Indexing ran every other byte through
            // the marker checks: 4% of its CPU on wechat-10k.
            match next_marker_start(bytes, i) {
                Some(k) => i = k,
                None => break,
            }
        }
        if let Some(rw) = rewrite_at(bytes, i, floor) {
            let (o, m) = out.get_or_insert_with(|| copy_prefix(bytes, i));
            // The rules take back only bytes copied verbatim (after `floor`).
            let start = i - rw.back;
            o.truncate(o.len() - rw.back);
            m.truncate(m.len() - rw.back);
            let same = rw.with.len() == rw.back + rw.len;
            for (k, &c) in rw.with.iter().enumerate() {
                o.push(c);
                m.push(if same { start + k } else { start });
            }
            i += rw.len;
            floor = i;
            continue;
        }
        if let Some((o, m)) = out.as_mut() {
            o.push(bytes[i]);
            m.push(i);
        }
        i += 1;
    }
    match out {
        None => Refanged {
            text: Cow::Borrowed(text),
            map: None,
        },
        Some((o, mut m)) => {
            m.push(bytes.len());
            // Only ASCII was written in place of whole markers or whole
            // characters, so the copy is valid UTF-8; checked, not assumed.
            let text = String::from_utf8(o)
                .map(Cow::Owned)
                .unwrap_or(Cow::Borrowed(text));
            let map = (text.len() + 1 == m.len()).then_some(m);
            Refanged { text, map }
        }
    }
}

fn copy_prefix(bytes: &[u8], upto: usize) -> (Vec<u8>, Vec<usize>) {
    let mut o = Vec::with_capacity(bytes.len());
    o.extend_from_slice(&bytes[..upto]);
    (o, (0..upto).collect())
}

/// `s` with defanging undone: `evil[.]com`, `evil(dot)com`, `evil{.}com`,
/// `evil。com` (ideographic full stop between ASCII labels), `hxxp://`,
/// `hxxps://`, `fxp://`, `[:]//`, `[://]`, `a[@]b`, `a[at]b` → plain forms.
/// Markers count only between the characters of an indicator, so prose such
/// as a regex `(.)` or a Chinese sentence end stays as it is.
pub fn refang(s: &str) -> Cow<'_, str> {
    refang_mapped(s).text
}
