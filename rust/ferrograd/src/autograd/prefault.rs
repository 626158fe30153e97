//! Faulting memory in ahead of use, on a helper thread.
//!
//! The first write to each fresh page of a large buffer stops the writer for a page fault
//! (~1.5 µs a page on the 2-core machine measured: ~60 ms for the arena slots of a
//! 1,000,000-node chain, ~25 ms more for its backward pass's state). Where a buffer is known
//! to be filled soon, a short-lived thread asks the kernel to populate its pages
//! (`MADV_POPULATE_WRITE`) while the owner keeps working: the work moves to an idle core.

/// Spare capacity under this many bytes is left to fault in as it is used.
#[cfg(target_os = "linux")]
const MIN_BYTES: usize = 1 << 20;

/// Pushes `value`, growing a full `vec` through `grow`: at most `most` elements will ever be
/// pushed (pages past them would be resident for nothing).
#[inline]
pub(crate) fn push<T>(vec: &mut Vec<T>, value: T, most: usize) {
    if vec.len() == vec.capacity() {
        grow(vec, most);
    }
    vec.push(value);
}

/// Reserves room for `vec` to double (by at least 64 elements) and faults the new spare
/// capacity in on a helper thread, up to `most` elements in all.
#[cold]
#[inline(never)]
fn grow<T>(vec: &mut Vec<T>, most: usize) {
    vec.reserve(vec.len().max(64));
    let size = std::mem::size_of::<T>();
    let ahead = vec.capacity().min(most).saturating_sub(vec.len());
    range(vec.as_ptr() as usize + vec.len() * size, ahead * size);
}

/// Faults in the spare capacity of `vec` (if large enough) on a helper thread.
pub(crate) fn spare_capacity<T>(vec: &Vec<T>) {
    let size = std::mem::size_of::<T>();
    let start = vec.as_ptr() as usize + vec.len() * size;
    range(start, (vec.capacity() - vec.len()) * size);
}

/// Faults in the whole pages of `[start, start + len)` on a helper thread, without writing to
/// them.
#[cfg(target_os = "linux")]
pub(crate) fn range(start: usize, len: usize) {
    const PAGE: usize = 4096;
    let first = start.div_ceil(PAGE) * PAGE;
    let end = (start + len) / PAGE * PAGE;
    if end < first + MIN_BYTES {
        return;
    }
    // No thread, no prefault: the pages fault in on first write, as without this.
    let _ = std::thread::Builder::new()
        .name("ferrograd-prefault".into())
        .spawn(move || {
            // SAFETY: madvise reads and writes no memory of this process: MADV_POPULATE_WRITE only
            // populates page tables (zeroed pages for fresh anonymous memory, the existing ones
            // otherwise), so it is harmless even if the buffer has been freed or moved by the time
            // it runs (an unmapped range is an ENOMEM error). An old kernel answers EINVAL.
            unsafe {
                libc::madvise(
                    first as *mut libc::c_void,
                    end - first,
                    libc::MADV_POPULATE_WRITE,
                );
            }
        });
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn range(_start: usize, _len: usize) {}
