//! Dropout on the attention weights without a stored mask: whether weight `(head, i, j)` is
//! kept is a pure function of `(seed, offset, head, i, j)`, drawn from the counter-based
//! Philox4x32-10 generator (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3"), so
//! the backward pass regenerates exactly the forward's mask tile by tile and memory stays
//! linear in the sequence length.

/// Dropout of the attention weights: each is zeroed with probability `p` and the rest scaled
/// by `1 / (1 - p)`; `seed` and `offset` pick the mask.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AttentionDropout {
    /// The probability of zeroing a weight, in `(0, 1)`.
    pub p: f64,
    /// The generator's key: which of 2⁶⁴ mask families.
    pub seed: u64,
    /// A counter word: further masks under one seed.
    pub offset: u32,
}

const MUL: [u32; 2] = [0xD251_1F53, 0xCD9E_8D57];
const WEYL: [u32; 2] = [0x9E37_79B9, 0xBB67_AE85];

/// Philox4x32 with ten rounds: four random words per (counter, key).
fn philox(mut ctr: [u32; 4], mut key: [u32; 2]) -> [u32; 4] {
    for _ in 0..10 {
        let lo = u64::from(MUL[0]) * u64::from(ctr[0]);
        let hi = u64::from(MUL[1]) * u64::from(ctr[2]);
        ctr = [
            (hi >> 32) as u32 ^ ctr[1] ^ key[0],
            hi as u32,
            (lo >> 32) as u32 ^ ctr[3] ^ key[1],
            lo as u32,
        ];
        key = [key[0].wrapping_add(WEYL[0]), key[1].wrapping_add(WEYL[1])];
    }
    ctr
}

impl AttentionDropout {
    /// `1 / (1 - p)`, the factor kept weights are scaled by.
    pub fn keep_scale(&self) -> f64 {
        1.0 / (1.0 - self.p)
    }

    /// The words below this are dropped: `p · 2³²` of the `2³²` equally likely words.
    fn threshold(&self) -> u64 {
        (self.p * 4_294_967_296.0).round() as u64
    }

    /// Whether query `row` of head `head` keeps keys `j0..j0 + keep.len()`, into `keep`. Keys
    /// come four to a Philox block, counter `(j / 4, row, head, offset)`, key `seed`.
    pub fn row(&self, head: usize, row: usize, j0: usize, keep: &mut [bool]) {
        let threshold = self.threshold();
        let key = [self.seed as u32, (self.seed >> 32) as u32];
        let end = j0 + keep.len();
        let mut j = j0;
        while j < end {
            let ctr = [(j / 4) as u32, row as u32, head as u32, self.offset];
            let words = philox(ctr, key);
            let lanes = (j % 4)..(4).min(j % 4 + end - j);
            for lane in lanes {
                keep[j - j0] = u64::from(words[lane]) >= threshold;
                j += 1;
            }
        }
    }

    /// The whole mask of `heads` query heads, `l` queries and `s` keys, row-major: `true`
    /// where kept. Only the composed rules (and tests) hold it.
    pub fn mask(&self, heads: usize, l: usize, s: usize) -> Vec<bool> {
        let mut keep = vec![false; heads * l * s];
        if s > 0 {
            for (index, row) in keep.chunks_exact_mut(s).enumerate() {
                self.row(index / l.max(1), index % l.max(1), 0, row);
            }
        }
        keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The known-answer vectors of Random123's `kat_vectors` for philox4x32-10.
    #[test]
    fn philox_matches_the_reference_vectors() {
        assert_eq!(
            philox([0, 0, 0, 0], [0, 0]),
            [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8]
        );
        assert_eq!(
            philox([u32::MAX; 4], [u32::MAX; 2]),
            [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd]
        );
        assert_eq!(
            philox(
                [0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344],
                [0xa409_3822, 0x299f_31d0]
            ),
            [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1]
        );
    }

    #[test]
    fn rows_read_in_pieces_agree_with_whole_rows() {
        let d = AttentionDropout {
            p: 0.3,
            seed: 0x1234_5678_9abc,
            offset: 7,
        };
        let mut whole = vec![false; 37];
        d.row(3, 5, 0, &mut whole);
        let mut pieces = vec![false; 37];
        for (start, end) in [(0, 3), (3, 10), (10, 11), (11, 37)] {
            d.row(3, 5, start, &mut pieces[start..end]);
        }
        assert_eq!(whole, pieces);
        let kept = d.mask(4, 64, 256).iter().filter(|&&k| k).count() as f64;
        assert!((kept / (4.0 * 64.0 * 256.0) - 0.7).abs() < 0.01, "{kept}");
    }
}
