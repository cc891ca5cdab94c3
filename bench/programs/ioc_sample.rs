//! Measures `ioc::extract` on a real corpus: counts by kind, throughput, and a
//! deterministic random sample of indicators with context for judging
//! precision by hand (see bench/ioc-precision.md).
//!
//! ```sh
//! cargo bench --bench ioc_sample -- DIR [SAMPLE=200] [SEED=13] [--dump FILE]
//! ```
//!
//! Text is the article's visible text as the indexer sees it: title, a
//! newline, the cleaned body. `--dump FILE` writes every article's distinct
//! indicators as TSV (path, kind, value) for the recall check.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::{Duration, Instant};

use secsearch::article;
use secsearch::ioc::extract as ioc;

/// splitmix64: a fixed, dependency-free generator so the sample is the same
/// on every run and machine.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `text` around `span`, ±40 characters, on one line.
fn context(text: &str, span: &std::ops::Range<usize>) -> String {
    let before: String = text[..span.start]
        .chars()
        .rev()
        .take(40)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after: String = text[span.end..].chars().take(40).collect();
    format!("{before}【{}】{after}", &text[span.clone()]).replace(['\n', '\t', '|'], " ")
}

/// Every file under `dir`, sorted so that the sample is reproducible.
fn article_paths(dir: &str) -> Vec<std::path::PathBuf> {
    let mut paths: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    paths.sort();
    paths
}

fn print_counts(hits: &[Hit], counts: &BTreeMap<&str, usize>) {
    let with: usize = hits
        .iter()
        .map(|h| &h.path)
        .collect::<std::collections::HashSet<_>>()
        .len();
    println!(
        "# {} distinct (article, indicator) pairs in {with} articles",
        hits.len()
    );
    for (k, c) in counts {
        println!("# {k}\t{c}");
    }
}

struct Hit {
    kind: ioc::Kind,
    value: String,
    path: String,
    context: String,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` appends `--bench` to the arguments.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let dir = args
        .first()
        .ok_or("usage: ioc_sample DIR [SAMPLE] [SEED] [--dump FILE]")?;
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    let mut seed: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(13);
    let dump = args
        .iter()
        .position(|a| a == "--dump")
        .and_then(|i| args.get(i + 1));
    let mut dump = dump
        .map(std::fs::File::create)
        .transpose()?
        .map(std::io::BufWriter::new);

    let paths = article_paths(dir);

    let (mut bytes, mut took, mut docs) = (0usize, Duration::ZERO, 0usize);
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut hits = Vec::new();
    for path in &paths {
        let Ok(raw) = std::fs::read(path) else {
            continue;
        };
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let Ok(a) = article::read(&raw, stem) else {
            continue;
        };
        let text = format!("{}\n{}", a.title, a.body);
        let t0 = Instant::now();
        let found = ioc::extract(&text);
        took += t0.elapsed();
        bytes += text.len();
        docs += 1;
        let rel = path.strip_prefix(dir).unwrap_or(path).display().to_string();
        for i in found {
            *counts.entry(i.kind.name()).or_default() += 1;
            if let Some(d) = dump.as_mut() {
                writeln!(d, "{rel}\t{}\t{}", i.kind.name(), i.value)?;
            }
            let context = context(&text, &i.span);
            hits.push(Hit {
                kind: i.kind,
                value: i.value,
                path: rel.clone(),
                context,
            });
        }
    }
    let mbs = bytes as f64 / 1e6 / took.as_secs_f64();
    println!(
        "# {docs} articles, {:.1} MB visible text, extract() {:.2} s = {mbs:.1} MB/s",
        bytes as f64 / 1e6,
        took.as_secs_f64()
    );
    print_counts(&hits, &counts);
    println!("kind\tvalue\tpath\tcontext");
    for _ in 0..n.min(hits.len()) {
        let i = (next(&mut seed) % hits.len() as u64) as usize;
        let h = hits.swap_remove(i);
        println!("{}\t{}\t{}\t{}", h.kind.name(), h.value, h.path, h.context);
    }
    Ok(())
}
