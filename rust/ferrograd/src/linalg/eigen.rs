//! Eigendecompositions: of symmetric matrices (`syevd`: real eigenvalues in ascending order,
//! orthonormal eigenvectors) and of general real matrices (`geev`: eigenvalues as real and
//! imaginary parts, eigenvectors of unit norm).

use faer::diag::Diag;
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::evd::{
    evd_real, evd_scratch, self_adjoint_evd, self_adjoint_evd_scratch, ComputeEigenvectors,
};
use faer::{Mat, MatRef, Par};

use super::batch::{cubic_work, gather, host_contiguous, row_major, Matrices};
use super::{with_real, Real};
use crate::array::{Element, NdArray};
use crate::error::{Error, Result};

/// Eigenvalues, eigenvectors (as columns) and the status of each matrix of a batch.
pub struct SymmetricEigen {
    /// `[..., n]`, ascending.
    pub values: NdArray,
    /// `[..., n, n]`, or an empty array when not asked for.
    pub vectors: NdArray,
    /// `0`, or `2` for an iteration that did not converge (`int32`, `[...]`).
    pub info: NdArray,
}

/// A general real matrix's eigenvalues `re + i·im` and eigenvectors.
pub struct GeneralEigen {
    /// The eigenvalues' real parts.
    pub re: NdArray,
    /// The eigenvalues' imaginary parts (zero for real eigenvalues).
    pub im: NdArray,
    /// Column `j` is the eigenvector of a real eigenvalue `j`, of unit norm; for a complex pair
    /// `(j, j+1)` the columns are the real and imaginary parts of the first one's eigenvector.
    pub vectors: NdArray,
    /// `0`, `1` for a matrix with a non-finite element, `2` for an iteration that did not
    /// converge (`int32`, `[...]`).
    pub info: NdArray,
}

struct Factored<T> {
    re: Vec<T>,
    im: Vec<T>,
    vectors: Vec<T>,
    info: i32,
}

fn square<T: Real>(matrices: &super::batch::Matrices<'_, T>, name: &str) -> Result<usize> {
    if matrices.rows != matrices.cols {
        return Err(Error::Unsupported(format!(
            "{name}: A must be batches of square matrices, but they are {} by {} matrices",
            matrices.rows, matrices.cols
        )));
    }
    Ok(matrices.rows)
}

fn all_finite<T: Real>(a: MatRef<'_, T>) -> bool {
    (0..a.nrows()).all(|i| (0..a.ncols()).all(|j| Real::is_finite(a[(i, j)])))
}

/// The eigendecomposition of every symmetric matrix of `a` (`[..., n, n]`), read from its lower
/// triangle, or its upper one when `upper`. A matrix with a non-finite element gives NaNs
/// (as LAPACK does), not an error.
pub fn eigh(a: &NdArray, upper: bool, vectors: bool) -> Result<SymmetricEigen> {
    const NAME: &str = "linalg.eigh";
    let a = host_contiguous(a, NAME)?;
    with_real!(a, NAME, T => eigh_batch::<T>(&a, upper, vectors))
}

fn eigh_batch<T: Real>(a: &NdArray, upper: bool, vectors: bool) -> Result<SymmetricEigen> {
    let matrices = Matrices::<T>::new(a, "linalg.eigh")?;
    let n = square(&matrices, "linalg.eigh")?;
    let results = matrices.map(cubic_work(n, n), |a| {
        // faer reads the lower triangle; the upper one of A is the lower one of Aᵀ.
        eigh_one(if upper { a.transpose() } else { a }, vectors)
    });
    let batch = &matrices.batch;
    Ok(SymmetricEigen {
        values: gather(&results, batch, &[n], |r| &r.re)?,
        vectors: if vectors {
            gather(&results, batch, &[n, n], |r| &r.vectors)?
        } else {
            NdArray::from_vec(Vec::<T>::new(), &[0])?
        },
        info: gather(&results, batch, &[], |r| std::slice::from_ref(&r.info))?,
    })
}

fn eigh_one<T: Real>(a: MatRef<'_, T>, vectors: bool) -> Factored<T> {
    let n = a.nrows();
    let lower_finite = (0..n).all(|i| (0..=i).all(|j| Real::is_finite(a[(i, j)])));
    let nan = <T as Element>::from_f64(f64::NAN);
    let failed = |info| Factored {
        re: vec![nan; n],
        im: Vec::new(),
        vectors: if vectors {
            vec![nan; n * n]
        } else {
            Vec::new()
        },
        info,
    };
    if !lower_finite {
        return failed(0);
    }
    let compute = if vectors {
        ComputeEigenvectors::Yes
    } else {
        ComputeEigenvectors::No
    };
    let mut s = Diag::<T>::zeros(n);
    let mut u = Mat::<T>::zeros(n, n);
    let mut scratch = MemBuffer::new(self_adjoint_evd_scratch::<T>(
        n,
        compute,
        Par::Seq,
        Default::default(),
    ));
    let result = self_adjoint_evd(
        a,
        s.as_mut(),
        vectors.then(|| u.as_mut()),
        Par::Seq,
        MemStack::new(&mut scratch),
        Default::default(),
    );
    if result.is_err() {
        return failed(2);
    }
    Factored {
        re: (0..n).map(|i| s.column_vector()[i]).collect(),
        im: Vec::new(),
        vectors: if vectors {
            row_major(u.as_ref())
        } else {
            Vec::new()
        },
        info: 0,
    }
}

/// The eigenvalues and right eigenvectors of every matrix of `a` (`[..., n, n]`).
pub fn eig(a: &NdArray) -> Result<GeneralEigen> {
    const NAME: &str = "linalg.eig";
    let a = host_contiguous(a, NAME)?;
    with_real!(a, NAME, T => eig_batch::<T>(&a))
}

fn eig_batch<T: Real>(a: &NdArray) -> Result<GeneralEigen> {
    let matrices = Matrices::<T>::new(a, "linalg.eig")?;
    let n = square(&matrices, "linalg.eig")?;
    let results = matrices.map(cubic_work(n, n), eig_one);
    let batch = &matrices.batch;
    Ok(GeneralEigen {
        re: gather(&results, batch, &[n], |r| &r.re)?,
        im: gather(&results, batch, &[n], |r| &r.im)?,
        vectors: gather(&results, batch, &[n, n], |r| &r.vectors)?,
        info: gather(&results, batch, &[], |r| std::slice::from_ref(&r.info))?,
    })
}

fn eig_one<T: Real>(a: MatRef<'_, T>) -> Factored<T> {
    let n = a.nrows();
    let nan = <T as Element>::from_f64(f64::NAN);
    let failed = |info| Factored {
        re: vec![nan; n],
        im: vec![nan; n],
        vectors: vec![nan; n * n],
        info,
    };
    if !all_finite(a) {
        return failed(1);
    }
    let mut re = Diag::<T>::zeros(n);
    let mut im = Diag::<T>::zeros(n);
    let mut u = Mat::<T>::zeros(n, n);
    let mut scratch = MemBuffer::new(evd_scratch::<T>(
        n,
        ComputeEigenvectors::No,
        ComputeEigenvectors::Yes,
        Par::Seq,
        Default::default(),
    ));
    let result = evd_real(
        a,
        re.as_mut(),
        im.as_mut(),
        None,
        Some(u.as_mut()),
        Par::Seq,
        MemStack::new(&mut scratch),
        Default::default(),
    );
    if result.is_err() {
        return failed(2);
    }
    let re: Vec<T> = (0..n).map(|i| re.column_vector()[i]).collect();
    let im: Vec<T> = (0..n).map(|i| im.column_vector()[i]).collect();
    // Unit norm, as LAPACK's geev: a real eigenvector alone, a complex pair's two columns
    // together (they are the real and imaginary parts of one vector).
    let zero = <T as Element>::zero();
    let mut j = 0;
    while j < n {
        let width = if im[j] == zero { 1 } else { 2.min(n - j) };
        let norm: f64 = (j..j + width)
            .flat_map(|c| (0..n).map(move |r| (r, c)))
            .map(|(r, c)| u[(r, c)].to_f64().powi(2))
            .sum::<f64>()
            .sqrt();
        if norm > 0.0 {
            let scale = <T as Element>::from_f64(1.0 / norm);
            for c in j..j + width {
                for r in 0..n {
                    u[(r, c)] *= scale;
                }
            }
        }
        j += width;
    }
    Factored {
        re,
        im,
        vectors: row_major(u.as_ref()),
        info: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetric_values_ascend_and_read_one_triangle() {
        // Lower triangle [[2, .], [1, 2]]: eigenvalues 1 and 3; the upper 50 is never read.
        let a = NdArray::from_vec(vec![2.0, 50.0, 1.0, 2.0f64], &[2, 2]).unwrap();
        let e = eigh(&a, false, true).unwrap();
        let w = e.values.to_f64_vec().unwrap();
        assert!((w[0] - 1.0).abs() < 1e-12 && (w[1] - 3.0).abs() < 1e-12);
        let v = e.vectors.to_f64_vec().unwrap();
        assert!((v[0].abs() - 0.5f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn general_eigenvalues_report_complex_pairs() {
        let rotation = NdArray::from_vec(vec![0.0, -1.0, 1.0, 0.0f64], &[2, 2]).unwrap();
        let e = eig(&rotation).unwrap();
        let im = e.im.to_f64_vec().unwrap();
        assert!((im[0].abs() - 1.0).abs() < 1e-12 && (im[0] + im[1]).abs() < 1e-12);
        let triangular = NdArray::from_vec(vec![1.0, 5.0, 0.0, 2.0f64], &[2, 2]).unwrap();
        let e = eig(&triangular).unwrap();
        let mut re = e.re.to_f64_vec().unwrap();
        re.sort_by(f64::total_cmp);
        assert_eq!(re, vec![1.0, 2.0]);
        assert_eq!(e.im.to_f64_vec().unwrap(), vec![0.0, 0.0]);
    }
}
