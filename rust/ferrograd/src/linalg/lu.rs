//! LU factorization with partial pivoting, in LAPACK's packed form (`getrf`), and solving with
//! it (`getrs`). Determinants, inverses and `solve` are built on these.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::lu::partial_pivoting::factor::{lu_in_place, lu_in_place_scratch};
use faer::linalg::triangular_solve as tri;
use faer::{MatMut, MatRef, Par};

use super::batch::{cubic_work, gather, host_contiguous, map_indices, row_major, Matrices};
use super::{same_dtype, with_real, Real};
use crate::array::NdArray;
use crate::error::{Error, Result};

/// `A = P L U` of each matrix of a batch, packed as LAPACK's `getrf` leaves it.
pub struct LuFactors {
    /// `L` below the diagonal (its unit diagonal implied) and `U` on and above it: `[..., m, n]`.
    pub lu: NdArray,
    /// The row interchanges, 1-based: row `i` was swapped with row `pivots[i]`, for `i` in
    /// order (`int32`, `[..., min(m, n)]`).
    pub pivots: NdArray,
    /// `0`, or `i` when `U[i-1, i-1]` is exactly zero (the first such `i`): `int32`, `[...]`.
    pub info: NdArray,
}

struct Factored<T> {
    lu: Vec<T>,
    pivots: Vec<i32>,
    info: i32,
}

/// The LU factorization with partial pivoting of every matrix of `a` (`[..., m, n]`).
pub fn lu_factor(a: &NdArray) -> Result<LuFactors> {
    let a = host_contiguous(a, "linalg.lu_factor")?;
    with_real!(a, "linalg.lu_factor", T => factor_batch::<T>(&a))
}

fn factor_batch<T: Real>(a: &NdArray) -> Result<LuFactors> {
    let matrices = Matrices::<T>::new(a, "linalg.lu_factor")?;
    let (m, n) = (matrices.rows, matrices.cols);
    let k = m.min(n);
    let results = matrices.map(cubic_work(m, n), factor_one);
    let batch = &matrices.batch;
    Ok(LuFactors {
        lu: gather(&results, batch, &[m, n], |r| &r.lu)?,
        pivots: gather(&results, batch, &[k], |r| &r.pivots)?,
        info: gather(&results, batch, &[], |r| std::slice::from_ref(&r.info))?,
    })
}

fn factor_one<T: Real>(a: MatRef<'_, T>) -> Factored<T> {
    let (m, n) = a.shape();
    let k = m.min(n);
    let mut lu = a.to_owned();
    let mut forward = vec![0usize; m];
    let mut inverse = vec![0usize; m];
    let mut scratch = MemBuffer::new(lu_in_place_scratch::<usize, T>(
        m,
        n,
        Par::Seq,
        Default::default(),
    ));
    lu_in_place(
        lu.as_mut(),
        &mut forward,
        &mut inverse,
        Par::Seq,
        MemStack::new(&mut scratch),
        Default::default(),
    );
    // faer gives the permutation itself (row i of P·A is row forward[i] of A); LAPACK's form is
    // the sequence of swaps that makes it. Rows past the k-th are left by those swaps in an
    // order of their own, so the packed rows are written in that order.
    let mut order: Vec<usize> = (0..m).collect();
    let mut position: Vec<usize> = (0..m).collect();
    let mut pivots = Vec::with_capacity(k);
    for (i, &row) in forward.iter().take(k).enumerate() {
        let j = position[row];
        pivots.push(j as i32 + 1);
        let (at_i, at_j) = (order[i], order[j]);
        order.swap(i, j);
        position[at_i] = j;
        position[at_j] = i;
    }
    let zero = <T as crate::array::Element>::zero();
    let info = (0..k)
        .find(|&i| lu[(i, i)] == zero)
        .map_or(0, |i| i as i32 + 1);
    let mut packed = Vec::with_capacity(m * n);
    for &row in &order {
        let faer_row = inverse[row];
        for j in 0..n {
            packed.push(lu[(faer_row, j)]);
        }
    }
    Factored {
        lu: packed,
        pivots,
        info,
    }
}

/// Solves `A X = B` (or `Aᵀ X = B` when `transpose`) for every matrix of a batch, given
/// `lu_factor`'s `lu` (`[..., n, n]`) and `pivots` (`[..., n]`, int32 or int64) of `A`, and
/// `b` (`[..., n, k]`) with the same batch dimensions.
pub fn lu_solve(lu: &NdArray, pivots: &NdArray, b: &NdArray, transpose: bool) -> Result<NdArray> {
    const NAME: &str = "linalg.lu_solve";
    same_dtype(NAME, lu, b)?;
    let (lu, b) = (host_contiguous(lu, NAME)?, host_contiguous(b, NAME)?);
    let pivots: Vec<f64> = host_contiguous(pivots, NAME)?.to_f64_vec()?;
    with_real!(lu, NAME, T => solve_batch::<T>(&lu, &pivots, &b, transpose))
}

fn solve_batch<T: Real>(
    lu: &NdArray,
    pivots: &[f64],
    b: &NdArray,
    transpose: bool,
) -> Result<NdArray> {
    const NAME: &str = "linalg.lu_solve";
    let factors = Matrices::<T>::new(lu, NAME)?;
    let rhs = Matrices::<T>::new(b, NAME)?;
    let n = factors.rows;
    let count = factors.count();
    if factors.cols != n || rhs.rows != n || rhs.batch != factors.batch || pivots.len() != count * n
    {
        return Err(Error::Shape(format!(
            "{NAME}: incompatible shapes: LU {:?}, B {:?} and {} pivots",
            lu.shape(),
            b.shape(),
            pivots.len()
        )));
    }
    let mut swaps = Vec::with_capacity(pivots.len());
    for &p in pivots {
        if !(p >= 1.0 && p <= n as f64) {
            return Err(Error::Value(format!(
                "{NAME}: pivots must be between 1 and {n}, got {p}"
            )));
        }
        swaps.push(p as usize - 1);
    }
    let results = map_indices(count, n * n * rhs.cols.max(1), |i| {
        let mut x = rhs.get(i).to_owned();
        solve_packed(
            factors.get(i),
            &swaps[i * n..(i + 1) * n],
            x.as_mut(),
            transpose,
        );
        row_major(x.as_ref())
    });
    gather(&results, &rhs.batch, &[n, rhs.cols], |r| r)
}

/// Overwrites `x` (holding `B`) with the solution of `A X = B` or `Aᵀ X = B`, where `A = P L U`
/// is given packed with its swaps (0-based).
fn solve_packed<T: Real>(
    lu: MatRef<'_, T>,
    swaps: &[usize],
    mut x: MatMut<'_, T>,
    transpose: bool,
) {
    let swap_rows = |x: &mut MatMut<'_, T>, i: usize, j: usize| {
        if i != j {
            for c in 0..x.ncols() {
                let t = x[(i, c)];
                x[(i, c)] = x[(j, c)];
                x[(j, c)] = t;
            }
        }
    };
    if transpose {
        // Aᵀ = Uᵀ Lᵀ Pᵀ: Uᵀ is lower triangular, Lᵀ unit upper; then undo the swaps backwards.
        tri::solve_lower_triangular_in_place(lu.transpose(), x.as_mut(), Par::Seq);
        tri::solve_unit_upper_triangular_in_place(lu.transpose(), x.as_mut(), Par::Seq);
        for (i, &j) in swaps.iter().enumerate().rev() {
            swap_rows(&mut x, i, j);
        }
    } else {
        for (i, &j) in swaps.iter().enumerate() {
            swap_rows(&mut x, i, j);
        }
        tri::solve_unit_lower_triangular_in_place(lu, x.as_mut(), Par::Seq);
        tri::solve_upper_triangular_in_place(lu, x.as_mut(), Par::Seq);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matmul(a: &[f64], b: &[f64], n: usize, m: usize, k: usize) -> Vec<f64> {
        let mut out = vec![0.0; n * k];
        for i in 0..n {
            for j in 0..k {
                out[i * k + j] = (0..m).map(|l| a[i * m + l] * b[l * k + j]).sum();
            }
        }
        out
    }

    #[test]
    fn packed_factors_rebuild_the_matrix_with_lapack_swaps() {
        for (m, n) in [(3, 3), (4, 2), (2, 4)] {
            let a: Vec<f64> = (0..m * n)
                .map(|i| ((i * 7 + 3) % 11) as f64 - 5.0)
                .collect();
            let f = lu_factor(&NdArray::from_vec(a.clone(), &[m, n]).unwrap()).unwrap();
            let lu = f.lu.to_f64_vec().unwrap();
            let pivots = f.pivots.to_f64_vec().unwrap();
            let k = m.min(n);
            let mut l = vec![0.0; m * k];
            let mut u = vec![0.0; k * n];
            for i in 0..m {
                for j in 0..n {
                    let v = lu[i * n + j];
                    if j < i && j < k {
                        l[i * k + j] = v;
                    } else if i < k && j >= i {
                        u[i * n + j] = v;
                    }
                    if i == j && i < k {
                        l[i * k + j] = 1.0;
                    }
                }
            }
            // P·A by applying the swaps to A's rows in order, as LAPACK does.
            let mut pa = a.clone();
            for (i, &p) in pivots.iter().enumerate() {
                let j = p as usize - 1;
                for c in 0..n {
                    pa.swap(i * n + c, j * n + c);
                }
            }
            let rebuilt = matmul(&l, &u, m, k, n);
            for (x, y) in rebuilt.iter().zip(&pa) {
                assert!((x - y).abs() < 1e-12, "{m}x{n}: {rebuilt:?} != {pa:?}");
            }
        }
    }

    #[test]
    fn solves_with_the_factors_and_their_transpose() {
        let a = vec![2.0, 1.0, 0.0, 1.0, 3.0, 1.0, 0.0, 1.0, 4.0f64];
        let b = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0f64];
        let f = lu_factor(&NdArray::from_vec(a.clone(), &[3, 3]).unwrap()).unwrap();
        assert_eq!(f.info.to_f64_vec().unwrap(), vec![0.0]);
        let b_array = NdArray::from_vec(b.clone(), &[3, 2]).unwrap();
        for transpose in [false, true] {
            let x = lu_solve(&f.lu, &f.pivots, &b_array, transpose)
                .unwrap()
                .to_f64_vec()
                .unwrap();
            let at: Vec<f64> = (0..9).map(|i| a[(i % 3) * 3 + i / 3]).collect();
            let back = matmul(if transpose { &at } else { &a }, &x, 3, 3, 2);
            for (x, y) in back.iter().zip(&b) {
                assert!((x - y).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn a_zero_pivot_is_reported() {
        let a = NdArray::from_vec(vec![1.0, 2.0, 2.0, 4.0f32], &[1, 2, 2]).unwrap();
        let f = lu_factor(&a).unwrap();
        assert_eq!(f.info.to_f64_vec().unwrap(), vec![2.0]);
    }
}
