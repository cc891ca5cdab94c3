//! What tantivy alone needs to index the `body` field of a folder — the
//! floor under `secsearch index` on this machine (`bench/index_floor.sh`).
//!
//! The articles are read and cleaned first, untimed; then one `body` field
//! (the recall representation: bigrams, words, punctuation, with
//! positions) is indexed with the same writer settings as `secsearch
//! index` (two threads, 256 MB), committed, and timed. Everything else a
//! real run does — reading and decoding files, Markdown, the other fields,
//! indicators, duplicate and reprint keys, the stored documents, the term
//! files — comes on top of this figure.
//!
//! ```sh
//! cargo bench --bench index_floor -- DIR [INDEX_DIR]
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

use tantivy::schema::{IndexRecordOption, Schema, TantivyDocument, TextFieldIndexing, TextOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` appends `--bench` to the arguments.
    let mut args = std::env::args_os().skip(1).filter(|a| a != "--bench");
    let dir = PathBuf::from(args.next().ok_or("usage: index_floor DIR [INDEX_DIR]")?);
    let scratch = tempfile::tempdir()?;
    let out = args
        .next()
        .map_or_else(|| scratch.path().to_path_buf(), PathBuf::from);

    let started = Instant::now();
    let bodies = read_bodies(&dir)?;
    let bytes: usize = bodies.iter().map(String::len).sum();
    let read = started.elapsed().as_secs_f64();

    let timed = Instant::now();
    index_bodies(&out, bodies)?;
    let seconds = timed.elapsed().as_secs_f64();
    println!(
        "body field only: {:.2} s ({:.1} MB of body text; reading and cleaning, untimed: {read:.2} s)",
        seconds,
        bytes as f64 / 1e6
    );
    Ok(())
}

/// The recall text of every article under `dir`, as `secsearch index`
/// gives the `body` field.
fn read_bodies(dir: &Path) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let mut bodies = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry?;
        let path = entry.path();
        if !entry.file_type().is_file() || !secsearch::article::walk::is_article(path) {
            continue;
        }
        let bytes = std::fs::read(path)?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Ok(article) = secsearch::article::read(&bytes, &stem) {
            bodies.push(article.recall_parts().0.to_string());
        }
    }
    Ok(bodies)
}

fn index_bodies(out: &Path, bodies: Vec<String>) -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(secsearch::analysis::RECALL_TOKENIZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let body = builder.add_text_field(
        "body",
        TextOptions::default().set_indexing_options(indexing),
    );
    std::fs::create_dir_all(out)?;
    let index = tantivy::Index::create_in_dir(out, builder.build())?;
    secsearch::analysis::register(&index);
    let mut writer: tantivy::IndexWriter =
        index.writer_with_num_threads(2, secsearch::commands::cli::INDEX_MEMORY)?;
    for text in bodies {
        let mut doc = TantivyDocument::default();
        doc.add_text(body, text);
        writer.add_document(doc)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}
