//! A matrix transposed into another buffer, in square tiles so that both the reads and the
//! strided writes of a tile stay in cache.

use std::ops::Add;

/// Side of the tiles: 32×32 `f64` is 8 KiB read and 8 KiB written, within L1.
const TILE: usize = 32;

/// `dst = srcᵀ`, or `dst += srcᵀ` when `accumulate`, for a row-major `rows`×`cols` `src` and
/// a row-major `cols`×`rows` `dst`.
pub(super) fn transpose_into<T: Copy + Add<Output = T>>(
    src: &[T],
    [rows, cols]: [usize; 2],
    dst: &mut [T],
    accumulate: bool,
) {
    assert!(
        src.len() == rows * cols && dst.len() == rows * cols,
        "transpose operand sizes"
    );
    for r0 in (0..rows).step_by(TILE) {
        for c0 in (0..cols).step_by(TILE) {
            for c in c0..(c0 + TILE).min(cols) {
                let out = &mut dst[c * rows..(c + 1) * rows];
                for r in r0..(r0 + TILE).min(rows) {
                    let v = src[r * cols + c];
                    out[r] = if accumulate { out[r] + v } else { v };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::transpose_into;

    #[test]
    fn transposes_and_accumulates_across_partial_tiles() {
        let [rows, cols] = [37, 70];
        let src: Vec<f64> = (0..rows * cols).map(|v| v as f64).collect();
        let mut dst = vec![0.0; rows * cols];
        transpose_into(&src, [rows, cols], &mut dst, false);
        for r in 0..rows {
            for c in 0..cols {
                assert_eq!(dst[c * rows + r], src[r * cols + c]);
            }
        }
        transpose_into(&src, [rows, cols], &mut dst, true);
        assert!((0..rows * cols).all(|i| dst[(i % cols) * rows + i / cols] == 2.0 * src[i]));
    }
}
