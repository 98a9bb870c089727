//! dosera over HTTP for hospital systems: CDS Hooks services for the
//! `order-select` and `order-sign` hooks, a REST API with the same request
//! JSON as the C and WebAssembly bindings, and Prometheus metrics.
//!
//! The service is stateless: every request carries what it needs (the
//! orders and the patient's results, or a FHIR server to fetch them from),
//! so any number of replicas can run behind a load balancer. Nothing about
//! a patient is logged.
//!
//! Without the default `server` feature, the crate holds only the pure
//! parts: [`hooks`] reads hook requests and writes cards, [`Problem`] is
//! the error body.
//!
//! ```
//! let engine = dosera::Engine::bundled().unwrap();
//! let discovery = dosera_serve::hooks::discovery();
//! assert_eq!(discovery["services"].as_array().unwrap().len(), 2);
//! # let _ = engine;
//! ```
#![forbid(unsafe_code)]

pub mod hooks;
mod problem;
#[cfg(feature = "server")]
pub mod server;

pub use problem::{Problem, PROBLEM_JSON};
