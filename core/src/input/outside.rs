//! Outside calls (placeholder being written).
