#![no_main]
//! Arbitrary chains of view operations: every accepted view reads exactly the storage its
//! shape, strides and offset name, never outside it.

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| ferrograd_fuzz::check_view_chain(bytes));
