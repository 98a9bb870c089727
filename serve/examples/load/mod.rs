//! A bounded load generator for the HTTP service, shared by the `load`
//! example (what `scripts/bench-serve` runs against a release server) and
//! by `tests/load.rs` (the same load against a server inside the test).
//!
//! A fixed number of workers, each with its own client and so its own
//! kept-alive connection, take request numbers from a shared counter
//! until the fixed count is taken or the time limit passes, whichever
//! comes first. Every latency is kept; a response that is not 2xx and a
//! request that fails on the way are errors. With a process id to watch,
//! that process's resident memory is sampled every 250 ms.
//!
//! ```no_run
//! # async fn example() {
//! let plan = Plan::new("http://127.0.0.1:8080", Endpoint::Recommend, 32, 1_000);
//! let outcome = run(&plan).await;
//! println!("{}", outcome.summary());
//! # }
//! ```

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How often the watched process's memory is sampled.
pub const RSS_EVERY: Duration = Duration::from_millis(250);

/// Longest wait for one response before it counts as an error.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

const RXNORM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";

/// The route a load is sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /v1/recommend` with a recommendation request.
    Recommend,
    /// `POST /cds-services/dosera-pgx-order-sign` with a CDS Hooks request.
    OrderSign,
}

impl Endpoint {
    /// Both endpoints, in the order the benchmark reports them.
    pub const ALL: [Endpoint; 2] = [Endpoint::Recommend, Endpoint::OrderSign];

    /// The endpoint of a command-line name (`recommend`, `order-sign`).
    // The test names its endpoints directly; only the example reads names.
    #[allow(dead_code)]
    pub fn parse(name: &str) -> Option<Endpoint> {
        Endpoint::ALL.into_iter().find(|e| e.name() == name)
    }

    /// The command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::Recommend => "recommend",
            Endpoint::OrderSign => "order-sign",
        }
    }

    /// The path of the route.
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Recommend => "/v1/recommend",
            Endpoint::OrderSign => "/cds-services/dosera-pgx-order-sign",
        }
    }

    /// The route label the server's metrics count this endpoint under.
    // Only the test reads the metrics.
    #[allow(dead_code)]
    pub fn route(self) -> &'static str {
        match self {
            Endpoint::Recommend => "/v1/recommend",
            Endpoint::OrderSign => "/cds-services/{id}",
        }
    }

    /// The request bodies the load cycles through: a small fixed set of
    /// realistic requests (JSON text).
    pub fn bodies(self) -> Vec<String> {
        match self {
            Endpoint::Recommend => recommend_bodies(),
            Endpoint::OrderSign => order_sign_bodies(),
        }
    }
}

/// Gene results, as `(gene, value)`.
type Results = &'static [(&'static str, &'static str)];

/// Gene results of a few made-up patients.
const PATIENTS: [Results; 3] = [
    &[
        ("CYP2C19", "*2/*2"),
        ("CYP2D6", "*4/*4"),
        ("SLCO1B1", "*5/*5"),
        ("HLA-B", "*57:01/*08:01"),
    ],
    &[
        ("CYP2C19", "*1/*17"),
        ("CYP2D6", "*1/*2"),
        ("CYP2C9", "*1/*3"),
        ("TPMT", "*1/*3A"),
        ("NUDT15", "*1/*1"),
    ],
    &[
        ("CYP2C19", "*1/*2"),
        ("CYP2D6", "*1/*4"),
        ("SLCO1B1", "*1/*5"),
        ("CYP3A5", "*3/*3"),
        ("TPMT", "*1/*1"),
    ],
];

/// Medication orders, as `(RxNorm code, name)`: one to three per set.
const ORDERS: [&[(&str, &str)]; 4] = [
    &[("32968", "clopidogrel")],
    &[("2670", "codeine"), ("36567", "simvastatin")],
    &[
        ("2556", "citalopram"),
        ("1256", "azathioprine"),
        ("190521", "abacavir"),
    ],
    &[("42316", "tacrolimus"), ("26225", "ondansetron")],
];

/// Bodies of `POST /v1/recommend`: a few genes with the drugs they bear on.
fn recommend_bodies() -> Vec<String> {
    let requests: [(Results, &[&str]); 5] = [
        (&[("CYP2C19", "*2/*2")], &["clopidogrel"]),
        (
            &[("CYP2D6", "*4/*4"), ("CYP2C19", "*1/*17")],
            &["codeine", "tramadol", "citalopram", "amitriptyline"],
        ),
        (
            &[("TPMT", "*1/*3A"), ("NUDT15", "*1/*3")],
            &["azathioprine", "mercaptopurine"],
        ),
        (
            &[("CYP2C9", "*1/*3"), ("SLCO1B1", "*5/*5")],
            &["simvastatin", "celecoxib", "phenytoin"],
        ),
        (
            &[("HLA-B", "*57:01 positive"), ("CYP3A5", "*3/*3")],
            &["abacavir", "tacrolimus"],
        ),
    ];
    requests
        .iter()
        .map(|(genes, drugs)| {
            let genes: Vec<Value> = genes
                .iter()
                .map(|(gene, value)| json!({ "gene": gene, "value": value }))
                .collect();
            json!({ "genes": genes, "drugs": drugs }).to_string()
        })
        .collect()
}

/// Bodies of the order-sign service: every order set for every patient,
/// the results as a FHIR searchset of genotype Observations in the
/// prefetch.
fn order_sign_bodies() -> Vec<String> {
    let mut out = Vec::new();
    for (p, results) in PATIENTS.iter().enumerate() {
        for (o, orders) in ORDERS.iter().enumerate() {
            let patient = format!("load-patient-{p}-{o}");
            let entries: Vec<Value> = orders
                .iter()
                .enumerate()
                .map(|(n, (code, name))| {
                    json!({ "resource": {
                        "resourceType": "MedicationRequest",
                        "id": format!("order-{n}"),
                        "status": "draft",
                        "intent": "order",
                        "subject": { "reference": format!("Patient/{patient}") },
                        "medicationCodeableConcept": {
                            "coding": [{ "system": RXNORM, "code": code, "display": name }],
                        },
                    }})
                })
                .collect();
            let observations: Vec<Value> = results
                .iter()
                .map(|(gene, diplotype)| json!({ "resource": genotype(gene, diplotype) }))
                .collect();
            let body = json!({
                "hook": "order-sign",
                "hookInstance": format!("d1577c69-dfbe-44ad-ba6d-3e05e953b2{p}{o}"),
                "context": {
                    "userId": "Practitioner/example",
                    "patientId": patient,
                    "draftOrders": { "resourceType": "Bundle", "type": "collection", "entry": entries },
                },
                "prefetch": {
                    "pgx": { "resourceType": "Bundle", "type": "searchset", "entry": observations },
                },
            });
            out.push(body.to_string());
        }
    }
    out
}

/// One genotype Observation as dosera's FHIR bundle writes it.
fn genotype(gene: &str, diplotype: &str) -> Value {
    json!({
        "resourceType": "Observation",
        "status": "final",
        "code": { "coding": [{ "system": "http://loinc.org", "code": "84413-4", "display": "Genotype display name" }] },
        "valueCodeableConcept": { "text": diplotype },
        "component": [{
            "code": { "coding": [{ "system": "http://loinc.org", "code": "48018-6", "display": "Gene studied [ID]" }] },
            "valueCodeableConcept": { "text": gene },
        }],
    })
}

/// What to send, where, and when to stop.
#[derive(Debug, Clone)]
pub struct Plan {
    /// `http://HOST:PORT` of the server.
    pub base: String,
    /// The route.
    pub endpoint: Endpoint,
    /// Concurrent connections (one worker each).
    pub connections: usize,
    /// Requests to send in all.
    pub requests: u64,
    /// Stop sending when this much time has passed, even short of the count.
    pub max_time: Duration,
    /// The process whose resident memory is sampled (the server's).
    pub watch_pid: Option<u32>,
}

impl Plan {
    /// A plan with a time limit of a minute and no memory sampling.
    pub fn new(base: &str, endpoint: Endpoint, connections: usize, requests: u64) -> Plan {
        Plan {
            base: base.trim_end_matches('/').to_string(),
            endpoint,
            connections,
            requests,
            max_time: Duration::from_secs(60),
            watch_pid: None,
        }
    }
}

/// Why a load stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Every request of the fixed count was answered.
    Count,
    /// The time limit passed first.
    Time,
}

/// Resident memory of the watched process, in kB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rss {
    /// When the load started (after any warm-up the caller ran).
    pub start_kb: u64,
    /// The largest sample during the load.
    pub peak_kb: u64,
    /// After the last response.
    pub end_kb: u64,
}

/// The result of a load.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The route.
    pub endpoint: Endpoint,
    /// Concurrent connections.
    pub connections: usize,
    /// Requests that got a 2xx response.
    pub ok: u64,
    /// Responses with another status.
    pub bad_status: u64,
    /// Requests that failed on the way (connection, timeout, body).
    pub transport: u64,
    /// The first error seen, for the report.
    pub first_error: Option<String>,
    /// From the first request sent to the last response.
    pub elapsed: Duration,
    /// Why it stopped.
    pub stop: Stop,
    /// Every response's latency, sorted.
    pub latencies: Vec<Duration>,
    /// The watched process's memory, when one was watched.
    pub rss: Option<Rss>,
}

impl Outcome {
    /// Requests sent and finished, errors included.
    pub fn requests(&self) -> u64 {
        self.ok + self.bad_status + self.transport
    }

    /// Non-2xx responses and failed requests.
    pub fn errors(&self) -> u64 {
        self.bad_status + self.transport
    }

    /// Finished requests per second.
    pub fn per_second(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 {
            self.requests() as f64 / s
        } else {
            0.0
        }
    }

    /// The latency below which a share `q` (0 to 1) of the responses fell
    /// (nearest rank); zero when there were none.
    pub fn quantile(&self, q: f64) -> Duration {
        let n = self.latencies.len();
        if n == 0 {
            return Duration::ZERO;
        }
        let rank = (q * n as f64).ceil() as usize;
        self.latencies[rank.clamp(1, n) - 1]
    }

    /// The slowest response.
    pub fn max(&self) -> Duration {
        self.latencies.last().copied().unwrap_or_default()
    }

    /// One line for people.
    pub fn summary(&self) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let mut s = format!(
            "{}: {} requests over {} connections in {:.2} s ({}): {:.0} req/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; errors {} ({} non-2xx, {} failed)",
            self.endpoint.name(),
            self.requests(),
            self.connections,
            self.elapsed.as_secs_f64(),
            match self.stop {
                Stop::Count => "count reached",
                Stop::Time => "time limit reached",
            },
            self.per_second(),
            ms(self.quantile(0.5)),
            ms(self.quantile(0.99)),
            ms(self.max()),
            self.errors(),
            self.bad_status,
            self.transport,
        );
        if let Some(r) = self.rss {
            let _ = write!(
                s,
                "; watched RSS at start {:.1} MB, peak {:.1} MB, end {:.1} MB",
                r.start_kb as f64 / 1024.0,
                r.peak_kb as f64 / 1024.0,
                r.end_kb as f64 / 1024.0
            );
        }
        if let Some(e) = &self.first_error {
            let _ = write!(s, "; first error: {e}");
        }
        s
    }

    /// One line of `key=value` fields for scripts, starting with `result`.
    // Only the example prints it.
    #[allow(dead_code)]
    pub fn record(&self) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let rss = |f: fn(&Rss) -> u64| self.rss.as_ref().map(f).unwrap_or(0);
        format!(
            "result endpoint={} connections={} requests={} seconds={:.3} rps={:.1} p50_ms={:.3} p99_ms={:.3} max_ms={:.3} errors={} stop={} rss_start_kb={} rss_peak_kb={} rss_end_kb={}",
            self.endpoint.name(),
            self.connections,
            self.requests(),
            self.elapsed.as_secs_f64(),
            self.per_second(),
            ms(self.quantile(0.5)),
            ms(self.quantile(0.99)),
            ms(self.max()),
            self.errors(),
            match self.stop {
                Stop::Count => "count",
                Stop::Time => "time",
            },
            rss(|r| r.start_kb),
            rss(|r| r.peak_kb),
            rss(|r| r.end_kb),
        )
    }
}

/// The resident memory of a process in kB (`VmRSS` of
/// `/proc/PID/status`); `None` where that cannot be read.
pub fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// What one worker saw.
#[derive(Default)]
struct Tally {
    ok: u64,
    bad_status: u64,
    transport: u64,
    first_error: Option<String>,
    latencies: Vec<Duration>,
}

/// A client of one kept-alive connection, without proxies.
fn client() -> reqwest::Client {
    // The service's crate builds reqwest with rustls and no crypto
    // provider of its own; the plain-HTTP client still needs one set.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(1)
        .tcp_nodelay(true)
        .timeout(REQUEST_TIMEOUT)
        .build()
        .unwrap_or_default()
}

/// Runs a load to its end (the count sent or the time limit passed) and
/// reports it.
pub async fn run(plan: &Plan) -> Outcome {
    let bodies: Arc<Vec<String>> = Arc::new(plan.endpoint.bodies());
    let url: Arc<str> = format!("{}{}", plan.base, plan.endpoint.path()).into();
    let next = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));

    let sampler = plan.watch_pid.map(|pid| {
        let done = done.clone();
        let start = rss_kb(pid).unwrap_or(0);
        let task = tokio::spawn(async move {
            let mut peak = start;
            let mut tick = tokio::time::interval(RSS_EVERY);
            while !done.load(Ordering::Relaxed) {
                tick.tick().await;
                peak = peak.max(rss_kb(pid).unwrap_or(0));
            }
            peak
        });
        (pid, start, task)
    });

    let start = Instant::now();
    let deadline = start + plan.max_time;
    let total = plan.requests;
    let per_worker = usize::try_from(total / plan.connections.max(1) as u64 + 1).unwrap_or(0);
    let workers: Vec<_> = (0..plan.connections.max(1))
        .map(|_| {
            let (bodies, url, next) = (bodies.clone(), url.clone(), next.clone());
            tokio::spawn(async move {
                let client = client();
                let mut t = Tally {
                    latencies: Vec::with_capacity(per_worker),
                    ..Tally::default()
                };
                while Instant::now() < deadline {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= total {
                        break;
                    }
                    let body = bodies[(n % bodies.len() as u64) as usize].clone();
                    let sent = Instant::now();
                    let answer = client
                        .post(&*url)
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await;
                    let error = match answer {
                        Ok(resp) => {
                            let status = resp.status();
                            match resp.bytes().await {
                                Ok(_) if status.is_success() => None,
                                Ok(b) => {
                                    t.bad_status += 1;
                                    Some(format!(
                                        "status {status}: {}",
                                        String::from_utf8_lossy(&b[..b.len().min(300)])
                                    ))
                                }
                                Err(e) => {
                                    t.transport += 1;
                                    Some(format!("reading the body: {e}"))
                                }
                            }
                        }
                        Err(e) => {
                            t.transport += 1;
                            Some(format!("sending: {e}"))
                        }
                    };
                    t.latencies.push(sent.elapsed());
                    match error {
                        None => t.ok += 1,
                        Some(e) => {
                            t.first_error.get_or_insert(e);
                        }
                    }
                }
                t
            })
        })
        .collect();

    let mut outcome = Outcome {
        endpoint: plan.endpoint,
        connections: plan.connections,
        ok: 0,
        bad_status: 0,
        transport: 0,
        first_error: None,
        elapsed: Duration::ZERO,
        stop: Stop::Count,
        latencies: Vec::with_capacity(usize::try_from(total).unwrap_or(0)),
        rss: None,
    };
    for w in workers {
        match w.await {
            Ok(t) => {
                outcome.ok += t.ok;
                outcome.bad_status += t.bad_status;
                outcome.transport += t.transport;
                outcome.latencies.extend(t.latencies);
                if outcome.first_error.is_none() {
                    outcome.first_error = t.first_error;
                }
            }
            Err(e) => {
                outcome.transport += 1;
                outcome
                    .first_error
                    .get_or_insert(format!("a worker failed: {e}"));
            }
        }
    }
    outcome.elapsed = start.elapsed();
    outcome.latencies.sort_unstable();
    if outcome.requests() < total {
        outcome.stop = Stop::Time;
    }
    done.store(true, Ordering::Relaxed);
    if let Some((pid, start_kb, task)) = sampler {
        let end_kb = rss_kb(pid).unwrap_or(0);
        let peak_kb = task.await.unwrap_or(0).max(end_kb).max(start_kb);
        outcome.rss = Some(Rss {
            start_kb,
            peak_kb,
            end_kb,
        });
    }
    outcome
}
