//! A bounded load against a running `dosera serve`: a fixed number of
//! concurrent kept-alive connections send a fixed count of requests to one
//! endpoint, or as many as fit in a time limit, after a warm-up. Prints
//! requests per second, latency percentiles and errors, and with
//! `--server-pid` the server's resident memory after the warm-up, at its
//! peak and at the end. `scripts/bench-serve` runs it.
//!
//! ```text
//! cargo run --release -p dosera-serve --example load -- \
//!     --base http://127.0.0.1:8080 --endpoint order-sign \
//!     --connections 32 --requests 50000 --max-seconds 60 --server-pid 1234
//! ```
//!
//! The last line of the output is a `result key=value …` record for
//! scripts. The exit status is 1 when any request failed, 2 on bad
//! arguments.

#[path = "load/mod.rs"]
mod load;

use std::process::ExitCode;
use std::time::Duration;

use load::{Endpoint, Plan};

const USAGE: &str = "usage: load --base http://HOST:PORT --endpoint recommend|order-sign \
[--connections 32] [--requests 50000] [--max-seconds 60] [--warmup 500] [--server-pid PID]";

/// The command line, read.
struct Args {
    plan: Plan,
    warmup: u64,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut base = None;
    let mut endpoint = None;
    let mut connections = 32usize;
    let mut requests = 50_000u64;
    let mut max_seconds = 60.0f64;
    let mut warmup = 500u64;
    let mut pid = None;
    let mut args = args.peekable();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |v: String| format!("{flag}: `{v}` is not a number");
        match flag.as_str() {
            "--base" => base = Some(value()?),
            "--endpoint" => {
                let v = value()?;
                endpoint =
                    Some(Endpoint::parse(&v).ok_or_else(|| {
                        format!("--endpoint: `{v}` is not recommend or order-sign")
                    })?);
            }
            "--connections" => {
                let v = value()?;
                connections = v.parse().map_err(|_| number(v))?;
            }
            "--requests" => {
                let v = value()?;
                requests = v.parse().map_err(|_| number(v))?;
            }
            "--max-seconds" => {
                let v = value()?;
                max_seconds = v.parse().map_err(|_| number(v))?;
            }
            "--warmup" => {
                let v = value()?;
                warmup = v.parse().map_err(|_| number(v))?;
            }
            "--server-pid" => {
                let v = value()?;
                pid = Some(v.parse().map_err(|_| number(v))?);
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let base = base.ok_or("--base is required")?;
    let endpoint = endpoint.ok_or("--endpoint is required")?;
    if connections == 0 || requests == 0 {
        return Err("--connections and --requests must be above 0".into());
    }
    let max_time = Duration::try_from_secs_f64(max_seconds)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or("--max-seconds must be a positive number")?;
    let mut plan = Plan::new(&base, endpoint, connections, requests);
    plan.max_time = max_time;
    plan.watch_pid = pid;
    Ok(Args { plan, warmup })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("load: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    if args.warmup > 0 {
        let mut warm = args.plan.clone();
        warm.requests = args.warmup;
        warm.watch_pid = None;
        let w = load::run(&warm).await;
        println!("warm-up {}", w.summary());
        if w.errors() > 0 {
            return ExitCode::from(1);
        }
    }
    let outcome = load::run(&args.plan).await;
    println!("{}", outcome.summary());
    println!("{}", outcome.record());
    if outcome.errors() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
