//! The properties the targets check, shared with the engine's regular tests
//! (`rust/ferrograd/tests/fuzz_properties.rs`), so both always test the same thing.

#[path = "../../rust/ferrograd/tests/common/fuzz_checks.rs"]
mod fuzz_checks;

pub use fuzz_checks::{check_view_chain, check_weights_file};
