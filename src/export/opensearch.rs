//! The OpenSearch side of an export: an index mapping and a `_bulk` body.
//!
//! Relied on, from the OpenSearch documentation (docs.opensearch.org):
//!
//! * "CJK analyzer": the built-in `cjk` analyzer "uses bigram tokenization to
//!   break down CJK text into overlapping two-character sequences" (standard
//!   tokenizer, `cjk_width`, `lowercase`, `cjk_bigram`, English `stop`). That
//!   is the recall half secsearch measured against grep: bigram phrases find
//!   any Chinese substring of two or more characters. It is the main analyzer
//!   of `title` and `body`, applied as `"analyzer": "cjk"` exactly as in the
//!   page's `PUT /cjk-index` example.
//! * The `analysis-smartcn` plugin provides "the `smartcn` analyzer" (word
//!   segmentation for Simplified Chinese). It is a sub-field
//!   (`title.smartcn`, `body.smartcn`) for ranking, the role jieba plays in
//!   secsearch. It must be installed on every node
//!   (`bin/opensearch-plugin install analysis-smartcn`) before the index is
//!   created, or `PUT` fails with "analyzer [smartcn] has not been configured".
//! * `keyword` for exact values (`source`, `path`, `url`, `indicators`; an
//!   array needs no special type). "Date field type": `format` takes the
//!   built-in formats; `strict_date` is `yyyy-MM-dd` with exactly 4-2-2
//!   digits, the articles' header format.
//! * Bulk API: NDJSON, "each action is specified on one line, and if the
//!   action requires source data ... the source data is provided on the
//!   following line"; every line ends with `\n`, the last one too; `index`
//!   "adds or replaces a document", so with `_id` = content hash a re-export
//!   loads idempotently; `_id` at most 512 bytes (checked by the caller).

use std::io::Write;

use serde::Serialize;
use serde_json::json;

use super::doc::{date_ymd, write_json_line, ExportDoc};

pub(super) const MAPPING_FILE: &str = "mapping.json";
pub(super) const DATA_FILE: &str = "bulk.ndjson";

/// The action line: `{"index":{"_index":…,"_id":…}}`.
#[derive(Serialize)]
struct Action<'a> {
    index: ActionMeta<'a>,
}

#[derive(Serialize)]
struct ActionMeta<'a> {
    #[serde(rename = "_index")]
    index: &'a str,
    #[serde(rename = "_id")]
    id: &'a str,
}

/// The source line. An undated article simply has no `date` (OpenSearch,
/// unlike Quickwit, needs no timestamp on every document).
#[derive(Serialize)]
struct Source<'a> {
    path: &'a str,
    title: &'a str,
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    url: &'a str,
    body: &'a str,
    indicators: &'a [String],
}

/// Append one `index` action and its source, each on its own line.
pub(super) fn write_doc(
    out: &mut impl Write,
    index: &str,
    doc: &ExportDoc,
) -> Result<(), serde_json::Error> {
    let action = Action {
        index: ActionMeta { index, id: &doc.id },
    };
    write_json_line(out, &action)?;
    let source = Source {
        path: &doc.path,
        title: &doc.title,
        source: &doc.source,
        date: doc.date.map(date_ymd),
        url: &doc.url,
        body: &doc.body,
        indicators: &doc.indicators,
    };
    write_json_line(out, &source)
}

/// The body of `PUT /<index>`. `"dynamic": "strict"` rejects a document
/// whose fields drift from this mapping instead of guessing a type for them.
pub(super) fn mapping() -> String {
    let chinese = json!({
        "type": "text",
        "analyzer": "cjk",
        "fields": { "smartcn": { "type": "text", "analyzer": "smartcn" } }
    });
    // Lucene refuses a single term over 32,766 bytes and OpenSearch then
    // rejects the whole document; `ignore_above` (in characters, up to 4
    // bytes each) leaves such a value unindexed but keeps the article.
    let keyword = json!({ "type": "keyword", "ignore_above": 8191 });
    let body = json!({
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "path": keyword,
                "title": chinese,
                "source": keyword,
                "date": { "type": "date", "format": "strict_date" },
                "url": keyword,
                "body": chinese,
                "indicators": keyword
            }
        }
    });
    // A `Value` always serializes; the fallback only satisfies the types.
    let mut text = serde_json::to_string_pretty(&body).unwrap_or_default();
    text.push('\n');
    text
}

/// `load.sh`: create the index, then send the bulk file in pieces.
///
/// A `_bulk` request is capped by `http.max_content_length` (100 MB by
/// default), so the script splits the file at an even line count (an action
/// never leaves its source) and stops at the first piece whose response says
/// `"errors":true`.
pub(super) fn load_script(index: &str) -> String {
    format!(
        "\
#!/bin/sh
# Load this export into OpenSearch (written by `secsearch export --to opensearch`).
# Needs the analysis-smartcn plugin on every node:
#   bin/opensearch-plugin install analysis-smartcn
# OPENSEARCH_URL: the cluster (default http://localhost:9200);
# CURL_OPTS: extra curl options, e.g. \"-k -u admin:PASSWORD\" for the demo security setup.
set -eu
cd \"$(dirname \"$0\")\"
URL=\"${{OPENSEARCH_URL:-http://localhost:9200}}\"
CURL_OPTS=\"${{CURL_OPTS:-}}\"
curl -fsS $CURL_OPTS -X PUT \"$URL/{index}\" -H 'Content-Type: application/json' --data-binary @mapping.json
echo
parts=$(mktemp -d)
trap 'rm -rf \"$parts\"' EXIT
split -l 10000 -a 6 bulk.ndjson \"$parts/bulk.\"
for part in \"$parts\"/bulk.*; do
  [ -e \"$part\" ] || continue  # an empty export: nothing to send
  curl -fsS $CURL_OPTS -X POST \"$URL/_bulk\" -H 'Content-Type: application/x-ndjson' \\
    --data-binary @\"$part\" -o \"$parts/response.json\"
  if grep -q '\"errors\":true' \"$parts/response.json\"; then
    echo \"bulk errors in $part, see $parts/response.json\" >&2
    trap - EXIT
    exit 1
  fi
done
curl -fsS $CURL_OPTS -X POST \"$URL/{index}/_refresh\"
echo
"
    )
}
