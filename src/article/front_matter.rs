//! The front matter (the YAML-like header), the title and the date.
//!
//! Read line by line and never rejected: a header that a YAML parser would
//! refuse still gives its title, url, source and date, and anything odd falls
//! back (title from the first heading, then the file stem) instead of
//! costing the article.

use std::borrow::Cow;

use super::entities::decode_entities;
use super::markdown::{clean_body, Fence};
use super::text::{collapse_whitespace, Lines};

/// A header with more lines than this that are not `key: value` is not a
/// header: an opening `---` followed much later by a Markdown rule `---`
/// must not swallow the article. Key lines do not count: a header of
/// thousands of keys (tags exported one a key) is still a header, title
/// included.
pub const MAX_HEADER_LINES: usize = 1000;

/// The header values we use, raw (trimmed, unquoted, not yet collapsed).
///
/// Reading rules, all line-wise:
/// * `key: value` splits at the first `: ` (or a trailing `:`); keys are
///   case-insensitive; the value is trimmed and loses surrounding matching
///   quotes (`\"`, `\\` and friends undone inside double quotes, `''` inside
///   single quotes).
/// * A line that does not start a field continues the previous value, joined
///   with a space: indented lines, YAML block scalars (`title: >-` / `|`), and
///   the raw multi-line titles the crawler writes (unindented, with blank
///   lines, even with `：` or `https://` in them).
/// * A line starts a field when its key is a known one (`title`, `url`,
///   `source`, `date`, `fetch_date`, any case), or an unknown key that is
///   written like a YAML key (lowercase `[a-z0-9_-]`, starting with a letter);
///   unknown fields are ignored. `PS: ...` or `Part 2: ...` inside a raw title
///   therefore stay part of the title.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct FrontMatter {
    pub(super) title: String,
    pub(super) url: String,
    pub(super) source: String,
    pub(super) date: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Key {
    Title,
    Url,
    Source,
    Date,
    Other,
}

/// Returns the header (if there is a well-formed one) and the body.
pub(super) fn split_front_matter(text: &str) -> (Option<FrontMatter>, &str) {
    let mut lines = Lines::new(text);
    let opening = loop {
        match lines.next() {
            Some(line) if line.trim().is_empty() => continue,
            Some(line) => break line,
            None => return (None, text),
        }
    };
    if opening.trim_end() != "---" {
        return (None, text);
    }

    let mut front = FrontMatter::default();
    // The field being read: its key, raw value so far, block-scalar flag.
    let mut current: Option<(Key, String, bool)> = None;
    let mut other_lines = 0usize;
    while let Some(line) = lines.next() {
        if other_lines >= MAX_HEADER_LINES {
            return (None, text);
        }
        if line.trim_end() == "---" {
            if let Some(field) = current.take() {
                store_field(&mut front, field);
            }
            return (Some(front), lines.rest());
        }
        match split_key_line(line) {
            Some((key, value)) => {
                if let Some(field) = current.take() {
                    store_field(&mut front, field);
                }
                let block = is_block_indicator(value);
                let raw = if block {
                    String::new()
                } else {
                    value.to_owned()
                };
                current = Some((key, raw, block));
            }
            None => {
                other_lines += 1;
                let piece = line.trim();
                if let (Some((_, raw, _)), false) = (current.as_mut(), piece.is_empty()) {
                    if !raw.is_empty() {
                        raw.push(' ');
                    }
                    raw.push_str(piece);
                }
            }
        }
    }
    // No closing `---`: not a header, the whole text is body.
    (None, text)
}

/// Ends the field being read: a block scalar's lines are taken as they are,
/// any other value loses its quotes. Fields we do not use are dropped here.
fn store_field(front: &mut FrontMatter, (key, raw, block): (Key, String, bool)) {
    let value = if block {
        raw
    } else {
        unquote(raw.trim()).into_owned()
    };
    match key {
        Key::Title => front.title = value,
        Key::Url => front.url = value,
        Key::Source => front.source = value,
        Key::Date => front.date = value,
        Key::Other => {}
    }
}

/// `key: value` → the key and the trimmed value; `None` for a continuation.
pub(super) fn split_key_line(line: &str) -> Option<(Key, &str)> {
    if line.starts_with([' ', '\t']) {
        return None;
    }
    let bytes = line.as_bytes();
    let colon = memchr::memchr_iter(b':', bytes)
        .find(|&i| matches!(bytes.get(i + 1), None | Some(b' ') | Some(b'\t')))?;
    let key = line.get(..colon)?.trim_end();
    let value = line.get(colon + 1..)?.trim();
    if key.is_empty()
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return None;
    }
    let known = if key.eq_ignore_ascii_case("title") {
        Key::Title
    } else if key.eq_ignore_ascii_case("url") {
        Key::Url
    } else if key.eq_ignore_ascii_case("source") {
        Key::Source
    } else if key.eq_ignore_ascii_case("date") {
        Key::Date
    } else if key.eq_ignore_ascii_case("fetch_date")
        || (key.as_bytes()[0].is_ascii_lowercase()
            && key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'))
    {
        Key::Other
    } else {
        return None;
    };
    Some((known, value))
}

/// `>`, `>-`, `|`, `|+`, `>2-` … (a YAML block scalar header, maybe followed
/// by a comment): the value is on the following indented lines.
pub(super) fn is_block_indicator(value: &str) -> bool {
    let head = value.split(" #").next().unwrap_or("").trim_end();
    let mut chars = head.chars();
    matches!(chars.next(), Some('>') | Some('|'))
        && chars.all(|c| c == '-' || c == '+' || c.is_ascii_digit())
}

/// Removes one pair of surrounding matching quotes, YAML style. A value that
/// only *looks* quoted (`"a" and "b"`) is returned unchanged.
pub(super) fn unquote(value: &str) -> Cow<'_, str> {
    let bytes = value.as_bytes();
    if bytes.len() < 2 {
        return Cow::Borrowed(value);
    }
    let inner = match value.get(1..value.len() - 1) {
        Some(inner) => inner,
        None => return Cow::Borrowed(value),
    };
    match (bytes[0], bytes[bytes.len() - 1]) {
        (b'"', b'"') => match unescape_double_quoted(inner) {
            Some(s) => Cow::Owned(s),
            None => Cow::Borrowed(value),
        },
        (b'\'', b'\'') => {
            if inner.replace("''", "").contains('\'') {
                Cow::Borrowed(value)
            } else {
                Cow::Owned(inner.replace("''", "'"))
            }
        }
        _ => Cow::Borrowed(value),
    }
}

/// The inside of a YAML double-quoted scalar; `None` if it holds an
/// unescaped `"` (then it was not one quoted scalar).
fn unescape_double_quoted(inner: &str) -> Option<String> {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return None,
            '\\' => match chars.next() {
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('/') => out.push('/'),
                Some('n') | Some('t') | Some('r') | Some(' ') => out.push(' '),
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).collect();
                    match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        Some(ch) => out.push(ch),
                        None => {
                            out.push_str("\\u");
                            out.push_str(&hex);
                        }
                    }
                }
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            _ => out.push(c),
        }
    }
    Some(out)
}

/// Dates as crawlers write them: `2023-03-24`, `2023-3-4`, `2023/03/24`,
/// `2023.03.24`, `2023年3月24日`, `20230324`, each optionally followed by a
/// time (`2023-03-24 10:00:00`, `2023-03-24T10:00:00.123+08:00`).
pub fn parse_date(value: &str) -> Option<jiff::civil::Date> {
    let s = value.trim();
    let b = s.as_bytes();
    let digits = |from: usize, max: usize| -> (u32, usize) {
        let mut n = 0u32;
        let mut len = 0;
        while len < max && from + len < b.len() && b[from + len].is_ascii_digit() {
            n = n * 10 + u32::from(b[from + len] - b'0');
            len += 1;
        }
        (n, len)
    };
    let (year, ylen) = digits(0, 8);
    let (month, day, end) = if ylen == 8 {
        (year / 100 % 100, year % 100, 8)
    } else if ylen == 4 {
        let sep1 = separator_len(s, 4, true)?;
        let (month, mlen) = digits(4 + sep1, 2);
        if mlen == 0 {
            return None;
        }
        let after_month = 4 + sep1 + mlen;
        let sep2 = separator_len(s, after_month, false)?;
        let (day, dlen) = digits(after_month + sep2, 2);
        if dlen == 0 {
            return None;
        }
        (month, day, after_month + sep2 + dlen)
    } else {
        return None;
    };
    let year = if ylen == 8 { year / 10_000 } else { year };
    if b.get(end).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    jiff::civil::Date::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
    )
    .ok()
}

/// Length of the date separator at `at`: `-`, `/`, `.`, or `年` (first) /
/// `月` (second).
fn separator_len(s: &str, at: usize, first: bool) -> Option<usize> {
    let rest = s.get(at..)?;
    if rest.starts_with(['-', '/', '.']) {
        Some(1)
    } else if (first && rest.starts_with('年')) || (!first && rest.starts_with('月')) {
        Some('年'.len_utf8())
    } else {
        None
    }
}

/// The first `# ` heading of the body with some text (cleaned of links and
/// emphasis), else the first heading of any level; headings in fenced code
/// (shell comments!) do not count.
pub(super) fn heading_title(body: &str) -> Option<String> {
    let mut fence: Option<Fence> = None;
    let mut any_level: Option<String> = None;
    for line in Lines::new(body) {
        if let Some(open) = fence {
            if open.closes(line) {
                fence = None;
            }
            continue;
        }
        if let Some(open) = Fence::opens(line) {
            fence = Some(open);
            continue;
        }
        let trimmed = line.trim_start_matches(' ');
        let level = trimmed.bytes().take_while(|&b| b == b'#').count();
        if level == 0 || level > 6 {
            continue;
        }
        let rest = &trimmed[level..];
        if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
            continue;
        }
        let text = rest.trim().trim_end_matches('#');
        let cleaned = strip_wrapping_emphasis(&collapse_whitespace(&clean_body(text))).to_owned();
        if cleaned.is_empty() {
            continue;
        }
        if level == 1 {
            return Some(cleaned);
        }
        if any_level.is_none() {
            any_level = Some(cleaned);
        }
    }
    any_level
}

/// The header title as shown: entities decoded, the literal `\\n` that one
/// aggregator (`Doonsec's feed`) writes for the line breaks of long titles
/// turned into blanks, whitespace collapsed. A single `\n` stays: it is as
/// likely part of a path (`C:\new`) or code.
pub(super) fn header_title(raw: &str) -> String {
    let decoded = decode_entities(raw);
    if !decoded.contains('\\') {
        return collapse_whitespace(&decoded);
    }
    let mut out = String::with_capacity(decoded.len());
    let mut rest = decoded.as_ref();
    while let Some(k) = rest.find('\\') {
        out.push_str(&rest[..k]);
        let after = &rest[k..];
        let skip = ["\\\\n", "\\\\r"]
            .iter()
            .find(|e| after.starts_with(*e))
            .map_or(0, |e| e.len());
        if skip > 0 {
            out.push(' ');
            rest = &after[skip..];
        } else {
            out.push('\\');
            rest = &after[1..];
        }
    }
    out.push_str(rest);
    collapse_whitespace(&out)
}

/// `**Thanks!**` → `Thanks!`, but `a **b**` stays.
fn strip_wrapping_emphasis(mut s: &str) -> &str {
    while let Some(c) = s.chars().next().filter(|&c| c == '*' || c == '_') {
        match s[1..].strip_suffix(c) {
            Some(inner) => s = inner.trim(),
            None => break,
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    fn date(y: i16, m: i8, d: i8) -> Option<jiff::civil::Date> {
        Some(jiff::civil::Date::new(y, m, d).unwrap())
    }

    fn header(title_line: &str) -> String {
        format!("---\n{title_line}\nurl: https://example.com/a\nsource: 测试源\ndate: 2023-03-24\n---\n\n正文一行。\n")
    }

    // ---- front matter ----------------------------------------------------

    #[test]
    fn plain_front_matter() {
        let a = parse(&header("title: 一个标题"), "stem");
        assert_eq!(a.title, "一个标题");
        assert_eq!(a.url, "https://example.com/a");
        assert_eq!(a.source, "测试源");
        assert_eq!(a.date, date(2023, 3, 24));
        assert_eq!(a.body, "正文一行。");
        assert_eq!(a.encoding, None);
    }

    #[test]
    fn unquoted_title_with_colon_space() {
        let a = parse(&header("title: Part 2: the return: of it"), "s");
        assert_eq!(a.title, "Part 2: the return: of it");
        let a = parse(&header("title: 专题：漏洞 | 分析: 细节"), "s");
        assert_eq!(a.title, "专题：漏洞 | 分析: 细节");
    }

    #[test]
    fn title_starting_with_bracket_at_or_hash() {
        assert_eq!(
            parse(&header("title: [webapps] Foo 1.0 - XSS"), "s").title,
            "[webapps] Foo 1.0 - XSS"
        );
        assert_eq!(
            parse(&header("title: @someone 说了什么"), "s").title,
            "@someone 说了什么"
        );
        assert_eq!(
            parse(&header("title: #Tag and Phrack #72/5"), "s").title,
            "#Tag and Phrack #72/5"
        );
    }

    #[test]
    fn multi_line_title_indented_continuation() {
        let text = "---\ntitle: 第一行\n  第二行\n\tthird: line\nurl: u\n---\nbody";
        let a = parse(text, "s");
        assert_eq!(a.title, "第一行 第二行 third: line");
        assert_eq!(a.url, "u");
        assert_eq!(a.body, "body");
    }

    #[test]
    fn multi_line_title_block_scalars() {
        let a = parse(
            "---\ntitle: >-\n  折叠的\n  标题\ndate: 2023-01-02\n---\nb",
            "s",
        );
        assert_eq!(a.title, "折叠的 标题");
        assert_eq!(a.date, date(2023, 1, 2));
        let a = parse("---\ntitle: |\n  one\n  two\nsource: x\n---\nb", "s");
        assert_eq!(a.title, "one two");
        assert_eq!(a.source, "x");
    }

    #[test]
    fn multi_line_title_raw_unindented_lines() {
        // How the crawler writes a title that held newlines: raw lines,
        // blank lines, full-width colons, URLs, `PS: ` – all title.
        let text = "---\ntitle: 活动开始了。\n\n访问入口：\nhttps://example.org\nPS: 记得报名\n\u{200b}\nurl: https://e.com\nsource: 源\ndate: 2024-11-11\nfetch_date: 2025-10-06T19:15:31.809118\n---\n\n# 活动\n";
        let a = parse(text, "s");
        assert_eq!(
            a.title,
            "活动开始了。 访问入口： https://example.org PS: 记得报名"
        );
        assert_eq!(a.url, "https://e.com");
        assert_eq!(a.source, "源");
        assert_eq!(a.date, date(2024, 11, 11));
    }

    #[test]
    fn empty_title_falls_back_to_heading_then_stem() {
        let a = parse(
            "---\ntitle: \nurl: u\n---\n\n# \n\n## 二级\n\n# 一级 **标题** #\n",
            "stem",
        );
        assert_eq!(a.title, "一级 **标题**");
        let a = parse("---\ntitle:\n---\ntext\n\n## 只有二级\n", "stem");
        assert_eq!(a.title, "只有二级");
        let a = parse(
            "---\ntitle: \"\"\n---\n```sh\n# not a heading\n```\n",
            "文件名",
        );
        assert_eq!(a.title, "文件名");
        let a = parse("---\ntitle:\n---\n#### **Thanks!**\n", "s");
        assert_eq!(a.title, "Thanks!");
        let a = parse("# [Linked](https://x.org/) heading\n", "s");
        assert_eq!(a.title, "Linked heading");
        assert_eq!(parse("", "").title, "untitled");
    }

    #[test]
    fn crlf_and_lone_cr() {
        let crlf = "---\r\ntitle: 标题 \r\nurl: u\r\ndate: 2023-03-24\r\n---  \r\n\r\n第一段\r\n\r\n第二段\r\n";
        let a = parse(crlf, "s");
        assert_eq!(a.title, "标题");
        assert_eq!(a.url, "u");
        assert_eq!(a.date, date(2023, 3, 24));
        assert_eq!(a.body, "第一段\n\n第二段");
        let cr = "---\rtitle: 标题\rdate: 2023-03-24\r---\r第一段\r\r第二段\r";
        let a = parse(cr, "s");
        assert_eq!(a.title, "标题");
        assert_eq!(a.date, date(2023, 3, 24));
        assert_eq!(a.body, "第一段\n\n第二段");
    }

    #[test]
    fn bom_and_leading_blank_lines() {
        let a = parse("\u{feff}\n \n---\ntitle: 有BOM\n---\nbody", "s");
        assert_eq!(a.title, "有BOM");
        assert_eq!(a.body, "body");
    }

    #[test]
    fn no_front_matter_whole_file_is_body() {
        let a = parse("# 标题在这\n\n正文 title: not a key\n", "stem");
        assert_eq!(a.title, "标题在这");
        assert_eq!(a.url, "");
        assert_eq!(a.source, "");
        assert_eq!(a.date, None);
        assert_eq!(a.body, "# 标题在这\n\n正文 title: not a key");
        let a = parse("just text", "my stem");
        assert_eq!(a.title, "my stem");
        assert_eq!(a.body, "just text");
    }

    #[test]
    fn unclosed_front_matter_is_body() {
        let a = parse("---\ntitle: 没有结尾\nurl: u\n\n正文\n", "stem");
        assert_eq!(a.title, "stem");
        assert_eq!(a.url, "");
        assert!(a.body.contains("title: 没有结尾"));
        assert!(a.body.contains("正文"));
    }

    #[test]
    fn overlong_header_is_body() {
        let mut text = String::from("---\ntitle: t\n");
        for _ in 0..MAX_HEADER_LINES + 5 {
            text.push_str("line\n");
        }
        text.push_str("---\nbody\n");
        let a = parse(&text, "stem");
        assert_eq!(a.title, "stem");
    }

    #[test]
    fn a_header_of_thousands_of_keys_keeps_its_title() {
        let mut text = String::from("---\ntitle: 标题\n");
        for i in 0..5000 {
            text.push_str(&format!("tag{i}: v\n"));
        }
        text.push_str("source: 来源\n---\nbody\n");
        let a = parse(&text, "stem");
        assert_eq!((a.title.as_str(), a.source.as_str()), ("标题", "来源"));
        assert_eq!(a.body, "body");
    }

    #[test]
    fn replacement_char_is_kept() {
        let a = parse(
            "---\ntitle: 坏\u{fffd}字\n---\n乱码\u{fffd}\u{fffd}文本\n",
            "s",
        );
        assert_eq!(a.title, "坏\u{fffd}字");
        assert_eq!(a.body, "乱码\u{fffd}\u{fffd}文本");
    }

    #[test]
    fn empty_body() {
        let a = parse("---\ntitle: 空\n---\n", "s");
        assert_eq!(a.body, "");
        let a = parse("---\ntitle: 空\n---", "s");
        assert_eq!(a.title, "空");
        assert_eq!(a.body, "");
    }

    #[test]
    fn quoted_values_and_escapes() {
        let a = parse(
            "---\ntitle: \"He said \\\"hi\\\" \\\\ bye\"\nsource: 'it''s'\nurl: \"https://q.com/\"\n---\n",
            "s",
        );
        assert_eq!(a.title, "He said \"hi\" \\ bye");
        assert_eq!(a.source, "it's");
        assert_eq!(a.url, "https://q.com/");
        // Only looks quoted: kept as written.
        let a = parse("---\ntitle: \"A\" and \"B\"\n---\n", "s");
        assert_eq!(a.title, "\"A\" and \"B\"");
        let a = parse("---\ntitle: 'x' y 'z'\n---\n", "s");
        assert_eq!(a.title, "'x' y 'z'");
        let a = parse("---\ntitle: \"\\u4e2d文\"\n---\n", "s");
        assert_eq!(a.title, "中文");
    }

    #[test]
    fn title_literal_newline_escapes() {
        let a = parse(
            "---\ntitle: 第一行\\\\n\\\\n第二行\\\\r\\\\n第三 C:\\new \\\\Win\n---\n",
            "s",
        );
        assert_eq!(a.title, "第一行 第二行 第三 C:\\new \\\\Win");
    }

    #[test]
    fn title_entities_decoded() {
        let a = parse(
            "---\ntitle: That &#8220;Recall&#8221; &amp; &#039;RCE&#039; &#x3f;\n---\n",
            "s",
        );
        assert_eq!(a.title, "That “Recall” & 'RCE' ?");
    }

    #[test]
    fn unknown_and_uppercase_keys() {
        let text = "---\nTITLE: 大写\nUrl: https://u\nSOURCE: 源\nDate: 2023/3/4\ntags: [a, b]\nauthor: 某人\nfetch_date: 2025-10-04T10:32:41.698035\n---\nb";
        let a = parse(text, "s");
        assert_eq!(a.title, "大写");
        assert_eq!(a.url, "https://u");
        assert_eq!(a.source, "源");
        assert_eq!(a.date, date(2023, 3, 4));
    }

    #[test]
    fn date_forms() {
        assert_eq!(parse_date("2023-03-24"), date(2023, 3, 24));
        assert_eq!(parse_date(" 2023-03-24 10:00:00 "), date(2023, 3, 24));
        assert_eq!(
            parse_date("2023-03-24T10:00:00.123+08:00"),
            date(2023, 3, 24)
        );
        assert_eq!(parse_date("2023/03/24"), date(2023, 3, 24));
        assert_eq!(parse_date("2023-3-4"), date(2023, 3, 4));
        assert_eq!(parse_date("2023.03.24"), date(2023, 3, 24));
        assert_eq!(parse_date("2023年3月24日"), date(2023, 3, 24));
        assert_eq!(parse_date("20230324"), date(2023, 3, 24));
        assert_eq!(parse_date(""), None);
        assert_eq!(parse_date("yesterday"), None);
        assert_eq!(parse_date("2023-13-45"), None);
        assert_eq!(parse_date("2023-02-30"), None);
        assert_eq!(parse_date("2023-03-245"), None);
        assert_eq!(parse_date("202-03-24"), None);
        assert_eq!(parse_date("2023-03"), None);
        let a = parse("---\ntitle: t\n---\n", "s");
        assert_eq!(a.date, None);
        let a = parse("---\ntitle: t\ndate: \"2023-03-24\"\n---\n", "s");
        assert_eq!(a.date, date(2023, 3, 24));
        let a = parse("---\ntitle: t\ndate: soon\n---\n", "s");
        assert_eq!(a.date, None);
    }
}
