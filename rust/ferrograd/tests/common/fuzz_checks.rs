//! The properties the fuzz targets check (`fuzz/`), shared with the regular tests that run them
//! on crafted and seeded inputs. Each takes arbitrary bytes and panics only when a property
//! fails: an `Err` from the engine is a correct answer to bad input, a panic never is.

use ferrograd::ops::IndexItem;
use ferrograd::serialize::state_dict_from_bytes;
use ferrograd::{DType, Device, Tensor};

/// Reads fuzz input as a stream of small decisions; past the end every read is 0.
struct Decisions<'a>(&'a [u8]);

impl Decisions<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }
    /// A value in `-range..range`, biased by the byte so both signs and zero appear.
    fn signed(&mut self, range: i64) -> i64 {
        (self.byte() as i8 as i64) % range.max(1)
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Loading any bytes as a weights file returns tensors whose element count matches their
/// shape, or an error; it never panics or allocates past what the file holds.
pub fn check_weights_file(bytes: &[u8]) {
    let Ok(state) = state_dict_from_bytes(bytes) else {
        return;
    };
    for (name, tensor) in state.iter() {
        let numel: usize = tensor.shape().iter().product();
        assert_eq!(
            tensor.numel(),
            numel,
            "{name}: numel disagrees with its shape"
        );
        assert!(
            numel * tensor.dtype().size_in_bytes() <= bytes.len(),
            "{name}: more elements than the file holds"
        );
    }
}

/// A random chain of view operations over `arange` (so each element's value is its storage
/// position): every view the engine accepts must address only storage inside the base, and
/// reading it must give exactly the elements its shape, strides and offset name.
pub fn check_view_chain(bytes: &[u8]) {
    let mut input = Decisions(bytes);
    let ndim = (input.byte() % 4) as usize + 1;
    let shape: Vec<usize> = (0..ndim).map(|_| (input.byte() % 5) as usize).collect();
    let numel: usize = shape.iter().product();
    let Ok(base) = Tensor::arange(0.0, numel as f64, 1.0, DType::Float64, Device::Cpu)
        .and_then(|t| t.reshape(&shape.iter().map(|&s| s as isize).collect::<Vec<_>>()))
    else {
        return;
    };
    let mut view = base.clone();
    for _ in 0..8 {
        if input.is_empty() {
            break;
        }
        let Ok(next) = apply_view_op(&view, &mut input) else {
            continue;
        };
        if storage_start(&next) != storage_start(&base) {
            // reshape and flatten copy when no view can express the result: then it holds the
            // source's elements in row-major order, and the chain ends
            let source = view.to_vec::<f64>().expect("readable");
            let copy = next.to_vec::<f64>().expect("readable");
            assert_eq!(copy, source, "a copying reshape changed the elements");
            break;
        }
        assert_reads_its_layout(&next, numel);
        view = next;
    }
}

fn apply_view_op(t: &Tensor, input: &mut Decisions) -> ferrograd::Result<Tensor> {
    let rank = t.ndim() as i64 + 1;
    // a length of 1 to 4, then that many sizes or dimensions in -8..8
    let dims = |input: &mut Decisions| -> Vec<isize> {
        let n = (input.byte() % 4) as usize + 1;
        (0..n).map(|_| input.signed(8) as isize).collect()
    };
    match input.byte() % 12 {
        0 => t.transpose(input.signed(rank) as isize, input.signed(rank) as isize),
        1 => {
            let order: Vec<isize> = (0..t.ndim()).map(|_| input.signed(8) as isize).collect();
            t.permute(&order)
        }
        2 => t.unsqueeze(input.signed(rank + 1) as isize),
        3 => t.squeeze(Some(input.signed(rank) as isize)),
        4 => {
            let shape = dims(input);
            t.view_shape(&shape)
        }
        5 => {
            let shape = dims(input);
            t.reshape(&shape)
        }
        6 => {
            let shape = dims(input);
            t.expand(&shape)
        }
        7 => t.diagonal(
            input.signed(6) as isize,
            input.signed(rank) as isize,
            input.signed(rank) as isize,
        ),
        8 => t.unfold(
            input.signed(rank) as isize,
            input.byte() as usize % 5,
            input.byte() as usize % 4,
        ),
        9 => {
            let n = (input.byte() % 4) as usize;
            let size: Vec<usize> = (0..n).map(|_| input.byte() as usize % 6).collect();
            let stride: Vec<isize> = (0..n).map(|_| input.signed(8) as isize).collect();
            let offset = (input.byte() % 2 == 1).then(|| input.byte() as usize % 30);
            t.as_strided(&size, &stride, offset)
        }
        10 => t.flatten(input.signed(rank) as isize, input.signed(rank) as isize),
        _ => {
            let items: Vec<IndexItem> = (0..(input.byte() % 4))
                .map(|_| match input.byte() % 4 {
                    0 => IndexItem::Int(input.signed(6)),
                    1 => IndexItem::NewAxis,
                    2 => IndexItem::Ellipsis,
                    _ => IndexItem::Slice {
                        start: (input.byte() % 2 == 1).then(|| input.signed(6)),
                        stop: (input.byte() % 2 == 1).then(|| input.signed(6)),
                        step: input.signed(4),
                    },
                })
                .collect();
            t.index(&items)
        }
    }
}

/// Where the storage a tensor views starts in memory (its identity, for telling views from
/// copies); 0 for an empty storage.
fn storage_start(t: &Tensor) -> usize {
    let data = t.shared_data();
    match data.host_ptr() {
        Ok(first) => first as usize - data.offset() * data.dtype().size_in_bytes(),
        Err(_) => 0,
    }
}

/// Every element of `view` is the base's element at `offset + sum(index * stride)`, a position
/// inside the base's `storage_len` elements (the base is `arange`, so the value is the position).
fn assert_reads_its_layout(view: &Tensor, storage_len: usize) {
    let (shape, strides, offset) = (view.shape(), view.strides(), view.storage_offset());
    let values = view
        .to_vec::<f64>()
        .expect("a view the engine made must be readable");
    assert_eq!(values.len(), shape.iter().product::<usize>());
    let mut index = vec![0usize; shape.len()];
    for value in values {
        let position = index
            .iter()
            .zip(strides.iter())
            .fold(offset as isize, |acc, (&i, &s)| acc + i as isize * s);
        assert!(
            (0..storage_len as isize).contains(&position),
            "element at {index:?} of shape {shape:?}, strides {strides:?}, offset {offset} is outside the storage ({storage_len})"
        );
        assert_eq!(value, position as f64, "wrong element at {index:?}");
        for d in (0..index.len()).rev() {
            index[d] += 1;
            if index[d] < shape[d] {
                break;
            }
            index[d] = 0;
        }
    }
}
