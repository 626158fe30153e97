//! QR factorization by Householder reflections (`geqrf` + `orgqr`).

use faer::linalg::solvers::Qr;

use super::batch::{cubic_work, gather, host_contiguous, row_major, Matrices};
use super::{with_real, Real};
use crate::array::NdArray;
use crate::error::Result;

const NAME: &str = "linalg.qr";

/// Which factors `qr` returns, as PyTorch's `mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QrMode {
    /// `Q` `m × k`, `R` `k × n`, with `k = min(m, n)`.
    Reduced,
    /// `Q` `m × m`, `R` `m × n`.
    Complete,
    /// `R` `k × n` only (`Q` is an empty array).
    ROnly,
}

impl QrMode {
    /// The mode PyTorch names `name` (`"reduced"`, `"complete"`, `"r"`), or `None`.
    pub fn from_name(name: &str) -> Option<QrMode> {
        match name {
            "reduced" => Some(QrMode::Reduced),
            "complete" => Some(QrMode::Complete),
            "r" => Some(QrMode::ROnly),
            _ => None,
        }
    }
}

struct Factored<T> {
    q: Vec<T>,
    r: Vec<T>,
}

/// `A = Q R` for every matrix of `a` (`[..., m, n]`): `Q` with orthonormal columns, `R` upper
/// triangular.
pub fn qr(a: &NdArray, mode: QrMode) -> Result<(NdArray, NdArray)> {
    let a = host_contiguous(a, NAME)?;
    with_real!(a, NAME, T => factor_batch::<T>(&a, mode))
}

fn factor_batch<T: Real>(a: &NdArray, mode: QrMode) -> Result<(NdArray, NdArray)> {
    let matrices = Matrices::<T>::new(a, NAME)?;
    let (m, n) = (matrices.rows, matrices.cols);
    let k = m.min(n);
    let results = matrices.map(cubic_work(m, n), |a| {
        let qr = Qr::new(a);
        match mode {
            QrMode::Reduced => Factored {
                q: row_major(qr.compute_thin_Q().as_ref()),
                r: row_major(qr.thin_R()),
            },
            QrMode::Complete => {
                // R is m × n: the thin factor over m - k rows of zeros.
                let mut r = row_major(qr.thin_R());
                r.resize(m * n, <T as crate::array::Element>::zero());
                Factored {
                    q: row_major(qr.compute_Q().as_ref()),
                    r,
                }
            }
            QrMode::ROnly => Factored {
                q: Vec::new(),
                r: row_major(qr.thin_R()),
            },
        }
    });
    let batch = &matrices.batch;
    let (q_tail, r_rows) = match mode {
        QrMode::Reduced => (vec![m, k], k),
        QrMode::Complete => (vec![m, m], m),
        QrMode::ROnly => (vec![], k),
    };
    let q = if mode == QrMode::ROnly {
        NdArray::from_vec(Vec::<T>::new(), &[0])?
    } else {
        gather(&results, batch, &q_tail, |r| &r.q)?
    };
    Ok((q, gather(&results, batch, &[r_rows, n], |r| &r.r)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_follow_the_mode() {
        let a = NdArray::from_vec((0..6).map(|i| i as f64 + 1.0).collect(), &[3, 2]).unwrap();
        let (q, r) = qr(&a, QrMode::Reduced).unwrap();
        assert_eq!((q.shape(), r.shape()), (&[3, 2][..], &[2, 2][..]));
        let (q, r) = qr(&a, QrMode::Complete).unwrap();
        assert_eq!((q.shape(), r.shape()), (&[3, 3][..], &[3, 2][..]));
        let (q, r) = qr(&a, QrMode::ROnly).unwrap();
        assert_eq!((q.shape(), r.shape()), (&[0][..], &[2, 2][..]));
        let r = r.to_f64_vec().unwrap();
        assert_eq!(r[2], 0.0);
        // |R[0, 0]| is the norm of A's first column.
        assert!((r[0].abs() - 35f64.sqrt()).abs() < 1e-12);
    }
}
