//! Export throughput and memory on a real archive: every article file
//! under DIR written by each target's exporter, with the MB/s and the peak
//! resident memory after each target (it must stay near one article,
//! whatever the count: the exporter streams).
//!
//! ```sh
//! cargo bench --bench export_writer -- DIR
//! ```

use std::fs;
use std::path::{Path, PathBuf};

use secsearch::export::{ExportDoc, Exporter, Target};

const INDEX: &str = "secsearch";

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_default()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` appends `--bench`; the folder is the other argument.
    let Some(root) = std::env::args()
        .skip(1)
        .find(|a| a != "--bench")
        .map(PathBuf::from)
    else {
        return Err("usage: cargo bench --bench export_writer -- DIR".into());
    };
    let hwm = || {
        read(Path::new("/proc/self/status"))
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:").map(|v| v.trim().to_string()))
            .unwrap_or_default()
    };
    for target in [Target::Quickwit, Target::OpenSearch] {
        let tmp = tempfile::tempdir()?;
        let start = std::time::Instant::now();
        let mut exporter = Exporter::create(target, tmp.path(), INDEX)?;
        let (mut read_bytes, mut count) = (0u64, 0u64);
        for entry in walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(Result::ok)
        {
            let Ok(bytes) = fs::read(entry.path()) else {
                continue;
            };
            let Ok(text) = String::from_utf8(bytes) else {
                continue;
            };
            read_bytes += text.len() as u64;
            count += 1;
            exporter.write(&ExportDoc {
                id: ExportDoc::content_id(text.as_bytes()),
                path: entry.path().display().to_string(),
                title: text.lines().next().unwrap_or_default().to_string(),
                source: "bench".into(),
                date: Some(jiff::civil::date(2024, 1, 1)),
                url: String::new(),
                body: text,
                indicators: vec![],
            })?;
        }
        let summary = exporter.finish()?;
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{}: {count} articles, {:.1} MB in, {:.1} MB out, {secs:.2} s ({:.0} MB/s), peak RSS so far {}",
            target.name(),
            read_bytes as f64 / 1e6,
            summary.data_bytes as f64 / 1e6,
            read_bytes as f64 / 1e6 / secs,
            hwm()
        );
    }
    Ok(())
}
