//! HTML entities, as converters leave them in titles (`&#8220;`) and bodies
//! (`&nbsp;`, `&amp;`): decoded to what a reader sees, since that is what a
//! user types into a search.

use std::borrow::Cow;

/// Decodes the entity starting at `s[0] == '&'`; returns the character and
/// the entity's length. Unknown names stay literal (`&foo;`).
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
