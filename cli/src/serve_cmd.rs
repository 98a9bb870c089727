//! `dosera serve`: the HTTP service (CDS Hooks, REST, metrics).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use dosera::Error;
use dosera_serve::server::{jwt::JwtConfig, serve_blocking, Config, LogSink};

use crate::report_cmd::LangArg;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Language of the text when a request's Accept-Language names neither
    /// English nor Swedish.
    #[arg(long, value_enum, default_value = "en")]
    lang: LangArg,
    /// Largest request body, in bytes.
    #[arg(long, default_value_t = 16 * 1024 * 1024)]
    max_body_bytes: usize,
    /// Longest time to receive a request body, in seconds.
    #[arg(long, default_value_t = 10.0)]
    body_timeout: f64,
    /// Longest time to answer a request, in seconds.
    #[arg(long, default_value_t = 30.0)]
    request_timeout: f64,
    /// Requests answered at once; more are refused with 503.
    #[arg(long, default_value_t = 256)]
    max_in_flight: usize,
    /// Most entries of a CDS Hooks draftOrders bundle.
    #[arg(long, default_value_t = 100)]
    max_orders: usize,
    /// Verify the EHR's signed JWT on CDS Hooks calls against this JSON Web
    /// Key Set file (needs --jwt-audience).
    #[arg(long, value_name = "FILE", requires = "jwt_audience")]
    jwks: Option<PathBuf>,
    /// This service's public base URL (`https://cds.example.org`): a
    /// token's `aud` must be the endpoint it was sent to under it.
    #[arg(long, value_name = "URL")]
    jwt_audience: Option<String>,
    /// A trusted token issuer (repeat); any issuer when none is given.
    #[arg(long, value_name = "ISS")]
    jwt_issuer: Vec<String>,
    /// No access log on standard error.
    #[arg(long)]
    quiet: bool,
}

fn seconds(s: f64, what: &str) -> Result<Duration, Error> {
    Duration::try_from_secs_f64(s)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| Error::Usage(format!("--{what} must be a positive number of seconds")))
}

pub fn run(packs: Option<PathBuf>, args: ServeArgs) -> Result<(), Error> {
    let jwt = match (&args.jwks, &args.jwt_audience) {
        (Some(file), Some(aud)) => {
            Some(JwtConfig::from_file(file, aud, args.jwt_issuer.clone()).map_err(Error::Usage)?)
        }
        _ => None,
    };
    if args.max_in_flight == 0 || args.max_orders == 0 || args.max_body_bytes == 0 {
        return Err(Error::Usage(
            "--max-in-flight, --max-orders and --max-body-bytes must be above 0".into(),
        ));
    }
    let config = Config {
        addr: args.addr,
        packs,
        lang: args.lang.lang(),
        max_body_bytes: args.max_body_bytes,
        body_timeout: seconds(args.body_timeout, "body-timeout")?,
        request_timeout: seconds(args.request_timeout, "request-timeout")?,
        max_in_flight: args.max_in_flight,
        max_orders: args.max_orders,
        jwt,
        log: if args.quiet {
            LogSink::Off
        } else {
            LogSink::Stderr
        },
        ..Config::default()
    };
    serve_blocking(config).map_err(|e| match e {
        dosera_serve::server::ServeError::Packs(e) => e,
        other => Error::Usage(other.to_string()),
    })
}
