//! The HTTP server: routes, shared state and start-up.
//!
//! ```no_run
//! # async fn run() -> Result<(), dosera_serve::server::ServeError> {
//! let config = dosera_serve::server::Config::default();
//! dosera_serve::server::serve(config).await
//! # }
//! ```

mod cds;
mod fetch;
mod guard;
pub mod jwt;
mod log;
mod metrics;
mod openapi;
mod rest;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::routing::{get, post};
use axum::Router;
use dosera::pack::words::Lang;
use dosera::Engine;

pub use log::LogSink;
pub use openapi::openapi_document;

/// Every route, as `(method, path)` in the router's path syntax: what the
/// OpenAPI description is checked against.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/cds-services"),
    ("POST", "/cds-services/{id}"),
    ("POST", "/cds-services/{id}/feedback"),
    ("POST", "/v1/recommend"),
    ("POST", "/v1/report"),
    ("GET", "/v1/packs"),
    ("GET", "/healthz"),
    ("GET", "/metrics"),
    ("GET", "/openapi.json"),
];

/// The OpenAPI description of the routes (committed as `serve/openapi.json`).
pub const OPENAPI: &str = include_str!("../../openapi.json");

/// Settings of the server.
///
/// ```
/// use std::time::Duration;
/// let config = dosera_serve::server::Config {
///     addr: "0.0.0.0:8080".parse().unwrap(),
///     lang: dosera::pack::words::Lang::Sv,
///     request_timeout: Duration::from_secs(10),
///     ..Default::default()
/// };
/// assert_eq!(config.max_orders, 100);
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on.
    pub addr: SocketAddr,
    /// A pack folder to load instead of the bundled packs.
    pub packs: Option<PathBuf>,
    /// Language of the text when the request's `Accept-Language` names
    /// neither English nor Swedish.
    pub lang: Lang,
    /// Largest request body read, in bytes.
    pub max_body_bytes: usize,
    /// Longest time to receive a request body.
    pub body_timeout: Duration,
    /// Longest time to answer a request, body included.
    pub request_timeout: Duration,
    /// Requests handled at once; more are refused with 503.
    pub max_in_flight: usize,
    /// Most entries of a `draftOrders` bundle read.
    pub max_orders: usize,
    /// Longest time to fetch results from a hook request's FHIR server.
    pub fetch_timeout: Duration,
    /// Verify the EHR's signed JWT on CDS Hooks calls.
    pub jwt: Option<jwt::JwtConfig>,
    /// Where the access log goes.
    pub log: LogSink,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            packs: None,
            lang: Lang::En,
            max_body_bytes: 16 * 1024 * 1024,
            body_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_in_flight: 256,
            max_orders: 100,
            fetch_timeout: Duration::from_secs(10),
            jwt: None,
            log: LogSink::Stderr,
        }
    }
}

/// What the server could not do at start-up.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The packs could not be loaded.
    #[error("cannot load the knowledge packs: {0}")]
    Packs(#[from] dosera::Error),
    /// The address could not be bound, or the server failed.
    #[error("server error on {addr}: {source}")]
    Io {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// Shared state of every request.
pub(crate) struct State {
    pub engine: Arc<Engine>,
    pub config: Config,
    pub metrics: metrics::Metrics,
    pub limiter: Arc<tokio::sync::Semaphore>,
    pub client: reqwest::Client,
}

pub(crate) type Shared = Arc<State>;

/// Loads the engine named by the config.
///
/// ```
/// let engine = dosera_serve::server::load_engine(&Default::default()).unwrap();
/// assert!(!engine.packs().is_empty());
/// ```
pub fn load_engine(config: &Config) -> Result<Engine, dosera::Error> {
    match &config.packs {
        Some(dir) => Engine::from_dir(dir),
        None => Engine::bundled(),
    }
}

/// Installs the TLS provider of this process's HTTP clients (once; later
/// calls do nothing). The router does it; a program that builds its own
/// `reqwest` client in the same process before any router (a test, a load
/// generator) calls it first.
///
/// ```
/// dosera_serve::server::init_tls();
/// dosera_serve::server::init_tls();
/// ```
pub fn init_tls() {
    // ring: a pure Rust-and-assembly build; the aws-lc provider would need
    // CMake on every machine that builds the service.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The router over an engine, with every guard (size, time and
/// concurrency limits, access log, metrics) in place: to mount the
/// service inside another axum application.
///
/// ```
/// use std::sync::Arc;
/// let engine = Arc::new(dosera::Engine::bundled().unwrap());
/// let app: axum::Router = dosera_serve::server::router(engine, Default::default());
/// # drop(app);
/// ```
pub fn router(engine: Arc<Engine>, config: Config) -> Router {
    init_tls();
    let client = reqwest::Client::builder()
        .timeout(config.fetch_timeout)
        .redirect(reqwest::redirect::Policy::limited(3))
        .build()
        .unwrap_or_default();
    let state: Shared = Arc::new(State {
        limiter: Arc::new(tokio::sync::Semaphore::new(config.max_in_flight)),
        engine,
        config,
        metrics: metrics::Metrics::default(),
        client,
    });
    Router::new()
        .route("/cds-services", get(cds::discovery))
        .route("/cds-services/{id}", post(cds::call))
        .route("/cds-services/{id}/feedback", post(cds::feedback))
        .route("/v1/recommend", post(rest::recommend))
        .route("/v1/report", post(rest::report))
        .route("/v1/packs", get(rest::packs))
        .route("/healthz", get(rest::healthz))
        .route("/metrics", get(rest::metrics))
        .route("/openapi.json", get(rest::openapi))
        .fallback(guard::not_found)
        .method_not_allowed_fallback(guard::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::guard,
        ))
        .with_state(state)
}

/// Binds `config.addr` and serves until Ctrl-C or SIGTERM, finishing the
/// requests in flight.
///
/// ```no_run
/// # async fn run() {
/// dosera_serve::server::serve(Default::default()).await.unwrap();
/// # }
/// ```
pub async fn serve(config: Config) -> Result<(), ServeError> {
    let engine = Arc::new(load_engine(&config)?);
    let addr = config.addr;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Io { addr, source })?;
    let bound = listener.local_addr().unwrap_or(addr);
    serve_on(listener, engine, config, shutdown_signal())
        .await
        .map_err(|source| ServeError::Io {
            addr: bound,
            source,
        })
}

/// Serves on a bound listener until `shutdown` completes: what the tests
/// use with a loopback port chosen by the system.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::sync::Arc;
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
/// let engine = Arc::new(dosera::Engine::bundled().unwrap());
/// let config = dosera_serve::server::Config { log: dosera_serve::server::LogSink::Off, ..Default::default() };
/// // Stops at once: the shutdown future is ready.
/// dosera_serve::server::serve_on(listener, engine, config, async {}).await.unwrap();
/// # }
/// ```
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    engine: Arc<Engine>,
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    let (release, _) = engine.pack_release();
    config.log.line(&format!(
        "event=start addr={addr} engine={} packs={release}",
        dosera::ENGINE_VERSION
    ));
    let log = config.log.clone();
    let app = router(engine, config);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    log.line("event=stop");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// The language of a request: its `Accept-Language` when that names
/// Swedish or English first, else the configured one.
pub(crate) fn request_lang(headers: &axum::http::HeaderMap, default: Lang) -> Lang {
    let Some(v) = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return default;
    };
    for tag in v.split(',') {
        let tag = tag
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if tag.starts_with("sv") {
            return Lang::Sv;
        }
        if tag.starts_with("en") {
            return Lang::En;
        }
    }
    default
}

/// Most threads of the runtime's blocking pool, where engine work runs.
/// Tokio's default (512) lets the pool creep up under steady load: a
/// thread that has just finished a task is not yet counted idle when the
/// next request comes, so another thread is started, and with the CLI's
/// allocator each thread keeps a few MB of its own. Engine work uses the
/// CPU, so four threads per core (at least 16) lose no speed.
fn blocking_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(4, |n| n.get())
        .saturating_mul(4)
        .max(16)
}

/// [`serve`] on a new multi-threaded runtime, for a `main` that is not
/// async (`dosera serve`).
///
/// ```no_run
/// dosera_serve::server::serve_blocking(Default::default()).unwrap();
/// ```
pub fn serve_blocking(config: Config) -> Result<(), ServeError> {
    let addr = config.addr;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(blocking_threads())
        .build()
        .map_err(|source| ServeError::Io { addr, source })?;
    runtime.block_on(serve(config))
}
