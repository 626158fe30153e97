//! Cholesky factorization (`potrf`): `A = L Lᵀ` from one triangle of a symmetric matrix.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::cholesky::llt::factor::{cholesky_in_place, cholesky_in_place_scratch};
use faer::{MatRef, Par};

use super::batch::{cubic_work, gather, host_contiguous, row_major, Matrices};
use super::{with_real, Real};
use crate::array::{Element, NdArray};
use crate::error::{Error, Result};

const NAME: &str = "linalg.cholesky";

/// The factor and the status of each matrix of a batch.
pub struct CholeskyFactor {
    /// `L` (lower, `A = L Lᵀ`), or `U = Lᵀ` (upper, `A = Uᵀ U`), zero off its triangle.
    pub factor: NdArray,
    /// `0`, or the order `i` of the first leading minor that is not positive definite
    /// (`int32`, `[...]`); the factor is then unspecified.
    pub info: NdArray,
}

struct Factored<T> {
    factor: Vec<T>,
    info: i32,
}

/// The Cholesky factor of every matrix of `a` (`[..., n, n]`), read from its lower triangle, or
/// its upper one when `upper` (which also returns the upper factor).
pub fn cholesky(a: &NdArray, upper: bool) -> Result<CholeskyFactor> {
    let a = host_contiguous(a, NAME)?;
    with_real!(a, NAME, T => factor_batch::<T>(&a, upper))
}

fn factor_batch<T: Real>(a: &NdArray, upper: bool) -> Result<CholeskyFactor> {
    let matrices = Matrices::<T>::new(a, NAME)?;
    let n = matrices.rows;
    if matrices.cols != n {
        return Err(Error::Unsupported(format!(
            "{NAME}: A must be batches of square matrices, but they are {n} by {} matrices",
            matrices.cols
        )));
    }
    let results = matrices.map(cubic_work(n, n), |a| {
        // The upper triangle of A is the lower triangle of Aᵀ, whose factor is Uᵀ.
        factor_one(if upper { a.transpose() } else { a }, upper)
    });
    Ok(CholeskyFactor {
        factor: gather(&results, &matrices.batch, &[n, n], |r| &r.factor)?,
        info: gather(&results, &matrices.batch, &[], |r| {
            std::slice::from_ref(&r.info)
        })?,
    })
}

fn factor_one<T: Real>(a: MatRef<'_, T>, transpose_result: bool) -> Factored<T> {
    let n = a.nrows();
    let mut l = a.to_owned();
    let mut scratch = MemBuffer::new(cholesky_in_place_scratch::<T>(
        n,
        Par::Seq,
        Default::default(),
    ));
    let result = cholesky_in_place(
        l.as_mut(),
        Default::default(),
        Par::Seq,
        MemStack::new(&mut scratch),
        Default::default(),
    );
    let info = match result {
        Ok(_) => 0,
        Err(faer::linalg::cholesky::llt::factor::LltError::NonPositivePivot { index }) => {
            index as i32 + 1
        }
    };
    for i in 0..n {
        for j in i + 1..n {
            l[(i, j)] = <T as Element>::zero();
        }
    }
    let factor = if transpose_result {
        row_major(l.as_ref().transpose())
    } else {
        row_major(l.as_ref())
    };
    Factored { factor, info }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_from_the_chosen_triangle() {
        // Lower triangle [[4, .], [2, 3]]; the upper element 100 is garbage for `upper=false`.
        let a = NdArray::from_vec(vec![4.0, 100.0, 2.0, 3.0f64], &[2, 2]).unwrap();
        let f = cholesky(&a, false).unwrap();
        let l = f.factor.to_f64_vec().unwrap();
        assert_eq!(f.info.to_f64_vec().unwrap(), vec![0.0]);
        assert_eq!(&l[..3], &[2.0, 0.0, 1.0]);
        assert!((l[3] - 2f64.sqrt()).abs() < 1e-15);
        // Read from the upper triangle, [[4, 100], [., 3]] is not positive definite at order 2.
        let f = cholesky(&a, true).unwrap();
        assert_eq!(f.info.to_f64_vec().unwrap(), vec![2.0]);
    }

    #[test]
    fn reports_the_first_failing_minor() {
        let a = NdArray::from_vec(vec![-1.0, 0.0, 0.0, 1.0f32], &[2, 2]).unwrap();
        assert_eq!(
            cholesky(&a, false).unwrap().info.to_f64_vec().unwrap(),
            vec![1.0]
        );
    }
}
