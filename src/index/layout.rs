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

/// The words of the last search, as older versions kept them in the
/// index folder; no longer written (the last search lives in the user's
/// state folder, `commands::last`), named so that `--rebuild` may remove it.
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

/// The checksum that ends a stamped first line: this, then the xxh3-64 of
/// everything after the line, in [`SUM_DIGITS`] hex digits. A side file
/// damaged on disk (one changed byte in the path list printed a path that
/// does not exist, in the vocabulary lost hits) then fails its check and
/// is not used: the caller falls back to the term dictionary or the
/// columns, as for a missing file.
const SUM_FIELD: &str = " xxh3=";
const SUM_DIGITS: usize = 16;

/// The first line of a stamped file as written, before [`seal`] fills in
/// its checksum: `{kind} opstamp={opstamp} xxh3=0000000000000000\n`.
pub fn stamp_line(kind: &str, opstamp: u64) -> String {
    format!(
        "{kind} opstamp={opstamp}{SUM_FIELD}{}\n",
        "0".repeat(SUM_DIGITS)
    )
}

/// Writes the checksum of `tmp`'s body (everything after its first line)
/// into that line, in place, reading the body once, a buffer at a time.
pub fn seal(tmp: &Path) -> std::io::Result<()> {
    use std::io::{BufRead, Read, Seek, SeekFrom, Write};
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(tmp)?;
    let mut reader = std::io::BufReader::with_capacity(1 << 16, &file);
    let mut head = Vec::new();
    reader.read_until(b'\n', &mut head)?;
    if head.len() < SUM_DIGITS + 1 || !head.ends_with(b"\n") {
        return Err(std::io::Error::other(
            "a stamped file without its first line",
        ));
    }
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    drop(reader);
    file.seek(SeekFrom::Start((head.len() - 1 - SUM_DIGITS) as u64))?;
    file.write_all(format!("{:016x}", h.digest()).as_bytes())?;
    Ok(())
}

/// The first line of `data` followed by its checksum field, for a text
/// file built in memory: `{line} xxh3=…\n{body}`.
pub fn stamped_text(line: &str, body: &str) -> String {
    let sum = xxhash_rust::xxh3::xxh3_64(body.as_bytes());
    format!("{line}{SUM_FIELD}{sum:016x}\n{body}")
}

/// Where the first line of `data` ends when it is `{prefix} xxh3=…` and
/// the checksum matches the rest of the file; `None` otherwise.
pub fn check_stamped(data: &[u8], prefix: &str) -> Option<usize> {
    let end = memchr::memchr(b'\n', data)?;
    let line = &data[..end];
    let rest = line.strip_prefix(prefix.as_bytes())?;
    let hex = rest.strip_prefix(SUM_FIELD.as_bytes())?;
    if hex.len() != SUM_DIGITS {
        return None;
    }
    let want = u64::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
    (xxhash_rust::xxh3::xxh3_64(&data[end + 1..]) == want).then_some(end)
}

/// Maps `dir/file`, a file written beside the index after a commit, if its
/// first line is `{kind} opstamp={opstamp} xxh3=…` and the checksum holds:
/// the file and where that line ends. A file of another commit (a crash
/// between two of them) or a damaged one is `None`, and the caller does
/// without it.
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
    let end = check_stamped(&data, &format!("{kind} opstamp={opstamp}"))?;
    Some((data, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_file_checks_and_any_changed_byte_fails() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = dir.path().join("f.tmp");
        let mut data = stamp_line("k", 3).into_bytes();
        data.extend_from_slice(b"alpha\nbeta\n");
        std::fs::write(&tmp, &data).unwrap();
        seal(&tmp).unwrap();
        std::fs::rename(&tmp, dir.path().join("f")).unwrap();
        let (_, end) = map_stamped(dir.path(), "f", "k", 3).unwrap();
        let sealed = std::fs::read(dir.path().join("f")).unwrap();
        assert_eq!(&sealed[end + 1..], b"alpha\nbeta\n");
        assert!(
            map_stamped(dir.path(), "f", "k", 4).is_none(),
            "another commit"
        );
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            assert!(check_stamped(&bad, "k opstamp=3").is_none(), "byte {i}");
        }
        let text = stamped_text("r v1", "a b\n");
        assert_eq!(
            check_stamped(text.as_bytes(), "r v1"),
            Some(text.find('\n').unwrap())
        );
    }
}
