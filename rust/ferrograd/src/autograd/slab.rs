//! The arena's slot storage: chunks of a fixed number of slots that never move.
//!
//! Growing allocates a chunk and copies nothing. Once a graph outgrows its first chunk, the
//! chunk after the one being filled is allocated ahead and faulted in by a helper thread
//! (`prefault`) while the current one fills: recording a long graph then stops for no page
//! faults (they were ~60 ms, ~12 %, of a 1,000,000-node chain's forward pass on the 2-core
//! machine measured). Small graphs never get a spare chunk, so they cost no memory ahead.

use std::ops::{Index, IndexMut};

use super::prefault;

const CHUNK_BITS: u32 = 15;
/// Slots per chunk: 32,768 (~5 MB of arena slots).
pub(crate) const CHUNK: usize = 1 << CHUNK_BITS;

pub(crate) struct Slab<T> {
    /// Every chunk has a capacity of `CHUNK` and only the last is partly filled, so pushing
    /// into it never reallocates.
    chunks: Vec<Vec<T>>,
    /// The next chunk, allocated ahead (its pages being faulted in by a helper).
    spare: Option<Vec<T>>,
    len: usize,
}

impl<T> Slab<T> {
    pub const fn new() -> Self {
        Slab {
            chunks: Vec::new(),
            spare: None,
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// How many chunks hold slots.
    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }

    /// Cuts the slab to its first `keep` chunks (and no spare), returning the rest for the
    /// caller to drop (after its lock: giving memory back takes a while). The chunks kept are
    /// full, since only the last chunk is ever partly filled.
    pub fn truncate_chunks(&mut self, keep: usize) -> Vec<Vec<T>> {
        if keep >= self.chunks.len() {
            return Vec::new();
        }
        let mut cut = self.chunks.split_off(keep);
        cut.extend(self.spare.take());
        self.len = keep * CHUNK;
        cut
    }

    /// Appends `value` and returns its index.
    pub fn push(&mut self, value: T) -> usize {
        let index = self.len;
        if index.is_multiple_of(CHUNK) {
            self.start_chunk();
        }
        self.chunks[index >> CHUNK_BITS].push(value);
        self.len += 1;
        index
    }

    fn start_chunk(&mut self) {
        let chunk = self
            .spare
            .take()
            .unwrap_or_else(|| Vec::with_capacity(CHUNK));
        self.chunks.push(chunk);
        if self.chunks.len() >= 2 {
            let spare = Vec::with_capacity(CHUNK);
            prefault::spare_capacity(&spare);
            self.spare = Some(spare);
        }
    }
}

impl<T> Index<usize> for Slab<T> {
    type Output = T;

    fn index(&self, index: usize) -> &T {
        &self.chunks[index >> CHUNK_BITS][index & (CHUNK - 1)]
    }
}

impl<T> IndexMut<usize> for Slab<T> {
    fn index_mut(&mut self, index: usize) -> &mut T {
        &mut self.chunks[index >> CHUNK_BITS][index & (CHUNK - 1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_survive_growth_across_chunks() {
        let mut slab = Slab::new();
        let n = 3 * CHUNK + 5;
        for i in 0..n {
            assert_eq!(slab.push(i as u64 * 3), i);
        }
        assert_eq!(slab.len(), n);
        assert!(
            slab.spare.is_some(),
            "a graph past one chunk gets a spare chunk"
        );
        for i in (0..n).step_by(997) {
            assert_eq!(slab[i], i as u64 * 3);
        }
        slab[CHUNK] = 7;
        assert_eq!(slab[CHUNK], 7);
        assert_eq!(slab[CHUNK - 1], (CHUNK as u64 - 1) * 3);
    }

    #[test]
    fn truncating_drops_whole_chunks_and_growth_starts_after_them() {
        let mut slab = Slab::new();
        for i in 0..3 * CHUNK + 5 {
            slab.push(i);
        }
        let cut = slab.truncate_chunks(2);
        assert_eq!(cut.len(), 3, "two chunks and the spare");
        assert_eq!((slab.len(), slab.chunk_count()), (2 * CHUNK, 2));
        assert!(slab.spare.is_none());
        assert_eq!(slab.push(7), 2 * CHUNK);
        assert_eq!(slab[2 * CHUNK], 7);
        assert_eq!(slab[CHUNK + 1], CHUNK + 1);
        assert!(slab.truncate_chunks(5).is_empty());
    }

    #[test]
    fn small_slabs_allocate_nothing_ahead() {
        let mut slab = Slab::new();
        for i in 0..CHUNK {
            slab.push(i);
        }
        assert!(slab.spare.is_none());
        slab.push(0);
        assert!(slab.spare.is_some());
    }
}
