//! `NdArray`: an array of one dtype on one device, seen through a `Layout` (shape, strides,
//! offset) over storage that its views share. It carries no autograd state; `Tensor` (in
//! `tensor`) wraps it. Cloning an array is cheap and aliases: both see writes to the elements.

pub mod alloc;
pub mod device;
pub mod dtype;
pub mod element;
pub mod layout;
pub mod shape;
pub mod storage;

use std::ops::Range;
use std::sync::Arc;

pub use device::Device;
pub use dtype::{Category, DType, Priority};
pub use element::{bf16, f16, Element};
pub use layout::{Layout, StridedView};
pub use shape::Dims;
pub use storage::{CpuBuffer, ForeignArray, InlineElements, Storage};

use crate::error::{Error, Result};

/// An n-dimensional array of one dtype on one device: a [`Layout`] over shared
/// [`Storage`]. Cloning is cheap and aliases the elements (no copy-on-write). A [`Tensor`](crate::Tensor)
/// wraps one with autograd; use `NdArray` directly only for plain arrays without gradients.
#[derive(Clone, Debug)]
pub struct NdArray {
    storage: Storage,
    layout: Layout,
    dtype: DType,
}

impl NdArray {
    /// A row-major array of `shape` over `buffer`.
    ///
    /// # Errors
    ///
    /// [`Error::Shape`] when `shape` does not hold exactly the buffer's elements.
    pub fn from_buffer(buffer: CpuBuffer, shape: &[usize]) -> Result<NdArray> {
        check_len(shape, buffer.len())?;
        let dtype = buffer.dtype();
        Ok(NdArray {
            storage: Storage::Cpu(Arc::new(buffer)),
            layout: Layout::contiguous(shape, 0),
            dtype,
        })
    }

    /// An array viewing `buffer` through `layout` (checked to lie inside it).
    pub fn from_buffer_strided(buffer: CpuBuffer, layout: Layout) -> Result<NdArray> {
        layout.check_within(buffer.len())?;
        let dtype = buffer.dtype();
        Ok(NdArray {
            storage: Storage::Cpu(Arc::new(buffer)),
            layout,
            dtype,
        })
    }

    /// An array owning `data`; a few elements are kept inline (see `Storage::Inline`).
    pub fn from_vec<T: Element>(data: Vec<T>, shape: &[usize]) -> Result<NdArray> {
        Self::inline(&data, shape).unwrap_or_else(|| Self::from_buffer(T::into_buffer(data), shape))
    }

    /// An array of copies of `values`: inline when they fit, so a scalar result allocates
    /// nothing.
    pub fn from_slice<T: Element>(values: &[T], shape: &[usize]) -> Result<NdArray> {
        Self::inline(values, shape)
            .unwrap_or_else(|| Self::from_buffer(T::into_buffer(alloc::copied(values)?), shape))
    }

    /// `values` as an inline array (`None` when they don't fit).
    fn inline<T: Element>(values: &[T], shape: &[usize]) -> Option<Result<NdArray>> {
        let elements = InlineElements::new(values)?;
        Some(check_len(shape, values.len()).map(|()| NdArray {
            storage: Storage::Inline(elements),
            layout: Layout::contiguous(shape, 0),
            dtype: T::DTYPE,
        }))
    }

    /// A device array held by its backend, row-major from its first element.
    pub fn from_foreign(array: Arc<dyn ForeignArray>, shape: &[usize], dtype: DType) -> NdArray {
        NdArray {
            storage: Storage::Foreign(array),
            layout: Layout::contiguous(shape, 0),
            dtype,
        }
    }

    /// A 0-d array holding `value` (stored inline: no allocation).
    pub fn scalar<T: Element>(value: T) -> NdArray {
        Self::from_slice(&[value], &[]).expect("one element for a 0-d shape")
    }

    /// An array of `shape` filled with `value` (converted to `dtype`); a `Shape` error when the
    /// size overflows, an `OutOfMemory` error when the memory cannot be had.
    pub fn try_full(shape: &[usize], value: f64, dtype: DType) -> Result<NdArray> {
        let n = shape::check_storage(shape, dtype.size_in_bytes())?;
        crate::with_dtype!(dtype, T => Self::from_vec(alloc::filled(T::from_f64(value), n)?, shape))
    }

    /// `try_full` for the engine's own shapes (of arrays that exist already, or constants).
    /// Should the memory run out, it panics with the `Error` as payload, which the Python
    /// binding raises as that error (`MemoryError`) instead of aborting.
    pub fn full(shape: &[usize], value: f64, dtype: DType) -> NdArray {
        Self::try_full(shape, value, dtype).unwrap_or_else(|e| std::panic::panic_any(e))
    }

    /// An array of zeros.
    pub fn zeros(shape: &[usize], dtype: DType) -> NdArray {
        Self::full(shape, 0.0, dtype)
    }

    /// The size of each dimension.
    pub fn shape(&self) -> &[usize] {
        self.layout.shape()
    }

    /// The strides in elements.
    pub fn strides(&self) -> &[isize] {
        self.layout.strides()
    }

    /// Where the first element sits in the storage, in elements.
    pub fn offset(&self) -> usize {
        self.layout.offset()
    }

    /// Shape, strides and offset together.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Whether the elements are row-major with no gaps.
    pub fn is_contiguous(&self) -> bool {
        self.layout.is_contiguous()
    }

    /// The element type.
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// The number of dimensions.
    pub fn ndim(&self) -> usize {
        self.layout.ndim()
    }

    /// The number of elements.
    pub fn numel(&self) -> usize {
        self.layout.numel()
    }

    /// Where the elements live.
    pub fn device(&self) -> Device {
        self.storage.device()
    }

    /// The storage the layout views (shared with every alias and view of this array).
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// How many elements the storage holds.
    pub fn storage_len(&self) -> usize {
        match &self.storage {
            Storage::Cpu(buffer) => buffer.len(),
            Storage::Inline(_) => self.numel(),
            Storage::Foreign(f) => f.numel(),
        }
    }

    /// This array's storage seen through `layout` (checked to lie inside it): a view. Inline
    /// elements can't be shared, so the caller moves them to a buffer first (`share_elements`).
    pub fn view(&self, layout: Layout) -> Result<NdArray> {
        if matches!(self.storage, Storage::Inline(_)) && layout != self.layout {
            return Err(Error::Autograd(
                "internal error: a view of inline elements (share them first)".into(),
            ));
        }
        layout.check_within(self.storage_len())?;
        Ok(NdArray {
            storage: self.storage.clone(),
            layout,
            dtype: self.dtype,
        })
    }

    /// This array under `shape` (as many elements) without copying, when its strides allow
    /// (`Layout::reshaped`); `None` when only a copy can have that shape.
    pub(crate) fn reshaped_view(&self, shape: &[usize]) -> Option<NdArray> {
        let layout = self.layout.reshaped(shape)?;
        Some(NdArray {
            storage: self.storage.clone(),
            layout,
            dtype: self.dtype,
        })
    }

    fn not_on_host(&self) -> Error {
        not_on_host(self.device())
    }

    fn wrong_dtype<T: Element>(&self) -> Error {
        wrong_dtype::<T>(self.dtype)
    }

    /// The address of the first element of a host array (for zero-copy export and aliasing
    /// checks); it stays valid while this array's storage lives.
    pub fn host_ptr(&self) -> Result<*const u8> {
        let start = match &self.storage {
            Storage::Cpu(buffer) => buffer.as_ptr(),
            Storage::Inline(elements) => elements.as_ptr(),
            Storage::Foreign(_) => return Err(self.not_on_host()),
        };
        Ok(start.wrapping_add(self.offset() * self.dtype.size_in_bytes()))
    }

    /// Moves inline elements into a heap buffer, so that clones of this array share them
    /// (views and zero-copy export need memory that several arrays see).
    pub fn share_elements(&mut self) {
        if let Storage::Inline(elements) = self.storage {
            let numel = self.numel();
            // SAFETY: an array's inline elements are stored as its dtype.
            let buffer = crate::with_dtype!(self.dtype, T => T::into_buffer(unsafe { elements.slice::<T>(numel) }.to_vec()));
            self.storage = Storage::Cpu(Arc::new(buffer));
        }
    }

    /// True when the storage is seen by another array (a view, an export, a clone).
    pub fn storage_is_shared(&self) -> bool {
        self.storage_is_shared_beyond(1)
    }

    /// True when more than `holders` arrays hold the storage, or it is borrowed memory.
    pub fn storage_is_shared_beyond(&self, holders: usize) -> bool {
        match &self.storage {
            Storage::Cpu(buffer) => Arc::strong_count(buffer) > holders || buffer.is_external(),
            Storage::Inline(_) => false,
            Storage::Foreign(f) => Arc::strong_count(f) > holders,
        }
    }

    /// The whole storage as a typed slice, for kernels that walk this array's strides over it.
    pub fn storage_slice<T: Element>(&self) -> Result<&[T]> {
        match &self.storage {
            Storage::Cpu(buffer) => buffer.slice::<T>().ok_or_else(|| self.wrong_dtype::<T>()),
            // SAFETY: an array's inline elements are stored as its dtype, which is `T`.
            Storage::Inline(elements) if self.dtype == T::DTYPE => {
                Ok(unsafe { elements.slice(self.numel()) })
            }
            Storage::Inline(_) => Err(self.wrong_dtype::<T>()),
            Storage::Foreign(_) => Err(self.not_on_host()),
        }
    }

    /// The elements of a contiguous host array as a typed slice, in row-major order; fails for
    /// another dtype, a device array or a non-contiguous view (see `contiguous`).
    pub fn as_slice<T: Element>(&self) -> Result<&[T]> {
        self.require_contiguous()?;
        let (start, numel) = (self.offset(), self.numel());
        let storage = self.storage_slice::<T>()?;
        // An empty view may start past its storage's end (PyTorch allows it): it reads nothing.
        Ok(if numel == 0 {
            &storage[..0]
        } else {
            &storage[start..start + numel]
        })
    }

    fn require_contiguous(&self) -> Result<()> {
        if !self.is_contiguous() {
            return Err(Error::Autograd(format!(
                "internal error: a kernel read a non-contiguous array of shape {:?} and strides {:?} as contiguous",
                self.shape(),
                self.strides()
            )));
        }
        Ok(())
    }

    /// The elements of a contiguous host array for writing, when no other array shares its
    /// storage (an error otherwise, e.g. for a view or a clone: writes into shared elements go
    /// through the engine's in-place paths). So safe code never holds this slice together with
    /// a slice of the same elements read through another array.
    pub fn as_mut_slice<T: Element>(&mut self) -> Result<&mut [T]> {
        if self.storage_is_shared() {
            return Err(Error::Autograd(
                "internal error: a mutable slice of elements that another array shares".into(),
            ));
        }
        // SAFETY: no other array holds this storage, and this one is borrowed mutably.
        unsafe { self.as_mut_slice_shared() }
    }

    /// The elements of a contiguous host array, for writing in place: every array that shares
    /// the storage sees the writes. Only these elements are borrowed, not the whole storage.
    ///
    /// # Safety
    /// While the slice lives, no other reference to these elements may be alive or be made,
    /// through any array that shares the storage, on any thread (the kernels copy a source that
    /// overlaps its destination first, see `kernels::copy_into`).
    pub(crate) unsafe fn as_mut_slice_shared<T: Element>(&mut self) -> Result<&mut [T]> {
        self.require_contiguous()?;
        let (start, numel) = (self.offset(), self.numel());
        // An empty view may start past its storage's end (PyTorch allows it): it writes nothing.
        let range = if numel == 0 {
            0..0
        } else {
            start..start + numel
        };
        // SAFETY: the caller's contract.
        unsafe { self.elements_mut(range) }
    }

    /// The whole storage, for writing in place through this array's strides.
    ///
    /// # Safety
    /// As for [`NdArray::as_mut_slice_shared`], over every element this array's layout reaches.
    pub(crate) unsafe fn storage_mut_slice<T: Element>(&mut self) -> Result<&mut [T]> {
        let len = self.storage_len();
        // SAFETY: the caller's contract.
        unsafe { self.elements_mut(0..len) }
    }

    /// The storage's elements `range` (within the storage) as mutable `T`.
    ///
    /// # Safety
    /// As for [`NdArray::as_mut_slice_shared`], over the elements of `range`.
    unsafe fn elements_mut<T: Element>(&mut self, range: Range<usize>) -> Result<&mut [T]> {
        let (numel, dtype) = (self.numel(), self.dtype);
        match &mut self.storage {
            // SAFETY: an array's inline elements are stored as its dtype, which is `T`.
            Storage::Inline(elements) if dtype == T::DTYPE => {
                Ok(&mut unsafe { elements.slice_mut::<T>(numel) }[range])
            }
            Storage::Inline(_) => Err(wrong_dtype::<T>(dtype)),
            // SAFETY: the caller's contract; the array is borrowed mutably, so no slice made
            // through it is alive.
            Storage::Cpu(buffer) => {
                unsafe { buffer.slice_mut::<T>(range) }.ok_or_else(|| wrong_dtype::<T>(dtype))
            }
            Storage::Foreign(f) => Err(not_on_host(f.device())),
        }
    }

    /// True when the two arrays' storage ranges overlap (writing one may change the other).
    pub fn may_overlap(&self, other: &NdArray) -> bool {
        if !self.shares_storage_with(other) {
            return false;
        }
        match (self.layout.span(), other.layout.span()) {
            (Some(a), Some(b)) => a.start < b.end && b.start < a.end,
            _ => true,
        }
    }

    /// The value of a 0-d floating point array in host memory (`None` for any other array).
    pub fn host_float_scalar(&self) -> Option<f64> {
        if self.ndim() != 0 {
            return None;
        }
        match self.dtype {
            DType::Float32 => self.as_slice::<f32>().ok().map(|v| v[0] as f64),
            DType::Float64 => self.as_slice::<f64>().ok().map(|v| v[0]),
            _ => None,
        }
    }

    /// True when both arrays share one storage (a cheap identity test; inline elements are
    /// copied, never shared).
    pub fn shares_storage_with(&self, other: &NdArray) -> bool {
        match (&self.storage, &other.storage) {
            (Storage::Cpu(a), Storage::Cpu(b)) => Arc::ptr_eq(a, b),
            (Storage::Foreign(a), Storage::Foreign(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// A `Shape` error unless `shape` holds exactly `len` elements.
fn check_len(shape: &[usize], len: usize) -> Result<()> {
    let expected = shape::numel(shape);
    if len != expected {
        return Err(Error::Shape(format!(
            "shape {shape:?} needs {expected} elements but the data has {len}"
        )));
    }
    Ok(())
}

fn not_on_host(device: Device) -> Error {
    Error::Device(format!("expected a CPU array but this one is on {device}"))
}

fn wrong_dtype<T: Element>(dtype: DType) -> Error {
    Error::DType(format!(
        "expected dtype {} but the array is {dtype}",
        T::DTYPE
    ))
}
