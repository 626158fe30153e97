//! The fuzz targets' properties (`fuzz/`, run by `scripts/fuzz.sh` under libFuzzer) as regular
//! tests: on crafted weights files, on every file of the fuzz corpora, and on seeded random
//! inputs, so that a regression shows in `cargo test` without a fuzzing run.

mod common;

use common::fuzz_checks::{check_view_chain, check_weights_file};
use ferrograd::serialize::{state_dict_from_bytes, state_dict_to_bytes};
use ferrograd::Tensor;

/// xorshift64*: seeded, dependency-free bytes for the random cases.
fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

fn a_valid_file() -> Vec<u8> {
    let state = [
        (
            "weight".to_string(),
            Tensor::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], &[2, 2]).unwrap(),
        ),
        (
            "bias".to_string(),
            Tensor::from_vec(vec![0.5f64, -0.5], &[2]).unwrap(),
        ),
    ]
    .into_iter()
    .collect();
    state_dict_to_bytes(&state).unwrap()
}

/// A safetensors file: an 8-byte little-endian header length, the JSON header, the data.
fn file_with_header(header: &str, data: &[u8]) -> Vec<u8> {
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(data);
    bytes
}

#[test]
fn crafted_weights_files_are_refused_with_an_error() {
    let valid = a_valid_file();
    let crafted: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("short length", vec![1, 2, 3]),
        ("length past the end", u64::MAX.to_le_bytes().to_vec()),
        ("truncated data", valid[..valid.len() - 3].to_vec()),
        ("not json", file_with_header("{not json", &[])),
        (
            "offsets past the data",
            file_with_header(
                r#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
                &[0; 4],
            ),
        ),
        (
            "shape disagrees with the bytes",
            file_with_header(
                r#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#,
                &[0; 8],
            ),
        ),
        (
            "huge shape over small data",
            file_with_header(
                r#"{"w":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#,
                &[0; 8],
            ),
        ),
        (
            "unknown dtype",
            file_with_header(
                r#"{"w":{"dtype":"Q7","shape":[1],"data_offsets":[0,1]}}"#,
                &[0],
            ),
        ),
        (
            "overlapping entries",
            file_with_header(
                r#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}"#,
                &[0; 3],
            ),
        ),
    ];
    for (what, bytes) in &crafted {
        assert!(state_dict_from_bytes(bytes).is_err(), "{what}: accepted");
        check_weights_file(bytes);
    }
    let loaded = state_dict_from_bytes(&valid).unwrap();
    assert_eq!(loaded.iter().count(), 2);
}

#[test]
fn every_seed_file_keeps_the_properties() {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/seeds");
    for (target, check) in [
        ("weights_file", check_weights_file as fn(&[u8])),
        ("view_chain", check_view_chain as fn(&[u8])),
    ] {
        let entries = std::fs::read_dir(format!("{corpus}/{target}")).expect("corpus folder");
        let mut seen = 0;
        for entry in entries {
            check(&std::fs::read(entry.unwrap().path()).unwrap());
            seen += 1;
        }
        assert!(seen > 0, "no {target} seeds");
    }
}

#[test]
fn seeded_random_view_chains_address_only_their_storage() {
    for seed in 0..3000 {
        check_view_chain(&random_bytes(seed, 48));
    }
}

#[test]
fn seeded_mutations_of_a_valid_file_never_panic() {
    let valid = a_valid_file();
    for seed in 0..2000 {
        let noise = random_bytes(seed, 4);
        let mut bytes = valid.clone();
        let at = (noise[0] as usize * 256 + noise[1] as usize) % bytes.len();
        bytes[at] ^= noise[2] | 1;
        if noise[3].is_multiple_of(4) {
            bytes.truncate(at);
        }
        check_weights_file(&bytes);
    }
}
