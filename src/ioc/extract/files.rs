//! File names written in Chinese: `英语成绩单.exe`, `“违规远程控制软件人员名单.docx.lnk”`.
//!
//! Lure names in Chinese-targeted campaigns are Chinese, and analysts list
//! them as indicators. Chinese text has no spaces, so where such a name
//! starts is only known from what encloses it: a quote or bracket pair, or
//! a table cell / list item that holds the name alone. Without that
//! evidence (`攻击者将DLL注入svchost.exe，`) only the ASCII part is a name,
//! and that is the ASCII pass's job.

use std::ops::Range;

use super::found::Scan;
use super::indicator::Kind;
use super::lists::FILE_EXTS;

/// Opening marks that start a quoted name, and the closers that may end it.
const QUOTES: &[(char, char)] = &[
    ('“', '”'),
    ('"', '"'),
    ('\'', '\''),
    ('「', '」'),
    ('『', '』'),
    ('《', '》'),
    ('【', '】'),
    ('（', '）'),
    ('(', ')'),
    ('‘', '’'),
];

/// Longest name accepted, in bytes (about 40 CJK characters).
const MAX_NAME: usize = 120;

/// A character that cannot be inside a file name as written in prose.
fn stop(c: char) -> bool {
    c.is_whitespace()
        || QUOTES.iter().any(|&(o, e)| c == o || c == e)
        || matches!(
            c,
            '|' | '、' | '，' | '。' | '：' | ':' | '；' | ';' | '/' | '\\' | ','
        )
}

/// The end of `.ext` at `dot` when `ext` is a file extension followed by a
/// non-alphanumeric byte.
fn ext_end(t: &str, dot: usize) -> Option<usize> {
    let bytes = t.as_bytes();
    let n = bytes[dot + 1..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let ext = &t[dot + 1..dot + 1 + n];
    let known = n > 0 && FILE_EXTS.iter().any(|e| e.eq_ignore_ascii_case(ext));
    (known && bytes.get(dot + 1 + n) != Some(&b'_')).then_some(dot + 1 + n)
}

/// Whether the name `r` is enclosed: a quote pair, or it stands alone
/// between blanks / table bars / line ends.
fn enclosed(t: &str, r: &Range<usize>) -> bool {
    let before = t[..r.start].chars().next_back();
    let after = t[r.end..].chars().next();
    let open = QUOTES.iter().find(|&&(o, _)| Some(o) == before);
    match open {
        Some(&(_, close)) => after == Some(close),
        None => {
            let alone = |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || c == '|');
            // `附件名：通知.xlsx` — a label, then the name alone to the line end.
            let labelled = matches!(before, Some('：' | ':'));
            (alone(before) || labelled) && alone(after)
        }
    }
}

/// The name ends in an ASCII word of its own (`执行ggaa`, `为agent.jar或remoting`):
/// prose around an ASCII file name, which the ASCII pass reports. A short or
/// numeric tail (`财政补贴7.22`, `现场视频MP4`, `…곽성환D`) is part of the name.
fn ascii_word_tail(stem: &str) -> bool {
    let tail = stem.rsplit(|c: char| !c.is_ascii()).next().unwrap_or("");
    tail.len() >= 4 && tail.bytes().filter(u8::is_ascii_alphabetic).count() >= 3
}

/// Adds every enclosed file name that holds a non-ASCII character.
pub(crate) fn cjk_files(t: &str, s: &mut Scan) {
    let bytes = t.as_bytes();
    for dot in memchr::memchr_iter(b'.', bytes) {
        let Some(mut end) = ext_end(t, dot) else {
            continue;
        };
        // A double extension `.docx.lnk`: the name runs to the last one.
        while bytes.get(end) == Some(&b'.') {
            match ext_end(t, end) {
                Some(e) => end = e,
                None => break,
            }
        }
        // `名单.docx.bak`: the name goes on past the last known extension.
        let more = bytes.get(end + 1).is_some_and(u8::is_ascii_alphanumeric);
        if bytes.get(end) == Some(&b'.') && more {
            continue;
        }
        let start = t[..dot]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| !stop(c))
            .last()
            .map_or(dot, |(i, _)| i);
        let r = start..end;
        if !t[start..dot].is_ascii()
            && !ascii_word_tail(&t[start..dot])
            && start < dot
            && end - start <= MAX_NAME
            && enclosed(t, &r)
        {
            // `| *名单.docx |`: Markdown emphasis stars are not in the name.
            let name = t[r.clone()].trim_start_matches('*');
            let r = end - name.len()..end;
            s.push(Kind::File, name.to_string(), r);
        }
    }
}
