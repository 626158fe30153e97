//! Where an array's elements live: a host buffer shared by every view of it, inline elements
//! of a tiny array, or a foreign buffer owned by a device backend.

use std::any::Any;
use std::fmt;
use std::ops::Range;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Arc, OnceLock};

use super::device::Device;
use super::dtype::DType;
use super::element::Element;

/// Elements in host memory, shared by every array that views them (a base and its views). The
/// buffer never grows or moves once made; its elements are written in place through views, as
/// in PyTorch and NumPy, so it is read and written through raw pointers rather than through a
/// `Vec` that a shared reference would freeze. The memory is owned (a `Vec` taken apart) or
/// borrowed from an owner that outlives it (a NumPy array given to `from_numpy`).
///
/// The one exception to "never moves": `move_to` copies the elements into other memory
/// (shared memory, for `Tensor.share_memory_`) and points the buffer there, so that every array
/// holding the buffer (a tensor and all its views) sees the new memory. The first memory is
/// kept until the buffer drops, since a slice of it may still be in use on another thread.
pub struct CpuBuffer {
    ptr: AtomicPtr<u8>,
    /// Where the elements were first (freed through `owner` on drop).
    origin: NonNull<u8>,
    len: usize,
    dtype: DType,
    owner: Owner,
    /// The owner of the memory the elements were moved to, once `move_to` ran.
    moved: OnceLock<Box<dyn Any + Send + Sync>>,
}

enum Owner {
    /// The capacity of the `Vec` the buffer was made from (to give it back on drop).
    Vec {
        capacity: usize,
    },
    External(#[allow(dead_code)] Box<dyn Any + Send + Sync>),
}

// SAFETY: the buffer is plain data behind a pointer that it owns (or that `owner`, itself
// `Send + Sync`, keeps valid). Concurrent writes to one element from several threads are a
// data race the caller must avoid, exactly as with PyTorch tensors that alias (documented in
// docs/RELIABILITY.md); the engine itself never holds a slice of a range it writes.
unsafe impl Send for CpuBuffer {}
unsafe impl Sync for CpuBuffer {}

impl CpuBuffer {
    /// A buffer that takes over `data`'s allocation (no copy).
    pub fn from_vec<T: Element>(data: Vec<T>) -> CpuBuffer {
        let mut data = std::mem::ManuallyDrop::new(data);
        let (len, capacity) = (data.len(), data.capacity());
        // SAFETY: a `Vec`'s pointer is never null (dangling but aligned when empty).
        let ptr = unsafe { NonNull::new_unchecked(data.as_mut_ptr() as *mut u8) };
        CpuBuffer::at(ptr, len, T::DTYPE, Owner::Vec { capacity })
    }

    fn at(origin: NonNull<u8>, len: usize, dtype: DType, owner: Owner) -> CpuBuffer {
        CpuBuffer {
            ptr: AtomicPtr::new(origin.as_ptr()),
            origin,
            len,
            dtype,
            owner,
            moved: OnceLock::new(),
        }
    }

    /// A buffer over `len` elements of `dtype` at `ptr`, which `owner` keeps alive.
    ///
    /// # Safety
    /// `ptr` must be non-null, aligned for `dtype`, and point at `len` initialised elements of
    /// `dtype` (valid `bool`s: 0 or 1) that stay valid and are not freed while `owner` lives;
    /// the memory may be written through the buffer (and by the owner's other users, which is
    /// then shared on purpose, like a NumPy array and the tensor made from it).
    pub unsafe fn from_external(
        ptr: *mut u8,
        len: usize,
        dtype: DType,
        owner: Box<dyn Any + Send + Sync>,
    ) -> CpuBuffer {
        let ptr = NonNull::new(ptr).unwrap_or(NonNull::dangling());
        CpuBuffer::at(ptr, len, dtype, Owner::External(owner))
    }

    /// Copies the elements to `ptr` and makes it the buffer's memory from now on, for every
    /// array that holds this buffer; `owner` keeps that memory valid. Fails (returning `owner`)
    /// when the elements were moved already: they move at most once.
    ///
    /// # Safety
    /// As `from_external`: `ptr` must be aligned for this buffer's dtype and hold room for
    /// `len()` elements that stay valid while `owner` lives. Writes to the elements made by other
    /// threads while the copy runs may be lost (as with PyTorch's `share_memory_`).
    pub unsafe fn move_to(
        &self,
        ptr: *mut u8,
        owner: Box<dyn Any + Send + Sync>,
    ) -> std::result::Result<(), Box<dyn Any + Send + Sync>> {
        if self.moved.get().is_some() {
            return Err(owner);
        }
        // Of two moves racing here, the first to set `moved` wins; the other returns `owner`.
        let bytes = self.len * self.dtype.size_in_bytes();
        // SAFETY: the buffer's `bytes` live at `as_ptr()`; the caller gives as many at `ptr`,
        // which are other memory (a new owner's).
        unsafe { std::ptr::copy_nonoverlapping(self.as_ptr(), ptr, bytes) };
        self.moved.set(owner)?;
        if bytes > 0 {
            self.ptr.store(ptr, Ordering::Release);
        }
        Ok(())
    }

    /// True once `move_to` moved the elements.
    pub fn is_moved(&self) -> bool {
        self.moved.get().is_some()
    }

    /// The element type.
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the buffer holds no element.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True for memory borrowed from another owner (`from_external`, or moved by `move_to`).
    pub fn is_external(&self) -> bool {
        matches!(self.owner, Owner::External(_)) || self.is_moved()
    }

    /// The address of the first element (for zero-copy export).
    pub fn as_ptr(&self) -> *const u8 {
        self.ptr.load(Ordering::Acquire)
    }

    /// The elements as `T` (`None` for another dtype).
    pub fn slice<T: Element>(&self) -> Option<&[T]> {
        // SAFETY: `len` initialised elements of `T` (the dtype matches) live at `ptr`.
        (self.dtype == T::DTYPE)
            .then(|| unsafe { std::slice::from_raw_parts(self.as_ptr() as *const T, self.len) })
    }

    /// The elements `range` as mutable `T` (`None` for another dtype or a range past the end).
    /// Only that range is borrowed, so other arrays may read the rest of the buffer meanwhile.
    ///
    /// # Safety
    /// While the returned slice lives, no other reference to the elements of `range` may be
    /// alive or made (other arrays share this buffer).
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn slice_mut<T: Element>(&self, range: Range<usize>) -> Option<&mut [T]> {
        let fits = range.start <= range.end && range.end <= self.len;
        // SAFETY: `len` initialised elements of `T` (the dtype matches) live at `ptr`, and
        // `range` lies among them; the caller's contract excludes other references to them.
        (self.dtype == T::DTYPE && fits).then(|| unsafe {
            std::slice::from_raw_parts_mut((self.as_ptr() as *mut T).add(range.start), range.len())
        })
    }

    /// An owned copy of the elements.
    pub fn to_owned_buffer(&self) -> CpuBuffer {
        crate::with_dtype!(self.dtype, T => CpuBuffer::from_vec(self.slice::<T>().expect("dtype matches").to_vec()))
    }
}

impl Drop for CpuBuffer {
    fn drop(&mut self) {
        if let Owner::Vec { capacity } = self.owner {
            // SAFETY: made by `from_vec` from a `Vec<T>` of this dtype, length and capacity.
            crate::with_dtype!(self.dtype, T => unsafe {
                drop(Vec::from_raw_parts(self.origin.as_ptr() as *mut T, self.len, capacity))
            });
        }
    }
}

impl fmt::Debug for CpuBuffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CpuBuffer({}, len={})", self.dtype(), self.len())
    }
}

/// An array's elements held by a device backend (a CuPy array, or a NumPy array in the
/// test backend). The backend that made it is the only one that reads it.
pub trait ForeignArray: Send + Sync + fmt::Debug {
    /// The device whose backend made the array.
    fn device(&self) -> Device;
    /// How many elements the backend's array holds (the storage that views index into).
    fn numel(&self) -> usize;
    /// The backend's own object, to downcast to its array type.
    fn as_any(&self) -> &dyn Any;
}

/// The elements behind an array: a shared host buffer, a few host elements kept inline, or a
/// device backend's array.
#[derive(Clone, Debug)]
pub enum Storage {
    /// A host buffer, shared by every array that views it.
    Cpu(Arc<CpuBuffer>),
    /// The elements of a host array of at most `InlineElements::BYTES` bytes (a scalar, a
    /// tiny tensor), kept in the array itself: no allocation and no reference count, which
    /// are most of the cost of a scalar operation. Cloning copies them.
    Inline(InlineElements),
    /// A device backend's array.
    Foreign(Arc<dyn ForeignArray>),
}

impl Storage {
    /// Where the elements live.
    pub fn device(&self) -> Device {
        match self {
            Storage::Cpu(_) | Storage::Inline(_) => Device::Cpu,
            Storage::Foreign(f) => f.device(),
        }
    }
}

/// Host elements stored by value; the array's shape says how many there are and its dtype
/// what they are. Aligned for every element type.
#[derive(Clone, Copy, Debug, Default)]
pub struct InlineElements([u64; 2]);

impl InlineElements {
    /// How many bytes of elements fit inline.
    pub const BYTES: usize = 16;

    /// The elements of `values`, when they fit.
    pub fn new<T: Element>(values: &[T]) -> Option<InlineElements> {
        if std::mem::size_of_val(values) > Self::BYTES {
            return None;
        }
        let mut inline = InlineElements::default();
        // SAFETY: `values` fits in the 16 bytes, which are aligned for any element type, and
        // every element type is plain data.
        unsafe {
            std::ptr::copy_nonoverlapping(
                values.as_ptr(),
                inline.0.as_mut_ptr() as *mut T,
                values.len(),
            )
        };
        Some(inline)
    }

    /// The first `len` elements as `T`.
    ///
    /// # Safety
    /// They were stored as `T` (by `new::<T>`): the bytes of another type need not be valid
    /// `T`s (a byte other than 0 or 1 read as a `bool`).
    pub(crate) unsafe fn slice<T: Element>(&self, len: usize) -> &[T] {
        assert!(len * std::mem::size_of::<T>() <= Self::BYTES);
        // SAFETY: in bounds (checked above), aligned, and written as `T` (the caller's contract).
        unsafe { std::slice::from_raw_parts(self.0.as_ptr() as *const T, len) }
    }

    /// The first `len` elements as mutable `T`.
    ///
    /// # Safety
    /// As for [`InlineElements::slice`].
    pub(crate) unsafe fn slice_mut<T: Element>(&mut self, len: usize) -> &mut [T] {
        assert!(len * std::mem::size_of::<T>() <= Self::BYTES);
        // SAFETY: as in `slice`.
        unsafe { std::slice::from_raw_parts_mut(self.0.as_mut_ptr() as *mut T, len) }
    }

    pub(crate) fn as_ptr(&self) -> *const u8 {
        self.0.as_ptr() as *const u8
    }
}

#[cfg(test)]
mod tests {
    use crate::array::{CpuBuffer, DType, NdArray, Storage};

    fn is_inline(a: &NdArray) -> bool {
        matches!(a.storage(), Storage::Inline(_))
    }

    #[test]
    fn small_arrays_are_inline_and_large_ones_are_not() {
        assert!(is_inline(&NdArray::scalar(1.5f64)));
        assert!(is_inline(
            &NdArray::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2]).unwrap()
        ));
        assert!(is_inline(
            &NdArray::from_vec(vec![true; 16], &[16]).unwrap()
        ));
        assert!(!is_inline(
            &NdArray::from_vec(vec![1.0f32; 5], &[5]).unwrap()
        ));
        assert!(!is_inline(&NdArray::from_vec(vec![1i64; 3], &[3]).unwrap()));
        let a = NdArray::from_slice(&[7i32, -8], &[2, 1]).unwrap();
        assert_eq!(a.as_slice::<i32>().unwrap(), &[7, -8]);
        assert_eq!(a.shape(), &[2, 1]);
    }

    #[test]
    fn inline_arrays_check_shape_and_dtype() {
        assert!(NdArray::from_slice(&[1.0f32, 2.0], &[3]).is_err());
        let a = NdArray::scalar(2.0f32);
        assert!(a.as_slice::<f64>().is_err());
        assert_eq!(a.dtype(), DType::Float32);
        assert_eq!(a.host_float_scalar(), Some(2.0));
    }

    #[test]
    fn inline_clones_are_independent_copies() {
        let a = NdArray::from_slice(&[1.0f64, 2.0], &[2]).unwrap();
        let mut b = a.clone();
        b.as_mut_slice::<f64>().unwrap()[0] = 9.0;
        assert_eq!(a.as_slice::<f64>().unwrap(), &[1.0, 2.0]);
        assert_eq!(b.as_slice::<f64>().unwrap(), &[9.0, 2.0]);
        assert!(!a.shares_storage_with(&b));
    }

    #[test]
    fn only_unshared_elements_are_lent_mutably() {
        let mut a = NdArray::from_vec(vec![1.0f32; 8], &[8]).unwrap();
        a.as_mut_slice::<f32>().unwrap()[0] = 2.0;
        let mut b = a.clone();
        assert!(b.as_mut_slice::<f32>().is_err());
        assert!(a.as_mut_slice::<f32>().is_err());
        drop(b);
        assert_eq!(a.as_mut_slice::<f32>().unwrap()[0], 2.0);
        let mut inline = NdArray::scalar(1i64);
        let copy = inline.clone();
        inline.as_mut_slice::<i64>().unwrap()[0] = 5;
        assert_eq!(copy.as_slice::<i64>().unwrap(), &[1]);
    }

    #[test]
    fn a_mutable_range_borrows_only_its_elements() {
        let buffer = CpuBuffer::from_vec(vec![1u8, 2, 3, 4]);
        // SAFETY: no other reference to elements 1..3 exists.
        let middle = unsafe { buffer.slice_mut::<u8>(1..3) }.unwrap();
        middle.copy_from_slice(&[7, 8]);
        assert_eq!(buffer.slice::<u8>().unwrap(), &[1, 7, 8, 4]);
        // SAFETY: nothing is borrowed.
        assert!(unsafe { buffer.slice_mut::<u8>(3..5) }.is_none());
        assert!(unsafe { buffer.slice_mut::<i8>(0..1) }.is_none());
    }

    #[test]
    fn shared_elements_are_seen_by_clones() {
        let mut a = NdArray::from_slice(&[1.0f32, 2.0], &[2]).unwrap();
        a.share_elements();
        assert!(!is_inline(&a));
        let b = a.clone();
        assert!(a.shares_storage_with(&b));
        assert_eq!(a.host_ptr().unwrap(), b.host_ptr().unwrap());
        assert_eq!(b.as_slice::<f32>().unwrap(), &[1.0, 2.0]);
    }

    #[test]
    fn moved_elements_are_seen_by_every_array_of_the_buffer() {
        let a = NdArray::from_vec(vec![1.0f32, 2.0, 3.0, 4.0, 5.0], &[5]).unwrap();
        let alias = a.clone();
        let Storage::Cpu(buffer) = a.storage() else {
            panic!("five floats live in a buffer")
        };
        let mut target = vec![0.0f32; 5];
        let ptr = target.as_mut_ptr() as *mut u8;
        // SAFETY: `target` holds five aligned f32s and, boxed as the owner, lives as long as
        // the buffer (moving the `Vec` into the box does not move its elements).
        unsafe { buffer.move_to(ptr, Box::new(target)) }.unwrap();
        assert!(buffer.is_external());
        assert_eq!(alias.host_ptr().unwrap(), ptr as *const u8);
        assert_eq!(alias.as_slice::<f32>().unwrap(), &[1.0, 2.0, 3.0, 4.0, 5.0]);
        let mut again = vec![0.0f32; 5];
        let second = again.as_mut_ptr() as *mut u8;
        // SAFETY: as above; the move is refused, so `again` is only handed back.
        assert!(unsafe { buffer.move_to(second, Box::new(again)) }.is_err());
        assert_eq!(a.host_ptr().unwrap(), ptr as *const u8);
    }
}
