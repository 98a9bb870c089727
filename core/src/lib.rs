//! dosera: pharmacogenomics clinical decision support.
#![forbid(unsafe_code)]

pub mod error;
pub mod pack;

pub use error::{Error, ErrorCode, Result};
pub use pack::Source;
