//! The test harness: a real server on a loopback port chosen by the
//! system, driven by a real HTTP client, with its access log kept in
//! memory. [`Server::stop`] checks the log holds none of the patient data
//! the test sent.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use dosera::Engine;
use dosera_serve::server::{serve_on, Config, LogSink};
use serde_json::Value;

/// The engine over the bundled packs, loaded once per test process.
pub fn engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| Arc::new(Engine::bundled().expect("bundled packs load")))
        .clone()
}

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("serve/ has a parent")
        .to_path_buf()
}

/// A running server.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The client.
    pub client: reqwest::Client,
    log: Arc<Mutex<Vec<u8>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    /// Patient data sent by the test, which the log must not hold.
    secrets: Vec<String>,
}

impl Server {
    /// Starts a server with the default settings.
    pub async fn start() -> Server {
        Server::with(|_| {}).await
    }

    /// Starts a server with settings changed by `change`.
    pub async fn with(change: impl FnOnce(&mut Config)) -> Server {
        dosera_serve::server::init_tls();
        let (sink, log) = LogSink::memory();
        let mut config = Config {
            log: sink,
            ..Config::default()
        };
        change(&mut config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("local addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(serve_on(listener, engine(), config, async {
            let _ = rx.await;
        }));
        Server {
            base,
            client: reqwest::Client::new(),
            log,
            stop: Some(tx),
            task: Some(task),
            secrets: Vec::new(),
        }
    }

    /// Remembers patient data the test sends (checked against the log).
    pub fn secret(&mut self, s: impl Into<String>) {
        self.secrets.push(s.into());
    }

    /// The URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// POSTs JSON; the status and the body as JSON (or a string).
    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.post_with(path, body, &[]).await
    }

    /// POSTs JSON with extra headers.
    pub async fn post_with(
        &self,
        path: &str,
        body: &Value,
        headers: &[(&str, &str)],
    ) -> (u16, Value) {
        let mut req = self
            .client
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body.to_string());
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.send().await.expect("request sent");
        read(resp).await
    }

    /// GETs a path.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let resp = self
            .client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent");
        read(resp).await
    }

    /// The access log so far.
    pub fn log(&self) -> String {
        String::from_utf8_lossy(&self.log.lock().expect("log lock")).into_owned()
    }

    /// Stops the server, and checks the log holds none of the secrets and
    /// one line per request.
    pub async fn stop(mut self) -> String {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("server task").expect("server ran");
        }
        let log = self.log();
        for s in &self.secrets {
            assert!(
                !log.contains(s.as_str()),
                "the access log holds patient data `{s}`:\n{log}"
            );
        }
        append_to_run_log(&log);
        log
    }
}

/// Every server's log of this test run, in `target/artifacts/serve-test.log`.
fn append_to_run_log(log: &str) {
    use std::io::Write as _;
    let dir = root().join("target/artifacts");
    let _ = std::fs::create_dir_all(&dir);
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("serve-test.log"))
    {
        let _ = f.write_all(log.as_bytes());
    }
}

/// The status and body of a response: JSON when it parses, else a string.
pub async fn read(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

/// A draftOrders bundle of MedicationRequests, each given by one coding
/// `(system, code, display)` or, with an empty system, by text only.
pub fn draft_orders(patient: &str, orders: &[(&str, &str, &str)]) -> Value {
    let entries: Vec<Value> = orders
        .iter()
        .enumerate()
        .map(|(n, (system, code, display))| {
            let medication = if system.is_empty() {
                serde_json::json!({ "text": display })
            } else {
                serde_json::json!({ "coding": [{ "system": system, "code": code, "display": display }] })
            };
            serde_json::json!({ "resource": {
                "resourceType": "MedicationRequest",
                "id": format!("order-{n}"),
                "status": "draft",
                "intent": "order",
                "subject": { "reference": format!("Patient/{patient}") },
                "medicationCodeableConcept": medication,
            }})
        })
        .collect();
    serde_json::json!({ "resourceType": "Bundle", "type": "collection", "entry": entries })
}

/// A hook request.
pub fn hook_request(hook: &str, patient: &str, orders: Value, prefetch: Option<Value>) -> Value {
    let mut context = serde_json::json!({
        "userId": "Practitioner/example",
        "patientId": patient,
        "draftOrders": orders,
    });
    if hook == "order-select" {
        let ids: Vec<String> = orders_ids(&context["draftOrders"]);
        context["selections"] = serde_json::json!(ids);
    }
    let mut r = serde_json::json!({
        "hook": hook,
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": context,
    });
    if let Some(p) = prefetch {
        r["prefetch"] = serde_json::json!({ "pgx": p });
    }
    r
}

fn orders_ids(bundle: &Value) -> Vec<String> {
    bundle["entry"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["resource"]["id"].as_str())
                .map(|id| format!("MedicationRequest/{id}"))
                .collect()
        })
        .unwrap_or_default()
}

/// One genotype Observation as dosera's FHIR bundle writes it.
pub fn genotype(gene: &str, diplotype: &str) -> Value {
    serde_json::json!({
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

/// A searchset Bundle of resources.
pub fn searchset(resources: Vec<Value>) -> Value {
    let entries: Vec<Value> = resources
        .into_iter()
        .map(|r| serde_json::json!({ "resource": r }))
        .collect();
    serde_json::json!({ "resourceType": "Bundle", "type": "searchset", "entry": entries })
}

/// The service path of a hook.
pub fn service_path(hook: &str) -> String {
    format!("/cds-services/dosera-pgx-{hook}")
}
