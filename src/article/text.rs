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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_at_every_kind_of_line_end() {
        let lines: Vec<&str> = Lines::new("a\nb\r\nc\rd").collect();
        assert_eq!(lines, ["a", "b", "c", "d"]);
        // A blank line between two line ends is a line; the end of the text
        // after a line end is not.
        let lines: Vec<&str> = Lines::new("a\r\n\r\nb\n").collect();
        assert_eq!(lines, ["a", "", "b"]);
        assert_eq!(Lines::new("").next(), None);
        // `\n\r` is two line ends, not one.
        assert_eq!(Lines::new("a\n\rb").count(), 3);
    }

    #[test]
    fn rest_is_the_text_after_the_lines_returned() {
        let mut lines = Lines::new("一\r\n二\n三");
        assert_eq!(lines.next(), Some("一"));
        assert_eq!(lines.rest(), "二\n三");
        assert_eq!(lines.by_ref().count(), 2);
        assert_eq!(lines.rest(), "");
    }

    #[test]
    fn whitespace_and_zero_width_characters_collapse() {
        assert_eq!(collapse_whitespace("  a \u{200b} b\t\n c  "), "a b c");
        assert_eq!(collapse_whitespace("\u{feff}\u{200d}"), "");
        assert_eq!(collapse_whitespace("中\u{3000}文"), "中 文");
        assert!(is_invisible('\u{2060}'));
        assert!(!is_invisible(' '));
    }
}
