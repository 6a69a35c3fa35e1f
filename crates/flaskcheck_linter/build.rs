//! Computes `FLASKCHECK_BUILD_FINGERPRINT`: a hash of every source that decides what the file
//! pass produces (this crate, the parser crate, the rule documents that give findings their
//! severity, and `Cargo.lock`, which pins the parser). The cache of the file pass is keyed by it,
//! so a build whose facts have another layout, or whose `ast` checks report other findings, never
//! reads what an earlier build wrote, even when the version number did not change (as it does not
//! between two commits).

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let inputs = [
        manifest.join("src"),
        manifest.join("../flaskcheck_python/src"),
        manifest.join("../../rules"),
        manifest.join("../../Cargo.lock"),
    ];
    let mut files = Vec::new();
    for input in &inputs {
        println!("cargo:rerun-if-changed={}", input.display());
        collect(input, &mut files);
    }
    files.sort();
    let mut hasher = DefaultHasher::new();
    for file in &files {
        let relative = file.strip_prefix(&manifest).unwrap_or(file);
        relative
            .to_string_lossy()
            .replace('\\', "/")
            .hash(&mut hasher);
        std::fs::read(file).unwrap_or_default().hash(&mut hasher);
    }
    println!(
        "cargo:rustc-env=FLASKCHECK_BUILD_FINGERPRINT={:016x}",
        hasher.finish()
    );
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        out.push(path.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    for entry in entries.flatten() {
        collect(&entry.path(), out);
    }
}
