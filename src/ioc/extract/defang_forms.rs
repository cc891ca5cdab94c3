//! The defanged spellings [`super::refang`] undoes, each a rule over the
//! bytes at one position: what it consumes there, what it takes back of the
//! bytes just copied (spaces before ` [at] `, `dot` before `dot]`), and
//! what it writes instead.
//!
//! The forms are those of ioc-fanger's and iocextract's test suites
//! (`data/fang-cases/cases.tsv`, run by the `fang_cases` test), each held
//! to the neighbours that make it an indicator's and not prose: a marker
//! between ASCII labels, a scheme at a word start followed by a host, a
//! comma-separated quad standing alone. docs/indicators.md lists the forms
//! left out and why.

use std::borrow::Cow;

/// One rewrite: `back` bytes before the position (already copied verbatim)
/// and `len` bytes from it become `with`.
pub(super) struct Rewrite {
    pub back: usize,
    pub len: usize,
    pub with: Cow<'static, [u8]>,
}

fn rw(back: usize, len: usize, with: &'static [u8]) -> Option<Rewrite> {
    Some(Rewrite {
        back,
        len,
        with: Cow::Borrowed(with),
    })
}

fn starts_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle)
}

fn alnum(b: Option<&u8>) -> bool {
    b.is_some_and(u8::is_ascii_alphanumeric)
}

fn label_before(b: &[u8], at: usize) -> bool {
    at > 0 && (b[at - 1].is_ascii_alphanumeric() || b[at - 1] == b'-' || b[at - 1] == b'_')
}

/// 1 or 2 spaces ending at `at` (not before `floor`): their count.
fn spaces_before(b: &[u8], at: usize, floor: usize) -> usize {
    at_most_two(
        b[floor.min(at)..at]
            .iter()
            .rev()
            .take_while(|&&c| c == b' ')
            .count(),
    )
}

/// 0–2 spaces starting at `at`: their count (3+ counts as none: prose).
fn spaces_after(b: &[u8], at: usize) -> usize {
    at_most_two(
        b[at.min(b.len())..]
            .iter()
            .take_while(|&&c| c == b' ')
            .count(),
    )
}

/// A run of `n` spaces inside a defanged form: 1 or 2, or 0 when longer
/// (3+ spaces are prose, not a spelled-out separator).
fn at_most_two(n: usize) -> usize {
    if n <= 2 {
        n
    } else {
        0
    }
}

/// A host follows at `at`: labels with at least one dot (`bar.com`), or a
/// defang marker after the first label (`example[.]com`, `example DOT com`).
fn host_follows(b: &[u8], at: usize) -> bool {
    let run = b[at.min(b.len())..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-' || **c == b'.')
        .count();
    let word = &b[at.min(b.len())..at + run];
    if run == 0 || !word[0].is_ascii_alphanumeric() {
        return false;
    }
    word[1..].contains(&b'.') || matches!(b.get(at + run), Some(b'[' | b'(' | b'{' | b' '))
}

/// What a bracketed word stands for, with whether spaces may surround it
/// (`me [at] example [.] com`).
const WORDS: &[(&[u8], &[u8], bool)] = &[
    (b".", b".", true),
    (b"dot", b".", true),
    (b"punto", b".", true),
    (b"punkt", b".", true),
    ("。".as_bytes(), b".", false),
    (b"@", b"@", true),
    (b"at", b"@", true),
    (b"et", b"@", true),
    (b"arroba", b"@", true),
    (b"-", b"-", false),
    (b",", b".", false),
    (b"/", b"/", false),
];

const OPEN: &[u8] = b"[({<";
const CLOSE: &[u8] = b"])}>";

/// `[.]`, `(dot)`, `{at}`, `[punto]`, `<.>`, `].[`, `[.)`, `[-]`, `[,]`,
/// `[/]`, spaced ` [at] `: a bracketed word between two labels.
fn bracketed(b: &[u8], i: usize, floor: usize) -> Option<Rewrite> {
    let open = b[i];
    // `].[`, `}.{`: a dot between brackets turned the wrong way; not when
    // the label before was itself bracketed (`id[number].[mail@x.li]`).
    let dot_only = CLOSE.contains(&open);
    if dot_only {
        let label = b[floor.min(i)..i]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
            .count();
        if i > label && i - label > floor && OPEN.contains(&b[i - label - 1]) {
            return None;
        }
    }
    for &(word, with, spaced) in WORDS {
        let w_end = i + 1 + word.len();
        if !starts_ci(&b[i + 1..], word) || (dot_only && word != b".") {
            continue;
        }
        let Some(&close) = b.get(w_end) else {
            continue;
        };
        let close_ok = CLOSE.contains(&close) || (word == b"." && OPEN.contains(&close));
        if !close_ok {
            continue;
        }
        let end = w_end + 1;
        let (sb, sa) = if spaced {
            (spaces_before(b, i, floor), spaces_after(b, end))
        } else {
            (0, 0)
        };
        let digits = word == b",";
        let ok = if digits {
            i > 0 && b[i - 1].is_ascii_digit() && b.get(end).is_some_and(u8::is_ascii_digit)
        } else {
            label_before(b, i - sb) && alnum(b.get(end + sa))
        };
        if ok {
            return rw(sb, end + sa - i, with);
        }
    }
    None
}

/// `[www].example.com`, `(www).example.com`: a bracketed first label.
fn bracketed_www(b: &[u8], i: usize) -> Option<Rewrite> {
    let word_start = i == 0 || !b[i - 1].is_ascii_alphanumeric();
    let www = word_start
        && starts_ci(&b[i + 1..], b"www")
        && b.get(i + 4).is_some_and(|c| CLOSE.contains(c))
        && b.get(i + 5) == Some(&b'.')
        && alnum(b.get(i + 6));
    if www {
        return Some(Rewrite {
            back: 0,
            len: 5,
            with: Cow::Owned(b[i + 1..i + 4].to_vec()),
        });
    }
    None
}

/// One-sided brackets around a dot in an address (`1[.1`, `1.]1`, `1.)1`)
/// or in a URL's host (`http://example[.com`): only there, since
/// `foo[.com` in prose is not an indicator (ioc-fanger keeps it too).
fn one_sided_dot(b: &[u8], i: usize, floor: usize) -> Option<Rewrite> {
    let c = b[i];
    if OPEN.contains(&c) && b.get(i + 1) == Some(&b'.') {
        let before = i.checked_sub(1).map(|k| b[k]);
        let after = b.get(i + 2);
        let ip =
            before.is_some_and(|x| x.is_ascii_digit()) && after.is_some_and(u8::is_ascii_digit);
        let url = label_before(b, i) && alnum(after) && in_url_or_mail(b, i, floor);
        if ip || url {
            return rw(0, 2, b".");
        }
    }
    if CLOSE.contains(&c)
        && i >= floor + 2
        && b[i - 1] == b'.'
        && b[i - 2].is_ascii_digit()
        && b.get(i + 1).is_some_and(u8::is_ascii_digit)
    {
        return rw(0, 1, b"");
    }
    None
}

/// The token before `at` (back to whitespace) holds `://` or `@`.
fn in_url_or_mail(b: &[u8], at: usize, floor: usize) -> bool {
    let start = b[floor.min(at)..at]
        .iter()
        .rposition(|c| c.is_ascii_whitespace() || *c >= 0x80)
        .map_or(floor.min(at), |k| floor.min(at) + k + 1);
    let tok = &b[start..at];
    tok.contains(&b'@') || tok.windows(3).any(|w| w == b"://")
}

/// `fooDOT]com`, `foopunto)com`, `fooat]bar.com`, `http]://`: a marker word
/// closed by a bracket that was never opened.
fn closing_only(b: &[u8], i: usize, floor: usize) -> Option<Rewrite> {
    const BACK: &[(&[u8], &[u8])] = &[
        (b"dot", b"."),
        (b"punto", b"."),
        (b"punkt", b"."),
        (b"arroba", b"@"),
        (b"at", b"@"),
        (b"et", b"@"),
    ];
    for &(word, with) in BACK {
        let Some(ws) = i.checked_sub(word.len()) else {
            continue;
        };
        if ws < floor || !b[ws..i].eq_ignore_ascii_case(word) || !label_before(b, ws) {
            continue;
        }
        let ok = if with == b"@" {
            host_follows(b, i + 1)
        } else {
            b.get(i + 1).is_some_and(u8::is_ascii_alphabetic)
        };
        if ok {
            return rw(word.len(), 1, with);
        }
    }
    None
}

/// `example\.com`, `example^.com`, `https://example.com\/test.php`.
fn escaped(b: &[u8], i: usize) -> Option<Rewrite> {
    match b.get(i + 1) {
        Some(b'.') if label_before(b, i) && alnum(b.get(i + 2)) => rw(0, 2, b"."),
        Some(b'/') if b[i] == b'\\' && label_before(b, i) => rw(0, 2, b"/"),
        _ => None,
    }
}

/// Defanged and broken URL schemes: `hxxp`, `xxxx`, `xxxxs`, `[http]`,
/// `http]`, `fxp`, followed by `://` or a broken separator (`http ://`,
/// `http//`, `http:///`, `http:\\`, `http__`, `http[:]//`, `http[://]`).
fn scheme(b: &[u8], i: usize) -> Option<Rewrite> {
    const NAMES: &[(&[u8], &[u8])] = &[
        (b"hxxps", b"https"),
        (b"hxxp", b"http"),
        (b"hxtps", b"https"),
        (b"hxtp", b"http"),
        (b"https", b"https"),
        (b"http", b"http"),
        (b"fxp", b"ftp"),
        (b"xxxxx", b"https"),
        (b"xxxxs", b"https"),
        (b"xxxx", b"http"),
    ];
    let (lead, open) = match b[i] {
        b'[' | b'(' => (1, true),
        _ => (0, false),
    };
    let start = i + lead;
    if i > 0 && b[i - 1].is_ascii_alphanumeric() {
        return None;
    }
    let run = b[start..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    let word = &b[start..start + run];
    let (_, plain) = NAMES.iter().find(|(n, _)| word.eq_ignore_ascii_case(n))?;
    let mut at = start + run;
    // `[http]`, `(https)`, and `http]` with the opening bracket lost.
    if open {
        if !b.get(at).is_some_and(|c| CLOSE.contains(c)) {
            return None;
        }
        at += 1;
    } else if b.get(at) == Some(&b']') {
        at += 1;
    }
    let (sep_len, odd) = separator(&b[at..])?;
    let host = at + sep_len;
    let plain_sep = b[at..].starts_with(b"://") && sep_len == 3;
    let rewritten = !plain_sep || open || at != start + run || !word.eq_ignore_ascii_case(plain);
    if !rewritten || !alnum(b.get(host)) || (odd && !host_follows(b, host)) {
        return None;
    }
    let mut with = plain.to_vec();
    with.extend_from_slice(b"://");
    Some(Rewrite {
        back: 0,
        len: host - i,
        with: Cow::Owned(with),
    })
}

/// The scheme separator at the start of `rest`, with whether it is broken:
/// `://`, `[:]//`, `[://]`, ` ://`, `://` followed by spaces, `//`, `:///`,
/// `:\\`, `__`.
fn separator(rest: &[u8]) -> Option<(usize, bool)> {
    let lead = usize::from(rest.first() == Some(&b' '));
    let r = &rest[lead..];
    const SEPS: &[&[u8]] = &[b":///", b"://", b"[:]//", b"[://]", b"//", b":\\\\", b"__"];
    let sep = SEPS.iter().find(|s| r.starts_with(s))?;
    let tail = spaces_after(rest, lead + sep.len());
    let odd = lead > 0 || tail > 0 || !matches!(*sep, b"://" | b"[:]//" | b"[://]");
    Some((lead + sep.len() + tail, odd))
}

/// `foo-dot-com`: not `.dot-` (`accounts.dot-example.online`).
fn dash_dot(b: &[u8], i: usize) -> Option<Rewrite> {
    (starts_ci(&b[i..], b"-dot-") && alnum(i.checked_sub(1).map(|k| &b[k])) && alnum(b.get(i + 5)))
        .then(|| rw(0, 5, b"."))
        .flatten()
}

/// `fooDOTcom`, `foo@bar DOT com`, and in an e-mail `me@example dot com`.
fn bare_dot(b: &[u8], i: usize, floor: usize) -> Option<Rewrite> {
    let upper = b[i..].starts_with(b"DOT");
    if !upper && !b[i..].starts_with(b"dot") {
        return None;
    }
    let prev = i.checked_sub(1).map(|k| b[k]);
    let glued = upper
        && prev.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && i > floor
        && tld_like(b, i + 3);
    if glued {
        return rw(0, 3, b".");
    }
    let sb = spaces_before(b, i, floor);
    let sa = spaces_after(b, i + 3);
    if sb == 0 || sa == 0 || !alnum(b.get(i - sb - 1)) || !tld_like(b, i + 3 + sa) {
        return None;
    }
    if !upper && !in_url_or_mail(b, i - sb, floor) {
        return None;
    }
    rw(sb, 3 + sa, b".")
}

/// Two or more lowercase letters at `at` ending a word (`com`, `ru`).
fn tld_like(b: &[u8], at: usize) -> bool {
    let n = b[at.min(b.len())..]
        .iter()
        .take_while(|c| c.is_ascii_lowercase())
        .count();
    n >= 2 && !alnum(b.get(at + n))
}

/// `foo AT bar.com` (capitals, spaced), `foo @ bar.com`, `me @example…`.
fn spaced_at(b: &[u8], i: usize, floor: usize) -> Option<Rewrite> {
    let len = if b[i] == b'@' {
        1
    } else if b[i..].starts_with(b"AT") {
        2
    } else {
        return None;
    };
    let sb = spaces_before(b, i, floor);
    let sa = spaces_after(b, i + len);
    let spaced = if len == 2 {
        sb > 0 && sa > 0
    } else {
        sb + sa > 0
    };
    if !spaced || !label_before(b, i - sb) || !host_follows(b, i + len + sa) {
        return None;
    }
    rw(sb, len + sa, b"@")
}

/// `1,2,3,4` standing alone (whitespace or the text's ends around it) with
/// four octets: an address; `1,2,3,4,5,6` or `999,1,1,1` is not.
fn comma_quad(b: &[u8], i: usize, floor: usize) -> Option<Rewrite> {
    let start = b[floor.min(i)..i]
        .iter()
        .rposition(|c| !c.is_ascii_digit())
        .map_or(floor.min(i), |k| floor.min(i) + k + 1);
    if start == i || (start > 0 && !b[start - 1].is_ascii_whitespace()) {
        return None;
    }
    // `{ 2,2,3,4 }`, `= 1,2,3,4;`: numbers in code, not an address.
    let code_before = b[..start]
        .iter()
        .rev()
        .find(|c| **c != b' ' && **c != b'\t')
        .is_some_and(|c| b"{([=,:".contains(c));
    let end = i + b[i..]
        .iter()
        .take_while(|c| c.is_ascii_digit() || **c == b',')
        .count();
    if end < b.len() && !b[end].is_ascii_whitespace() {
        return None;
    }
    let code_after = b[end..]
        .iter()
        .find(|c| **c != b' ' && **c != b'\t')
        .is_some_and(|c| b"})],;".contains(c));
    if code_before || code_after {
        return None;
    }
    let quad: Vec<u8> = b[start..end]
        .iter()
        .map(|&c| if c == b',' { b'.' } else { c })
        .collect();
    let ok = std::str::from_utf8(&quad).is_ok_and(super::found::ipv4);
    ok.then(|| Rewrite {
        back: 0,
        len: end - i,
        with: Cow::Owned(quad[i - start..].to_vec()),
    })
}

/// The rewrite at `i`, if any; `floor` is where the bytes copied verbatim
/// since the last rewrite start (nothing before it may be taken back).
pub(super) fn rewrite_at(b: &[u8], i: usize, floor: usize) -> Option<Rewrite> {
    match b[i] {
        b'[' | b'(' => scheme(b, i)
            .or_else(|| bracketed_www(b, i))
            .or_else(|| bracketed(b, i, floor))
            .or_else(|| one_sided_dot(b, i, floor)),
        b'{' | b'<' => bracketed(b, i, floor).or_else(|| one_sided_dot(b, i, floor)),
        b']' | b')' | b'}' => bracketed(b, i, floor)
            .or_else(|| closing_only(b, i, floor))
            .or_else(|| one_sided_dot(b, i, floor)),
        b'\\' | b'^' => escaped(b, i),
        b'h' | b'H' | b'f' | b'F' | b'x' | b'X' => scheme(b, i),
        b'-' => dash_dot(b, i),
        b'D' | b'd' => bare_dot(b, i, floor),
        b'A' | b'@' => spaced_at(b, i, floor),
        b',' => comma_quad(b, i, floor),
        _ => None,
    }
}

/// The bytes a rewrite can start at (see [`rewrite_at`]), besides the
/// lead bytes of the full-width forms.
pub(super) const STARTS: &[u8] = b"[({<])}\\^hHfFxX-DdA@,";
