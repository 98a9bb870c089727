//! Prometheus-style metrics in the text exposition format: requests by
//! route and status, latency histograms by route, requests refused as
//! busy, cards by indicator and feedback by outcome.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
    busy: u64,
    cards: BTreeMap<String, u64>,
    feedback: BTreeMap<String, u64>,
}

/// The counters of one server process.
#[derive(Default)]
pub(crate) struct Metrics {
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Metrics {
    fn with(&self, f: impl FnOnce(&mut Inner)) {
        if let Ok(mut i) = self.inner.lock() {
            f(&mut i);
        }
    }

    /// Counts one answered request.
    pub(crate) fn request(&self, method: &str, route: &str, status: u16, took: Duration) {
        let secs = took.as_secs_f64();
        self.with(|i| {
            *i.requests
                .entry((method.to_string(), route.to_string(), status))
                .or_default() += 1;
            let h = i.latency.entry(route.to_string()).or_default();
            for (n, b) in BUCKETS.iter().enumerate() {
                if secs <= *b {
                    h.counts[n] += 1;
                }
            }
            h.sum += secs;
            h.count += 1;
        });
    }

    /// Counts a request refused because too many were in flight.
    pub(crate) fn busy(&self) {
        self.with(|i| i.busy += 1);
    }

    /// Counts a card returned.
    pub(crate) fn card(&self, indicator: &str) {
        self.with(|i| *i.cards.entry(indicator.to_string()).or_default() += 1);
    }

    /// Counts a feedback item.
    pub(crate) fn feedback(&self, outcome: &str) {
        self.with(|i| *i.feedback.entry(outcome.to_string()).or_default() += 1);
    }

    /// The metrics as Prometheus text, with the requests in flight now.
    pub(crate) fn render(&self, in_flight: usize) -> String {
        let mut out = String::new();
        let Ok(i) = self.inner.lock() else {
            return out;
        };
        let _ = writeln!(
            out,
            "# HELP dosera_http_requests_total Requests answered, by method, route and status."
        );
        let _ = writeln!(out, "# TYPE dosera_http_requests_total counter");
        for ((m, r, s), n) in &i.requests {
            let _ = writeln!(
                out,
                "dosera_http_requests_total{{method=\"{m}\",route=\"{r}\",status=\"{s}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP dosera_http_request_duration_seconds Time to answer, by route."
        );
        let _ = writeln!(out, "# TYPE dosera_http_request_duration_seconds histogram");
        for (r, h) in &i.latency {
            for (n, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "dosera_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"{b}\"}} {}",
                    h.counts[n]
                );
            }
            let _ = writeln!(
                out,
                "dosera_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "dosera_http_request_duration_seconds_sum{{route=\"{r}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "dosera_http_request_duration_seconds_count{{route=\"{r}\"}} {}",
                h.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP dosera_http_in_flight Requests being answered now."
        );
        let _ = writeln!(out, "# TYPE dosera_http_in_flight gauge");
        let _ = writeln!(out, "dosera_http_in_flight {in_flight}");
        let _ = writeln!(
            out,
            "# HELP dosera_http_busy_total Requests refused because too many were in flight."
        );
        let _ = writeln!(out, "# TYPE dosera_http_busy_total counter");
        let _ = writeln!(out, "dosera_http_busy_total {}", i.busy);
        let _ = writeln!(
            out,
            "# HELP dosera_cds_cards_total CDS Hooks cards returned, by indicator."
        );
        let _ = writeln!(out, "# TYPE dosera_cds_cards_total counter");
        for (k, n) in &i.cards {
            let _ = writeln!(out, "dosera_cds_cards_total{{indicator=\"{k}\"}} {n}");
        }
        let _ = writeln!(
            out,
            "# HELP dosera_cds_feedback_total CDS Hooks feedback items, by outcome."
        );
        let _ = writeln!(out, "# TYPE dosera_cds_feedback_total counter");
        for (k, n) in &i.feedback {
            let _ = writeln!(out, "dosera_cds_feedback_total{{outcome=\"{k}\"}} {n}");
        }
        out
    }
}
