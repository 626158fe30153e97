//! The module boundary that `autograd/` keeps: it depends on nothing in `ops/`. Op families
//! give the engine their derivatives through `autograd::op_rule::OpRule`, implemented beside
//! their forward; the pointwise table is `op_table/`, outside both. A `use` of the ops from
//! the engine would compile (one crate), so this test is what keeps the boundary.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("autograd/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn autograd_does_not_reach_into_ops() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/autograd");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    assert!(files.len() > 10, "found only {files:?} under {dir:?}");
    let offending: Vec<String> = files
        .iter()
        .flat_map(|path| {
            let text = fs::read_to_string(path).expect("a source file is UTF-8");
            text.lines()
                .enumerate()
                .filter(|(_, line)| {
                    line.contains("crate::ops") || line.contains("super::super::ops")
                })
                .map(|(n, line)| format!("{}:{}: {}", path.display(), n + 1, line.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        offending.is_empty(),
        "autograd/ must not use ops/ (implement `autograd::op_rule::OpRule` beside the op's \
         forward instead):\n{}",
        offending.join("\n")
    );
}
