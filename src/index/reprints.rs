//! Reprint groups as the index keeps them: the body sketch of each article
//! (a small MinHash, in the `reprint_sig` column) and the side file of
//! groups that near-identical bodies joined across titles. The writer
//! ([`crate::index::writer`]) makes both; search reads them to fold a story
//! reposted by several accounts into one hit.

use std::path::Path;

use tantivy::Directory;
use tantivy::Searcher;

use crate::error::Error;
use crate::index::layout::{temp_path, GROUPS_FILE};

/// Lanes of the body sketch: one-permutation MinHash, 4 bits a lane
/// (b-bit MinHash). 56 lanes estimate a Jaccard similarity of 0.9 within
/// ±0.04 (one standard deviation); a 4-bit lane also agrees by chance
/// (1/16), which moves the threshold by less than that. 8-bit lanes cost
/// 0.38 MB of index on wechat-10k, 4-bit ones half that.
pub(crate) const LANES: usize = 56;
/// Bits a lane.
pub(crate) const LANE_BITS: usize = 4;
/// Lanes packed in one u64 value, under a one-byte word number: the column
/// may hand a document's values back in any order.
const LANES_PER_WORD: usize = 14;
pub(crate) const WORDS: usize = LANES / LANES_PER_WORD;
const LANE_MASK: u64 = (1 << LANE_BITS) - 1;
/// Shingle length in characters (letters and digits only).
const SHINGLE: usize = 5;
/// Bodies with fewer letters and digits than this get no sketch: short
/// bodies are mostly shared boilerplate (docs/ranking.md, "Reprints").
pub(crate) const MIN_BODY_CHARS: usize = 200;
/// Lanes that must agree for two bodies to be one story: 51 of 56, an
/// estimated Jaccard similarity of 0.90 (a lane agrees with probability
/// J + (1 - J)/16).
const MIN_EQUAL_LANES: usize = 51;
/// The body sketch of an article's visible text as the u64 values of the
/// `reprint_sig` column; empty for a body too short to judge.
pub fn signature(text: &str) -> Vec<u64> {
    // One pass, no allocation: a polynomial hash of the last SHINGLE
    // letters and digits, rolled forward one character at a time.
    const B: u64 = 0x0000_0100_0000_01b3;
    let b_top = B.wrapping_pow(SHINGLE as u32 - 1);
    let mut window = [0u64; SHINGLE];
    let mut h = 0u64;
    let mut n = 0usize;
    let mut min = [u64::MAX; LANES];
    for c in text.chars().filter(|&c| letter_or_digit(c)) {
        let c = c.to_ascii_lowercase() as u64;
        let slot = n % SHINGLE;
        h = h.wrapping_sub(window[slot].wrapping_mul(b_top));
        h = h.wrapping_mul(B).wrapping_add(c);
        window[slot] = c;
        n += 1;
        if n < SHINGLE {
            continue;
        }
        let m = mix(h);
        let lane = (((m >> 32) * LANES as u64) >> 32) as usize;
        min[lane] = min[lane].min(m & 0xffff_ffff);
    }
    if n < MIN_BODY_CHARS {
        return Vec::new();
    }
    pack(&densify(&min))
}

/// `char::is_alphanumeric`, answered without its Unicode tables for ASCII
/// and the common CJK block (most of the text): a third of the sketch's
/// time went to the tables.
fn letter_or_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        ('\u{4e00}'..='\u{9fff}').contains(&c) || c.is_alphanumeric()
    }
}

/// splitmix64's finalizer: every input bit reaches every output bit.
fn mix(mut h: u64) -> u64 {
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// One value (`LANE_BITS` bits) a lane; an empty lane borrows the next filled one's value
/// (rotation densification), marked by the distance so that two bodies
/// agree on it only when their filled lanes do.
fn densify(min: &[u64; LANES]) -> [u8; LANES] {
    let mut out = [0u8; LANES];
    for (i, o) in out.iter_mut().enumerate() {
        let found = (0..LANES)
            .map(|d| (d, min[(i + d) % LANES]))
            .find(|&(_, v)| v != u64::MAX);
        if let Some((d, v)) = found {
            *o = (mix(v.wrapping_add(d as u64 * 0x9e37_79b9)) & LANE_MASK) as u8;
        }
    }
    out
}

fn pack(lanes: &[u8; LANES]) -> Vec<u64> {
    lanes
        .chunks(LANES_PER_WORD)
        .enumerate()
        .map(|(w, chunk)| {
            chunk
                .iter()
                .enumerate()
                .fold((w as u64) << 56, |acc, (i, &b)| {
                    acc | (b as u64) << (LANE_BITS * i)
                })
        })
        .collect()
}

/// The lanes of a stored sketch, or `None` when it is not a whole one.
pub(crate) fn unpack(values: impl Iterator<Item = u64>) -> Option<[u8; LANES]> {
    let mut lanes = [0u8; LANES];
    let mut seen = 0u32;
    for v in values {
        let w = (v >> 56) as usize;
        if w >= WORDS {
            return None;
        }
        seen |= 1 << w;
        for i in 0..LANES_PER_WORD {
            lanes[w * LANES_PER_WORD + i] = ((v >> (LANE_BITS * i)) & LANE_MASK) as u8;
        }
    }
    (seen == (1 << WORDS) - 1).then_some(lanes)
}

/// Whether the stored sketches of two documents (values of the
/// `reprint_sig` column) are of one story; `false` when either has none.
pub fn same_body(a: impl Iterator<Item = u64>, b: impl Iterator<Item = u64>) -> bool {
    matches!((unpack(a), unpack(b)), (Some(x), Some(y)) if same_story(&x, &y))
}

/// Sketches that agree on this many lanes are one story.
pub(crate) fn same_story(a: &[u8; LANES], b: &[u8; LANES]) -> bool {
    a.iter().zip(b).filter(|(x, y)| x == y).count() >= MIN_EQUAL_LANES
}

/// Writes the joined keys (`key root` in hex, a line each) for the
/// documents `searcher` sees, through a temporary file.
pub(crate) fn write(dir: &Path, searcher: &Searcher, joined: &[(u64, u64)]) -> Result<(), Error> {
    let mut text = format!("{}\n", header(searcher));
    for (k, root) in joined {
        text.push_str(&format!("{k:016x} {root:016x}\n"));
    }
    let io = |source| Error::Io {
        path: dir.join(GROUPS_FILE),
        what: "cannot write",
        source,
    };
    let tmp = temp_path(dir, GROUPS_FILE);
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::rename(&tmp, dir.join(GROUPS_FILE)).map_err(io)
}

/// The side file's first line without its segments; change the version
/// when the grouping changes, so that no index keeps groups made the old way.
const HEADER: &str = "secsearch-reprints v1";

/// The side file's first line for the documents `searcher` sees.
fn header(searcher: &Searcher) -> String {
    format!("{HEADER} segments={:016x}", fingerprint(searcher))
}

/// Whether the side file already describes exactly the documents
/// `searcher` sees (an index run that changed nothing need not redo it).
pub fn groups_current(dir: &Path, searcher: &Searcher) -> bool {
    std::fs::read_to_string(dir.join(GROUPS_FILE))
        .is_ok_and(|t| t.lines().next() == Some(header(searcher).as_str()))
}

/// Names the documents a searcher sees: its segments and their deletes.
fn fingerprint(searcher: &Searcher) -> u64 {
    let mut segs: Vec<String> = searcher
        .segment_readers()
        .iter()
        .map(|s| format!("{}:{:?}", s.segment_id().uuid_string(), s.delete_opstamp()))
        .collect();
    segs.sort_unstable();
    xxhash_rust::xxh3::xxh3_64(segs.join(",").as_bytes())
}

/// The body-joined reprint groups, as search reads them: a reprint key
/// maps to its group's root. Empty when the side file is missing, unreadable
/// or describes other segments than the searcher's (folding falls back to
/// the title key alone). Hashed with Fx, not the default SipHash: a search
/// looks up the key of every matching document (over half a million for a
/// common word at a million articles), and the keys are already xxh3
/// hashes, evenly spread.
#[derive(Debug, Default, Clone)]
pub struct Groups(pub(crate) rustc_hash::FxHashMap<u64, u64>);

impl Groups {
    pub fn load(searcher: &Searcher) -> Groups {
        let Ok(bytes) = searcher
            .index()
            .directory()
            .atomic_read(Path::new(GROUPS_FILE))
        else {
            return Groups::default();
        };
        let text = String::from_utf8_lossy(&bytes);
        let mut lines = text.lines();
        if lines.next() != Some(header(searcher).as_str()) {
            return Groups::default();
        }
        let hex = |s: &str| u64::from_str_radix(s, 16).ok();
        Groups(
            lines
                .filter_map(|l| l.split_once(' '))
                .filter_map(|(k, r)| Some((hex(k)?, hex(r)?)))
                .collect(),
        )
    }

    /// The folding key of a document with reprint key `k`.
    pub fn key(&self, k: u64) -> u64 {
        self.0.get(&k).copied().unwrap_or(k)
    }

    /// Every reprint key of `k`'s group, `k` included.
    pub fn members(&self, k: u64) -> Vec<u64> {
        let root = self.key(k);
        let mut out: Vec<u64> = self
            .0
            .iter()
            .filter(|&(_, &r)| r == root)
            .map(|(&m, _)| m)
            .collect();
        if !out.contains(&k) {
            out.push(k);
        }
        out.sort_unstable();
        out
    }

    /// Every joined key and its group's root (for reports and tests).
    pub fn joined(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.0.iter().map(|(&k, &r)| (k, r))
    }
}
