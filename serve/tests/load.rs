//! A bounded load on the server inside this test process: 32 concurrent
//! kept-alive connections on `POST /v1/recommend` and on the order-sign
//! service, with the load generator of `examples/load` (the one
//! `scripts/bench-serve` runs against a release server). After a warm-up,
//! two equal rounds of a fixed count each: every request must succeed,
//! the process's resident memory must not keep growing from the first
//! round to the second, and `/metrics` must count every request. The
//! speed figures are printed, never checked (`docs/performance.md` holds
//! the release figures).

mod common;
#[path = "../examples/load/mod.rs"]
mod load;

use std::time::Duration;

use common::Server;
use dosera_serve::server::LogSink;
use load::{Endpoint, Plan};
use serde_json::Value;

const CONNECTIONS: usize = 32;
/// Requests per endpoint before memory is first measured: every worker
/// thread's allocator arena and the connections are in use by then.
const WARMUP: u64 = 500;
/// Requests per endpoint in each measured round.
const ROUND: u64 = 2_000;
/// A safety stop per load, far above what a round takes (a few seconds in
/// a debug build on two cores); it keeps the test bounded, it is not a
/// speed goal.
const MAX_TIME: Duration = Duration::from_secs(120);
/// Most growth of the resident memory allowed from the end of round 1 to
/// the end of round 2, in kB. Round 2 answers 4,000 requests, so a leak of
/// 2 kB per request (8 MB) fails. Memory that settles at a plateau (the
/// allocator's arenas, the runtime's threads, 32 clients' buffers) grew by
/// 2 to 8 MB over round 1 and by 0.2 to 3.4 MB over round 2 in runs on a
/// busy two-core machine.
const GROWTH_BOUND_KB: u64 = 8 * 1024;

fn plan(s: &Server, endpoint: Endpoint, requests: u64) -> Plan {
    let mut p = Plan::new(&s.base, endpoint, CONNECTIONS, requests);
    p.max_time = MAX_TIME;
    p
}

fn rss() -> u64 {
    load::rss_kb(std::process::id()).expect("VmRSS of /proc/self/status")
}

/// Threads of this process (the runtime's blocking pool grows with the
/// load), for the printed figures.
fn threads() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Threads:"))
                .map(|n| n.trim().to_string())
        })
        .unwrap_or_default()
}

/// The count of `dosera_http_requests_total` for a route and status.
fn counted(metrics: &str, route: &str, status: u16) -> u64 {
    let key = format!(
        "dosera_http_requests_total{{method=\"POST\",route=\"{route}\",status=\"{status}\"}} "
    );
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(key.as_str()))
        .map(|n| n.trim().parse().expect("a count"))
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn recommend_and_order_sign_under_32_connections_answer_every_request_in_flat_memory() {
    // No access log: a log kept in memory would itself grow per request.
    let s = Server::with(|c| c.log = LogSink::Off).await;

    // Each body of the load is answered, and most with advice: the load
    // exercises the engine, not an error path. (A normal result, such as
    // CYP2C19 *1/*17 for clopidogrel, rightly gets no card.)
    let mut checked = [0u64; 2];
    for (i, endpoint) in Endpoint::ALL.into_iter().enumerate() {
        let mut with_advice = 0;
        for body in endpoint.bodies() {
            let body: Value = serde_json::from_str(&body).unwrap();
            let (status, answer) = s.post(endpoint.path(), &body).await;
            assert_eq!(status, 200, "{body}\n{answer:#}");
            let items = match endpoint {
                Endpoint::Recommend => &answer["drugs"],
                Endpoint::OrderSign => &answer["cards"],
            };
            let items = items.as_array().expect("an array of results");
            println!(
                "{} body {}: {} items",
                endpoint.name(),
                checked[i],
                items.len()
            );
            with_advice += usize::from(!items.is_empty());
            checked[i] += 1;
        }
        assert!(
            with_advice * 4 >= checked[i] as usize * 3,
            "{}: only {with_advice} of {} bodies get advice",
            endpoint.name(),
            checked[i]
        );
    }

    for endpoint in Endpoint::ALL {
        let warm = load::run(&plan(&s, endpoint, WARMUP)).await;
        println!("warm-up {}", warm.summary());
        assert_eq!(warm.errors(), 0, "{}", warm.summary());
    }

    let mut answered = checked.map(|n| n + WARMUP);
    let mut rss_at = vec![("after warm-up", rss(), threads())];
    for round in 1..=2 {
        for (i, endpoint) in Endpoint::ALL.into_iter().enumerate() {
            let mut p = plan(&s, endpoint, ROUND);
            p.watch_pid = Some(std::process::id());
            let outcome = load::run(&p).await;
            println!("round {round} {}", outcome.summary());
            assert_eq!(outcome.errors(), 0, "{}", outcome.summary());
            answered[i] += outcome.ok;
        }
        let when = if round == 1 {
            "after round 1"
        } else {
            "after round 2"
        };
        rss_at.push((when, rss(), threads()));
    }
    let line: Vec<String> = rss_at
        .iter()
        .map(|(when, kb, threads)| {
            format!("{when} {:.1} MB ({threads} threads)", *kb as f64 / 1024.0)
        })
        .collect();
    println!("test process RSS: {}", line.join(", "));
    let (round1, round2) = (rss_at[1].1, rss_at[2].1);
    assert!(
        round2.saturating_sub(round1) < GROWTH_BOUND_KB,
        "resident memory grew by {} kB over round 2 (bound {GROWTH_BOUND_KB} kB): {}",
        round2 - round1,
        line.join(", ")
    );

    let (status, metrics) = s.get("/metrics").await;
    assert_eq!(status, 200);
    let metrics = metrics.as_str().expect("metrics are text");
    for (i, endpoint) in Endpoint::ALL.into_iter().enumerate() {
        assert_eq!(
            counted(metrics, endpoint.route(), 200),
            answered[i],
            "{}: {metrics}",
            endpoint.name()
        );
    }
    assert!(metrics.contains("dosera_http_busy_total 0"), "{metrics}");
    s.stop().await;
}
