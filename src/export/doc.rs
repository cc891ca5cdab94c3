//! One article as an export writes it, and the JSON-line writing both
//! engines' data files share.

use std::io::Write;

use serde::Serialize;

/// One article as the engines receive it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportDoc {
    /// Content hash, lowercase hex (see [`ExportDoc::content_id`]). It becomes
    /// OpenSearch's `_id`, so loading the same export twice replaces documents
    /// instead of duplicating them.
    pub id: String,
    pub path: String,
    pub title: String,
    pub source: String,
    pub date: Option<jiff::civil::Date>,
    pub url: String,
    /// The visible text (see the eval-dev README), not the raw Markdown.
    pub body: String,
    pub indicators: Vec<String>,
}

impl ExportDoc {
    /// The id of an article with these file bytes: xxh3-128 as 32 hex digits.
    ///
    /// Hashing the file rather than its path means a re-export of an unchanged
    /// archive yields the same ids (idempotent `_bulk`), and the same article
    /// saved twice under two names collapses to one document in the engine.
    pub fn content_id(file_bytes: &[u8]) -> String {
        format!("{:032x}", xxhash_rust::xxh3::xxh3_128(file_bytes))
    }
}

/// Append `value` as one JSON line.
///
/// serde_json escapes every control character, so a body with newlines stays
/// on one line; it leaves U+2028/U+2029 raw, which is valid JSON but which
/// line splitters outside the engines (JavaScript, Python's `splitlines`)
/// take for line ends — so they are escaped as well. They can only occur
/// inside JSON strings, where `\u2028` means the same character.
pub(super) fn write_json_line(
    out: &mut impl Write,
    value: &impl Serialize,
) -> Result<(), serde_json::Error> {
    let mut line = serde_json::to_string(value)?;
    if line.contains(['\u{2028}', '\u{2029}']) {
        line = line
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029");
    }
    line.push('\n');
    out.write_all(line.as_bytes())
        .map_err(serde_json::Error::io)
}

/// Dates as the engines' timestamp fields document them.
pub(super) fn date_ymd(date: jiff::civil::Date) -> String {
    // jiff's Display for civil::Date is ISO 8601 `YYYY-MM-DD` (years 0-9999).
    date.to_string()
}
