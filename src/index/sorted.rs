//! Merging runs of byte strings that are each sorted: the segments' paths
//! of `search -l` (`search::SortedPaths`) and the segments' term
//! dictionaries of the files written beside the index (`expand`).
//!
//! Why not tantivy's `TermMerger`: it merges term streams without an
//! automaton, and the word list is written through one that skips the CJK
//! bigrams (most of a dictionary) instead of reading them; paths are not
//! terms at all. A heap of owned strings was a third of `-l`'s main thread
//! at a million articles, so runs are kept in a short sorted list of
//! indices.

/// One sorted run, read from before its first item.
pub(crate) trait Run {
    /// Moves to the next item; false when the run is done.
    fn advance(&mut self) -> std::io::Result<bool>;
    /// The current item (only after `advance` said there is one).
    fn head(&self) -> &[u8];
}

/// Calls `emit` with every item of every run, in byte order (equal items
/// each, run by run).
pub(crate) fn merge<R: Run>(
    runs: &mut [R],
    mut emit: impl FnMut(&[u8]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    // The live runs, ordered by their current item.
    let mut live: Vec<usize> = Vec::with_capacity(runs.len());
    for i in 0..runs.len() {
        if runs[i].advance()? {
            insert(&mut live, runs, i);
        }
    }
    while let Some(&i) = live.first() {
        emit(runs[i].head())?;
        if !runs[i].advance()? {
            live.remove(0);
            continue;
        }
        // Segments mostly hold stretches of the walk's path order, so the
        // run just read usually stays first: one comparison, not a binary
        // search over every run (18% of `-l`'s main thread at 25 segments).
        if live
            .get(1)
            .is_some_and(|&j| runs[i].head() >= runs[j].head())
        {
            live.remove(0);
            insert(&mut live, runs, i);
        }
    }
    Ok(())
}

/// Puts run `i` into `live` after every run whose item is not greater.
fn insert<R: Run>(live: &mut Vec<usize>, runs: &[R], i: usize) {
    let at = live.partition_point(|&j| runs[j].head() <= runs[i].head());
    live.insert(at, i);
}

impl<A> Run for tantivy::termdict::TermStreamer<'_, A>
where
    A: tantivy_fst::Automaton,
    A::State: Clone,
{
    fn advance(&mut self) -> std::io::Result<bool> {
        Ok(tantivy::termdict::TermStreamer::advance(self))
    }

    fn head(&self) -> &[u8] {
        self.key()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Vecs(Vec<&'static str>, usize);

    impl Run for Vecs {
        fn advance(&mut self) -> std::io::Result<bool> {
            self.1 += 1;
            Ok(self.1 <= self.0.len())
        }
        fn head(&self) -> &[u8] {
            self.0[self.1 - 1].as_bytes()
        }
    }

    #[test]
    fn runs_merge_in_byte_order() {
        let mut runs = [
            Vecs(vec!["a", "d", "e"], 0),
            Vecs(vec![], 0),
            Vecs(vec!["b", "c", "d", "z"], 0),
        ];
        let mut got = Vec::new();
        merge(&mut runs, |b| {
            got.push(String::from_utf8_lossy(b).into_owned());
            Ok(())
        })
        .unwrap();
        assert_eq!(got, ["a", "b", "c", "d", "d", "e", "z"]);
    }
}
