//! How far reading may run ahead of tantivy's indexing threads.
//!
//! `IndexWriter::add_document` queues up to 10,000 documents before it
//! blocks, and reading and parsing are faster than tokenizing: on
//! wechat-10k the whole archive (text, ranking text, indicators: ~150 MB)
//! sat in that queue, and at any size the queue held 10,000 parsed
//! articles. Each document now counts itself when tantivy drops it (after
//! indexing it), and the reader waits while more than [`AHEAD`] are queued.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tantivy::schema::document::Document;
use tantivy::schema::TantivyDocument;
use tantivy::IndexWriter;

/// Documents queued for the indexing threads at most: several chunks, so
/// that neither side waits for the other for long.
pub(super) const AHEAD: usize = 1024;

/// No document indexed for this long: stop waiting (see `wait_for_room`).
const STALLED: Duration = Duration::from_secs(30);

/// The writer of an index run.
pub(super) type Writer = IndexWriter<Queued>;

/// A document on its way to tantivy's indexing threads.
pub(super) struct Queued {
    doc: TantivyDocument,
    indexed: Arc<AtomicUsize>,
}

impl Drop for Queued {
    fn drop(&mut self) {
        self.indexed.fetch_add(1, Ordering::Release);
    }
}

impl Document for Queued {
    type Value<'a> = <TantivyDocument as Document>::Value<'a>;
    type FieldsValuesIter<'a> = <TantivyDocument as Document>::FieldsValuesIter<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.doc.iter_fields_and_values()
    }
}

/// Documents handed to the writer and documents it has indexed.
#[derive(Default)]
pub(super) struct Backlog {
    sent: usize,
    indexed: Arc<AtomicUsize>,
}

impl Backlog {
    /// Wraps a document so that it is counted once indexed.
    pub(super) fn queue(&mut self, doc: TantivyDocument) -> Queued {
        self.sent += 1;
        Queued {
            doc,
            indexed: Arc::clone(&self.indexed),
        }
    }

    /// Waits until at most `AHEAD - room` documents are queued, so that
    /// `room` more may be sent. Gives up when the indexing threads make no
    /// progress for [`STALLED`]: tantivy's own queue then bounds the wait,
    /// as it did before (a worker that died must not hang the run here).
    pub(super) fn wait_for_room(&self, room: usize) {
        let limit = AHEAD.saturating_sub(room);
        let mut last = usize::MAX;
        let mut since = Instant::now();
        loop {
            let indexed = self.indexed.load(Ordering::Acquire).min(self.sent);
            if self.sent - indexed <= limit {
                return;
            }
            if indexed != last {
                (last, since) = (indexed, Instant::now());
            } else if since.elapsed() > STALLED {
                return;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_counts_itself_when_dropped() {
        let mut b = Backlog::default();
        let d = b.queue(TantivyDocument::default());
        assert_eq!(b.indexed.load(Ordering::Acquire), 0);
        drop(d);
        assert_eq!(b.indexed.load(Ordering::Acquire), 1);
        b.wait_for_room(AHEAD); // nothing queued: returns at once
    }
}
