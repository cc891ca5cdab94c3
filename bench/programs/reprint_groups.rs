//! Lists the reprint groups that near-identical bodies joined across
//! titles (see `indexer::reprint`): one block a group, one line a file
//! (`title-key-hash  path  title`), for the hand check docs/ranking.md reports.
//!
//!     cargo bench --bench reprint_groups -- INDEX_DIR [--time]
//!
//! With `--sketch-cost DIR` it reads every article under DIR and prints
//! the time the body sketches alone took (one thread).
//!
//! With `--time` it recomputes the groups (what every `index` run does at
//! its end) ten times and prints the median time instead.

use std::collections::BTreeMap;

use secsearch::index::reprints::Groups;
use secsearch::index::schema;
use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{TantivyDocument, Term};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` appends `--bench` to the arguments.
    let dir = std::env::args()
        .nth(1)
        .filter(|a| a != "--bench")
        .ok_or("usage: reprint_groups INDEX_DIR")?;
    if dir == "--sketch-cost" {
        let root = std::env::args().nth(2).ok_or("--sketch-cost DIR")?;
        return sketch_cost(std::path::Path::new(&root));
    }
    let opened = schema::open(std::path::Path::new(&dir))?;
    let searcher = opened.reader()?.searcher();
    let f = &opened.fields;
    if std::env::args().any(|a| a == "--time") {
        let mut times = Vec::new();
        for _ in 0..10 {
            let t = std::time::Instant::now();
            secsearch::index::writer::reprint::write_groups(std::path::Path::new(&dir), &searcher)?;
            times.push(t.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        println!(
            "recompute: median {:.1} ms, min {:.1} ms",
            times[5] * 1e3,
            times[0] * 1e3
        );
        let mut sig = 0u64;
        for seg in searcher.space_usage()?.segments() {
            for u in seg.fast_fields().fields() {
                if u.field_name() == "reprint_sig" {
                    sig += u.total().get_bytes();
                }
            }
        }
        println!("reprint_sig column: {sig} bytes");
        return Ok(());
    }
    let groups = Groups::load(&searcher);
    let mut by_root: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    for (k, r) in groups.joined() {
        by_root.entry(r).or_default().push(k);
    }
    let (mut files, mut n) = (0, 0);
    for (_, mut keys) in by_root {
        keys.sort_unstable();
        n += 1;
        println!("== group {n}");
        for k in keys {
            let q = TermQuery::new(
                Term::from_field_u64(f.reprint_hash, k),
                IndexRecordOption::Basic,
            );
            for a in searcher.search(&q, &DocSetCollector)? {
                let d: TantivyDocument = searcher.doc(a)?;
                let text = |fld| {
                    d.get_first(fld)
                        .and_then(|v| v.as_str())
                        .unwrap_or("")
                        .to_string()
                };
                files += 1;
                println!("{k:016x}\t{}\t{}", text(f.path), text(f.title));
            }
        }
    }
    eprintln!("{n} body-joined groups, {files} files");
    // Every fold group of two or more files: by title alone, then with the
    // body joins.
    let (mut by_title, mut joined) = (BTreeMap::new(), BTreeMap::new());
    for seg in searcher.segment_readers() {
        let col = seg.fast_fields().u64("reprint_hash")?;
        for doc in seg.doc_ids_alive() {
            if let Some(k) = col.first(doc) {
                *by_title.entry(k).or_insert(0u64) += 1;
                *joined.entry(groups.key(k)).or_insert(0u64) += 1;
            }
        }
    }
    for (what, m) in [("title only", &by_title), ("title or body", &joined)] {
        let multi: Vec<u64> = m.values().copied().filter(|&c| c > 1).collect();
        eprintln!(
            "{what}: {} groups of 2+ files, {} files",
            multi.len(),
            multi.iter().sum::<u64>()
        );
    }
    Ok(())
}

/// The time spent in `signature` over every article under `root`.
fn sketch_cost(root: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let files: Vec<std::path::PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    let (mut spent, mut chars, mut sketched) = (std::time::Duration::ZERO, 0usize, 0usize);
    for f in &files {
        let Ok(bytes) = std::fs::read(f) else {
            continue;
        };
        let Ok(a) = secsearch::article::read(&bytes, "") else {
            continue;
        };
        let t = std::time::Instant::now();
        let sig = secsearch::index::reprints::signature(a.ranking_text());
        spent += t.elapsed();
        chars += a.ranking_text().chars().count();
        sketched += usize::from(!sig.is_empty());
    }
    println!(
        "{} files, {sketched} sketched, {chars} characters: {:.0} ms in signature",
        files.len(),
        spent.as_secs_f64() * 1e3
    );
    Ok(())
}
