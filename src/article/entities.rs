//! HTML entities, as converters leave them in titles (`&#8220;`) and bodies
//! (`&nbsp;`, `&amp;`): decoded to what a reader sees, since that is what a
//! user types into a search.

use std::borrow::Cow;

/// Decodes the entity starting at `s[0] == '&'`; returns the character and
/// the entity's length. Unknown names stay literal (`&foo;`).
///
/// The names are a `match`, not a data file like the other word lists: a
/// short fixed list of the entities converters actually write, several of
/// which decode to a blank that a text file would hide.
pub(super) fn entity_at(s: &[u8]) -> Option<(char, usize)> {
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
pub(super) fn decode_entities(s: &str) -> Cow<'_, str> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_and_numeric_entities() {
        assert_eq!(entity_at(b"&amp; rest"), Some(('&', 5)));
        assert_eq!(entity_at(b"&ldquo;"), Some(('“', 7)));
        assert_eq!(entity_at(b"&emsp;"), Some((' ', 6)));
        assert_eq!(entity_at(b"&#8220;"), Some(('“', 7)));
        assert_eq!(entity_at(b"&#x4e2d;"), Some(('中', 8)));
        assert_eq!(entity_at(b"&#X4E2D;"), Some(('中', 8)));
        // A non-breaking space is searched as a space.
        assert_eq!(entity_at(b"&#160;"), Some((' ', 6)));
        assert_eq!(entity_at(b"&#xa0;"), Some((' ', 6)));
    }

    #[test]
    fn not_entities_stay_literal() {
        assert_eq!(entity_at(b"&bogus;"), None);
        assert_eq!(entity_at(b"& x;"), None);
        assert_eq!(entity_at(b"&#0;"), None);
        assert_eq!(entity_at(b"&#;"), None);
        assert_eq!(entity_at(b"&#12g;"), None);
        assert_eq!(entity_at(b"&#xD800;"), None);
        // The `;` must come within the longest entity's length.
        assert_eq!(entity_at(b"&verylongname;"), None);
        assert_eq!(entity_at(b"&amp"), None);
    }

    #[test]
    fn decode_entities_in_a_header_value() {
        assert!(matches!(decode_entities("no entity"), Cow::Borrowed(_)));
        assert_eq!(
            decode_entities("A&amp;B &lt;x&gt; &#039;q&#039; & &foo; &amp"),
            "A&B <x> 'q' & &foo; &amp"
        );
        // `&amp;lt;` is decoded once, as a browser does.
        assert_eq!(decode_entities("&amp;lt;"), "&lt;");
    }
}
