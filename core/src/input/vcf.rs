//! VCF adapter (placeholder being written).
