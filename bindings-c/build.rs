//! Writes the C header with cbindgen into `OUT_DIR/dosera.h` and gives the
//! shared library its SONAME (`libdosera.so.<ABI version>`).
//!
//! The committed header is `include/dosera.h`; `scripts/test-c` compares the
//! two and fails on any difference (`DOSERA_UPDATE_HEADER=1 scripts/test-c`
//! copies the fresh one over). `DOSERA_C_SRC_DIR` points the generator at
//! another copy of `src/` (the drift check's own self-test uses it).

use std::env;
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets this"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets this"));
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-env-changed=DOSERA_C_SRC_DIR");
    let src_dir = env::var_os("DOSERA_C_SRC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_dir.join("src"));
    let lib_rs = src_dir.join("lib.rs");

    let abi = abi_version(&std::fs::read_to_string(&lib_rs).expect("src/lib.rs is readable"));
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libdosera.so.{abi}");
    }

    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("cbindgen.toml is valid");
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(&lib_rs)
        .generate()
        .expect("cbindgen reads src/lib.rs");
    bindings.write_to_file(out_dir.join("dosera.h"));
}

/// The value of `DOSERA_ABI_VERSION` in `src/lib.rs`: the one place it is set.
fn abi_version(lib_rs: &str) -> u32 {
    lib_rs
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("pub const DOSERA_ABI_VERSION: u32 = ")?
                .strip_suffix(';')?
                .parse()
                .ok()
        })
        .expect("src/lib.rs defines `pub const DOSERA_ABI_VERSION: u32 = N;`")
}
