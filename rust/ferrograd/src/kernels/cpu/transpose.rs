//! A matrix transposed into another buffer, in square tiles so that both the reads and the
//! strided writes of a tile stay in cache.

use std::ops::Add;

/// Side of the tiles: 32×32 `f64` is 8 KiB read and 8 KiB written, within L1.
const TILE: usize = 32;

/// `dst = srcᵀ`, or `dst += srcᵀ` when `accumulate`, for a row-major `rows`×`cols` `src` and
/// a row-major `cols`×`rows` `dst`.
///
/// # Safety
/// `dst` is valid for writes of `rows`×`cols` elements, and for reads when `accumulate` (it
/// may be uninitialised otherwise: it is only written).
pub(super) unsafe fn transpose_into<T: Copy + Add<Output = T>>(
    src: &[T],
    [rows, cols]: [usize; 2],
    dst: *mut T,
    accumulate: bool,
) {
    assert_eq!(src.len(), rows * cols, "transpose operand size");
    for r0 in (0..rows).step_by(TILE) {
        for c0 in (0..cols).step_by(TILE) {
            for c in c0..(c0 + TILE).min(cols) {
                for r in r0..(r0 + TILE).min(rows) {
                    let v = src[r * cols + c];
                    // SAFETY: `c * rows + r < rows * cols`, within `dst` (the caller's
                    // contract), read only when `accumulate`.
                    unsafe {
                        let out = dst.add(c * rows + r);
                        out.write(if accumulate { out.read() + v } else { v });
                    }
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
        // SAFETY: `dst` holds rows×cols initialised elements.
        unsafe { transpose_into(&src, [rows, cols], dst.as_mut_ptr(), false) };
        for r in 0..rows {
            for c in 0..cols {
                assert_eq!(dst[c * rows + r], src[r * cols + c]);
            }
        }
        // SAFETY: as above.
        unsafe { transpose_into(&src, [rows, cols], dst.as_mut_ptr(), true) };
        assert!((0..rows * cols).all(|i| dst[(i % cols) * rows + i / cols] == 2.0 * src[i]));
    }
}
