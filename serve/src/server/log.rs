//! The access log: one line per request with the route template, status,
//! time and error code. Never a body, a query string, a header or a path
//! parameter other than the service id: nothing about a patient.

use std::io::Write as _;
use std::sync::{Arc, Mutex};

/// Where log lines go.
#[derive(Debug, Clone, Default)]
pub enum LogSink {
    /// Standard error (the default).
    #[default]
    Stderr,
    /// Nowhere.
    Off,
    /// A shared buffer (tests read it back).
    Memory(Arc<Mutex<Vec<u8>>>),
}

impl LogSink {
    /// A sink writing to a new shared buffer, and the buffer.
    ///
    /// ```
    /// let (sink, buffer) = dosera_serve::server::LogSink::memory();
    /// sink.line("event=start");
    /// assert_eq!(String::from_utf8(buffer.lock().unwrap().clone()).unwrap().trim_end().ends_with("event=start"), true);
    /// ```
    pub fn memory() -> (LogSink, Arc<Mutex<Vec<u8>>>) {
        let b = Arc::new(Mutex::new(Vec::new()));
        (LogSink::Memory(b.clone()), b)
    }

    /// Writes one line, prefixed with the time (seconds since the epoch).
    ///
    /// ```
    /// dosera_serve::server::LogSink::Off.line("event=start");
    /// ```
    pub fn line(&self, text: &str) {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        let line = format!("ts={t:.3} {text}\n");
        match self {
            LogSink::Stderr => {
                let _ = std::io::stderr().write_all(line.as_bytes());
            }
            LogSink::Off => {}
            LogSink::Memory(b) => {
                if let Ok(mut b) = b.lock() {
                    b.extend_from_slice(line.as_bytes());
                }
            }
        }
    }
}
