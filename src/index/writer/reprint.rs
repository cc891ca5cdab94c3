//! Reprints: one story reposted by several accounts is one hit.
//!
//! Two signals, joined at the end of every index run:
//!
//! * **The title** ([`reprint_key`], a fast field per document). Reposts of
//!   a WeChat story keep its title but not its bytes (another account's
//!   header, footer and QR codes), so `dup_key`'s body hash misses them.
//!   Measured on wechat-10k: 385 titles (of 8+ letters and digits once
//!   normalized) occur in more than one file, 922 files in all; short
//!   titles (`周报`, `招聘`) are left alone, they name series, not stories.
//! * **The body** ([`signature`], a small MinHash sketch per document): a
//!   repost under a new title keeps nearly all of the text. [`write_groups`]
//!   finds the pairs of near-identical bodies (LSH bands, then the sketch's
//!   estimate of Jaccard similarity ≥ 0.9) and joins their title keys with
//!   union-find; the joined keys go to a side file of the index
//!   ([`GROUPS_FILE`]) that search reads with the reprint-key column
//!   ([`Groups`]). It is recomputed from all documents' sketches on every
//!   run, so adding or removing articles can neither leave a stale group
//!   nor miss a new one; the file names the segments it was computed from,
//!   and a search over other segments (a crash between commit and file)
//!   folds by title alone.

use std::collections::HashMap;
use std::path::Path;

use tantivy::Searcher;

use crate::error::Error;
use crate::index::columns;
use crate::index::reprints::{self, same_story, unpack, LANES, LANE_BITS};
use crate::index::schema::name;

/// Fewer letters and digits than this is a series name, not a story.
const MIN_TITLE_CHARS: usize = 8;

/// A leading tag in brackets (`【转载】`, `[安全圈]`) of at most this many
/// characters is dropped: accounts add it to a story they repost.
const MAX_TAG_CHARS: usize = 8;

/// The title without a short leading bracketed tag (`【转载】`) or column
/// name (`关注 | `, `专题·漏洞治理｜`): accounts add either to a story they
/// repost (measured on wechat-10k: 8 of the 39 groups joined by body were
/// one title under such a column name).
fn strip_tag(title: &str) -> &str {
    let t = title.trim_start();
    for (open, close) in [('【', '】'), ('[', ']'), ('［', '］')] {
        if let Some(rest) = t.strip_prefix(open) {
            if let Some((tag, after)) = rest.split_once(close) {
                if tag.chars().count() <= MAX_TAG_CHARS && !after.trim().is_empty() {
                    return after;
                }
            }
        }
    }
    // Not a name with a digit: `第16期 | 云中会` numbers an issue of a series.
    if let Some((column, after)) = t.split_once(['|', '｜']) {
        let name = column.trim();
        if name.chars().count() <= MAX_TAG_CHARS
            && !name.chars().any(|c| c.is_numeric())
            && !after.trim().is_empty()
        {
            return after;
        }
    }
    t
}

/// The reprint key of an article: `t:` and its normalized title (letters
/// and digits only, folded as search folds them) when it is long enough to
/// name one story, else `fallback` (the duplicate key).
pub(super) fn reprint_key(title: &str, fallback: &str) -> String {
    let norm: String = crate::analysis::normalize(strip_tag(title))
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    if norm.chars().count() < MIN_TITLE_CHARS {
        return fallback.to_string();
    }
    format!("t:{norm}")
}

/// LSH: the lanes are cut into bands of this many; two sketches that agree
/// on a whole band are compared. With 14 bands of 4, a pair at similarity
/// 0.9 is a candidate with probability > 0.9999.
const BAND: usize = 4;

/// A live document's reprint key hash, account and body sketch. Ordered by
/// its fields, so that sketches can be put in an order of their own,
/// whatever segment holds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Sketched {
    key: u64,
    /// The hash of its source (account) name; `None` when it has none.
    source: Option<u64>,
    /// Its date as a day number; `None` when undated.
    day: Option<i64>,
    lanes: [u8; LANES],
}

/// Every live document that has a body sketch.
fn sketches(searcher: &Searcher) -> Result<Vec<Sketched>, Error> {
    let keys = columns::columns::<u64>(searcher, name::REPRINT_HASH)?;
    let sigs = columns::columns::<u64>(searcher, name::REPRINT_SIG)?;
    let sources = columns::str_columns(searcher, name::SOURCE_EXACT)?;
    let dates = columns::columns::<tantivy::DateTime>(searcher, name::DATE)?;
    let mut out = Vec::new();
    let mut buf = String::new();
    for (ord, seg) in searcher.segment_readers().iter().enumerate() {
        let (Some(Some(k)), Some(Some(s))) = (keys.get(ord), sigs.get(ord)) else {
            continue;
        };
        let src = sources.get(ord).and_then(|c| c.as_ref());
        let date = dates.get(ord).and_then(|c| c.as_ref());
        // Source names by term ordinal, hashed once a segment.
        let mut names: HashMap<u64, Option<u64>> = HashMap::new();
        for doc in seg.doc_ids_alive() {
            let (Some(key), Some(lanes)) = (k.first(doc), unpack(s.values_for_doc(doc))) else {
                continue;
            };
            let mut source = None;
            if let Some((col, o)) = src.and_then(|c| Some((c, columns::first_ord(c, doc)?))) {
                if let std::collections::hash_map::Entry::Vacant(e) = names.entry(o) {
                    columns::first_str(col, doc, &mut buf)?;
                    let named = !buf.trim().is_empty();
                    e.insert(named.then(|| xxhash_rust::xxh3::xxh3_64(buf.as_bytes())));
                }
                source = names.get(&o).copied().flatten();
            }
            // The date column holds day numbers (see `columns::day`).
            let day = date
                .and_then(|c| c.first(doc))
                .map(|d| d.into_timestamp_secs());
            out.push(Sketched {
                key,
                source,
                day,
                lanes,
            });
        }
    }
    Ok(out)
}

/// Whether two sketched documents are reposts of one story: near-identical
/// bodies from two accounts, or from one account within a day (a post
/// republished with its title corrected). Within one account and further
/// apart, near-identical bodies under different titles are mostly its
/// template (course ads, notices, posts whose substance was in images):
/// measured on wechat-10k, 30 same-account groups, the retitled posts
/// among them 0–1 days apart, the templates 2 days to months.
fn reposts(a: &Sketched, b: &Sketched) -> bool {
    let one_account = a.source.is_some() && a.source == b.source;
    let within_a_day = matches!((a.day, b.day), (Some(x), Some(y)) if (x - y).abs() <= 1);
    (!one_account || within_a_day) && same_story(&a.lanes, &b.lanes)
}

/// Buckets larger than this (one body saved many times, or a template) are
/// compared as a star around their first member, not pair by pair.
const MAX_BUCKET: usize = 64;

/// Calls `visit` with each pair of sketches that agree on at least one
/// whole band (LSH): the only pairs worth comparing. A pair may come more
/// than once. The pairs are visited, not collected: on a million
/// generated articles (bodies recombined from 10k, so buckets are full)
/// the list of pairs and the (key, index) tuples were ~600 MB at the end
/// of the run, the peak of the whole run.
fn for_candidates(s: &[Sketched], mut visit: impl FnMut(usize, usize)) {
    // A band's key (its number and its lanes) takes 20 bits, so key and
    // document index share one u64, sorted as the pair (key, index) would be.
    const _: () = assert!((LANES / BAND).ilog2() as usize + 1 + BAND * LANE_BITS <= 32);
    if u32::try_from(s.len()).is_err() {
        return; // four billion sketches: beyond any index tantivy holds
    }
    let mut banded: Vec<u64> = Vec::with_capacity(s.len() * LANES / BAND);
    for (i, d) in s.iter().enumerate() {
        for (b, band) in d.lanes.chunks(BAND).enumerate() {
            let k = band
                .iter()
                .fold(b as u64, |acc, &x| acc << LANE_BITS | x as u64);
            banded.push(k << 32 | i as u64);
        }
    }
    banded.sort_unstable();
    let doc = |v: u64| (v & 0xffff_ffff) as usize;
    for run in banded.chunk_by(|a, b| a >> 32 == b >> 32) {
        if run.len() > MAX_BUCKET {
            run[1..].iter().for_each(|&j| visit(doc(run[0]), doc(j)));
            continue;
        }
        for (n, &i) in run.iter().enumerate() {
            run[n + 1..].iter().for_each(|&j| visit(doc(i), doc(j)));
        }
    }
}

/// Union-find over reprint keys.
#[derive(Default)]
struct Joins(HashMap<u64, u64>);

impl Joins {
    fn find(&mut self, k: u64) -> u64 {
        let mut r = k;
        while let Some(&p) = self.0.get(&r) {
            if p == r {
                break;
            }
            r = p;
        }
        // Path compression.
        let mut c = k;
        while c != r {
            let next = self.0.insert(c, r).unwrap_or(r);
            c = next;
        }
        r
    }

    /// Joins the groups of `a` and `b`; the smaller key is the root, so the
    /// result does not depend on the order documents are read in.
    fn join(&mut self, a: u64, b: u64) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (root, child) = (ra.min(rb), ra.max(rb));
            self.0.insert(child, root);
            self.0.entry(root).or_insert(root);
        }
    }

    /// Every joined key with its group's root.
    fn resolved(mut self) -> Vec<(u64, u64)> {
        let keys: Vec<u64> = self.0.keys().copied().collect();
        let mut out: Vec<(u64, u64)> = keys.into_iter().map(|k| (k, self.find(k))).collect();
        out.sort_unstable();
        out
    }
}

/// The reprint keys joined by near-identical bodies, each with its group's
/// root (the smallest key of the group), sorted.
pub fn body_joins(searcher: &Searcher) -> Result<Vec<(u64, u64)>, Error> {
    Ok(join_sketches(sketches(searcher)?))
}

/// [`body_joins`] of given sketches. They are sorted first: which pairs a
/// large bucket compares (a star around its first member) depended on the
/// order segments were read in, so two builds of the same archive could
/// join a few keys differently (3,411 vs 3,454 joined keys at a million
/// generated articles, 21 vs 9 segments).
fn join_sketches(mut s: Vec<Sketched>) -> Vec<(u64, u64)> {
    s.sort_unstable();
    let mut joins = Joins::default();
    for_candidates(&s, |i, j| {
        let (a, b) = (&s[i], &s[j]);
        if a.key != b.key && joins.find(a.key) != joins.find(b.key) && reposts(a, b) {
            joins.join(a.key, b.key);
        }
    });
    joins.resolved()
}

/// Recomputes the body-joined reprint groups of the whole index and writes
/// them to the groups file; returns how many reprint keys were joined.
pub fn write_groups(dir: &Path, searcher: &Searcher) -> Result<usize, Error> {
    let joined = body_joins(searcher)?;
    reprints::write(dir, searcher, &joined)?;
    Ok(joined.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::reprints::{signature, Groups, MIN_BODY_CHARS, WORDS};

    #[test]
    fn reposts_with_tags_and_punctuation_share_a_key() {
        let a = reprint_key("黑客利用第三方SaaS服务入侵美国财政部", "x");
        assert_eq!(
            reprint_key("【转载】黑客利用第三方 SaaS 服务，入侵美国财政部！", "y"),
            a
        );
        assert!(a.starts_with("t:"));
    }

    #[test]
    fn a_column_name_before_a_bar_is_dropped_but_not_a_series_name_after_it() {
        let a = reprint_key("失陷的控制器网络--OT网络中的深度横向移动", "x");
        assert_eq!(
            reprint_key("原创 | 失陷的控制器网络--OT网络中的深度横向移动", "y"),
            a
        );
        assert_eq!(
            reprint_key(
                "专题·漏洞治理｜失陷的控制器网络--OT网络中的深度横向移动",
                "z"
            ),
            a
        );
        assert_ne!(
            reprint_key(
                "VisionPro 或今年年底停产；福特 CEO 法利爱上小米SU7 | 极客早知道",
                "x"
            ),
            reprint_key("OpenAI 发布高级推理模型 o3；小米 YU7 | 极客早知道", "y"),
            "a long text before the bar is the story"
        );
        assert_eq!(
            reprint_key("周报 | 第12期", "h:3"),
            "h:3",
            "too short once cut"
        );
    }

    #[test]
    fn short_titles_keep_the_duplicate_key() {
        assert_eq!(reprint_key("安全周报", "h:1"), "h:1");
        assert_eq!(reprint_key("【转载】", "h:2"), "h:2");
    }

    /// `n` pseudo-random CJK characters (seeded): text no two tests share
    /// by accident.
    fn text(seed: u64, n: usize) -> String {
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                char::from_u32(0x4e00 + ((x >> 33) % 3000) as u32).unwrap_or('中')
            })
            .collect()
    }

    fn lanes(t: &str) -> [u8; LANES] {
        unpack(signature(t).into_iter()).expect("a whole sketch")
    }

    #[test]
    fn a_repost_with_another_header_and_footer_is_the_same_story() {
        let body = text(1, 3000);
        let repost = format!("转自某公众号 作者某某\n{body}\n扫码关注我们 点赞 在看");
        assert!(same_story(&lanes(&body), &lanes(&repost)));
    }

    #[test]
    fn two_issues_of_one_series_are_not() {
        // One template (a third of the text) around different news.
        let template = text(2, 1000);
        let a = format!("{template}{}", text(3, 2000));
        let b = format!("{template}{}", text(4, 2000));
        assert!(!same_story(&lanes(&a), &lanes(&b)));
        // Mostly the same text with a tenth changed is still not one story.
        let shared = text(5, 2700);
        let c = format!("{shared}{}", text(6, 300));
        let d = format!("{shared}{}", text(7, 300));
        assert!(!same_story(&lanes(&c), &lanes(&d)));
    }

    #[test]
    fn short_bodies_have_no_sketch() {
        assert!(signature(&text(8, MIN_BODY_CHARS - 1)).is_empty());
        assert!(signature("标点，空格 与 符号！！！").is_empty());
        assert_eq!(signature(&text(9, MIN_BODY_CHARS)).len(), WORDS);
    }

    #[test]
    fn a_sketch_reads_back_in_any_value_order() {
        let t = text(10, 500);
        let mut v = signature(&t);
        v.reverse();
        assert_eq!(unpack(v.into_iter()), Some(lanes(&t)));
        assert_eq!(unpack(signature(&t).into_iter().take(WORDS - 1)), None);
    }

    #[test]
    fn joins_are_transitive_and_rooted_at_the_smallest_key() {
        let mut j = Joins::default();
        j.join(30, 20);
        j.join(20, 10);
        j.join(40, 50);
        assert_eq!(
            j.resolved(),
            vec![(10, 10), (20, 10), (30, 10), (40, 40), (50, 40)]
        );
        let g = Groups([(10, 10), (20, 10), (30, 10)].into_iter().collect());
        assert_eq!(g.key(30), 10);
        assert_eq!(g.key(99), 99);
        assert_eq!(g.members(20), vec![10, 20, 30]);
        assert_eq!(g.members(99), vec![99]);
    }

    /// A bucket too large to compare pair by pair is a star around its
    /// first member; which member that is must not depend on the order the
    /// sketches come in (the segment layout).
    #[test]
    fn joins_do_not_depend_on_the_order_sketches_are_read_in() {
        let lanes = lanes(&text(12, 1000));
        // One account: a post and, 200 days later, the same body posted
        // again and again (a template), within a day of one another.
        let first = Sketched {
            key: 5,
            source: Some(1),
            day: Some(100),
            lanes,
        };
        let later: Vec<Sketched> = (0..MAX_BUCKET as u64 + 6)
            .map(|k| Sketched {
                key: 10 + k,
                source: Some(1),
                day: Some(300),
                lanes,
            })
            .collect();
        let mut a = vec![first];
        a.extend(later.iter().copied());
        let mut b = later;
        b.push(first);
        assert_eq!(join_sketches(a), join_sketches(b));
    }

    #[test]
    fn one_account_reposts_only_within_a_day() {
        let lanes = lanes(&text(11, 1000));
        let doc = |source, day| Sketched {
            key: 0,
            source,
            day,
            lanes,
        };
        assert!(reposts(&doc(Some(1), Some(100)), &doc(Some(2), Some(300))));
        assert!(reposts(&doc(Some(1), Some(100)), &doc(Some(1), Some(101))));
        assert!(!reposts(&doc(Some(1), Some(100)), &doc(Some(1), Some(102))));
        assert!(!reposts(&doc(Some(1), None), &doc(Some(1), Some(100))));
        assert!(
            reposts(&doc(None, None), &doc(None, None)),
            "no account: unknown"
        );
    }
}
