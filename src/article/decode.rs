//! Bytes of a file → text. Most files are UTF-8; the rest are the encodings
//! Chinese tools still write (GBK, GB18030, Big5, UTF-16 with a BOM) or
//! crawled UTF-8 with a few broken bytes. A file is only given up on when no
//! reading of it is trustworthy, because a skipped article is a search that
//! silently finds nothing.

use std::borrow::Cow;

use crate::error::SkipReason;

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
    // Few: under 1% of the bytes, or a stray sequence or two in a short file
    // (one bad byte in a 60-byte note is 2%, and a character cut off at the
    // end is one incomplete sequence).
    let few_bad = stats.bad_bytes.saturating_mul(100) < body.len()
        || (stats.bad_sequences <= STRAY_SEQUENCES && stats.bad_bytes <= 4 * STRAY_SEQUENCES);
    if few_bad && stats.good_multibyte >= stats.bad_sequences {
        return Ok((String::from_utf8_lossy(body), Some(REPLACED)));
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
        return Ok((String::from_utf8_lossy(body), Some(REPLACED)));
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

/// The "encoding" of UTF-8 text whose invalid bytes were replaced with
/// U+FFFD: the article is indexed, and the run's summary counts it.
pub const REPLACED: &str = "UTF-8 (invalid bytes replaced)";

/// Bad sequences a file may hold and still be UTF-8 with stray bytes
/// whatever its length.
const STRAY_SEQUENCES: usize = 2;

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

#[cfg(test)]
mod tests {
    use super::super::read;
    use super::*;

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
        assert_eq!(e, Some(REPLACED));
        assert!(t.contains('\u{fffd}'));
        assert!(t.ends_with("结尾"));
        // A short note: one bad byte is more than 1% of it; a last
        // character cut off.
        let (t, e) = decode(b"---\ntitle: t\n---\n\xe6\xbc\x8f\xff\xe6\xb4\x9e\n").unwrap();
        assert_eq!(
            (t.as_ref(), e),
            ("---\ntitle: t\n---\n漏\u{fffd}洞\n", Some(REPLACED))
        );
        let (t, e) = decode(b"---\ntitle: t\n---\n\xe6\xbc\x8f\xe6\xb4").unwrap();
        assert_eq!(
            (t.as_ref(), e),
            ("---\ntitle: t\n---\n漏\u{fffd}", Some(REPLACED))
        );
        // A stray Latin-1 byte in English text.
        let mut latin = b"Caf".to_vec();
        latin.push(0xE9);
        latin.extend_from_slice(&b" and more plain text".repeat(10));
        let (t, _) = decode(&latin).unwrap();
        assert!(t.starts_with("Caf\u{fffd} and"));
    }
}
