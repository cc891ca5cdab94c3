//! The index folder: the name of every file secsearch writes into it, and
//! the one rule for writing them (a `NAME.tmp` beside the file, renamed over
//! it, so a reader never sees half a file).
//!
//! Named here, in one place, because two callers must agree on them: the
//! code that writes a file and [`crate::index::integrity::owned_files`],
//! which decides what `--rebuild` may delete. Tantivy's own files (segments,
//! `meta.json`, `.managed.json`, its locks) are listed by tantivy's record.

use std::path::{Path, PathBuf};

/// Marks a folder as a secsearch index; written when the index is created,
/// with the schema version.
pub const MARKER_FILE: &str = "secsearch-index";

/// The files `index` has verified, with their identity (inode, size,
/// modification and change times).
pub const CHECKED_FILE: &str = "secsearch-checked.json";

/// The words of the last search, for `show` without `--query`.
pub const LAST_QUERY_FILE: &str = "secsearch-last-query.txt";

/// Every indexed word of the ranking field, sorted, for open-ended query
/// words (`log4` → `log4j`, `log4shell`).
pub const VOCABULARY_FILE: &str = "secsearch-words.txt";

/// Every identifier run of the ident field, in the same form as
/// [`VOCABULARY_FILE`].
pub const IDENTS_FILE: &str = "secsearch-idents.txt";

/// Every segment's paths, flat in path order, for `-l`.
pub const PATHS_FILE: &str = "secsearch-paths.bin";

/// The reprint keys that near-identical bodies joined across titles.
pub const GROUPS_FILE: &str = "secsearch-reprints.txt";

/// tantivy's own files outside the segments.
pub const TANTIVY_FILES: [&str; 4] = [
    "meta.json",
    ".managed.json",
    ".tantivy-meta.lock",
    ".tantivy-writer.lock",
];

/// secsearch's own files, each written through [`temp_path`].
pub const OWN_FILES: [&str; 7] = [
    MARKER_FILE,
    CHECKED_FILE,
    LAST_QUERY_FILE,
    VOCABULARY_FILE,
    IDENTS_FILE,
    PATHS_FILE,
    GROUPS_FILE,
];

/// Where `name` is written before it is renamed into place.
pub fn temp_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(temp_name(name))
}

/// The name of `name`'s temporary file.
pub fn temp_name(name: &str) -> String {
    format!("{name}.tmp")
}

/// Maps `dir/file`, a file written beside the index after a commit, if its
/// first line is `{kind} opstamp={opstamp}`: the file and where that line
/// ends. A file of another commit (a crash between two of them) is `None`,
/// and the caller does without it.
pub fn map_stamped(
    dir: &std::path::Path,
    file: &str,
    kind: &str,
    opstamp: u64,
) -> Option<(memmap2::Mmap, usize)> {
    let f = std::fs::File::open(dir.join(file)).ok()?;
    // SAFETY: these files are only ever replaced by a rename (see
    // `write_term_file`, `paths::write`), never truncated or written
    // in place, so the mapped bytes do not change under us.
    let data = unsafe { memmap2::Mmap::map(&f) }.ok()?;
    let end = memchr::memchr(b'\n', &data)?;
    if data[..end] != *format!("{kind} opstamp={opstamp}").as_bytes() {
        return None;
    }
    Some((data, end))
}
