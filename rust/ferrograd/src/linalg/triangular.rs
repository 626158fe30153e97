//! Triangular solves (`trsm`): `A X = B` or `X A = B` with `A` triangular.

use faer::linalg::triangular_solve as tri;
use faer::{MatMut, MatRef, Par};

use super::batch::{gather, host_contiguous, map_indices, row_major, Matrices};
use super::{same_dtype, with_real, Real};
use crate::array::NdArray;
use crate::error::{Error, Result};

const NAME: &str = "linalg.solve_triangular";

/// Which triangle of `A` is read and how its diagonal is taken.
#[derive(Clone, Copy, Debug)]
pub struct Triangle {
    /// The upper triangle (else the lower); the other elements are never read.
    pub upper: bool,
    /// The diagonal is taken as ones, whatever is stored there.
    pub unit_diagonal: bool,
}

/// The solution of `A X = B` (`left`) or `X A = B` for each matrix of a batch, `A` triangular
/// (`[..., n, n]`) and `b` of shape `[..., n, k]` (`left`) or `[..., k, n]`, with the same
/// batch dimensions.
pub fn solve_triangular(
    a: &NdArray,
    b: &NdArray,
    triangle: Triangle,
    left: bool,
) -> Result<NdArray> {
    same_dtype(NAME, a, b)?;
    let (a, b) = (host_contiguous(a, NAME)?, host_contiguous(b, NAME)?);
    with_real!(a, NAME, T => solve_batch::<T>(&a, &b, triangle, left))
}

fn solve_batch<T: Real>(
    a: &NdArray,
    b: &NdArray,
    triangle: Triangle,
    left: bool,
) -> Result<NdArray> {
    let coefficients = Matrices::<T>::new(a, NAME)?;
    let rhs = Matrices::<T>::new(b, NAME)?;
    let n = coefficients.rows;
    let shared = if left { rhs.rows } else { rhs.cols };
    if coefficients.cols != n || shared != n || rhs.batch != coefficients.batch {
        return Err(Error::Shape(format!(
            "{NAME}: incompatible shapes of A {:?} and B {:?}",
            a.shape(),
            b.shape()
        )));
    }
    let results = map_indices(coefficients.count(), n * n * rhs.rows.max(rhs.cols), |i| {
        let a = coefficients.get(i);
        if left {
            let mut x = rhs.get(i).to_owned();
            solve_left(a, x.as_mut(), triangle);
            row_major(x.as_ref())
        } else {
            // X A = B is Aᵀ Xᵀ = Bᵀ, with Aᵀ triangular on the other side.
            let mut xt = rhs.get(i).transpose().to_owned();
            let flipped = Triangle {
                upper: !triangle.upper,
                ..triangle
            };
            solve_left(a.transpose(), xt.as_mut(), flipped);
            row_major(xt.as_ref().transpose())
        }
    });
    gather(&results, &rhs.batch, &[rhs.rows, rhs.cols], |r| r)
}

/// Overwrites `x` (holding `B`) with the solution of `A X = B`.
pub(crate) fn solve_left<T: Real>(a: MatRef<'_, T>, x: MatMut<'_, T>, triangle: Triangle) {
    match (triangle.upper, triangle.unit_diagonal) {
        (false, false) => tri::solve_lower_triangular_in_place(a, x, Par::Seq),
        (false, true) => tri::solve_unit_lower_triangular_in_place(a, x, Par::Seq),
        (true, false) => tri::solve_upper_triangular_in_place(a, x, Par::Seq),
        (true, true) => tri::solve_unit_upper_triangular_in_place(a, x, Par::Seq),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_on_either_side_reading_one_triangle() {
        // The upper triangle of `a` is garbage that a lower solve must not read.
        let a = NdArray::from_vec(vec![2.0, 99.0, 1.0, 4.0f64], &[2, 2]).unwrap();
        let b = NdArray::from_vec(vec![2.0, 6.0f64], &[2, 1]).unwrap();
        let lower = Triangle {
            upper: false,
            unit_diagonal: false,
        };
        let x = solve_triangular(&a, &b, lower, true).unwrap();
        assert_eq!(x.to_f64_vec().unwrap(), vec![1.0, 1.25]);
        // x A = b with A lower [[2, 0], [1, 4]]: [x0, x1] A = [2 x0 + x1, 4 x1] = [2, 6].
        let b_row = NdArray::from_vec(vec![2.0, 6.0f64], &[1, 2]).unwrap();
        let x = solve_triangular(&a, &b_row, lower, false).unwrap();
        assert_eq!(x.to_f64_vec().unwrap(), vec![0.25, 1.5]);
        let unit = Triangle {
            upper: false,
            unit_diagonal: true,
        };
        let x = solve_triangular(&a, &b, unit, true).unwrap();
        assert_eq!(x.to_f64_vec().unwrap(), vec![2.0, 4.0]);
    }
}
