//! Helpers shared by several test files (each includes this as `mod common`).

use std::io::Write;

/// `bytes` gzip-compressed (one ordinary gzip member).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// `bytes` bgzip-compressed, with the end-of-file block.
pub fn bgzip(bytes: &[u8]) -> Vec<u8> {
    let mut writer = noodles_bgzf::io::Writer::new(Vec::new());
    writer.write_all(bytes).unwrap();
    writer.finish().unwrap()
}
