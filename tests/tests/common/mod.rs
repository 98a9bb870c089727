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

/// The same VCF as BCF, written by noodles (bgzip-compressed or plain).
#[allow(dead_code)] // not every test file writes BCF
pub fn to_bcf(text: &str, compressed: bool) -> Vec<u8> {
    use noodles_vcf::variant::io::Write as _;
    let mut reader = noodles_vcf::io::Reader::new(text.as_bytes());
    let header = reader.read_header().unwrap();
    let records: Vec<_> = reader.records().map(Result::unwrap).collect();
    if compressed {
        let mut writer = noodles_bcf::io::Writer::new(Vec::new());
        writer.write_variant_header(&header).unwrap();
        for r in &records {
            writer.write_variant_record(&header, r).unwrap();
        }
        writer.into_inner().finish().unwrap()
    } else {
        let mut writer = noodles_bcf::io::Writer::from(Vec::new());
        writer.write_variant_header(&header).unwrap();
        for r in &records {
            writer.write_variant_record(&header, r).unwrap();
        }
        writer.into_inner()
    }
}
