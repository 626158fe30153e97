//! Singular value decomposition (`gesdd`'s results): `A = U diag(S) Vᵀ`.

use faer::diag::Diag;
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::svd::{svd as faer_svd, svd_scratch, ComputeSvdVectors};
use faer::{Mat, MatRef, Par};

use super::batch::{
    cubic_work, gather, host_contiguous, row_major, transposed_row_major, Matrices,
};
use super::{with_real, Real};
use crate::array::NdArray;
use crate::error::Result;

const NAME: &str = "linalg.svd";

/// Which singular vectors `svd` computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SvdVectors {
    /// None: `U` and `Vh` are empty arrays.
    None,
    /// The first `k = min(m, n)`: `U` is `m × k`, `Vh` `k × n`.
    Thin,
    /// All: `U` is `m × m`, `Vh` `n × n`.
    Full,
}

/// The factors of every matrix of a batch.
pub struct SvdFactors {
    /// The left singular vectors, as columns.
    pub u: NdArray,
    /// Non-negative, in non-increasing order: `[..., k]`.
    pub s: NdArray,
    /// The right singular vectors, as rows (`V` transposed).
    pub vh: NdArray,
    /// `0`, `1` for a matrix with a non-finite element, `2` for an iteration that did not
    /// converge (`int32`, `[...]`); the factors are then unspecified.
    pub info: NdArray,
}

struct Factored<T> {
    u: Vec<T>,
    s: Vec<T>,
    vh: Vec<T>,
    info: i32,
}

/// The singular value decomposition of every matrix of `a` (`[..., m, n]`).
pub fn svd(a: &NdArray, vectors: SvdVectors) -> Result<SvdFactors> {
    let a = host_contiguous(a, NAME)?;
    with_real!(a, NAME, T => factor_batch::<T>(&a, vectors))
}

fn factor_batch<T: Real>(a: &NdArray, vectors: SvdVectors) -> Result<SvdFactors> {
    let matrices = Matrices::<T>::new(a, NAME)?;
    let (m, n) = (matrices.rows, matrices.cols);
    let k = m.min(n);
    let results = matrices.map(cubic_work(m, n), |a| factor_one(a, vectors));
    let batch = &matrices.batch;
    let (u_cols, vh_rows) = match vectors {
        SvdVectors::None => (0, 0),
        SvdVectors::Thin => (k, k),
        SvdVectors::Full => (m, n),
    };
    let vector_array = |tail: &[usize], part: fn(&Factored<T>) -> &[T]| {
        if vectors == SvdVectors::None {
            NdArray::from_vec(Vec::<T>::new(), &[0])
        } else {
            gather(&results, batch, tail, part)
        }
    };
    Ok(SvdFactors {
        u: vector_array(&[m, u_cols], |r| &r.u)?,
        s: gather(&results, batch, &[k], |r| &r.s)?,
        vh: vector_array(&[vh_rows, n], |r| &r.vh)?,
        info: gather(&results, batch, &[], |r| std::slice::from_ref(&r.info))?,
    })
}

fn factor_one<T: Real>(a: MatRef<'_, T>, vectors: SvdVectors) -> Factored<T> {
    let (m, n) = a.shape();
    let k = m.min(n);
    let compute = match vectors {
        SvdVectors::None => ComputeSvdVectors::No,
        SvdVectors::Thin => ComputeSvdVectors::Thin,
        SvdVectors::Full => ComputeSvdVectors::Full,
    };
    let (u_cols, v_cols) = match vectors {
        SvdVectors::None => (0, 0),
        SvdVectors::Thin => (k, k),
        SvdVectors::Full => (m, n),
    };
    // Without vectors of its own to compute (an empty matrix), a full factor is the identity.
    let mut u = Mat::<T>::identity(m, u_cols);
    let mut v = Mat::<T>::identity(n, v_cols);
    let mut s = Diag::<T>::zeros(k);
    let finite = (0..m).all(|i| (0..n).all(|j| a[(i, j)].is_finite()));
    let info = if !finite {
        1
    } else if k == 0 {
        0
    } else {
        let mut scratch = MemBuffer::new(svd_scratch::<T>(
            m,
            n,
            compute,
            compute,
            Par::Seq,
            Default::default(),
        ));
        let wanted = vectors != SvdVectors::None;
        let result = faer_svd(
            a,
            s.as_mut(),
            wanted.then(|| u.as_mut()),
            wanted.then(|| v.as_mut()),
            Par::Seq,
            MemStack::new(&mut scratch),
            Default::default(),
        );
        if result.is_ok() {
            0
        } else {
            2
        }
    };
    let s = (0..k).map(|i| s.column_vector()[i]).collect();
    if info != 0 {
        let nan = <T as crate::array::Element>::from_f64(f64::NAN);
        return Factored {
            u: vec![nan; m * u_cols],
            s: vec![nan; k],
            vh: vec![nan; v_cols * n],
            info,
        };
    }
    Factored {
        u: row_major(u.as_ref()),
        s,
        vh: transposed_row_major(v.as_ref()),
        info,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebuilds_the_matrix_and_flags_non_finite_input() {
        let a = NdArray::from_vec(vec![3.0, 0.0, 0.0, 0.0, -2.0, 0.0f64], &[2, 3]).unwrap();
        let f = svd(&a, SvdVectors::Thin).unwrap();
        assert_eq!(f.s.to_f64_vec().unwrap(), vec![3.0, 2.0]);
        let (u, vh) = (f.u.to_f64_vec().unwrap(), f.vh.to_f64_vec().unwrap());
        for i in 0..2 {
            for j in 0..3 {
                let x: f64 = (0..2)
                    .map(|l| u[i * 2 + l] * [3.0, 2.0][l] * vh[l * 3 + j])
                    .sum();
                assert!((x - [3.0, 0.0, 0.0, 0.0, -2.0, 0.0][i * 3 + j]).abs() < 1e-12);
            }
        }
        let full = svd(&a, SvdVectors::Full).unwrap();
        assert_eq!(full.vh.shape(), &[3, 3]);
        let bad = NdArray::from_vec(vec![f32::NAN, 1.0, 1.0, 1.0], &[2, 2]).unwrap();
        assert_eq!(
            svd(&bad, SvdVectors::None)
                .unwrap()
                .info
                .to_f64_vec()
                .unwrap(),
            vec![1.0]
        );
    }
}
