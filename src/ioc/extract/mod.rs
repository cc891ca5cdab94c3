//! Indicators of compromise as data, and refanging.
//!
//! [`extract`] finds the IPs, domains, URLs, e-mail addresses, hashes,
//! vulnerability ids (CVE, CNVD, CNNVD), ATT&CK technique ids and suspicious
//! file names in an article's visible text, each in a canonical form (domains
//! lowercase, `CVE-` uppercase, defanging undone) with the byte span of what
//! the reader saw, so a caller can both index the value and highlight it.
//! [`defanged_spans`] lists the defanged ones, so that the indexer can index
//! a refanged copy and `evil.com` finds an article that wrote `evil[.]com`.
//!
//! False positives are the enemy: an analyst exporting indicators does not
//! want `index.html`, `v1.2.3.4` or `System.Net` in the list. The rules:
//!
//! * IPv4: four octets ≤ 255, no leading zeros, nothing but the address in a
//!   run of letters/digits/dots/hyphens (`v1.2.3.4`, `1.2.3.4.5` are not);
//!   a port or CIDR suffix ends it (`127.0.0.1:8080` → `127.0.0.1`).
//! * Domain: labels of ASCII letters/digits/hyphens and a TLD from IANA's
//!   list (`tlds.txt`). In prose, TLDs that are also file extensions
//!   (`ext_tlds.txt`: `.html .php .zip .md .js`) make a file, not a domain,
//!   a TLD in mixed case (`System.Net`) or a reversed Java package
//!   (`com.example.app`) is code, and a word followed by `(` is a call.
//!   As a URL or e-mail host every TLD counts.
//! * Hosts in `exclude_hosts.txt` (WeChat's share links and image CDNs)
//!   are never indicators, and nothing inside such a URL is one either.
//! * Hashes: a whole run of exactly 32/40/64 hex digits.
//! * URL: a listed scheme, a valid host, and everything up to whitespace,
//!   non-ASCII (Chinese punctuation), quotes or trailing punctuation.
//!
//! Everything is ASCII-oriented on purpose: indicators are ASCII, and a
//! Chinese character is always a boundary.

mod context;
mod files;
mod found;
mod indicator;
mod lists;
mod refang;
mod scan;

use std::ops::Range;

pub use indicator::{Indicator, Kind};
/// For the `url`/`link` index fields: WeChat page links are cut to their
/// identity there (see `analysis::link_index_form`).
pub(crate) use lists::host_excluded;
pub use refang::refang;
/// For snippets: map a highlight inside a defanged span back to the
/// original bytes exactly (so a refanged match is highlighted where the reader sees it).
pub(crate) use refang::refang_mapped;

/// Every occurrence of every indicator, in text order (by span start, then
/// kind). A URL also yields its host as a Domain/Ipv4 with the host's span.
pub fn extract_all(text: &str) -> Vec<Indicator> {
    let r = refang::refang_mapped(text);
    let found = scan::scan(&r.text, &|range| {
        r.original(range.clone()).len() != range.len()
    });
    let mut out: Vec<Indicator> = found
        .found
        .into_iter()
        .filter(|f| {
            !found
                .excluded
                .iter()
                .any(|e| e.start <= f.span.start && f.span.end <= e.end)
        })
        .map(|f| Indicator {
            kind: f.kind,
            value: f.value,
            span: r.original(f.span),
        })
        .collect();
    out.sort_by_key(|a| (a.span.start, a.kind, a.span.end));
    out.dedup();
    drop_inner_files(&mut out);
    out
}

/// A file name inside a longer one is its tail, cut where the name turned
/// Chinese or Korean (`…곽성환D.pdf.lnk` → `D.pdf.lnk`): only the whole name
/// is an indicator.
fn drop_inner_files(out: &mut Vec<Indicator>) {
    let files: Vec<Range<usize>> = out
        .iter()
        .filter(|i| i.kind == Kind::File)
        .map(|i| i.span.clone())
        .collect();
    out.retain(|i| {
        i.kind != Kind::File
            || !files
                .iter()
                .any(|f| f.start <= i.span.start && i.span.end <= f.end && *f != i.span)
    });
}

/// Every distinct indicator, once per (kind, value), with the span of its
/// first occurrence, in text order. The first span is the one a reader meets
/// first; a caller that wants to highlight all uses [`extract_all`].
pub fn extract(text: &str) -> Vec<Indicator> {
    let mut seen = std::collections::HashSet::new();
    extract_all(text)
        .into_iter()
        .filter(|i| seen.insert((i.kind, i.value.clone())))
        .collect()
}

/// Every indicator occurrence written in defanged form, with the text of its
/// span refanged (`evil[.]com` → `evil.com`, case kept). For indexing a
/// refanged copy beside the original so that both spellings find it. Only
/// indicators are reported: a stray `[.]` elsewhere is prose.
pub fn defanged_spans(text: &str) -> Vec<(Range<usize>, String)> {
    extract_all(text)
        .into_iter()
        .filter_map(|i| {
            let orig = text.get(i.span.clone())?;
            let plain = refang(orig);
            (plain != orig).then(|| (i.span, plain.into_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests;
