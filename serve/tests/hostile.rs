//! Hostile requests: bodies that are not JSON, JSON of the wrong shape,
//! bodies too large or too slow, unknown services, routes, methods and
//! codes, a missing token. Each one must get a 4xx answer with a problem
//! body (`application/problem+json` with `type`, `title`, `status`,
//! `detail`, `code`, `code_name`), and the server must go on serving
//! afterwards: `/healthz` answers 200 and a good CDS Hooks call still gets
//! its cards. At the end `/metrics` must have counted every 4xx answer.
//!
//! The cases are one table ([`cases`]); the large, slow and chunked bodies
//! go through a raw TCP socket so the test controls what is sent and when.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::*;
use dosera::ErrorCode;
use dosera_serve::server::jwt::JwtConfig;
use dosera_serve::PROBLEM_JSON;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

const RXNORM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";

/// The patient id of every hostile body and of the good calls: the access
/// log must never hold it.
const PATIENT: &str = "hostile-patient-5c1e9a";
/// The genotype of the good calls (patient data too).
const GENOTYPE: &str = "*57:01/*08:01";

/// 100 MB, the size of the bodies that must be refused.
const HUGE: u64 = 100 * 1024 * 1024;

/// The audience base the JWT server is configured with.
const AUDIENCE: &str = "https://cds.example.invalid";

/// The server a case is sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum On {
    /// Default settings.
    Main,
    /// A body timeout of 500 ms.
    SlowBody,
    /// JWT verification with the test key set.
    Jwt,
}

/// How a case's request is sent.
enum How {
    /// Through the HTTP client.
    Http {
        method: Method,
        path: String,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// Raw TCP: a head declaring `length` bytes, a kilobyte of body, then
    /// the response is read while the socket is held open.
    Declared { path: String, length: u64 },
    /// Raw TCP: a chunked upload of `total` bytes, written while the
    /// response is read.
    Chunked {
        path: String,
        content_type: &'static str,
        total: u64,
    },
    /// Raw TCP: `length` bytes declared, one sent every `every`.
    Trickle {
        path: String,
        length: usize,
        every: Duration,
    },
}

/// One hostile request and the answer it must get.
struct Case {
    name: &'static str,
    on: On,
    how: How,
    status: u16,
    code: ErrorCode,
}

/// What came back.
#[derive(Debug)]
struct Reply {
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
    /// From connecting to the end of the response.
    elapsed: Duration,
}

// ---------------------------------------------------------------- bodies

/// A good hook request for `hook`: abacavir for a patient with HLA-B*57:01.
fn good_hook(hook: &str) -> Value {
    let orders = draft_orders(PATIENT, &[(RXNORM, "190521", "abacavir")]);
    let results = searchset(vec![genotype("HLA-B", GENOTYPE)]);
    hook_request(hook, PATIENT, orders, Some(results))
}

/// `value` changed by `f`.
fn with(mut value: Value, f: impl FnOnce(&mut Value)) -> Value {
    f(&mut value);
    value
}

fn sign_path() -> String {
    service_path("order-sign")
}

fn select_path() -> String {
    service_path("order-select")
}

/// A POST of JSON through the client.
fn post_json(path: &str, body: &Value) -> How {
    post_bytes(path, "application/json", body.to_string().into_bytes())
}

/// A POST of bytes through the client.
fn post_bytes(path: &str, content_type: &str, body: Vec<u8>) -> How {
    How::Http {
        method: Method::POST,
        path: path.to_string(),
        headers: vec![("content-type", content_type.to_string())],
        body,
    }
}

/// A request without a body.
fn bare(method: Method, path: &str) -> How {
    How::Http {
        method,
        path: path.to_string(),
        headers: Vec::new(),
        body: Vec::new(),
    }
}

/// `how` with one more header (client requests only).
fn header(mut how: How, name: &'static str, value: &str) -> How {
    if let How::Http { headers, .. } = &mut how {
        headers.push((name, value.to_string()));
    }
    how
}

/// JSON arrays nested `depth` deep.
fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// A one-record VCF with these samples (CYP2C19 rs4244285 on GRCh38).
fn vcf(samples: &[&str]) -> String {
    let mut head = String::from(
        "##fileformat=VCFv4.2\n##contig=<ID=chr10,length=133797422>\n\
         ##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n\
         #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT",
    );
    let mut record = String::from("chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT");
    for s in samples {
        head.push('\t');
        head.push_str(s);
        record.push_str("\t0/1");
    }
    format!("{head}\n{record}\n")
}

/// A feedback body with one item.
fn feedback(outcome: &str) -> Value {
    json!({ "feedback": [{
        "card": "9d3b8b2e-6f0c-4d43-8a4e-0b6b1a1e2f10",
        "outcome": outcome,
        "outcomeTimestamp": "2026-01-01T12:00:00Z",
    }]})
}

/// A gene-results request for the REST route.
fn recommend(genes: Value, extra: Value) -> Value {
    let mut r = json!({ "genes": genes });
    if let (Some(r), Value::Object(extra)) = (r.as_object_mut(), extra) {
        r.extend(extra);
    }
    r
}

// ----------------------------------------------------------------- cases

/// Every hostile case, by name.
fn cases() -> Vec<Case> {
    use ErrorCode::*;
    let case = |name, on, how, status, code| Case {
        name,
        on,
        how,
        status,
        code,
    };
    let good = good_hook("order-sign").to_string();
    let many_orders = {
        let orders: Vec<(&str, &str, &str)> = vec![("", "", "abacavir"); 10_000];
        hook_request("order-sign", PATIENT, draft_orders(PATIENT, &orders), None)
    };
    vec![
        // Bodies that are not JSON.
        case(
            "truncated JSON",
            On::Main,
            post_bytes(
                &sign_path(),
                "application/json",
                good.as_bytes()[..good.len() / 2].to_vec(),
            ),
            400,
            Usage,
        ),
        case(
            "JSON with trailing garbage",
            On::Main,
            post_bytes(
                &sign_path(),
                "application/json",
                format!("{good}}} and then some").into_bytes(),
            ),
            400,
            Usage,
        ),
        case(
            "invalid UTF-8",
            On::Main,
            post_bytes(
                &sign_path(),
                "application/json",
                [
                    &b"{\"hook\": \"order-sign\xff\xfe\", \"hookInstance\": \"x\xc3\x28\"}"[..],
                    &[0xf8, 0x88, 0x80, 0x80, 0x80],
                ]
                .concat(),
            ),
            400,
            Usage,
        ),
        case(
            "empty body",
            On::Main,
            post_bytes(&sign_path(), "application/json", Vec::new()),
            400,
            Usage,
        ),
        case(
            "a JSON array instead of an object",
            On::Main,
            post_json(&sign_path(), &json!([good_hook("order-sign")])),
            400,
            Usage,
        ),
        // JSON of the wrong types.
        case(
            "hook a number",
            On::Main,
            post_json(
                &sign_path(),
                &with(good_hook("order-sign"), |v| v["hook"] = json!(42)),
            ),
            400,
            Usage,
        ),
        case(
            "context a string",
            On::Main,
            post_json(
                &sign_path(),
                &with(good_hook("order-sign"), |v| {
                    v["context"] = json!(format!("patientId={PATIENT}"))
                }),
            ),
            400,
            Usage,
        ),
        case(
            "draftOrders an array",
            On::Main,
            post_json(
                &sign_path(),
                &with(good_hook("order-sign"), |v| {
                    let entries = v["context"]["draftOrders"]["entry"].clone();
                    v["context"]["draftOrders"] = entries;
                }),
            ),
            400,
            Usage,
        ),
        case(
            "selections of numbers",
            On::Main,
            post_json(
                &select_path(),
                &with(good_hook("order-select"), |v| {
                    v["context"]["selections"] = json!([1, 2, 3])
                }),
            ),
            400,
            Usage,
        ),
        case(
            "prefetch a string",
            On::Main,
            post_json(
                &sign_path(),
                &with(good_hook("order-sign"), |v| {
                    v["prefetch"] = json!("DiagnosticReport?subject=x")
                }),
            ),
            400,
            Usage,
        ),
        case(
            "draftOrders.entry not an array",
            On::Main,
            post_json(
                &sign_path(),
                &with(good_hook("order-sign"), |v| {
                    v["context"]["draftOrders"]["entry"] = json!({"resource": {}})
                }),
            ),
            400,
            Usage,
        ),
        case(
            "patientId longer than 1024 characters",
            On::Main,
            post_json(
                &sign_path(),
                &with(good_hook("order-sign"), |v| {
                    v["context"]["patientId"] = json!(PATIENT.repeat(100))
                }),
            ),
            400,
            Usage,
        ),
        case(
            "fhirServer not an http(s) URL",
            On::Main,
            post_json(
                &sign_path(),
                &with(good_hook("order-sign"), |v| {
                    v["fhirServer"] = json!("file:///etc/passwd");
                    v["prefetch"] = Value::Null;
                }),
            ),
            400,
            Usage,
        ),
        case(
            "prefetch pgx a FHIR Patient",
            On::Main,
            post_json(
                &sign_path(),
                &with(good_hook("order-sign"), |v| {
                    v["prefetch"]["pgx"] = json!({"resourceType": "Patient", "id": PATIENT})
                }),
            ),
            422,
            Usage,
        ),
        case(
            "prefetch pgx a broken dosera report",
            On::Main,
            post_json(
                &sign_path(),
                &with(good_hook("order-sign"), |v| {
                    v["prefetch"]["pgx"] = json!({"schema_version": 1, "genes": "HLA-B"})
                }),
            ),
            422,
            MalformedReport,
        ),
        // Too large, too slow.
        case(
            "100 MB declared Content-Length",
            On::Main,
            How::Declared {
                path: sign_path(),
                length: HUGE,
            },
            413,
            Usage,
        ),
        case(
            "100 MB declared Content-Length on /v1/recommend",
            On::Main,
            How::Declared {
                path: "/v1/recommend".into(),
                length: HUGE,
            },
            413,
            Usage,
        ),
        case(
            "100 MB chunked upload",
            On::Main,
            How::Chunked {
                path: sign_path(),
                content_type: "application/json",
                total: HUGE,
            },
            413,
            Usage,
        ),
        case(
            "100 MB chunked VCF upload",
            On::Main,
            How::Chunked {
                path: "/v1/report".into(),
                content_type: "text/plain",
                total: HUGE,
            },
            413,
            Usage,
        ),
        case(
            "a body sent a byte every 200 ms",
            On::SlowBody,
            How::Trickle {
                path: sign_path(),
                length: 20,
                every: Duration::from_millis(200),
            },
            408,
            Usage,
        ),
        // Unknown services, routes and methods.
        case(
            "unknown service id",
            On::Main,
            post_json("/cds-services/patient-view", &good_hook("order-sign")),
            404,
            Usage,
        ),
        case(
            "service id that is not UTF-8 (percent-encoded)",
            On::Main,
            post_json("/cds-services/%FF%FE", &good_hook("order-sign")),
            404,
            Usage,
        ),
        case(
            "order-select hook sent to the order-sign service",
            On::Main,
            post_json(&sign_path(), &good_hook("order-select")),
            400,
            Usage,
        ),
        case(
            "draftOrders bundle of 10,000 entries",
            On::Main,
            post_json(&sign_path(), &many_orders),
            422,
            Usage,
        ),
        case(
            "JSON nested 10,000 deep in a hook request",
            On::Main,
            post_bytes(
                &sign_path(),
                "application/json",
                format!(
                    r#"{{"hook": "order-sign", "hookInstance": "x", "context": {}}}"#,
                    nested(10_000)
                )
                .into_bytes(),
            ),
            400,
            Usage,
        ),
        case(
            "JSON nested 10,000 deep on /v1/recommend",
            On::Main,
            post_bytes(
                "/v1/recommend",
                "application/json",
                format!(r#"{{"genes": {}}}"#, nested(10_000)).into_bytes(),
            ),
            400,
            Usage,
        ),
        case(
            "DELETE /v1/packs",
            On::Main,
            bare(Method::DELETE, "/v1/packs"),
            405,
            Usage,
        ),
        case(
            "GET on a CDS service",
            On::Main,
            bare(Method::GET, &sign_path()),
            405,
            Usage,
        ),
        case(
            "unknown route",
            On::Main,
            bare(Method::GET, &format!("/v2/everything?patient={PATIENT}")),
            404,
            Usage,
        ),
        // Unknown codes on the REST route.
        case(
            "/v1/recommend: unknown drug",
            On::Main,
            post_json(
                "/v1/recommend",
                &recommend(
                    json!([{"gene": "CYP2C19", "value": "*2/*2"}]),
                    json!({"drugs": ["notadrugatallzz"]}),
                ),
            ),
            422,
            UnknownDrug,
        ),
        case(
            "/v1/recommend: unknown gene",
            On::Main,
            post_json(
                "/v1/recommend",
                &recommend(json!([{"gene": "NOTAGENE9", "value": "*1/*1"}]), json!({})),
            ),
            422,
            UnknownGene,
        ),
        case(
            "/v1/recommend: unknown allele",
            On::Main,
            post_json(
                "/v1/recommend",
                &recommend(json!([{"gene": "CYP2C19", "value": "*1/*9999"}]), json!({})),
            ),
            422,
            UnknownAllele,
        ),
        case(
            // The C binding reads the same JSON and also calls this a usage
            // error: `sources` is an enumeration of the request schema.
            "/v1/recommend: unknown source",
            On::Main,
            post_json(
                "/v1/recommend",
                &recommend(
                    json!([{"gene": "CYP2C19", "value": "*2/*2"}]),
                    json!({"sources": ["fda"]}),
                ),
            ),
            400,
            Usage,
        ),
        case(
            "/v1/recommend: genes a string",
            On::Main,
            post_json("/v1/recommend", &json!({"genes": "CYP2C19=*2/*2"})),
            400,
            Usage,
        ),
        case(
            "/v1/recommend: the same gene twice",
            On::Main,
            post_json(
                "/v1/recommend",
                &recommend(
                    json!([{"gene": "CYP2C19", "value": "*2/*2"}, {"gene": "CYP2C19", "value": "*1/*1"}]),
                    json!({}),
                ),
            ),
            400,
            Usage,
        ),
        // Reports.
        case(
            "/v1/report with Accept: image/png",
            On::Main,
            header(
                post_bytes("/v1/report", "text/plain", vcf(&["S1"]).into_bytes()),
                "accept",
                "image/png",
            ),
            406,
            Usage,
        ),
        case(
            "/v1/report: a body that is no VCF",
            On::Main,
            post_bytes(
                "/v1/report",
                "text/plain",
                b"#CHROM\tnot a VCF at all\n\x00\x01\x02".to_vec(),
            ),
            422,
            InvalidVcf,
        ),
        case(
            "/v1/report: two samples and no `sample`",
            On::Main,
            post_bytes("/v1/report", "text/plain", vcf(&["S1", "S2"]).into_bytes()),
            422,
            Usage,
        ),
        case(
            "/v1/report: a sample the VCF does not hold",
            On::Main,
            post_bytes(
                "/v1/report?sample=NOBODY",
                "text/plain",
                vcf(&["S1"]).into_bytes(),
            ),
            422,
            UnknownSample,
        ),
        case(
            "/v1/report: unknown query parameter",
            On::Main,
            post_bytes(
                "/v1/report?colour=red",
                "text/plain",
                vcf(&["S1"]).into_bytes(),
            ),
            400,
            Usage,
        ),
        case(
            "/v1/report: JSON body with the VCF a number",
            On::Main,
            post_json("/v1/report", &json!({"vcf": 12345})),
            400,
            Usage,
        ),
        // Feedback.
        case(
            "feedback with an unknown outcome",
            On::Main,
            post_json(&format!("{}/feedback", sign_path()), &feedback("ignored")),
            400,
            Usage,
        ),
        case(
            "feedback with no items",
            On::Main,
            post_json(
                &format!("{}/feedback", sign_path()),
                &json!({"feedback": []}),
            ),
            422,
            Usage,
        ),
        case(
            "feedback for an unknown service",
            On::Main,
            post_json(
                "/cds-services/nothing-here/feedback",
                &feedback("overridden"),
            ),
            404,
            Usage,
        ),
        case(
            "feedback for a service id that is not UTF-8",
            On::Main,
            post_json("/cds-services/%C3%28/feedback", &feedback("overridden")),
            404,
            Usage,
        ),
        // A server that requires the EHR's signed JWT.
        case(
            "CDS call without a token",
            On::Jwt,
            post_json(&sign_path(), &good_hook("order-sign")),
            401,
            Usage,
        ),
        case(
            "feedback without a token",
            On::Jwt,
            post_json(
                &format!("{}/feedback", sign_path()),
                &feedback("overridden"),
            ),
            401,
            Usage,
        ),
    ]
}

// -------------------------------------------------------------- sending

/// `host:port` of a server.
fn addr(s: &Server) -> String {
    s.base.trim_start_matches("http://").to_string()
}

async fn send(s: &Server, how: How) -> Reply {
    match how {
        How::Http {
            method,
            path,
            headers,
            body,
        } => {
            let start = Instant::now();
            let mut req = s.client.request(method, s.url(&path)).body(body);
            for (k, v) in headers {
                req = req.header(k, v);
            }
            let resp = req.send().await.expect("request sent");
            let status = resp.status().as_u16();
            let content_type = resp
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let body = resp.bytes().await.expect("response body").to_vec();
            Reply {
                status,
                content_type,
                body,
                elapsed: start.elapsed(),
            }
        }
        How::Declared { path, length } => {
            let head = format!(
                "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
                 Content-Length: {length}\r\nConnection: close\r\n\r\n",
                addr(s)
            );
            raw(s, head, |mut w| async move {
                let _ = w.write_all(&[b' '; 1024]).await;
                // Hold the socket open: the answer must not wait for the rest.
                std::future::pending::<()>().await;
            })
            .await
        }
        How::Chunked {
            path,
            content_type,
            total,
        } => {
            let head = format!(
                "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: {content_type}\r\n\
                 Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
                addr(s)
            );
            raw(s, head, move |mut w| async move {
                let chunk = [b' '; 64 * 1024];
                let mut sent = 0u64;
                while sent < total {
                    let framed = [
                        format!("{:x}\r\n", chunk.len()).as_bytes(),
                        &chunk[..],
                        b"\r\n",
                    ]
                    .concat();
                    // The server may answer 413 and close before all is sent.
                    if w.write_all(&framed).await.is_err() {
                        return;
                    }
                    sent += chunk.len() as u64;
                }
                let _ = w.write_all(b"0\r\n\r\n").await;
                std::future::pending::<()>().await;
            })
            .await
        }
        How::Trickle {
            path,
            length,
            every,
        } => {
            let head = format!(
                "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
                 Content-Length: {length}\r\nConnection: close\r\n\r\n",
                addr(s)
            );
            let reply = raw(s, head, move |mut w| async move {
                for _ in 0..length {
                    tokio::time::sleep(every).await;
                    if w.write_all(b" ").await.is_err() {
                        return;
                    }
                }
                std::future::pending::<()>().await;
            })
            .await;
            // The whole body would take this long: the answer came first.
            let whole = every * length as u32;
            assert!(
                reply.elapsed < whole,
                "the slow body was waited for ({:?}, the whole body takes {whole:?})",
                reply.elapsed
            );
            reply
        }
    }
}

/// Sends `head` on a new connection, runs `feed` on the writing half, and
/// reads the response meanwhile. The writer is stopped once the response
/// is read: a server that answered early and closed may reset the
/// connection under it, which is fine after the answer has arrived.
async fn raw<F, Fut>(s: &Server, head: String, feed: F) -> Reply
where
    F: FnOnce(OwnedWriteHalf) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let start = Instant::now();
    let stream = tokio::net::TcpStream::connect(addr(s))
        .await
        .expect("connect");
    let (mut r, mut w) = stream.into_split();
    w.write_all(head.as_bytes()).await.expect("head sent");
    let writer = tokio::spawn(feed(w));
    let reply = tokio::time::timeout(Duration::from_secs(60), read_response(&mut r)).await;
    writer.abort();
    let _ = writer.await;
    let (status, content_type, body) = match reply {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => panic!("no response read: {e}"),
        Err(_) => panic!("no response within 60 s"),
    };
    Reply {
        status,
        content_type,
        body,
        elapsed: start.elapsed(),
    }
}

type Parsed = (u16, Option<String>, Vec<u8>);

/// Reads one HTTP/1.1 response: status, content type, body (by
/// Content-Length, chunked, or up to the end of the stream).
async fn read_response(r: &mut OwnedReadHalf) -> Result<Parsed, String> {
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 8192];
    let end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let n = r
            .read(&mut chunk)
            .await
            .map_err(|e| format!("reading the head: {e}"))?;
        if n == 0 {
            return Err(format!(
                "closed before a whole head: {:?}",
                String::from_utf8_lossy(&buf)
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status line in {head:?}"))?;
    let headers: BTreeMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = buf[end..].to_vec();
    let length = headers
        .get("content-length")
        .and_then(|v| v.parse::<usize>().ok());
    let chunked = headers
        .get("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    loop {
        if length.is_some_and(|n| body.len() >= n) {
            break;
        }
        if chunked && body.windows(5).any(|w| w == b"0\r\n\r\n") {
            break;
        }
        let n = r
            .read(&mut chunk)
            .await
            .map_err(|e| format!("reading the body: {e}"))?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    if let Some(n) = length {
        body.truncate(n);
    } else if chunked {
        body = dechunk(&body);
    }
    Ok((status, headers.get("content-type").cloned(), body))
}

/// The data of a chunked body.
fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(p) = data.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&data[..p])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 || data.len() < p + 2 + size {
            break;
        }
        out.extend_from_slice(&data[p + 2..p + 2 + size]);
        data = data.get(p + 4 + size..).unwrap_or(&[]);
    }
    out
}

// -------------------------------------------------------------- checking

/// Panics unless `reply` is the problem of `status` and `code`.
fn assert_problem(name: &str, status: u16, code: ErrorCode, reply: &Reply) {
    let text = String::from_utf8_lossy(&reply.body);
    assert_eq!(
        reply.status, status,
        "{name}: status {} (expected {status}): {text}",
        reply.status
    );
    assert!(
        (400..500).contains(&reply.status),
        "{name}: not a 4xx status"
    );
    assert_eq!(
        reply.content_type.as_deref(),
        Some(PROBLEM_JSON),
        "{name}: content type of {text}"
    );
    let body: Value = serde_json::from_slice(&reply.body)
        .unwrap_or_else(|e| panic!("{name}: the body is not JSON ({e}): {text}"));
    for field in ["type", "title", "detail", "code_name"] {
        assert!(
            body[field].as_str().is_some_and(|s| !s.is_empty()),
            "{name}: `{field}` missing or empty: {body:#}"
        );
    }
    assert_eq!(
        body["status"].as_u64(),
        Some(u64::from(reply.status)),
        "{name}: `status` differs from the HTTP status: {body:#}"
    );
    assert_eq!(
        body["code"].as_u64(),
        Some(code as u64),
        "{name}: `code`: {body:#}"
    );
    assert_eq!(
        body["code_name"],
        format!("{code:?}"),
        "{name}: `code_name`: {body:#}"
    );
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("https://")),
        "{name}: `type` is not a URL: {body:#}"
    );
    let detail = body["detail"].as_str().unwrap_or("");
    assert!(
        !detail.contains(GENOTYPE),
        "{name}: the detail repeats the patient's results: {detail}"
    );
}

/// A running server, the authorization of its good calls, and the 4xx
/// answers it was sent.
struct Target {
    server: Server,
    authorization: Option<String>,
    expected: BTreeMap<u16, u64>,
}

impl Target {
    fn new(mut server: Server, authorization: Option<String>) -> Target {
        server.secret(PATIENT);
        server.secret(GENOTYPE);
        Target {
            server,
            authorization,
            expected: BTreeMap::new(),
        }
    }

    /// The server still serves: health, and cards for a good CDS call.
    async fn still_serves(&self, after: &str) {
        let (status, body) = self.server.get("/healthz").await;
        assert_eq!(status, 200, "after {after}: /healthz: {body}");
        let mut headers: Vec<(&str, &str)> = Vec::new();
        if let Some(a) = &self.authorization {
            headers.push(("authorization", a.as_str()));
        }
        let (status, body) = self
            .server
            .post_with(&sign_path(), &good_hook("order-sign"), &headers)
            .await;
        assert_eq!(status, 200, "after {after}: the good CDS call: {body:#}");
        let cards = body["cards"].as_array();
        assert!(
            cards.is_some_and(|c| !c.is_empty()),
            "after {after}: the good CDS call got no cards: {body:#}"
        );
    }

    /// 4xx answers counted by `/metrics`, by status.
    async fn counted(&self) -> BTreeMap<u16, u64> {
        let (status, body) = self.server.get("/metrics").await;
        assert_eq!(status, 200);
        let text = body.as_str().expect("metrics are text");
        let mut out = BTreeMap::new();
        for line in text.lines() {
            let Some(rest) = line.strip_prefix("dosera_http_requests_total{") else {
                continue;
            };
            let status = rest
                .split("status=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .and_then(|s| s.parse::<u16>().ok())
                .expect("a status label");
            let n: u64 = line
                .rsplit(' ')
                .next()
                .and_then(|n| n.parse().ok())
                .expect("a count");
            if (400..500).contains(&status) {
                *out.entry(status).or_default() += n;
            }
        }
        out
    }
}

/// A token for the JWT server, signed with the test key.
fn token(path: &str) -> String {
    let pem = std::fs::read(root().join("serve/tests/keys/test-es384.private.pem"))
        .expect("the test key");
    let key = jsonwebtoken::EncodingKey::from_ec_pem(&pem).expect("a PKCS#8 EC key");
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES384);
    header.kid = Some("test-es384".into());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_secs();
    let claims = json!({
        "iss": "https://ehr.example.invalid",
        "aud": format!("{AUDIENCE}{path}"),
        "exp": now + 300,
        "iat": now,
        "jti": "hostile-test-token",
    });
    jsonwebtoken::encode(&header, &claims, &key).expect("token signed")
}

fn jwt_config() -> JwtConfig {
    JwtConfig::from_file(
        &root().join("serve/tests/keys/test-es384.jwks.json"),
        AUDIENCE,
        Vec::new(),
    )
    .expect("the test key set")
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_requests_get_problems_and_the_server_goes_on() {
    let cases = cases();
    assert!(
        cases.len() >= 20,
        "only {} hostile cases; at least 20 are promised",
        cases.len()
    );
    let names: std::collections::BTreeSet<&str> = cases.iter().map(|c| c.name).collect();
    assert_eq!(names.len(), cases.len(), "case names repeat");

    let mut targets: BTreeMap<On, Target> = BTreeMap::new();
    targets.insert(On::Main, Target::new(Server::start().await, None));
    targets.insert(
        On::SlowBody,
        Target::new(
            Server::with(|c| c.body_timeout = Duration::from_millis(500)).await,
            None,
        ),
    );
    let jwt = jwt_config();
    targets.insert(
        On::Jwt,
        Target::new(
            Server::with(move |c| c.jwt = Some(jwt)).await,
            Some(format!("Bearer {}", token(&sign_path()))),
        ),
    );
    // Every server serves before the first hostile request.
    for t in targets.values() {
        t.still_serves("start-up").await;
    }

    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    for Case {
        name,
        on,
        how,
        status,
        code,
    } in cases
    {
        let target = targets.get_mut(&on).expect("a server");
        let reply = send(&target.server, how).await;
        assert_problem(name, status, code, &reply);
        *target.expected.entry(reply.status).or_default() += 1;
        *statuses.entry(reply.status).or_default() += 1;
        target.still_serves(name).await;
    }
    println!("hostile cases by status: {statuses:?}");
    for s in [400, 401, 404, 405, 406, 408, 413, 422] {
        assert!(statuses.contains_key(&s), "no case answered {s}");
    }

    for (on, t) in targets {
        let counted = t.counted().await;
        assert_eq!(
            counted, t.expected,
            "{on:?}: /metrics counts these 4xx answers by status"
        );
        let log = t.server.stop().await;
        let problems = log.lines().filter(|l| l.contains(" status=4")).count() as u64;
        assert_eq!(
            problems,
            t.expected.values().sum::<u64>(),
            "{on:?}: one access-log line per 4xx answer:\n{log}"
        );
    }
}
