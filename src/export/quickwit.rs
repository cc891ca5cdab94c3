//! The Quickwit side of an export: an index config (YAML) and NDJSON docs.
//!
//! Relied on, from Quickwit's "Index configuration" page
//! (<https://quickwit.io/docs/configuration/index-config>, source
//! `docs/configuration/index-config.md` in quickwit-oss/quickwit):
//!
//! * `tokenizer: chinese_compatible` "Chop between each CJK character in
//!   addition to what `default` does. Should be used with `record: position`
//!   to be able to properly search" — one token a Han character, so any
//!   Chinese substring is a phrase query: the grep-exact recall secsearch
//!   keeps locally, at the price of a larger index.
//! * "Indexing with position is required to run phrase queries";
//!   `fieldnorms: true` is "required to calculate the BM25 Score".
//! * `tokenizer: raw` "Does not process nor tokenize text" — `source`, `url`,
//!   `path` and the indicators are matched whole; `fast: true` on `source`
//!   allows term aggregations (per-source counts).
//! * `type: array<text>`: "Quickwit supports arrays for all raw types".
//! * `timestamp_field` lives in `doc_mapping` (config format 0.7+) and "has to
//!   be of type `datetime`"; the datetime field is `fast: true` and parses
//!   `input_formats: [rfc3339]`, as in the `stackoverflow` tutorial config
//!   shipped with Quickwit 0.9 (`version: 0.8`, `fast_precision: seconds`).
//!   Quickwit 0.9 reads config versions 0.7, 0.8 and 0.9 alike (serde
//!   aliases in `quickwit-config`), so 0.8 loads into 0.8 and 0.9 nodes.
//! * Load with `quickwit index create --index-config` and
//!   `quickwit index ingest --index … --input-path … --force`
//!   (docs "Ingest API" tutorial; the CLI retries when the queue is full).

use std::io::Write;

use serde::Serialize;

use super::doc::{date_ymd, write_json_line, ExportDoc};

pub(super) const CONFIG_FILE: &str = "index-config.yaml";
pub(super) const DATA_FILE: &str = "docs.ndjson";

/// Quickwit rejects a document without its timestamp field (its indexer's
/// `extract_timestamp` fails with "timestamp field is required",
/// `quickwit-indexing/src/actors/doc_processor.rs`; see also
/// quickwit-oss/quickwit#5164), and secsearch never drops an article for an
/// odd header. An undated article therefore gets the
/// Unix epoch, far before any real article: a range on exactly that instant
/// lists them, and any `--since`-style range leaves them out, as secsearch
/// does.
pub const UNDATED: &str = "1970-01-01T00:00:00Z";

/// One line of `docs.ndjson`. Field order is the config's order.
#[derive(Serialize)]
struct Doc<'a> {
    id: &'a str,
    path: &'a str,
    title: &'a str,
    source: &'a str,
    date: String,
    url: &'a str,
    body: &'a str,
    indicators: &'a [String],
}

/// Append `doc` as one JSON line.
pub(super) fn write_doc(out: &mut impl Write, doc: &ExportDoc) -> Result<(), serde_json::Error> {
    let date = match doc.date {
        // RFC 3339 needs a time: midnight UTC, since the header has a day only.
        Some(d) => format!("{}T00:00:00Z", date_ymd(d)),
        None => UNDATED.to_string(),
    };
    let line = Doc {
        id: &doc.id,
        path: &doc.path,
        title: &doc.title,
        source: &doc.source,
        date,
        url: &doc.url,
        body: &doc.body,
        indicators: &doc.indicators,
    };
    write_json_line(out, &line)
}

/// The index config. Written by hand rather than serialized so that it
/// carries comments; `index_id` is checked by `check_index_name` and needs no
/// quoting. `mode: strict` makes Quickwit count a document whose fields drift
/// from this mapping as an error instead of silently dropping the field.
pub(super) fn index_config(index_id: &str) -> String {
    format!(
        "\
# Quickwit index config written by `secsearch export --to quickwit`.
# Load: quickwit index create --index-config index-config.yaml
#       quickwit index ingest --index {index_id} --input-path docs.ndjson --force
version: 0.8

index_id: {index_id}

doc_mapping:
  mode: strict
  field_mappings:
    # Content hash of the article file (also the OpenSearch _id).
    - name: id
      type: text
      tokenizer: raw
    - name: path
      type: text
      tokenizer: raw
    # One token a CJK character, with positions: Chinese substrings match as phrases.
    - name: title
      type: text
      tokenizer: chinese_compatible
      record: position
      fieldnorms: true
    - name: source
      type: text
      tokenizer: raw
      fast: true
    # Articles without a date carry {UNDATED}.
    - name: date
      type: datetime
      input_formats:
        - rfc3339
      output_format: rfc3339
      fast: true
      fast_precision: seconds
    - name: url
      type: text
      tokenizer: raw
    # The visible text: what a reader sees, without image links or link targets.
    - name: body
      type: text
      tokenizer: chinese_compatible
      record: position
      fieldnorms: true
    - name: indicators
      type: array<text>
      tokenizer: raw
  timestamp_field: date

search_settings:
  default_search_fields: [title, body]
"
    )
}

/// `load.sh`: the two commands, from the export folder.
pub(super) fn load_script(index_id: &str) -> String {
    format!(
        "\
#!/bin/sh
# Load this export into Quickwit (written by `secsearch export --to quickwit`).
# Needs a running node (`quickwit run`); QW_ENDPOINT points at another one.
set -eu
cd \"$(dirname \"$0\")\"
ENDPOINT=\"${{QW_ENDPOINT:-http://127.0.0.1:7280}}\"
quickwit index create --endpoint \"$ENDPOINT\" --index-config index-config.yaml
quickwit index ingest --endpoint \"$ENDPOINT\" --index {index_id} --input-path docs.ndjson --force
"
    )
}
