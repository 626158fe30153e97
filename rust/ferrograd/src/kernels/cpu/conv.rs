//! Two-dimensional convolution of one group as three kernels (the output, and the gradients
//! of the input and of the weight), each working through the batch a sample at a time: a
//! sample's windows are unfolded into a scratch matrix of `C·kh·kw` rows by `oh·ow` columns
//! that stays in cache and is multiplied there. The batch's unfolded windows as one array
//! (`im2col`, tens of megabytes for a small convnet) are never made: each step allocated them
//! afresh, and the kernel zeroed their pages on first touch (docs/PERFORMANCE.md).

use std::mem::MaybeUninit;

use super::matmul::{product_into, MatmulElement, Transposed};
use super::nn::{fold_plane, out_hw, unfold_row};
use super::transpose::transpose_into;
use crate::array::shape::check_storage;
use crate::array::{alloc, DType, NdArray};
use crate::error::{Error, Result};
use crate::kernels::nn::Window2d;
use crate::kernels::parallel;

/// The sizes of one convolution: `n` samples of `c` channels of `size`, `o` output channels
/// of `out`.
#[derive(Clone, Copy, Debug)]
struct Geometry {
    n: usize,
    c: usize,
    o: usize,
    size: [usize; 2],
    out: [usize; 2],
    window: Window2d,
}

impl Geometry {
    /// The geometry of an `(N, C, H, W)` input and an `(O, C, kh, kw)` weight.
    fn of(input: &[usize], weight: &[usize], window: &Window2d) -> Result<Geometry> {
        let (&[n, c, h, w], &[o, cw, kh, kw]) = (input, weight) else {
            return Err(Error::Shape(format!(
                "conv2d: expected a 4-D input and weight, got shapes {input:?} and {weight:?}"
            )));
        };
        if cw != c || [kh, kw] != window.kernel {
            return Err(Error::Shape(format!(
                "conv2d: weight of shape {weight:?} does not fit an input of shape {input:?} and kernel {:?}",
                window.kernel
            )));
        }
        let (oh, ow) = out_hw(window, h, w, "conv2d")?;
        Ok(Geometry {
            n,
            c,
            o,
            size: [h, w],
            out: [oh, ow],
            window: *window,
        })
    }

    /// Refuses an output gradient of another shape than the output's.
    fn check_output_grad(&self, shape: &[usize]) -> Result<()> {
        let out = [self.n, self.o, self.out[0], self.out[1]];
        if shape != out {
            return Err(Error::Shape(format!(
                "conv2d backward: expected an output gradient of shape {out:?}, got {shape:?}"
            )));
        }
        Ok(())
    }

    /// Rows of a sample's unfolded windows (`C·kh·kw`), the depth of its products.
    fn depth(&self) -> usize {
        self.c * self.window.kernel[0] * self.window.kernel[1]
    }

    /// Output positions of a plane (`oh·ow`), the columns of a sample's unfolded windows.
    fn positions(&self) -> usize {
        self.out[0] * self.out[1]
    }

    /// Elements of one sample of the input.
    fn sample(&self) -> usize {
        self.c * self.size[0] * self.size[1]
    }

    /// Sample `x` (`C·H·W`) unfolded into `cols` (`C·kh·kw` rows of `oh·ow`), written whole.
    fn unfold<T: MatmulElement>(&self, x: &[T], cols: &mut [T]) {
        let [kh, kw] = self.window.kernel;
        let plane = self.size[0] * self.size[1];
        // SAFETY: `unfold_row` writes only initialised elements into the slots.
        let slots = unsafe { as_slots(cols) };
        for (q, row) in slots.chunks_exact_mut(self.positions()).enumerate() {
            let (ch, kk) = (q / (kh * kw), q % (kh * kw));
            let channel = &x[ch * plane..(ch + 1) * plane];
            unfold_row(
                channel,
                self.size,
                [kk / kw, kk % kw],
                &self.window,
                self.out,
                row,
            );
        }
    }

    /// A scratch matrix for one sample's unfolded windows (allocated once per task).
    fn scratch<T: MatmulElement>(&self) -> Vec<T> {
        alloc::must(alloc::zeroed(self.depth() * self.positions()))
    }
}

/// `values` as slots to overwrite.
///
/// # Safety
/// Only initialised values may be written through the result (a `MaybeUninit` written there
/// uninitialised would be read back as a `T`).
unsafe fn as_slots<T: Copy>(values: &mut [T]) -> &mut [MaybeUninit<T>] {
    // SAFETY: `MaybeUninit<T>` has the layout of `T`; the caller writes only initialised values.
    unsafe { &mut *(values as *mut [T] as *mut [MaybeUninit<T>]) }
}

/// Runs `typed` on the element type of a float `dtype` (16-bit floats reach here as float32:
/// the dispatch computes them in float32).
macro_rules! with_float {
    ($op:literal, $dtype:expr, $typed:ident($($arg:expr),*)) => {
        match $dtype {
            DType::Float32 => $typed::<f32>($($arg),*),
            DType::Float64 => $typed::<f64>($($arg),*),
            d => Err(Error::DType(format!(
                "{}: expected floating point input and weight, got {d}",
                $op
            ))),
        }
    };
}

/// The convolution of `(N, C, H, W)` `x` by `(O, C, kh, kw)` `w`, plus `bias` (`O`) when given:
/// `(N, O, oh, ow)`.
pub fn conv2d(
    x: &NdArray,
    w: &NdArray,
    bias: Option<&NdArray>,
    window: &Window2d,
) -> Result<NdArray> {
    let g = Geometry::of(x.shape(), w.shape(), window)?;
    if bias.is_some_and(|b| b.shape() != [g.o]) {
        return Err(Error::Shape(format!(
            "conv2d: expected a bias of shape [{}], got {:?}",
            g.o,
            bias.map(NdArray::shape)
        )));
    }
    with_float!("conv2d", x.dtype(), forward_typed(x, w, bias, &g))
}

fn forward_typed<T: MatmulElement>(
    x: &NdArray,
    w: &NdArray,
    bias: Option<&NdArray>,
    g: &Geometry,
) -> Result<NdArray> {
    let (xs, ws) = (x.as_slice::<T>()?, w.as_slice::<T>()?);
    let bs = bias.map(NdArray::as_slice::<T>).transpose()?;
    let ([oh, ow], depth, l) = (g.out, g.depth(), g.positions());
    let len = check_storage(&[g.n, g.o, oh, ow], x.dtype().size_in_bytes())?;
    let mut out = alloc::zeroed::<T>(len)?;
    let per_sample = g.o * l;
    parallel::for_each_chunk_costed(&mut out, per_sample, depth, |start, chunk| {
        let threads = chunk.len() == len;
        let mut cols = g.scratch::<T>();
        for (i, y) in chunk.chunks_exact_mut(per_sample).enumerate() {
            let s = start / per_sample + i;
            g.unfold(&xs[s * g.sample()..(s + 1) * g.sample()], &mut cols);
            if let Some(b) = bs {
                for (row, &v) in y.chunks_exact_mut(l).zip(b) {
                    row.fill(v);
                }
            }
            let trans = Transposed::default();
            product_into(
                y,
                bs.is_some(),
                (ws, &cols),
                trans,
                [g.o, depth, l],
                threads,
            );
        }
    });
    NdArray::from_vec(out, &[g.n, g.o, oh, ow])
}

/// The gradient of a convolution's `(N, C, H, W)` input (spatial `size`) given its output's
/// gradient `gy` (`(N, O, oh, ow)`) and the `(O, C, kh, kw)` weight `w`.
pub fn conv2d_input_grad(
    gy: &NdArray,
    w: &NdArray,
    window: &Window2d,
    size: [usize; 2],
) -> Result<NdArray> {
    let (ws, gs) = (w.shape(), gy.shape());
    let (&[n, ..], &[_, c, ..]) = (gs, ws) else {
        return Err(Error::Shape(format!(
            "conv2d backward: expected a 4-D gradient and weight, got shapes {gs:?} and {ws:?}"
        )));
    };
    let g = Geometry::of(&[n, c, size[0], size[1]], ws, window)?;
    g.check_output_grad(gs)?;
    with_float!("conv2d backward", gy.dtype(), input_grad_typed(gy, w, &g))
}

fn input_grad_typed<T: MatmulElement>(gy: &NdArray, w: &NdArray, g: &Geometry) -> Result<NdArray> {
    let (gys, ws) = (gy.as_slice::<T>()?, w.as_slice::<T>()?);
    let (depth, l, sample) = (g.depth(), g.positions(), g.sample());
    let [kh, kw] = g.window.kernel;
    let plane = g.size[0] * g.size[1];
    let len = check_storage(
        &[g.n, g.c, g.size[0], g.size[1]],
        gy.dtype().size_in_bytes(),
    )?;
    let mut gx = alloc::zeroed::<T>(len)?;
    parallel::for_each_chunk_costed(&mut gx, sample, g.o * kh * kw, |start, chunk| {
        let threads = chunk.len() == len;
        let mut cols = g.scratch::<T>();
        for (i, gx_sample) in chunk.chunks_exact_mut(sample).enumerate() {
            let s = start / sample + i;
            let gy_sample = &gys[s * g.o * l..(s + 1) * g.o * l];
            // The sample's unfolded windows' gradient: wᵀ · gy.
            let trans = Transposed { a: true, b: false };
            product_into(
                &mut cols,
                false,
                (ws, gy_sample),
                trans,
                [depth, g.o, l],
                threads,
            );
            for (ch, gx_plane) in gx_sample.chunks_exact_mut(plane).enumerate() {
                let rows = &cols[ch * kh * kw * l..(ch + 1) * kh * kw * l];
                fold_plane(rows, &g.window, g.out, gx_plane, g.size);
            }
        }
    });
    NdArray::from_vec(gx, &[g.n, g.c, g.size[0], g.size[1]])
}

/// The gradient of a convolution's `(O, C, kh, kw)` weight given its `(N, C, H, W)` input `x`
/// and its output's gradient `gy` (`(N, O, oh, ow)`).
pub fn conv2d_weight_grad(x: &NdArray, gy: &NdArray, window: &Window2d) -> Result<NdArray> {
    let (xs, gs) = (x.shape(), gy.shape());
    let (&[_, c, ..], &[_, o, ..]) = (xs, gs) else {
        return Err(Error::Shape(format!(
            "conv2d backward: expected a 4-D input and gradient, got shapes {xs:?} and {gs:?}"
        )));
    };
    let [kh, kw] = window.kernel;
    let g = Geometry::of(xs, &[o, c, kh, kw], window)?;
    g.check_output_grad(gs)?;
    with_float!("conv2d backward", x.dtype(), weight_grad_typed(x, gy, &g))
}

fn weight_grad_typed<T: MatmulElement + std::ops::Add<Output = T>>(
    x: &NdArray,
    gy: &NdArray,
    g: &Geometry,
) -> Result<NdArray> {
    let (xs, gys) = (x.as_slice::<T>()?, gy.as_slice::<T>()?);
    let (depth, l) = (g.depth(), g.positions());
    let per_sample = g.o * l;
    // The transposed gradient, colsᵀ-major: `cols · gyᵀ` (C·kh·kw × O) summed over the samples,
    // one partial sum per chunk of the batch. Written `gy · colsᵀ`, both operands run along
    // the depth and gemm takes its dot-product kernel: 11.8 ms against 7.4 for the batch of
    // the convnet (64 x 64x576 by 576x288).
    let partials = parallel::map_chunks(gys, per_sample, |start, chunk| {
        let threads = chunk.len() == gys.len();
        let mut cols = g.scratch::<T>();
        let mut gw_t: Vec<T> = alloc::must(alloc::zeroed(depth * g.o));
        for (i, gy_sample) in chunk.chunks_exact(per_sample).enumerate() {
            let s = start / per_sample + i;
            g.unfold(&xs[s * g.sample()..(s + 1) * g.sample()], &mut cols);
            let trans = Transposed { a: false, b: true };
            product_into(
                &mut gw_t,
                true,
                (&cols, gy_sample),
                trans,
                [depth, l, g.o],
                threads,
            );
        }
        gw_t
    });
    let mut partials = partials.into_iter();
    let mut gw_t = match partials.next() {
        Some(first) => first,
        None => alloc::zeroed(depth * g.o)?,
    };
    for partial in partials {
        for (a, &b) in gw_t.iter_mut().zip(&partial) {
            *a = *a + b;
        }
    }
    let mut gw = alloc::with_capacity::<T>(g.o * depth)?;
    // SAFETY: the capacity holds O × C·kh·kw elements, which the transpose writes whole
    // before `set_len` exposes them.
    unsafe {
        transpose_into(&gw_t, [depth, g.o], gw.as_mut_ptr(), false);
        gw.set_len(g.o * depth);
    }
    let [kh, kw] = g.window.kernel;
    NdArray::from_vec(gw, &[g.o, g.c, kh, kw])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Input position `(y, x)` under kernel element `(ki, kj)` of output `(oy, ox)`, if inside.
    fn tap(w: &Window2d, [h, wd]: [usize; 2], [oy, ox, ki, kj]: [usize; 4]) -> Option<usize> {
        let y = (oy * w.stride[0] + ki * w.dilation[0]).checked_sub(w.padding[0])?;
        let x = (ox * w.stride[1] + kj * w.dilation[1]).checked_sub(w.padding[1])?;
        (y < h && x < wd).then_some(y * wd + x)
    }

    fn values(n: usize, seed: usize) -> Vec<f64> {
        (0..n)
            .map(|i| ((i * 7 + seed * 13) % 11) as f64 * 0.25 - 1.0)
            .collect()
    }

    /// The three kernels against the definition, summed term by term, for windows with
    /// stride, padding and dilation (and an output gradient that weighs each output).
    #[test]
    fn kernels_match_the_definition() {
        let cases = [
            ([3, 2, 7, 6], [4, 3, 2], [1, 1], [0, 0], [1, 1]),
            ([2, 3, 9, 8], [2, 3, 3], [2, 1], [1, 2], [2, 1]),
            ([1, 1, 5, 5], [3, 1, 1], [1, 2], [0, 1], [1, 1]),
        ];
        for ([n, c, h, wd], [o, kh, kw], stride, padding, dilation) in cases {
            let window = Window2d {
                kernel: [kh, kw],
                stride,
                padding,
                dilation,
            };
            let (oh, ow) = out_hw(&window, h, wd, "test").unwrap();
            let x = NdArray::from_vec(values(n * c * h * wd, 1), &[n, c, h, wd]).unwrap();
            let w = NdArray::from_vec(values(o * c * kh * kw, 2), &[o, c, kh, kw]).unwrap();
            let b = NdArray::from_vec(values(o, 3), &[o]).unwrap();
            let gy = NdArray::from_vec(values(n * o * oh * ow, 4), &[n, o, oh, ow]).unwrap();
            let (xv, wv, bv, gv) = (
                x.to_f64_vec().unwrap(),
                w.to_f64_vec().unwrap(),
                b.to_f64_vec().unwrap(),
                gy.to_f64_vec().unwrap(),
            );
            let (mut y, mut gx, mut gw) = (
                vec![0.0; n * o * oh * ow],
                vec![0.0; n * c * h * wd],
                vec![0.0; o * c * kh * kw],
            );
            for (s, oc, oy, ox) in each_output(n, o, oh, ow) {
                let out = ((s * o + oc) * oh + oy) * ow + ox;
                y[out] = bv[oc];
                for (ch, ki, kj) in (0..c)
                    .flat_map(|ch| (0..kh).flat_map(move |ki| (0..kw).map(move |kj| (ch, ki, kj))))
                {
                    let Some(at) = tap(&window, [h, wd], [oy, ox, ki, kj]) else {
                        continue;
                    };
                    let (xi, wi) = (
                        (s * c + ch) * h * wd + at,
                        ((oc * c + ch) * kh + ki) * kw + kj,
                    );
                    y[out] += xv[xi] * wv[wi];
                    gx[xi] += gv[out] * wv[wi];
                    gw[wi] += gv[out] * xv[xi];
                }
            }
            let close = |got: NdArray, want: &[f64]| {
                let got = got.to_f64_vec().unwrap();
                assert_eq!(got.len(), want.len());
                for (a, b) in got.iter().zip(want) {
                    assert!((a - b).abs() < 1e-12, "{a} != {b}");
                }
            };
            close(conv2d(&x, &w, Some(&b), &window).unwrap(), &y);
            close(conv2d_input_grad(&gy, &w, &window, [h, wd]).unwrap(), &gx);
            close(conv2d_weight_grad(&x, &gy, &window).unwrap(), &gw);
        }
    }

    fn each_output(
        a: usize,
        b: usize,
        c: usize,
        d: usize,
    ) -> impl Iterator<Item = (usize, usize, usize, usize)> {
        (0..a).flat_map(move |i| {
            (0..b).flat_map(move |j| (0..c).flat_map(move |k| (0..d).map(move |l| (i, j, k, l))))
        })
    }

    #[test]
    fn mismatched_operands_are_refused() {
        let window = Window2d {
            kernel: [3, 3],
            stride: [1, 1],
            padding: [0, 0],
            dilation: [1, 1],
        };
        let x = NdArray::zeros(&[1, 2, 5, 5], DType::Float64);
        let w = NdArray::zeros(&[4, 3, 3, 3], DType::Float64);
        assert!(matches!(
            conv2d(&x, &w, None, &window),
            Err(Error::Shape(_))
        ));
        let w = NdArray::zeros(&[4, 2, 3, 3], DType::Float64);
        let b = NdArray::zeros(&[3], DType::Float64);
        assert!(matches!(
            conv2d(&x, &w, Some(&b), &window),
            Err(Error::Shape(_))
        ));
        let small = NdArray::zeros(&[1, 2, 2, 2], DType::Float64);
        assert!(matches!(
            conv2d(&small, &w, None, &window),
            Err(Error::Shape(_))
        ));
        let ints = NdArray::zeros(&[1, 2, 5, 5], DType::Int64);
        assert!(matches!(
            conv2d(&ints, &w, None, &window),
            Err(Error::DType(_))
        ));
        let gy = NdArray::zeros(&[1, 4, 2, 2], DType::Float64);
        assert!(matches!(
            conv2d_weight_grad(&x, &gy, &window),
            Err(Error::Shape(_))
        ));
    }
}
