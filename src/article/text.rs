//! Plain-text pieces shared by the header and the body readers: line
//! splitting that knows every line end real files use, and whitespace
//! collapsing that treats WeChat's zero-width characters as blanks.

/// Lines ended by `\n`, `\r\n` or a lone `\r` (old Mac files and some
/// crawlers), without their line end.
pub(super) struct Lines<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Lines<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Lines { text, pos: 0 }
    }

    /// The text not yet returned.
    pub(super) fn rest(&self) -> &'a str {
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

/// Zero-width characters WeChat sprinkles in: a line of only these is blank.
pub(super) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
    )
}

/// Whitespace (and invisible zero-width characters) collapsed to one space,
/// trimmed.
pub(super) fn collapse_whitespace(s: &str) -> String {
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
