//! Phase 4b: a large archive's run ends by merging its small segments into
//! a few large ones.
//!
//! Why: a search pays for every segment: each query term is looked up in
//! each segment's term dictionary (twice: for its statistics and for its
//! postings), and each segment's files are opened and mapped. During a run
//! the merge policy keeps segments small (see `open::MAX_DOCS_BEFORE_MERGE`:
//! a merge maps its inputs whole, and runs beside the indexing threads), so
//! a million generated articles end in ~21 segments of ~50k. Measured on
//! that index, merged into 5 (and the same binary): the part of a ranked
//! search after opening the index, `推动 金信` (361 hits) 12 → 4.5 ms,
//! `软件 患者` (15k hits) 17 → 9 ms. Compacted into 9 by this module, the
//! dev-set classes' median `search -n 10` went from 13.1–29.0 ms to
//! 8.5–20.2, for 70 s more of a 7.5-minute run.
//!
//! Here the indexing threads are done and their memory freed, so one merge
//! at a time may read more: up to [`COMPACT_DOCS`] documents (merging ~250k
//! documents alone peaked at 940 MB resident; the goal is 1 GB). An archive of
//! at most [`COMPACT_ABOVE`] segments is left alone unless the run wrote a
//! quarter of it (a bulk run): then its small leftovers are merged into one
//! segment beside the largest (see [`groups`]; wechat-10k ends in 2
//! segments and is untouched).

use std::sync::atomic::{AtomicBool, Ordering};

use tantivy::index::SegmentId;
use tantivy::indexer::NoMergePolicy;
use tantivy::schema::TantivyDocument;
use tantivy::Index;

/// A run that ends in more segments than this merges its small ones.
const COMPACT_ABOVE: usize = 8;

/// The most documents one compaction merge reads (and so writes): its
/// inputs are mapped whole while it runs (merging ~250k documents alone
/// peaked at 940 MB resident, ~3.7 KB a document), so ~600 MB.
const COMPACT_DOCS: u32 = 160_000;

/// Merges the index's small segments ([`groups`]), one merge at a time,
/// stopping between merges when the run is interrupted (each merge either
/// lands whole or not at all). Returns the number of merges made.
pub(super) fn compact(
    index: &Index,
    written: u64,
    interrupt: &AtomicBool,
) -> tantivy::Result<usize> {
    let metas = index.searchable_segment_metas()?;
    let sizes: Vec<(SegmentId, u32)> = metas.iter().map(|m| (m.id(), m.max_doc())).collect();
    let total: u64 = sizes.iter().map(|&(_, d)| u64::from(d)).sum();
    let groups = groups(&sizes, written.saturating_mul(4) >= total);
    if groups.is_empty() {
        return Ok(0);
    }
    release_freed_memory();
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 15_000_000)?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    let mut merged = 0;
    for group in groups {
        if interrupt.load(Ordering::Relaxed) {
            break;
        }
        writer.merge(&group).wait()?;
        merged += 1;
    }
    writer.wait_merging_threads()?;
    Ok(merged)
}

/// Gives the heap the indexing threads freed back to the system before the
/// merges map their inputs: glibc keeps freed memory for reuse, and with it
/// the first compacting run of a million articles peaked at 1,268 MB
/// resident (the indexing alone at 809 MB). With it (and merges of at most
/// 160k documents) the compaction stays under 260 MB and the run's peak is
/// the indexing's, 733 MB.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory to the system; it takes
    // no pointer and leaves every allocation as it is.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The merges that compact segments of these sizes (documents). Above
/// [`COMPACT_ABOVE`] segments: the segments, smallest first, packed in order
/// into groups of at most [`COMPACT_DOCS`] documents, and the groups of two
/// or more. Smallest first, so that the small segments the last runs left
/// are the ones merged, and a segment that is already large stays as it is.
///
/// Fewer, after a `bulk` run (one that wrote a quarter of the index or
/// more): every segment but the largest, when they are more than one and
/// fit one merge. A bulk run's last segments are small leftovers of its
/// timed commits (100k articles ended in 55k, 30k, 7.5k and 7k documents,
/// or in 55k and 45k, depending on where the 30-second commit fell), and
/// every dev query at 100k was 1.21–1.31× faster on the two-segment index
/// (median by class, paired). Two segments, not one, so that a large
/// search still runs on both cores. A small incremental run never pays
/// for rewriting the index.
fn groups(sizes: &[(SegmentId, u32)], bulk: bool) -> Vec<Vec<SegmentId>> {
    let mut sorted = sizes.to_vec();
    sorted.sort_by_key(|&(_, docs)| docs);
    if sorted.len() > COMPACT_ABOVE {
        return pack(&sorted);
    }
    if !bulk {
        return Vec::new();
    }
    let rest = &sorted[..sorted.len().saturating_sub(1)];
    let merges = pack(rest);
    match merges.as_slice() {
        [all] if all.len() == rest.len() => merges,
        _ => Vec::new(),
    }
}

/// `sorted` (ascending) packed in order into groups of at most
/// [`COMPACT_DOCS`] documents; the groups of two or more.
fn pack(sorted: &[(SegmentId, u32)]) -> Vec<Vec<SegmentId>> {
    let mut out: Vec<Vec<SegmentId>> = Vec::new();
    let (mut group, mut docs) = (Vec::new(), 0u32);
    for &(id, n) in sorted {
        if !group.is_empty() && docs.saturating_add(n) > COMPACT_DOCS {
            out.push(std::mem::take(&mut group));
            docs = 0;
        }
        group.push(id);
        docs = docs.saturating_add(n);
    }
    out.push(group);
    out.retain(|g| g.len() > 1);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(docs: &[u32]) -> Vec<(SegmentId, u32)> {
        docs.iter()
            .map(|&d| (SegmentId::generate_random(), d))
            .collect()
    }

    fn docs_of(all: &[(SegmentId, u32)], group: &[SegmentId]) -> Vec<u32> {
        group
            .iter()
            .map(|id| all.iter().find(|(s, _)| s == id).map(|(_, d)| *d).unwrap())
            .collect()
    }

    /// An index of `segments` segments of `docs` documents each.
    fn index_of(segments: usize, docs: u64) -> Index {
        let mut schema = tantivy::schema::Schema::builder();
        let n = schema.add_u64_field("n", tantivy::schema::FAST);
        let index = Index::create_in_ram(schema.build());
        let mut w = index
            .writer_with_num_threads::<TantivyDocument>(1, 15_000_000)
            .unwrap();
        w.set_merge_policy(Box::new(NoMergePolicy));
        for s in 0..segments as u64 {
            for d in 0..docs {
                w.add_document(tantivy::doc!(n => s * docs + d)).unwrap();
            }
            w.commit().unwrap();
        }
        w.wait_merging_threads().unwrap();
        index
    }

    #[test]
    fn an_index_of_many_segments_ends_in_few_with_every_document() {
        let index = index_of(COMPACT_ABOVE + 4, 3);
        let merges = compact(&index, 0, &AtomicBool::new(false)).unwrap();
        assert_eq!(merges, 1, "all small: one merge");
        let metas = index.searchable_segment_metas().unwrap();
        assert_eq!(metas.len(), 1);
        assert_eq!(index.reader().unwrap().searcher().num_docs(), 36);
        // Interrupted before the first merge: nothing changes.
        let index = index_of(COMPACT_ABOVE + 1, 2);
        assert_eq!(compact(&index, 0, &AtomicBool::new(true)).unwrap(), 0);
        assert_eq!(
            index.searchable_segment_metas().unwrap().len(),
            COMPACT_ABOVE + 1
        );
    }

    #[test]
    fn few_segments_are_left_alone() {
        assert!(groups(&sizes(&[5_000, 5_000]), false).is_empty());
        assert!(groups(&sizes(&[5_000, 5_000]), true).is_empty());
        assert!(groups(&sizes(&[50_000; COMPACT_ABOVE]), false).is_empty());
        // A small incremental run leaves the leftovers to the merge policy.
        assert!(groups(&sizes(&[55_542, 29_856, 7_505, 7_097]), false).is_empty());
    }

    #[test]
    fn a_bulk_run_merges_every_segment_but_the_largest() {
        let all = sizes(&[7_505, 55_542, 7_097, 29_856]);
        let g = groups(&all, true);
        assert_eq!(g.len(), 1);
        let mut merged = docs_of(&all, &g[0]);
        merged.sort_unstable();
        assert_eq!(merged, [7_097, 7_505, 29_856]);
        // Not when the rest is one segment, or more than one merge reads.
        assert!(groups(&sizes(&[55_444, 44_556]), true).is_empty());
        assert!(groups(&sizes(&[100_000, 90_000, 90_000]), true).is_empty());
    }

    #[test]
    fn a_bulk_run_over_a_few_segments_ends_in_two() {
        let index = index_of(4, 3);
        assert_eq!(compact(&index, 12, &AtomicBool::new(false)).unwrap(), 1);
        assert_eq!(index.searchable_segment_metas().unwrap().len(), 2);
        assert_eq!(index.reader().unwrap().searcher().num_docs(), 12);
        // Two documents written into twelve: not a bulk run.
        let index = index_of(4, 3);
        assert_eq!(compact(&index, 2, &AtomicBool::new(false)).unwrap(), 0);
    }

    #[test]
    fn many_segments_merge_smallest_first_within_the_bound() {
        // The shape a million generated articles left: 21 segments.
        let mut docs = vec![21_146, 26_239, 29_509, 46_848];
        docs.extend([48_000; 11]);
        docs.extend([55_000; 6]);
        let all = sizes(&docs);
        let g = groups(&all, true);
        let merged: Vec<Vec<u32>> = g.iter().map(|g| docs_of(&all, g)).collect();
        for m in &merged {
            assert!(m.len() > 1, "{merged:?}");
            assert!(m.iter().sum::<u32>() <= COMPACT_DOCS, "{merged:?}");
        }
        // The four smallest go together, and every segment is in at most
        // one merge.
        assert_eq!(merged[0][..4], [21_146, 26_239, 29_509, 46_848]);
        let ids: Vec<&SegmentId> = g.iter().flatten().collect();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len());
        // 21 → 8 (the real index ended in 9: its sizes differ).
        let after = docs.len() - ids.len() + g.len();
        assert!(
            after <= docs.len() / 2,
            "{after} segments after, {merged:?}"
        );
    }

    #[test]
    fn a_segment_already_at_the_bound_is_not_rewritten() {
        let mut docs = vec![COMPACT_DOCS; 6];
        docs.extend([10_000, 10_000, 10_000]);
        let all = sizes(&docs);
        let g = groups(&all, false);
        assert_eq!(g.len(), 1);
        assert_eq!(docs_of(&all, &g[0]), [10_000, 10_000, 10_000]);
    }
}
