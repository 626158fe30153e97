pub mod fuzz_checks;
