//! Prints the visible text (title, newline, cleaned body) of each file given,
//! separated by a line `\x1e PATH`, so that bench/ioc_recall.py checks the
//! extractor against exactly the text the indexer sees.

use secsearch::article;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` appends `--bench` to the arguments.
    for path in std::env::args().skip(1).filter(|a| a != "--bench") {
        let raw = std::fs::read(&path)?;
        let stem = std::path::Path::new(&path)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("");
        match article::read(&raw, stem) {
            Ok(a) => println!("\x1e {path}\n{}\n{}", a.title, a.body),
            Err(e) => eprintln!("{path}: {e}"),
        }
    }
    Ok(())
}
