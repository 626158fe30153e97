#![no_main]
//! Arbitrary bytes loaded as a safetensors state dict: an error or consistent tensors, never a
//! panic or an allocation beyond the file.

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| ferrograd_fuzz::check_weights_file(bytes));
