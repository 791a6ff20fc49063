//! A memory hint for the passes' random accesses (the id index's probes, the slots' records, the
//! pairs' places): ask for the cache line a row will need [`AHEAD`] rows before it is read.

/// How many rows ahead a batch asks for the memory a row will need.
pub(crate) const AHEAD: usize = 16;

/// Asks the processor to start loading `value`'s cache line (a hint: it reads nothing).
#[inline(always)]
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: a prefetch is only a hint; it neither reads nor writes memory and cannot fault.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(value).cast()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
