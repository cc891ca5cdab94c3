//! Reading one article file: bytes → text → [`Article`] (title, url, source,
//! date and the cleaned body that is indexed and shown in snippets).
//!
//! Why hand-written and not a YAML or Markdown crate:
//!
//! * The front matter only looks like YAML. Real headers hold unquoted titles
//!   with `: `, titles that start with `[` or `@`, titles that run over several
//!   raw lines, empty titles, CRLF. Both maintained YAML crates reject ~2% of
//!   real headers, and a rejected header must never cost us the article. So the
//!   header is read line by line (`key: value`, split at the first `: `) and
//!   anything odd falls back instead of failing: [`parse`] cannot fail.
//! * The body only needs what a reader *sees* as text, and the files are
//!   HTML→Markdown converter output (unbalanced code fences, images inside
//!   code blocks, truncated last lines) on which a spec-following Markdown
//!   parser would faithfully produce the wrong text. [`clean_body`] is one
//!   linear pass over the lines (no regex, no backtracking, every look-ahead
//!   bounded) plus one linear pass over the line list for WeChat boilerplate:
//!   measured ~300–390 MB/s a core for decode + parse + clean (release build,
//!   10k real articles), far from the indexer's bottleneck.
//!
//! What the cleaned body is matters for correctness, not only for looks: the
//! search promises grep-exact recall *over the cleaned text*, and the same
//! text is what snippets show, so cleaning must be deterministic and must keep
//! every word a reader of the article sees.

use std::borrow::Cow;

use crate::error::SkipReason;

/// One parsed article, ready for the analyzer.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// Never empty: front matter `title`, else the first `# ` heading (any
    /// level if there is no `# `), else the file stem. Whitespace collapsed,
    /// HTML entities (`&#8220;`, `&amp;`) decoded as a reader would see them.
    pub title: String,
    /// `""` if missing.
    pub url: String,
    /// `""` if missing.
    pub source: String,
    /// From `date:`; the civil date as written (an offset, if any, is not
    /// applied). `None` when missing or unparseable.
    pub date: Option<jiff::civil::Date>,
    /// The cleaned body text, see [`clean_body`].
    pub body: String,
    /// `Some("GBK")` etc. when the bytes were transcoded, `None` for UTF-8.
    pub encoding: Option<&'static str>,
}

/// What [`decode`] returns: the text and, when transcoded, the encoding name.
pub type Decoded<'a> = Result<(Cow<'a, str>, Option<&'static str>), SkipReason>;

/// How far into a file a NUL byte means "binary". Text editors and `grep`
/// use the same kind of window; a text article never holds NUL.
const BINARY_SNIFF_BYTES: usize = 8 * 1024;

/// Bytes of a file → text.
///
/// UTF-8 (BOM stripped) is the normal case and borrows. A NUL byte in the
/// first 8 KiB → [`SkipReason::Binary`]; 0 bytes → [`SkipReason::Empty`];
/// a UTF-16 file with a BOM is transcoded. Invalid UTF-8 is, in this order:
///
/// 1. decoded lossily (U+FFFD) when it is demonstrably UTF-8 with a few bad
///    bytes (< 1% of the bytes, and more valid multi-byte characters than bad
///    sequences: crawled files cut mid-character look like that);
/// 2. transcoded when chardetng says GBK/GB18030/Big5 *and* the whole file
///    decodes in that encoding without a single error;
/// 3. decoded lossily when < 1% of the bytes are bad (a stray Latin-1 byte);
/// 4. otherwise [`SkipReason::Undecodable`].
///
/// Step 1 comes before chardetng on purpose: GBK accepts most byte pairs, so
/// UTF-8 Chinese text with one broken byte would otherwise "decode" as GBK
/// mojibake without any error.
pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    if bytes.is_empty() {
        return Err(SkipReason::Empty);
    }
    if let Some(decoded) = decode_utf16_with_bom(bytes) {
        return decoded;
    }
    let sniff = &bytes[..bytes.len().min(BINARY_SNIFF_BYTES)];
    if let Some(offset) = memchr::memchr(0, sniff) {
        return Err(SkipReason::Binary(offset));
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(body) {
        return Ok((Cow::Borrowed(text), None));
    }

    let stats = Utf8Stats::of(body);
    let few_bad = stats.bad_bytes.saturating_mul(100) < body.len();
    if few_bad && stats.good_multibyte >= stats.bad_sequences {
        return Ok((String::from_utf8_lossy(body), None));
    }

    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(body, true);
    let guess = detector.guess(None, false);
    if guess == encoding_rs::GBK || guess == encoding_rs::GB18030 || guess == encoding_rs::BIG5 {
        if let Some(text) = guess.decode_without_bom_handling_and_without_replacement(body) {
            return Ok((text, Some(guess.name())));
        }
    }

    if few_bad {
        return Ok((String::from_utf8_lossy(body), None));
    }
    Err(SkipReason::Undecodable)
}

/// UTF-16 files from Windows tools carry a BOM and are full of NUL bytes; they
/// are text, so they are decoded before the NUL test can call them binary.
fn decode_utf16_with_bom(bytes: &[u8]) -> Option<Decoded<'_>> {
    let (encoding, bom_len) = encoding_rs::Encoding::for_bom(bytes)?;
    if encoding == encoding_rs::UTF_8 {
        return None;
    }
    let rest = &bytes[bom_len..];
    let decoded = encoding.decode_without_bom_handling_and_without_replacement(rest);
    Some(match decoded {
        Some(text) => match text.find('\0') {
            Some(nul) => Err(SkipReason::Binary(bom_len + nul * 2)),
            None => Ok((Cow::Owned(text.into_owned()), Some(encoding.name()))),
        },
        None => Err(SkipReason::Undecodable),
    })
}

/// Counts that tell "UTF-8 with a few broken bytes" from another encoding.
struct Utf8Stats {
    /// Valid characters of 2–4 bytes.
    good_multibyte: usize,
    /// Bytes that are not part of any valid sequence.
    bad_bytes: usize,
    /// Runs of such bytes, as `from_utf8_lossy` would replace them.
    bad_sequences: usize,
}

impl Utf8Stats {
    fn of(bytes: &[u8]) -> Self {
        let mut stats = Utf8Stats {
            good_multibyte: 0,
            bad_bytes: 0,
            bad_sequences: 0,
        };
        for chunk in bytes.utf8_chunks() {
            stats.good_multibyte += chunk.valid().bytes().filter(|&b| b >= 0xC0).count();
            if !chunk.invalid().is_empty() {
                stats.bad_bytes += chunk.invalid().len();
                stats.bad_sequences += 1;
            }
        }
        stats
    }
}

/// decode + parse.
pub fn read(bytes: &[u8], file_stem: &str) -> Result<Article, SkipReason> {
    let (text, encoding) = decode(bytes)?;
    let mut article = parse(&text, file_stem);
    article.encoding = encoding;
    Ok(article)
}

/// Text → [`Article`]. Never fails: odd headers fall back, the body is kept.
///
/// Front matter: after an optional BOM and blank lines, a line `---`; it ends
/// at the next line that is exactly `---` (trailing blanks ignored). Without
/// that closing line (looked for in the first [`MAX_HEADER_LINES`] lines),
/// the whole text is body. Header lines are read tolerantly, line by line
/// (see `FrontMatter` in the source); only `title`, `url`, `source` and
/// `date` are used.
pub fn parse(text: &str, file_stem: &str) -> Article {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (front, body) = split_front_matter(text);
    let front = front.unwrap_or_default();

    let mut title = header_title(&front.title);
    if title.is_empty() {
        title = heading_title(body).unwrap_or_default();
    }
    if title.is_empty() {
        title = collapse_whitespace(file_stem);
    }
    if title.is_empty() {
        title = "untitled".to_owned();
    }

    Article {
        title,
        url: front.url.trim().to_owned(),
        source: collapse_whitespace(&front.source),
        date: parse_date(&front.date),
        body: clean_body(body),
        encoding: None,
    }
}

// ---------------------------------------------------------------------------
// Lines
// ---------------------------------------------------------------------------

/// Lines ended by `\n`, `\r\n` or a lone `\r` (old Mac files and some
/// crawlers), without their line end.
struct Lines<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines { text, pos: 0 }
    }

    /// The text not yet returned.
    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        if self.pos >= bytes.len() {
            return None;
        }
        let start = self.pos;
        match memchr::memchr2(b'\n', b'\r', &bytes[start..]) {
            Some(k) => {
                let end = start + k;
                let eol = if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                self.pos = end + eol;
                Some(self.text.get(start..end).unwrap_or(""))
            }
            None => {
                self.pos = bytes.len();
                Some(self.text.get(start..).unwrap_or(""))
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Front matter
// ---------------------------------------------------------------------------

/// A header longer than this is not a header: an opening `---` followed much
/// later by a Markdown rule `---` must not swallow the article.
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
struct FrontMatter {
    title: String,
    url: String,
    source: String,
    date: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Key {
    Title,
    Url,
    Source,
    Date,
    Other,
}

/// Returns the header (if there is a well-formed one) and the body.
fn split_front_matter(text: &str) -> (Option<FrontMatter>, &str) {
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
    for (n, line) in lines.by_ref().enumerate() {
        if n >= MAX_HEADER_LINES {
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
fn split_key_line(line: &str) -> Option<(Key, &str)> {
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
fn is_block_indicator(value: &str) -> bool {
    let head = value.split(" #").next().unwrap_or("").trim_end();
    let mut chars = head.chars();
    matches!(chars.next(), Some('>') | Some('|'))
        && chars.all(|c| c == '-' || c == '+' || c.is_ascii_digit())
}

/// Removes one pair of surrounding matching quotes, YAML style. A value that
/// only *looks* quoted (`"a" and "b"`) is returned unchanged.
fn unquote(value: &str) -> Cow<'_, str> {
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
fn heading_title(body: &str) -> Option<String> {
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
fn header_title(raw: &str) -> String {
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

/// Zero-width characters WeChat sprinkles in: a line of only these is blank.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
    )
}

/// Whitespace (and invisible zero-width characters) collapsed to one space,
/// trimmed.
fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s
        .split(|c: char| c.is_whitespace() || is_invisible(c))
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

// ---------------------------------------------------------------------------
// HTML entities
// ---------------------------------------------------------------------------

/// Decodes the entity starting at `s[0] == '&'`; returns the character and
/// the entity's length. Unknown names stay literal (`&foo;`).
fn entity_at(s: &[u8]) -> Option<(char, usize)> {
    let semi = memchr::memchr(b';', &s[..s.len().min(12)])?;
    let name = &s[1..semi];
    let ch = if let Some(num) = name.strip_prefix(b"#") {
        let (digits, radix) = match num.first() {
            Some(b'x') | Some(b'X') => (&num[1..], 16),
            _ => (num, 10),
        };
        if digits.is_empty() || !digits.iter().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let code = u32::from_str_radix(std::str::from_utf8(digits).ok()?, radix).ok()?;
        match code {
            0 => return None,
            0xA0 => ' ',
            _ => char::from_u32(code)?,
        }
    } else {
        match name {
            b"amp" => '&',
            b"lt" => '<',
            b"gt" => '>',
            b"quot" => '"',
            b"apos" => '\'',
            b"nbsp" | b"ensp" | b"emsp" | b"thinsp" => ' ',
            b"ldquo" => '“',
            b"rdquo" => '”',
            b"lsquo" => '‘',
            b"rsquo" => '’',
            b"mdash" => '—',
            b"ndash" => '–',
            b"hellip" => '…',
            b"middot" => '·',
            b"times" => '×',
            b"laquo" => '«',
            b"raquo" => '»',
            b"copy" => '©',
            b"reg" => '®',
            b"trade" => '™',
            _ => return None,
        }
    };
    Some((ch, semi + 1))
}

/// HTML entities in a header value (titles carry `&#8220;`, `&#039;`).
fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    for i in memchr::memchr_iter(b'&', bytes) {
        if i < copied {
            continue;
        }
        if let Some((ch, len)) = entity_at(&bytes[i..]) {
            out.push_str(s.get(copied..i).unwrap_or(""));
            out.push(ch);
            copied = i + len;
        }
    }
    out.push_str(s.get(copied..).unwrap_or(""));
    Cow::Owned(out)
}

// ---------------------------------------------------------------------------
// Body cleaning
// ---------------------------------------------------------------------------

/// Markdown body → indexed text (also what snippets show).
///
/// Keeps everything a reader sees as text and drops what they do not:
/// * images `![alt](url)` / `![alt][ref]` go entirely (the alt text is
///   `cover_image`, `图片` noise), so do reference definitions `[1]: http…`;
/// * links `[text](url)` / `[text][ref]` keep their text;
/// * bare URLs (`http://`, `https://`, `www.`) go, up to whitespace, one of
///   `` )]>"'<`| `` or the first non-ASCII character (CJK text and full-width
///   punctuation often follow a URL without a space); `<https://…>` too;
/// * presentational HTML tags (`<table>`, `<td …>`, `<br/>`, `<span …>`,
///   `</p>`, comments) go and their inner text stays; entities are decoded.
///   Tags are only stripped from a fixed list of layout tags, never `<script>`,
///   `<img>`, `<iframe>`, `<svg>`…: in these security articles such tags are
///   almost always the *subject* (an XSS payload, `#include <stdio.h>`, Maven
///   `<groupId>`), shown to the reader as text;
/// * Markdown backslash escapes are undone (`copy\_to\_user` is shown as
///   `copy_to_user`, and must be found as such);
/// * inside code (fenced blocks and `` `spans` ``) text is literal: no tag
///   stripping, no entity or escape decoding; only URLs and complete images
///   are removed (converters leave unbalanced fences, so "code" often holds
///   the article's images);
/// * WeChat page UI text (the footer `预览时标签不可点 … 微信扫一扫可打开此内容，
///   … 视频 小程序 赞 …` and runs of such lines anywhere) is removed, see
///   [`is_ui_line`];
/// * lines lose trailing blanks; 3+ newlines become 2; leading and trailing
///   blank lines go. Emphasis markers and heading hashes stay.
pub fn clean_body(markdown: &str) -> String {
    let mut cleaner = Cleaner::new(markdown.len());
    cleaner.run(markdown);
    cleaner.finish()
}

/// One output line of the first pass: a span of `Cleaner::out`.
#[derive(Debug, Clone, Copy)]
struct LineSpan {
    start: usize,
    end: usize,
    code: bool,
}

/// An open code fence: ``` or ~~~ and how many.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Fence {
    ch: u8,
    len: usize,
}

impl Fence {
    /// A fence opening line: up to 3 spaces, then 3+ backticks or tildes.
    fn opens(line: &str) -> Option<Fence> {
        let indent = line.bytes().take_while(|&b| b == b' ').count();
        if indent > 3 {
            return None;
        }
        let rest = &line.as_bytes()[indent..];
        let ch = *rest.first()?;
        if ch != b'`' && ch != b'~' {
            return None;
        }
        let len = rest.iter().take_while(|&&b| b == ch).count();
        if len < 3 || (ch == b'`' && rest[len..].contains(&b'`')) {
            return None;
        }
        Some(Fence { ch, len })
    }

    fn closes(self, line: &str) -> bool {
        let t = line.trim_start_matches(' ');
        if line.len() - t.len() > 3 {
            return false;
        }
        let run = t.bytes().take_while(|&b| b == self.ch).count();
        run >= self.len && t[run..].trim().is_empty()
    }
}

/// Bytes that may start something the inline pass rewrites.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'\\' as usize] = true;
    t[b'`' as usize] = true;
    t[b'!' as usize] = true;
    t[b'[' as usize] = true;
    t[b'<' as usize] = true;
    t[b'&' as usize] = true;
    t[b'h' as usize] = true;
    t[b'H' as usize] = true;
    t[b'w' as usize] = true;
    t[b'W' as usize] = true;
    t
};

/// Bound on every look-ahead (link destinations, tags, comments), so that no
/// input can make the pass quadratic.
const LOOKAHEAD: usize = 4096;

/// Backtick runs up to this length open code spans.
const BACKTICK_CACHE: usize = 16;

/// Nesting depth of links inside link text that is still unwrapped.
const MAX_LINK_DEPTH: u8 = 8;

struct Cleaner {
    out: String,
    lines: Vec<LineSpan>,
    /// Matching `[` `]` pairs of the current line, sorted by the `[`.
    pairs: Vec<(usize, usize)>,
    stack: Vec<usize>,
    in_comment: bool,
}

impl Cleaner {
    fn new(capacity: usize) -> Self {
        Cleaner {
            out: String::with_capacity(capacity),
            lines: Vec::with_capacity(capacity / 32 + 1),
            pairs: Vec::new(),
            stack: Vec::new(),
            in_comment: false,
        }
    }

    /// First pass: every input line → at most one output line.
    fn run(&mut self, markdown: &str) {
        let mut fence: Option<Fence> = None;
        let mut lines = Lines::new(markdown);
        while let Some(line) = lines.next() {
            let start = self.out.len();
            if let Some(open) = fence {
                if open.closes(line) {
                    fence = None;
                }
                self.push_code(line);
                self.end_line(start, true);
                continue;
            }
            if self.in_comment {
                if let Some(k) = memchr::memmem::find(line.as_bytes(), b"-->") {
                    self.in_comment = false;
                    let rest = line.get(k + 3..).unwrap_or("");
                    self.inline_line(rest, lines.rest());
                    self.end_line(start, false);
                }
                continue;
            }
            if let Some(open) = Fence::opens(line) {
                fence = Some(open);
                self.push_code(line);
                self.end_line(start, true);
                continue;
            }
            if is_reference_definition(line) {
                continue;
            }
            self.inline_line(line, lines.rest());
            self.end_line(start, false);
        }
    }

    fn end_line(&mut self, start: usize, code: bool) {
        let kept = self.out[start..].trim_end().len();
        self.out.truncate(start + kept);
        self.lines.push(LineSpan {
            start,
            end: self.out.len(),
            code,
        });
        self.out.push('\n');
    }

    /// Code is literal; only URLs go (as everywhere in the body) and complete
    /// images: HTML→Markdown converters leave unbalanced fences, and the
    /// images after them are still images, never code.
    fn push_code(&mut self, s: &str) {
        let b = s.as_bytes();
        let mut copied = 0;
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'!' if b.get(i + 1) == Some(&b'[') => {
                    if let Some(end) = code_image_end(b, i) {
                        self.out.push_str(s.get(copied..i).unwrap_or(""));
                        i = end;
                        copied = end;
                        continue;
                    }
                }
                b'h' | b'H' | b'w' | b'W' => {
                    if let Some(end) = url_end(b, i, b.len()) {
                        self.out.push_str(s.get(copied..i).unwrap_or(""));
                        i = end;
                        copied = end;
                        continue;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.out.push_str(s.get(copied..).unwrap_or(""));
    }

    /// Pairs `[` with `]` on one line (escaped brackets do not count).
    fn pair_brackets(&mut self, b: &[u8]) {
        self.pairs.clear();
        self.stack.clear();
        if memchr::memchr(b'[', b).is_none() {
            return;
        }
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 1,
                b'[' => self.stack.push(i),
                b']' => {
                    if let Some(open) = self.stack.pop() {
                        self.pairs.push((open, i));
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.pairs.sort_unstable();
    }

    fn closing_bracket(&self, open: usize) -> Option<usize> {
        self.pairs
            .binary_search_by_key(&open, |&(o, _)| o)
            .ok()
            .map(|k| self.pairs[k].1)
    }

    fn inline_line(&mut self, line: &str, following: &str) {
        self.pair_brackets(line.as_bytes());
        self.inline(line, 0, line.len(), 0, following);
    }

    /// Rewrites `line[lo..hi]` into `out`.
    fn inline(&mut self, line: &str, lo: usize, hi: usize, depth: u8, following: &str) {
        let b = line.as_bytes();
        let mut i = lo;
        let mut copied = lo;
        // For backtick runs of length k: from this position on there is no
        // closing run of that length (keeps unmatched backticks linear).
        // Longer runs are never code-span openers here.
        let mut no_close_from = [usize::MAX; BACKTICK_CACHE];
        while i < hi {
            if !SPECIAL[b[i] as usize] {
                i += 1;
                continue;
            }
            // Each arm either rewrites `line[i..end]` (flush, then continue
            // at `end`) or leaves the byte literal.
            let rewrite: Option<(usize, Option<&'static str>)> = match b[i] {
                b'\\' => match b.get(i + 1) {
                    Some(p) if i + 1 < hi && p.is_ascii_punctuation() => {
                        self.flush(line, copied, i);
                        copied = i + 1;
                        i += 2;
                        continue;
                    }
                    _ => None,
                },
                b'`' => {
                    let k = b[i..hi].iter().take_while(|&&c| c == b'`').count();
                    let close = if k >= BACKTICK_CACHE || i >= no_close_from[k] {
                        None
                    } else {
                        find_backtick_run(b, i + k, hi, k)
                    };
                    match close {
                        Some(j) => {
                            self.flush(line, copied, i);
                            self.push_code(line.get(i..j + k).unwrap_or(""));
                            i = j + k;
                            copied = i;
                            continue;
                        }
                        None => {
                            if k < BACKTICK_CACHE {
                                no_close_from[k] = no_close_from[k].min(i);
                            }
                            i += k;
                            continue;
                        }
                    }
                }
                b'!' if b.get(i + 1) == Some(&b'[') && i + 1 < hi => {
                    match self.closing_bracket(i + 1) {
                        Some(_) => self.bracketed(b, i + 1, hi).map(|(_, end)| (end, None)),
                        // `![alt` cut off by a truncated file: the rest of
                        // the line is the image.
                        None => Some((hi, None)),
                    }
                }
                b'[' if depth < MAX_LINK_DEPTH => match self.bracketed(b, i, hi) {
                    Some((close, end)) => {
                        self.flush(line, copied, i);
                        self.inline(line, i + 1, close, depth + 1, following);
                        i = end;
                        copied = end;
                        continue;
                    }
                    None => None,
                },
                b'<' => self.angle(b, i, hi, depth, following),
                b'&' => match entity_at(&b[i..hi]) {
                    Some((ch, len)) => {
                        self.flush(line, copied, i);
                        self.out.push(ch);
                        i += len;
                        copied = i;
                        continue;
                    }
                    None => None,
                },
                b'h' | b'H' | b'w' | b'W' => url_end(b, i, hi).map(|end| (end, None)),
                _ => None,
            };
            match rewrite {
                Some((end, replacement)) => {
                    self.flush(line, copied, i);
                    if let Some(r) = replacement {
                        self.out.push_str(r);
                    }
                    i = end;
                    copied = end;
                }
                None => i += 1,
            }
        }
        self.flush(line, copied, hi);
    }

    fn flush(&mut self, line: &str, from: usize, to: usize) {
        if from < to {
            self.out.push_str(line.get(from..to).unwrap_or(""));
        }
    }

    /// `[text](dest)`, `[text][ref]` at `open`: the `]` and the end of the
    /// whole construct. A destination cut off by the end of the line (crawled
    /// files are truncated mid-URL) still counts.
    fn bracketed(&self, b: &[u8], open: usize, hi: usize) -> Option<(usize, usize)> {
        let close = self.closing_bracket(open)?;
        if close >= hi {
            return None;
        }
        match b.get(close + 1) {
            Some(b'(') if close + 1 < hi => {
                let end = link_destination_end(b, close + 2, hi)?;
                Some((close, end))
            }
            Some(b'[') if close + 1 < hi => {
                let ref_close = self.closing_bracket(close + 1)?;
                (ref_close < hi).then_some((close, ref_close + 1))
            }
            _ => None,
        }
    }

    /// `<` at `i`: autolink, comment or presentational tag.
    fn angle(
        &mut self,
        b: &[u8],
        i: usize,
        hi: usize,
        depth: u8,
        following: &str,
    ) -> Option<(usize, Option<&'static str>)> {
        let rest = &b[i + 1..hi];
        if starts_with_ignore_case(rest, b"http://") || starts_with_ignore_case(rest, b"https://") {
            // `<https://…>`; with a blank before any `>` it is not an
            // autolink, and the bare-URL rule takes the URL alone.
            let limit = hi.min(i + LOOKAHEAD);
            let stop = b[i + 1..limit]
                .iter()
                .position(|&c| c == b'>' || c.is_ascii_whitespace() || c == b'<')?;
            return (b[i + 1 + stop] == b'>').then_some((i + 1 + stop + 1, None));
        }
        if rest.starts_with(b"!--") {
            let from = i + 4;
            if let Some(k) = memchr::memmem::find(&b[from..hi], b"-->") {
                return Some((from + k + 3, None));
            }
            // A comment running over lines: only if it closes soon, and only
            // at the top level of the line.
            let window = &following.as_bytes()[..following.len().min(LOOKAHEAD)];
            if depth == 0 && memchr::memmem::find(window, b"-->").is_some() {
                self.in_comment = true;
                return Some((hi, None));
            }
            return None;
        }
        let (name_start, _closing) = match rest.first() {
            Some(b'/') => (i + 2, true),
            _ => (i + 1, false),
        };
        let name_len = b[name_start..hi]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if name_len == 0 || !b[name_start].is_ascii_alphabetic() || name_len > 10 {
            return None;
        }
        let mut lower = [0u8; 10];
        for (k, c) in b[name_start..name_start + name_len].iter().enumerate() {
            lower[k] = c.to_ascii_lowercase();
        }
        let replacement = tag_replacement(&lower[..name_len])?;
        let after = name_start + name_len;
        match b.get(after) {
            Some(b'>') | Some(b'/') | Some(b' ') | Some(b'\t') if after < hi => {}
            _ => return None,
        }
        let end = tag_end(b, after, hi.min(after + LOOKAHEAD))?;
        Some((end, Some(replacement)))
    }

    /// Second pass: drop WeChat UI lines, collapse blank lines, join.
    fn finish(self) -> String {
        let Cleaner { out, lines, .. } = self;
        let class: Vec<LineClass> = lines.iter().map(|l| classify(&out, l)).collect();
        let removed = ui_lines_to_remove(&class);

        let mut result = String::with_capacity(out.len());
        let mut pending_blank = false;
        for (k, span) in lines.iter().enumerate() {
            if removed[k] {
                continue;
            }
            if class[k] == LineClass::Blank {
                pending_blank = !result.is_empty();
                continue;
            }
            if !result.is_empty() {
                result.push('\n');
                if pending_blank {
                    result.push('\n');
                }
            }
            pending_blank = false;
            result.push_str(out.get(span.start..span.end).unwrap_or(""));
        }
        result
    }
}

/// `![alt](dest)` at `i` in a code line (alt without brackets): its end.
fn code_image_end(b: &[u8], i: usize) -> Option<usize> {
    let from = i + 2;
    let limit = b.len().min(from + LOOKAHEAD);
    let close = from + memchr::memchr2(b']', b'[', &b[from..limit])?;
    if b[close] != b']' || b.get(close + 1) != Some(&b'(') {
        return None;
    }
    link_destination_end(b, close + 2, b.len())
}

/// Start of the next run of exactly `k` backticks in `b[from..hi]`.
fn find_backtick_run(b: &[u8], from: usize, hi: usize, k: usize) -> Option<usize> {
    let mut j = from;
    while j < hi {
        let off = memchr::memchr(b'`', &b[j..hi])?;
        let start = j + off;
        let run = b[start..hi].iter().take_while(|&&c| c == b'`').count();
        if run == k {
            return Some(start);
        }
        j = start + run;
    }
    None
}

/// After `](` at `p`: the index after the closing `)` of
/// `dest "optional title")`, or `hi` when the line ends first (truncated).
fn link_destination_end(b: &[u8], p: usize, hi: usize) -> Option<usize> {
    let limit = hi.min(p + LOOKAHEAD);
    let mut q = p;
    while q < limit && (b[q] == b' ' || b[q] == b'\t') {
        q += 1;
    }
    if q < limit && b[q] == b'<' {
        q += memchr::memchr(b'>', &b[q..limit])? + 1;
    } else {
        let mut depth = 0usize;
        while q < limit {
            match b[q] {
                b'\\' => q += 1,
                b'(' => depth += 1,
                b')' if depth == 0 => break,
                b')' => depth -= 1,
                b' ' | b'\t' => break,
                _ => {}
            }
            q += 1;
        }
    }
    if q >= hi {
        return Some(hi);
    }
    while q < limit && (b[q] == b' ' || b[q] == b'\t') {
        q += 1;
    }
    if q < limit && matches!(b[q], b'"' | b'\'' | b'(') {
        let closer = if b[q] == b'(' { b')' } else { b[q] };
        q += 1;
        while q < limit && b[q] != closer {
            if b[q] == b'\\' {
                q += 1;
            }
            q += 1;
        }
        if q >= hi {
            return Some(hi);
        }
        q += 1;
        while q < limit && (b[q] == b' ' || b[q] == b'\t') {
            q += 1;
        }
    }
    if q >= hi {
        return Some(hi);
    }
    if q < limit && b[q] == b')' {
        return Some(q + 1);
    }
    // Not CommonMark, but what converters write: a destination with blanks
    // (`![logo](img/a b.png)`). Accept it if a `)` comes before any bracket.
    let k = b[p..limit]
        .iter()
        .position(|&c| matches!(c, b')' | b'(' | b'[' | b']'))?;
    (b[p + k] == b')').then_some(p + k + 1)
}

/// A bare URL at `i`: its end, or `None`. `http://` / `https://` anywhere
/// (case-insensitive); `www.` only at a word start and followed by a letter or
/// digit. It ends at whitespace, one of ``)]>"'<`|``, or any non-ASCII byte.
fn url_end(b: &[u8], i: usize, hi: usize) -> Option<usize> {
    let rest = &b[i..hi];
    let scheme = if starts_with_ignore_case(rest, b"https://") {
        8
    } else if starts_with_ignore_case(rest, b"http://") {
        7
    } else if starts_with_ignore_case(rest, b"www.")
        && rest.get(4).is_some_and(u8::is_ascii_alphanumeric)
        && (i == 0
            || !matches!(b[i - 1], b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'/' | b'-' | b'_' | b'@'))
    {
        4
    } else {
        return None;
    };
    let len = rest[scheme..]
        .iter()
        .take_while(|&&c| {
            c.is_ascii()
                && !c.is_ascii_whitespace()
                && !matches!(c, b')' | b']' | b'>' | b'"' | b'\'' | b'<' | b'`' | b'|')
        })
        .count();
    Some(i + scheme + len)
}

fn starts_with_ignore_case(hay: &[u8], prefix: &[u8]) -> bool {
    hay.len() >= prefix.len() && hay[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// The `>` ending a tag whose name ended at `from` (quotes respected).
fn tag_end(b: &[u8], from: usize, limit: usize) -> Option<usize> {
    let mut quote = 0u8;
    for (k, &c) in b[from..limit].iter().enumerate() {
        match c {
            b'"' | b'\'' if quote == 0 => quote = c,
            c if c == quote => quote = 0,
            b'>' if quote == 0 => return Some(from + k + 1),
            _ => {}
        }
    }
    None
}

/// What a stripped tag leaves: nothing for inline formatting, a space for
/// tags that break a line or a cell (so `a</td><td>b` stays two words).
/// `None`: not a layout tag, keep it as text.
fn tag_replacement(name: &[u8]) -> Option<&'static str> {
    match name {
        b"a" | b"abbr" | b"b" | b"big" | b"cite" | b"del" | b"em" | b"font" | b"i" | b"ins"
        | b"mark" | b"s" | b"small" | b"span" | b"strike" | b"strong" | b"sub" | b"sup" | b"tt"
        | b"u" | b"wbr" => Some(""),
        b"article" | b"aside" | b"blockquote" | b"br" | b"caption" | b"center" | b"col"
        | b"colgroup" | b"dd" | b"details" | b"div" | b"dl" | b"dt" | b"figcaption" | b"figure"
        | b"footer" | b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" | b"header" | b"hr" | b"li"
        | b"main" | b"nav" | b"ol" | b"p" | b"pre" | b"section" | b"summary" | b"table"
        | b"tbody" | b"td" | b"tfoot" | b"th" | b"thead" | b"tr" | b"ul" => Some(" "),
        _ => None,
    }
}

/// `[label]: destination` on a line of its own (footnotes `[^1]: …` are text
/// and stay).
fn is_reference_definition(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    if line.len() - t.len() > 3 || !t.starts_with('[') || t.starts_with("[^") {
        return false;
    }
    let Some(close) = t.find("]:") else {
        return false;
    };
    let label = &t[1..close];
    !label.trim().is_empty() && !label.contains(['[', ']']) && !t[close + 2..].trim().is_empty()
}

// ---------------------------------------------------------------------------
// WeChat page UI
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum LineClass {
    Blank,
    /// Page UI text; `true` for the lines that open the footer.
    Ui(bool),
    /// Text of at most [`FREE_LINE_CHARS`] characters.
    Short,
    Text,
}

/// The footer may hold a few non-UI lines (the account name, `修改于`-style
/// labels such as `个人观点，仅供参考`), each this short.
const FREE_LINE_CHARS: usize = 40;
/// How many such lines the footer may hold.
const MAX_FREE_LINES: usize = 4;
/// A run of this many UI lines (blank lines between allowed) is page UI even
/// without a footer anchor.
const MIN_UI_RUN: usize = 3;

fn classify(out: &str, span: &LineSpan) -> LineClass {
    let t = out
        .get(span.start..span.end)
        .unwrap_or("")
        .trim_matches(|c: char| c.is_whitespace() || is_invisible(c));
    if t.is_empty() {
        return LineClass::Blank;
    }
    if span.code {
        return LineClass::Text;
    }
    let unheaded = t.trim_start_matches('#').trim_start();
    if let Some(anchor) = is_ui_line(if unheaded.is_empty() { t } else { unheaded }) {
        return LineClass::Ui(anchor);
    }
    if t.len() <= FREE_LINE_CHARS * 4 && t.chars().count() <= FREE_LINE_CHARS {
        LineClass::Short
    } else {
        LineClass::Text
    }
}

/// The lines that open the WeChat footer.
const UI_ANCHORS: &[&str] = &["预览时标签不可点", "微信扫一扫可打开此内容，"];

/// Text of the WeChat page around an article (buttons, prompts), one line
/// each, as the crawler saved them; English equivalents of the same UI. The
/// stub pages are here too: `环境异常 / 当前环境异常，完成验证后即可继续访问。 /
/// 去验证` (the crawler met a captcha, ~11% of a 10k sample) and deleted or
/// blocked articles; left in, every search for 异常 or 删除 would list them.
const UI_LINES: &[&str] = &[
    "微信扫一扫可打开此内容",
    "使用完整服务",
    "微信扫一扫",
    "关注该公众号",
    "微信扫一扫关注该公众号",
    "使用小程序",
    "微信扫一扫使用小程序",
    "继续滑动看下一个",
    "轻触阅读原文",
    "轻触查看原文",
    "向上滑动看下一个",
    "阅读原文",
    "知道了",
    "取消",
    "允许",
    "×",
    "分析",
    "视频",
    "小程序",
    "赞",
    "，轻点两下取消赞",
    "在看",
    "，轻点两下取消在看",
    "分享",
    "留言",
    "收藏",
    "听过",
    "修改于",
    "写留言",
    "跳转二维码",
    "作者头像",
    "环境异常",
    "当前环境异常，完成验证后即可继续访问。",
    "去验证",
    "该内容已被发布者删除",
    "此内容因违规无法查看",
    "微信公众平台运营中心",
    "我要反馈",
    "Scan to Follow",
    "Scan with Weixin to use this Mini Program",
    "Got It",
    "Cancel",
    "Allow",
    "Mini Program",
    "Video",
    "Like",
    "Wow",
    "Share",
    "Comment",
    "Favorite",
    "Listen",
    "Read more",
];

/// Is this trimmed line WeChat page UI? `Some(true)` for a footer anchor.
/// Also counts: a short line of only `：，。、×,.:` and blanks, and a UI
/// line cut short by the crawler (`分...`, `轻触阅...`).
pub fn is_ui_line(t: &str) -> Option<bool> {
    if UI_ANCHORS.contains(&t) {
        return Some(true);
    }
    if UI_LINES.contains(&t) {
        return Some(false);
    }
    if t.len() <= 24
        && t.chars()
            .all(|c| matches!(c, '：' | '，' | '。' | '、' | '×' | ',' | '.' | ':' | ' '))
    {
        return Some(false);
    }
    let cut = t
        .strip_suffix("...")
        .or_else(|| t.strip_suffix('…'))
        .filter(|p| !p.is_empty() && !p.ends_with('.'))?;
    UI_ANCHORS
        .iter()
        .chain(UI_LINES)
        .any(|ui| ui.starts_with(cut))
        .then_some(false)
}

/// Which lines are page UI:
/// * the footer: scanning up from the end over blank and UI lines and at
///   most [`MAX_FREE_LINES`] short lines (the account name, labels), if a
///   footer anchor was seen, the first UI line of that region starts it;
/// * a trailing block of only UI lines, at least [`MIN_UI_RUN`] of them
///   (the stub pages `： ， 。 视频 小程序 赞 …` have no anchor);
/// * anywhere else, runs of at least [`MIN_UI_RUN`] UI lines (blank lines
///   between them allowed). A single `分享` or `视频` line stays.
fn ui_lines_to_remove(class: &[LineClass]) -> Vec<bool> {
    let n = class.len();
    let is_ui = |c: LineClass| matches!(c, LineClass::Ui(_));
    let is_ui_or_blank = |c: LineClass| matches!(c, LineClass::Ui(_) | LineClass::Blank);

    let mut cut = n;
    let mut k = n;
    let mut ui_count = 0;
    while k > 0 && is_ui_or_blank(class[k - 1]) {
        ui_count += usize::from(is_ui(class[k - 1]));
        k -= 1;
    }
    if ui_count >= MIN_UI_RUN {
        cut = k;
    }

    let mut anchored = false;
    let mut free = 0;
    let mut j = n;
    while j > 0 {
        match class[j - 1] {
            LineClass::Blank | LineClass::Ui(false) => {}
            LineClass::Ui(true) => anchored = true,
            LineClass::Short if free < MAX_FREE_LINES => free += 1,
            _ => break,
        }
        j -= 1;
    }
    if anchored {
        // The footer starts at the first UI line of that region: the short
        // lines above it may be the article's own last lines.
        if let Some(first_ui) = (j..n).find(|&k| is_ui(class[k])) {
            cut = cut.min(first_ui);
        }
    }

    let mut removed = vec![false; n];
    removed[cut..].iter_mut().for_each(|r| *r = true);

    // Runs of UI lines before the footer.
    let mut run_start = None;
    let mut run_ui = 0;
    for k in 0..=cut {
        let c = if k < cut { Some(class[k]) } else { None };
        match c {
            Some(LineClass::Ui(_)) => {
                if run_start.is_none() {
                    run_start = Some(k);
                    run_ui = 0;
                }
                run_ui += 1;
            }
            Some(LineClass::Blank) => {}
            _ => {
                if let Some(s) = run_start.take() {
                    if run_ui >= MIN_UI_RUN {
                        for r in removed[s..k].iter_mut() {
                            *r = true;
                        }
                    }
                }
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
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

    // ---- body cleaning ---------------------------------------------------

    #[test]
    fn images_removed_entirely() {
        assert_eq!(
            clean_body("前![cover_image](https://i.example/a.png)后"),
            "前后"
        );
        assert_eq!(clean_body("a ![图片](x.png \"t\") b"), "a  b");
        assert_eq!(clean_body("![alt][ref] 文"), " 文");
        assert_eq!(
            clean_body("x\n\n![](https://i/x.png)\n\n![]()\n\n\n\ny"),
            "x\n\ny"
        );
        // Cut off by a truncated file.
        assert_eq!(
            clean_body("文字 ![作者头像](http://mmbiz.example/abc"),
            "文字"
        );
        assert_eq!(clean_body("* [![Some long alt te..."), "* [");
        // A destination with blanks, as converters write it.
        assert_eq!(clean_body("[![logo](img/a b.png)](/) 名"), " 名");
        // Rust macros are not images.
        assert_eq!(clean_body("vec![1, 2] 和 vec![3]"), "vec![1, 2] 和 vec![3]");
    }

    #[test]
    fn links_keep_their_text() {
        assert_eq!(
            clean_body("见[微信公众平台](https://mp.example/x)说明"),
            "见微信公众平台说明"
        );
        assert_eq!(clean_body("[a [nested] b](u) c"), "a [nested] b c");
        assert_eq!(clean_body("[link](<a b.html> \"title\")"), "link");
        assert_eq!(clean_body("[wiki](https://e.org/x_(y)) z"), "wiki z");
        assert_eq!(clean_body("[![](https://i/a.png)](https://t) 后"), " 后");
        assert_eq!(clean_body("[ref link][1] and [x][]"), "ref link and x");
        assert_eq!(clean_body("[1]: https://example.com/ref\n正文"), "正文");
        assert_eq!(clean_body("[^1]: 脚注保留"), "[^1]: 脚注保留");
        // No `](`: literal.
        assert_eq!(
            clean_body("数组 a[0] 与 [x] 和 [未闭合"),
            "数组 a[0] 与 [x] 和 [未闭合"
        );
        assert_eq!(clean_body("[text]\n(not a link)"), "[text]\n(not a link)");
    }

    #[test]
    fn bare_urls_removed() {
        assert_eq!(
            clean_body("地址 https://a.example/x?y=1&z=2 结束"),
            "地址  结束"
        );
        assert_eq!(
            clean_body("地址：http://a.example/path项目地址"),
            "地址：项目地址"
        );
        assert_eq!(clean_body("见https://a.example/x。下一句"), "见。下一句");
        assert_eq!(clean_body("(see https://a.example/x) ok"), "(see ) ok");
        assert_eq!(clean_body("visit www.example.com now"), "visit  now");
        assert_eq!(clean_body("HTTPS://UPPER.EXAMPLE/ done"), " done");
        assert_eq!(
            clean_body("awww.example.com stays"),
            "awww.example.com stays"
        );
        assert_eq!(clean_body("www. alone"), "www. alone");
        assert_eq!(
            clean_body("自动链接 <https://a.example/x> 后"),
            "自动链接  后"
        );
        assert_eq!(clean_body("`curl https://a.example/x`"), "`curl `");
        assert_eq!(
            clean_body("```\nwget http://e.example/p.sh\n```"),
            "```\nwget\n```"
        );
    }

    #[test]
    fn html_tags_stripped_entities_decoded() {
        let html = "<table><tr><td style=\"x\">甲</td><td>乙</td></tr></table>";
        assert_eq!(clean_body(html).trim(), "甲  乙");
        assert_eq!(clean_body("a<br/>b<br>c"), "a b c");
        assert_eq!(
            clean_body("<span style=\"color:red\">红</span>色</p>"),
            "红色"
        );
        assert_eq!(clean_body("前<!-- 注释 -->后"), "前后");
        assert_eq!(
            clean_body("前<!--\n多行\n注释\n-->后\n下一行"),
            "前\n后\n下一行"
        );
        assert_eq!(clean_body("<!-- 没有结尾"), "<!-- 没有结尾");
        assert_eq!(
            clean_body("&nbsp;A&amp;B &lt;tag&gt; &quot;q&quot; &#39;s&#39; &#x4e2d; &bogus; & x"),
            " A&B <tag> \"q\" 's' 中 &bogus; & x"
        );
    }

    #[test]
    fn subject_tags_stay_as_text() {
        assert_eq!(clean_body("#include <stdio.h>"), "#include <stdio.h>");
        assert_eq!(
            clean_body("payload <script>alert(1)</script> 和 <img src=x onerror=alert(1)>"),
            "payload <script>alert(1)</script> 和 <img src=x onerror=alert(1)>"
        );
        assert_eq!(clean_body("List<String> a < b"), "List<String> a < b");
        assert_eq!(clean_body("`<br>` 与 `&amp;`"), "`<br>` 与 `&amp;`");
        assert_eq!(
            clean_body("```\n<td>&amp;</td>\n```"),
            "```\n<td>&amp;</td>\n```"
        );
    }

    #[test]
    fn escapes_undone_outside_code() {
        assert_eq!(
            clean_body("copy\\_to\\_user \\*p \\[x\\](y)"),
            "copy_to_user *p [x](y)"
        );
        assert_eq!(clean_body("C:\\Windows\\path"), "C:\\Windows\\path");
        assert_eq!(clean_body("`a\\_b`"), "`a\\_b`");
    }

    #[test]
    fn whitespace_normalised() {
        assert_eq!(clean_body("\n\n a  \n\n\n\n b\t\n\n"), " a\n\n b");
        assert_eq!(clean_body("x\n\u{200d}\n\n\u{200b}\ny"), "x\n\ny");
    }

    const FOOTER: &str = "预览时标签不可点\n\n阅读原文\n\n![]()\n\n微信扫一扫\n关注该公众号\n\n继续滑动看下一个\n\n轻触阅读原文\n\n![](http://i.example/a.png)\n\n某某公众号\n\n向上滑动看下一个\n\n知道了\n\n![]()\n微信扫一扫\n使用小程序\n\n取消\n允许\n\n取消\n允许\n\n×\n分析\n\n![跳转二维码]()\n\n![作者头像](http://i.example/b.png)\n\n微信扫一扫可打开此内容，\n使用完整服务\n\n：\n，\n，\n。\n\n视频\n小程序\n赞\n，轻点两下取消赞\n在看\n，轻点两下取消在看\n分享\n留言\n收藏\n听过";

    #[test]
    fn wechat_footer_removed_sentences_kept() {
        let body =
            format!("第一段正文。\n\n欢迎分享本文，视频见文末。\n\n分享\n\n修改于\n\n{FOOTER}");
        assert_eq!(
            clean_body(&body),
            "第一段正文。\n\n欢迎分享本文，视频见文末。"
        );
        // Stub pages: no anchor, only the trailing UI block.
        let stub =
            "# 标题\n\n：\n，\n。\n\n视频\n小程序\n赞\n，轻点两下取消赞\n在看\n，轻点两下取消在看";
        assert_eq!(clean_body(stub), "# 标题");
        let captcha = "# 标题\n\n## 环境异常\n\n当前环境异常，完成验证后即可继续访问。\n\n去验证\n\n：\n，\n。\n\n视频\n小程序\n赞";
        assert_eq!(clean_body(captcha), "# 标题");
        // Truncated footer line.
        let cut = "正文。\n\n预览时标签不可点\n\n阅读原文\n\n轻触阅...";
        assert_eq!(clean_body(cut), "正文。");
    }

    #[test]
    fn lone_ui_words_stay_runs_go() {
        assert_eq!(
            clean_body("视频\n\n这是一个视频。\n\n分享"),
            "视频\n\n这是一个视频。\n\n分享"
        );
        assert_eq!(
            clean_body("上文\n\n取消\n允许\n\n取消\n允许\n\n下文"),
            "上文\n\n下文"
        );
        assert_eq!(
            clean_body("上文\n\n取消\n允许\n\n下文"),
            "上文\n\n取消\n允许\n\n下文"
        );
        // A long last paragraph before the footer stops the scan: no anchor
        // reached, so only the trailing UI run goes.
        let long = "很长的一段正文，".repeat(10);
        let body = format!("预览时标签不可点\n\n{long}\n\n视频\n小程序\n赞");
        assert_eq!(clean_body(&body), format!("预览时标签不可点\n\n{long}"));
    }

    #[test]
    fn pathological_inputs_stay_linear() {
        let n = 200_000;
        for unit in [
            "[", "![", "`", "<!--", "<span ", "](", "[a](", "&#", "http://", "\\",
        ] {
            let s = unit.repeat(n / unit.len());
            let _ = clean_body(&s);
        }
        let brackets = "[x](".repeat(50_000) + &")".repeat(50_000);
        let _ = clean_body(&brackets);
        let lines = "[\n".repeat(100_000);
        let _ = clean_body(&lines);
    }

    // ---- decode ------------------------------------------------------------

    #[test]
    fn decode_utf8_and_bom() {
        let (t, e) = decode("中文 text".as_bytes()).unwrap();
        assert!(matches!(t, Cow::Borrowed(_)));
        assert_eq!((t.as_ref(), e), ("中文 text", None));
        let (t, e) = decode(b"\xEF\xBB\xBFabc").unwrap();
        assert_eq!((t.as_ref(), e), ("abc", None));
    }

    #[test]
    fn decode_gbk() {
        let text = "---\ntitle: 测试标题\n---\n\n这是一个用于测试编码检测的中文段落。网络安全事件需要及时报告，勒索软件攻击正在增加，请各单位加强防护。";
        let (bytes, _, had_errors) = encoding_rs::GBK.encode(text);
        assert!(!had_errors);
        assert!(std::str::from_utf8(&bytes).is_err());
        let (t, e) = decode(&bytes).unwrap();
        assert_eq!(e, Some("GBK"));
        assert_eq!(t, text);
        let a = read(&bytes, "s").unwrap();
        assert_eq!(a.title, "测试标题");
        assert_eq!(a.encoding, Some("GBK"));
    }

    #[test]
    fn decode_big5() {
        let text = "這是一個用於測試編碼檢測的繁體中文段落。網路安全事件需要及時通報，勒索軟體攻擊正在增加，請各單位加強防護。";
        let (bytes, _, had_errors) = encoding_rs::BIG5.encode(text);
        assert!(!had_errors);
        let (t, e) = decode(&bytes).unwrap();
        assert_eq!(e, Some("Big5"));
        assert_eq!(t, text);
    }

    #[test]
    fn decode_utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "标题 abc".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let (t, e) = decode(&bytes).unwrap();
        assert_eq!((t.as_ref(), e), ("标题 abc", Some("UTF-16LE")));
    }

    #[test]
    fn decode_rejects_binary_empty_and_garbage() {
        assert!(matches!(decode(b""), Err(SkipReason::Empty)));
        assert!(matches!(decode(b"abc\0def"), Err(SkipReason::Binary(3))));
        let mut late_nul = vec![b'a'; BINARY_SNIFF_BYTES + 10];
        late_nul[BINARY_SNIFF_BYTES + 5] = 0;
        assert!(decode(&late_nul).is_ok());
        let garbage: Vec<u8> = (0..4000u32)
            .map(|i| [0xFF, 0xFE, 0x81, 0xC0, 0x20][(i * 7 % 5) as usize])
            .collect();
        assert!(matches!(decode(&garbage), Err(SkipReason::Undecodable)));
        assert!(matches!(read(&garbage, "s"), Err(SkipReason::Undecodable)));
    }

    #[test]
    fn decode_utf8_with_a_few_bad_bytes_is_lossy() {
        let mut bytes = "中文正文，".repeat(100).into_bytes();
        bytes.truncate(bytes.len() - 1); // cut mid-character
        bytes.extend_from_slice("结尾".as_bytes());
        let (t, e) = decode(&bytes).unwrap();
        assert_eq!(e, None);
        assert!(t.contains('\u{fffd}'));
        assert!(t.ends_with("结尾"));
        // A stray Latin-1 byte in English text.
        let mut latin = b"Caf".to_vec();
        latin.push(0xE9);
        latin.extend_from_slice(&b" and more plain text".repeat(10));
        let (t, _) = decode(&latin).unwrap();
        assert!(t.starts_with("Caf\u{fffd} and"));
    }

    // ---- the shared corpus -------------------------------------------------

    fn corpus_dir() -> Option<std::path::PathBuf> {
        let dir = match std::env::var_os("SHARED_CORPUS") {
            Some(d) => std::path::PathBuf::from(d),
            None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        };
        dir.is_dir().then_some(dir)
    }

    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    /// The raw header title as [`parse`] should report it: the `title:` line
    /// and its continuation lines, joined, unquoted, entity-decoded; and how
    /// many raw lines it took.
    fn expected_title(text: &str) -> Option<(String, usize)> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = Lines::new(text).skip_while(|l| l.trim().is_empty());
        if lines.next()?.trim_end() != "---" {
            return None;
        }
        let mut title: Option<(String, usize, bool)> = None;
        let mut open = false;
        for line in lines {
            if line.trim_end() == "---" {
                break;
            }
            match split_key_line(line) {
                Some((Key::Title, v)) => {
                    let block = is_block_indicator(v);
                    title = Some((if block { String::new() } else { v.to_owned() }, 1, block));
                    open = true;
                }
                Some(_) => open = false,
                None if open && !line.trim().is_empty() => {
                    let (t, n, _) = title.as_mut()?;
                    t.push(' ');
                    t.push_str(line.trim());
                    *n += 1;
                }
                None => {}
            }
        }
        let (raw, n, block) = title?;
        let value = if block {
            raw
        } else {
            unquote(raw.trim()).into_owned()
        };
        Some((header_title(&value), n))
    }

    #[test]
    fn reads_every_shared_corpus_file() {
        let Some(root) = corpus_dir() else {
            if std::env::var_os("CI").is_some() {
                panic!("../shared/corpus not found (set SHARED_CORPUS)");
            }
            eprintln!("skipped: ../shared/corpus not found");
            return;
        };
        let mut files = Vec::new();
        for kind in ["edge", "sample"] {
            walk(&root.join(kind), &mut files);
        }
        files.sort();
        assert!(
            files.len() > 1000,
            "only {} files under {root:?}",
            files.len()
        );

        let mut counts = std::collections::BTreeMap::<&str, usize>::new();
        for what in [
            "no front matter",
            "empty or no title in header",
            "title from heading or stem",
            "multi-line title",
            "title with ': '",
            "title starting with [ or @",
            "CRLF",
            "lone CR",
            "BOM",
            "transcoded",
            "U+FFFD",
            "missing/bad date",
            "empty cleaned body",
        ] {
            counts.insert(what, 0);
        }
        let (mut raw_bytes, mut body_in, mut body_out) = (0usize, 0usize, 0usize);
        for path in &files {
            let bytes = std::fs::read(path).unwrap();
            let stem = path.file_stem().unwrap().to_str().unwrap();
            let article =
                read(&bytes, stem).unwrap_or_else(|e| panic!("{} skipped: {e}", path.display()));
            let text = decode(&bytes).unwrap().0;
            let shown = path.display();
            assert!(!article.title.trim().is_empty(), "{shown}: empty title");
            assert!(!article.body.contains("!["), "{shown}: image left");
            assert!(!article.body.contains("http://"), "{shown}: http:// left");
            assert!(!article.body.contains("https://"), "{shown}: https:// left");
            assert!(
                !article.body.contains("预览时标签不可点"),
                "{shown}: footer left"
            );

            let (front, body) = split_front_matter(text.strip_prefix('\u{feff}').unwrap_or(&text));
            match expected_title(&text) {
                Some((t, lines)) if !t.is_empty() && front.is_some() => {
                    assert_eq!(article.title, t, "{shown}");
                    if lines > 1 {
                        *counts.entry("multi-line title").or_default() += 1;
                    }
                    if t.contains(": ") {
                        *counts.entry("title with ': '").or_default() += 1;
                    }
                    if t.starts_with(['[', '@']) {
                        *counts.entry("title starting with [ or @").or_default() += 1;
                    }
                }
                _ => *counts.entry("empty or no title in header").or_default() += 1,
            }
            let mut count = |what, yes: bool| {
                if yes {
                    *counts.entry(what).or_default() += 1;
                }
            };
            count("no front matter", front.is_none());
            count("CRLF", bytes.windows(2).any(|w| w == b"\r\n"));
            count(
                "lone CR",
                bytes.windows(2).any(|w| w[0] == b'\r' && w[1] != b'\n'),
            );
            count("BOM", bytes.starts_with(b"\xEF\xBB\xBF"));
            count("transcoded", article.encoding.is_some());
            count("U+FFFD", text.contains('\u{fffd}'));
            count("missing/bad date", article.date.is_none());
            count("empty cleaned body", article.body.is_empty());
            count(
                "title from heading or stem",
                front.as_ref().is_none_or(|f| f.title.trim().is_empty()),
            );
            raw_bytes += bytes.len();
            body_in += body.len();
            body_out += article.body.len();
        }
        eprintln!(
            "{} files, {raw_bytes} bytes; body {body_in} -> {body_out} bytes ({:.1}% removed by cleaning)",
            files.len(),
            100.0 * (body_in - body_out) as f64 / body_in as f64
        );
        for (what, n) in &counts {
            eprintln!("  {what}: {n}");
        }
    }
}
