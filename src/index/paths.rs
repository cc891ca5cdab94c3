//! Every segment's paths, flat on disk in path order, beside the index
//! (`secsearch-paths.bin`), for `-l`.
//!
//! The `path` column keeps its strings in a sorted dictionary (an sstable
//! of 4 KB delta-encoded blocks), which reads a path by decoding its block
//! from the start. `-l` of a term in 1% of a million articles hits nearly
//! every block of every segment, so it decoded every path of the index:
//! 21% of such a search (perf, `PROTECTION`, 9,146 hits). Here the same
//! strings are in the same order (by ordinal) with their offsets, so a path
//! is one slice.
//!
//! Written after every commit (see `writer::finish`) and used only when
//! it describes the commit being searched and the segment's dictionary
//! has the same number of paths; anything else, or a bound that does not
//! hold, falls back to the dictionary: the file can cost speed, never a
//! path.
//!
//! Layout, integers little-endian:
//! ```text
//! secsearch-paths opstamp=N xxh3=H\n   (H: xxh3-64 of the rest, 16 hex digits)
//! u32 segments
//! per segment: 32 bytes segment id (hex), u64 paths, u64 where its table is
//! per table: (paths + 1) u64 offsets into the bytes that follow, then the bytes
//! ```

use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use tantivy::columnar::StrColumn;
use tantivy::Searcher;

use crate::index::layout::{map_stamped, temp_path, PATHS_FILE};

const KIND: &str = "secsearch-paths";
const ID_LEN: usize = 32;
const ENTRY_LEN: usize = ID_LEN + 16;

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b = bytes.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes(b.try_into().ok()?))
}

fn usize_at(bytes: &[u8], at: usize) -> Option<usize> {
    usize::try_from(u64_at(bytes, at)?).ok()
}

/// The paths file of one commit, mapped.
pub struct PathList {
    data: memmap2::Mmap,
    /// Where the segment directory starts (after the header line).
    start: usize,
}

impl PathList {
    /// Maps `dir`'s paths file if it describes commit `opstamp`.
    pub fn load(dir: &Path, opstamp: u64) -> Option<PathList> {
        let (data, end) = map_stamped(dir, PATHS_FILE, KIND, opstamp)?;
        Some(PathList {
            data,
            start: end + 1,
        })
    }

    /// Where the paths of segment `id` are, when the file holds exactly
    /// `count` of them (the number its `path` dictionary has).
    pub fn segment(&self, id: &str, count: usize) -> Option<SegmentPaths> {
        let d = &self.data[..];
        let n = u32::from_le_bytes(d.get(self.start..self.start + 4)?.try_into().ok()?);
        let entries = self.start + 4;
        let entry = (0..n as usize)
            .map(|i| entries + i * ENTRY_LEN)
            .find(|&at| d.get(at..at + ID_LEN) == Some(id.as_bytes()))?;
        if usize_at(d, entry + ID_LEN)? != count {
            return None;
        }
        let table = usize_at(d, entry + ID_LEN + 8)?;
        let bytes = table.checked_add(count.checked_add(1)?.checked_mul(8)?)?;
        (bytes <= d.len()).then_some(SegmentPaths { table, bytes })
    }

    /// The path of ordinal `ord` of segment `seg`; `None` past the end or
    /// for offsets that do not make a slice (a damaged file).
    pub fn path(&self, seg: SegmentPaths, ord: u64) -> Option<&[u8]> {
        let at = usize::try_from(ord)
            .ok()?
            .checked_mul(8)?
            .checked_add(seg.table)?;
        if at.checked_add(16)? > seg.bytes {
            return None;
        }
        let d = &self.data[..];
        let (a, b) = (usize_at(d, at)?, usize_at(d, at + 8)?);
        d.get(seg.bytes.checked_add(a)?..seg.bytes.checked_add(b)?)
    }
}

/// Where one segment's paths are in a [`PathList`]: its offsets table
/// and the bytes after it.
#[derive(Debug, Clone, Copy)]
pub struct SegmentPaths {
    table: usize,
    bytes: usize,
}

/// Writes the paths file of `searcher`'s segments for commit `opstamp`,
/// atomically (temporary file + rename). A segment's paths are held in
/// memory one segment at a time.
pub fn write(dir: &Path, searcher: &Searcher, opstamp: u64) -> std::io::Result<()> {
    let columns = crate::index::columns::str_columns(searcher, crate::index::schema::name::PATH)
        .map_err(std::io::Error::other)?;
    let tmp = temp_path(dir, PATHS_FILE);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
    let header = crate::index::layout::stamp_line(KIND, opstamp);
    out.write_all(header.as_bytes())?;
    let segments = searcher.segment_readers();
    let n = u32::try_from(segments.len()).map_err(std::io::Error::other)?;
    out.write_all(&n.to_le_bytes())?;
    let dir_at = header.len() as u64 + 4;
    out.write_all(&vec![0u8; segments.len() * ENTRY_LEN])?;
    let mut pos = dir_at + (segments.len() * ENTRY_LEN) as u64;
    let mut entries: Vec<u8> = Vec::with_capacity(segments.len() * ENTRY_LEN);
    for (seg, col) in segments.iter().zip(&columns) {
        let (offsets, bytes) = match col {
            Some(col) => flatten(col)?,
            None => (vec![0], Vec::new()),
        };
        entries.extend_from_slice(seg.segment_id().uuid_string().as_bytes());
        entries.extend_from_slice(&(offsets.len() as u64 - 1).to_le_bytes());
        entries.extend_from_slice(&pos.to_le_bytes());
        for o in &offsets {
            out.write_all(&o.to_le_bytes())?;
        }
        out.write_all(&bytes)?;
        pos += (offsets.len() * 8 + bytes.len()) as u64;
    }
    let mut file = out.into_inner().map_err(|e| e.into_error())?;
    file.seek(SeekFrom::Start(dir_at))?;
    file.write_all(&entries)?;
    drop(file);
    crate::index::layout::seal(&tmp)?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, dir.join(PATHS_FILE))
}

/// A column's dictionary as (offsets, bytes): path `i` is
/// `bytes[offsets[i]..offsets[i + 1]]`.
fn flatten(col: &StrColumn) -> std::io::Result<(Vec<u64>, Vec<u8>)> {
    let dict = col.dictionary();
    let mut offsets = Vec::with_capacity(dict.num_terms() + 1);
    let mut bytes = Vec::new();
    offsets.push(0);
    let mut stream = dict.stream()?;
    while stream.advance() {
        bytes.extend_from_slice(stream.key());
        offsets.push(bytes.len() as u64);
    }
    Ok((offsets, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(body: &[u8]) -> (tempfile::TempDir, PathList) {
        let dir = tempfile::tempdir().unwrap();
        let mut data = crate::index::layout::stamp_line(KIND, 7).into_bytes();
        data.extend_from_slice(&1u32.to_le_bytes());
        data.extend_from_slice(&[b'a'; ID_LEN]);
        data.extend_from_slice(&3u64.to_le_bytes());
        let table = (data.len() + 8) as u64;
        data.extend_from_slice(&table.to_le_bytes());
        data.extend_from_slice(body);
        let tmp = temp_path(dir.path(), PATHS_FILE);
        std::fs::write(&tmp, data).unwrap();
        crate::index::layout::seal(&tmp).unwrap();
        std::fs::rename(&tmp, dir.path().join(PATHS_FILE)).unwrap();
        let l = PathList::load(dir.path(), 7).unwrap();
        (dir, l)
    }

    #[test]
    fn paths_are_read_by_ordinal_and_damaged_offsets_give_none() {
        let mut body = Vec::new();
        for o in [0u64, 3, 2, 99] {
            body.extend_from_slice(&o.to_le_bytes());
        }
        body.extend_from_slice(b"abcdef");
        let (dir, l) = list(&body);
        assert!(PathList::load(dir.path(), 8).is_none(), "another commit");
        assert!(
            l.segment(&"b".repeat(ID_LEN), 3).is_none(),
            "another segment"
        );
        assert!(l.segment(&"a".repeat(ID_LEN), 4).is_none(), "another count");
        let seg = l.segment(&"a".repeat(ID_LEN), 3).unwrap();
        assert_eq!(l.path(seg, 0), Some(&b"abc"[..]));
        assert_eq!(l.path(seg, 1), None, "decreasing offsets");
        assert_eq!(l.path(seg, 2), None, "past the bytes");
        assert_eq!(l.path(seg, 3), None, "past the table");
        assert_eq!(l.path(seg, u64::MAX), None);
    }

    #[test]
    fn a_table_cut_short_is_refused() {
        let (_dir, l) = list(&[0u8; 20]);
        assert!(l.segment(&"a".repeat(ID_LEN), 3).is_none());
    }
}
