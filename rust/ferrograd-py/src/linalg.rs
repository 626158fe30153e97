//! Module functions for the dense factorizations (`_core.linalg_qr(a, "reduced")`, ...): each
//! is one call into the engine's `linalg` kernels, whose results come back as tensors that
//! require no gradient. `ferrograd.linalg` records the nodes and writes the gradients.

use ferrograd::__binding::{cholesky, eigen, lu, qr, svd, triangular};
use ferrograd::{Error, NdArray, Tensor};
use ferrograd_py_macros::catch_panics;
use pyo3::prelude::*;

use crate::errors::{to_py, IntoPyResult};
use crate::tensor::PyTensor;
use crate::tensor_type::NewTensor;

/// Elements above which a factorization releases the GIL while it runs.
const RELEASE_GIL_ABOVE: usize = 1 << 12;

fn run<T: Send>(
    py: Python<'_>,
    size: usize,
    f: impl FnOnce() -> ferrograd::Result<T> + Send,
) -> PyResult<T> {
    crate::tensor::run_releasing_above(py, size, RELEASE_GIL_ABOVE, f).py()
}

fn out(array: NdArray) -> NewTensor {
    NewTensor(Tensor::from_array(array))
}

fn data(t: &PyRef<'_, PyTensor>) -> NdArray {
    t.inner.data()
}

/// `(LU, pivots, info)`: LAPACK's packed LU factors with 1-based pivots (int32).
#[catch_panics]
#[pyfunction]
fn linalg_lu_factor(
    py: Python<'_>,
    a: PyRef<'_, PyTensor>,
) -> PyResult<(NewTensor, NewTensor, NewTensor)> {
    let a = data(&a);
    let f = run(py, a.numel(), || lu::lu_factor(&a))?;
    Ok((out(f.lu), out(f.pivots), out(f.info)))
}

/// The solution of `A X = B` (or `Aᵀ X = B`) from `linalg_lu_factor`'s results.
#[catch_panics]
#[pyfunction]
fn linalg_lu_solve(
    py: Python<'_>,
    lu: PyRef<'_, PyTensor>,
    pivots: PyRef<'_, PyTensor>,
    b: PyRef<'_, PyTensor>,
    transpose: bool,
) -> PyResult<NewTensor> {
    let (lu, pivots, b) = (data(&lu), data(&pivots), data(&b));
    run(py, lu.numel() + b.numel(), || {
        lu::lu_solve(&lu, &pivots, &b, transpose)
    })
    .map(out)
}

/// The solution of `A X = B` (`left`) or `X A = B` with `A` triangular.
#[catch_panics]
#[pyfunction]
fn linalg_solve_triangular(
    py: Python<'_>,
    a: PyRef<'_, PyTensor>,
    b: PyRef<'_, PyTensor>,
    upper: bool,
    left: bool,
    unitriangular: bool,
) -> PyResult<NewTensor> {
    let (a, b) = (data(&a), data(&b));
    let triangle = triangular::Triangle {
        upper,
        unit_diagonal: unitriangular,
    };
    run(py, a.numel() + b.numel(), || {
        triangular::solve_triangular(&a, &b, triangle, left)
    })
    .map(out)
}

/// `(L or U, info)`.
#[catch_panics]
#[pyfunction]
fn linalg_cholesky(
    py: Python<'_>,
    a: PyRef<'_, PyTensor>,
    upper: bool,
) -> PyResult<(NewTensor, NewTensor)> {
    let a = data(&a);
    let f = run(py, a.numel(), || cholesky::cholesky(&a, upper))?;
    Ok((out(f.factor), out(f.info)))
}

/// `(Q, R)`; `mode` is "reduced", "complete" or "r".
#[catch_panics]
#[pyfunction]
fn linalg_qr(
    py: Python<'_>,
    a: PyRef<'_, PyTensor>,
    mode: &str,
) -> PyResult<(NewTensor, NewTensor)> {
    let mode = qr::QrMode::from_name(mode).ok_or_else(|| {
        to_py(Error::Value(format!(
            "qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), \
             'r', or 'complete'"
        )))
    })?;
    let a = data(&a);
    let (q, r) = run(py, a.numel(), || qr::qr(&a, mode))?;
    Ok((out(q), out(r)))
}

/// `(U, S, Vh, info)`; `vectors` is "none", "thin" or "full".
#[catch_panics]
#[pyfunction]
fn linalg_svd(
    py: Python<'_>,
    a: PyRef<'_, PyTensor>,
    vectors: &str,
) -> PyResult<(NewTensor, NewTensor, NewTensor, NewTensor)> {
    let vectors = match vectors {
        "none" => svd::SvdVectors::None,
        "thin" => svd::SvdVectors::Thin,
        "full" => svd::SvdVectors::Full,
        other => {
            return Err(to_py(Error::Value(format!(
                "linalg_svd: vectors must be 'none', 'thin' or 'full', got '{other}'"
            ))))
        }
    };
    let a = data(&a);
    let f = run(py, a.numel(), || svd::svd(&a, vectors))?;
    Ok((out(f.u), out(f.s), out(f.vh), out(f.info)))
}

/// `(eigenvalues, eigenvectors, info)` of symmetric matrices.
#[catch_panics]
#[pyfunction]
fn linalg_eigh(
    py: Python<'_>,
    a: PyRef<'_, PyTensor>,
    upper: bool,
    vectors: bool,
) -> PyResult<(NewTensor, NewTensor, NewTensor)> {
    let a = data(&a);
    let f = run(py, a.numel(), || eigen::eigh(&a, upper, vectors))?;
    Ok((out(f.values), out(f.vectors), out(f.info)))
}

/// `(real parts, imaginary parts, eigenvectors, info)` of general real matrices.
#[catch_panics]
#[pyfunction]
fn linalg_eig(
    py: Python<'_>,
    a: PyRef<'_, PyTensor>,
) -> PyResult<(NewTensor, NewTensor, NewTensor, NewTensor)> {
    let a = data(&a);
    let f = run(py, a.numel(), || eigen::eig(&a))?;
    Ok((out(f.re), out(f.im), out(f.vectors), out(f.info)))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(linalg_lu_factor, m)?)?;
    m.add_function(wrap_pyfunction!(linalg_lu_solve, m)?)?;
    m.add_function(wrap_pyfunction!(linalg_solve_triangular, m)?)?;
    m.add_function(wrap_pyfunction!(linalg_cholesky, m)?)?;
    m.add_function(wrap_pyfunction!(linalg_qr, m)?)?;
    m.add_function(wrap_pyfunction!(linalg_svd, m)?)?;
    m.add_function(wrap_pyfunction!(linalg_eigh, m)?)?;
    m.add_function(wrap_pyfunction!(linalg_eig, m)?)?;
    Ok(())
}
