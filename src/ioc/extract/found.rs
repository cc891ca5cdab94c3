//! What a scan finds: the indicators with their spans, the spans excluded
//! from the scan, and the value checks the passes and the context rules
//! share.

use std::ops::Range;

use super::indicator::Kind;

/// One indicator found in the scanned text; `span` is in that text.
pub(crate) struct Found {
    pub kind: Kind,
    pub value: String,
    pub span: Range<usize>,
}

/// Everything the passes found, and the spans of URLs on excluded hosts
/// (WeChat share links): nothing inside those is an indicator.
#[derive(Default)]
pub(crate) struct Scan {
    pub found: Vec<Found>,
    pub excluded: Vec<Range<usize>>,
}

impl Scan {
    pub(crate) fn push(&mut self, kind: Kind, value: String, span: Range<usize>) {
        self.found.push(Found { kind, value, span });
    }
}

/// Dotted-quad IPv4: four decimal octets ≤ 255 without leading zeros.
pub(crate) fn ipv4(s: &str) -> bool {
    let mut n = 0;
    for part in s.split('.') {
        n += 1;
        let ok = !part.is_empty()
            && part.len() <= 3
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part.len() == 1 || !part.starts_with('0'))
            && part.parse::<u16>().is_ok_and(|v| v <= 255);
        if !ok || n > 4 {
            return false;
        }
    }
    n == 4
}
