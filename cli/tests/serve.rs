//! `dosera serve` as a user starts it: the `sh cli/tests/serve.rs` blocks of
//! `docs/serve.md` and `README.md` are run here, the `dosera serve` line
//! with the real binary (on a free loopback port instead of 8080) and each
//! `curl` line as the HTTP request it stands for, expecting 200 (or the
//! status its `# status N` comment gives). The server's access log of the
//! whole run must hold nothing but its fixed fields, so no patient data.
//! The container file's command must use options `dosera serve` has.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PAGES: &[&str] = &["docs/serve.md", "README.md"];
const INFO: &str = "sh cli/tests/serve.rs";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The lines of the page's blocks marked for this test.
fn lines(page: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(page)).unwrap();
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if let Some(info) = line.strip_prefix("```") {
            inside = !inside && info.trim() == INFO;
            continue;
        }
        if inside && !line.trim().is_empty() {
            out.push(line.trim().to_string());
        }
    }
    out
}

/// Shell words of a line: spaces split, single and double quotes group.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (None, ' ') => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            (None, c) => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Served {
    child: Child,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[String], port: u16, log: &Path) -> Served {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.replace("127.0.0.1:8080", &format!("127.0.0.1:{port}")))
        .collect();
    let child = Command::new(env!("CARGO_BIN_EXE_dosera"))
        .args(&args)
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap();
    let served = Served { child };
    let start = Instant::now();
    loop {
        if let Ok((200, _)) = http(port, "GET", "/healthz", &[], &[]) {
            return served;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "dosera serve did not answer /healthz: {}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// One HTTP/1.1 request; the status and the body.
fn http(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<(u16, Vec<u8>)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes())?;
    s.write_all(body)?;
    let mut reader = BufReader::new(s);
    let mut status = String::new();
    reader.read_line(&mut status)?;
    let code: u16 = status
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let mut chunked = false;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        if line.trim().is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
    }
    let mut raw = Vec::new();
    reader.read_to_end(&mut raw)?;
    Ok((code, if chunked { dechunk(&raw) } else { raw }))
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = raw.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(std::str::from_utf8(&raw[..end]).unwrap_or("0").trim(), 16)
                .unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&raw[end + 2..end + 2 + size]);
        raw = &raw[end + 2 + size + 2..];
    }
    out
}

/// Runs a `curl` line against the server; panics when the status is not
/// the expected one.
fn curl(line: &str, port: u16) -> Vec<u8> {
    let (cmd, expect) = match line.split_once("  # status ") {
        Some((c, n)) => (c, n.trim().parse::<u16>().unwrap()),
        None => (line, 200),
    };
    let w = words(cmd);
    assert_eq!(w[0], "curl", "{line}");
    let mut method = "GET".to_string();
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut body: Vec<u8> = Vec::new();
    let mut url = None;
    let mut i = 1;
    while i < w.len() {
        match w[i].as_str() {
            "-s" => {}
            "-X" => {
                i += 1;
                method = w[i].clone();
            }
            "-H" => {
                i += 1;
                let (k, v) = w[i].split_once(':').unwrap();
                headers.push((k.trim().into(), v.trim().into()));
            }
            "--data-binary" | "-d" => {
                i += 1;
                body = match w[i].strip_prefix('@') {
                    Some(file) => std::fs::read(root().join(file)).unwrap(),
                    None => w[i].clone().into_bytes(),
                };
                if method == "GET" {
                    method = "POST".into();
                }
            }
            other if other.starts_with("http://") => url = Some(other.to_string()),
            other => panic!("{line}: this test does not read curl's `{other}`"),
        }
        i += 1;
    }
    let url = url.expect("a URL");
    let target = url
        .strip_prefix("http://127.0.0.1:8080")
        .unwrap_or_else(|| panic!("{line}: URLs here are http://127.0.0.1:8080/…"));
    let (status, reply) = http(port, &method, target, &headers, &body).unwrap();
    assert_eq!(
        status,
        expect,
        "{line}: {}",
        String::from_utf8_lossy(&reply)
    );
    assert!(!reply.is_empty(), "{line}: empty answer");
    reply
}

/// Every log line is a start or stop line or a request line of fixed
/// fields: nothing else (so no patient data) can be in it.
fn check_log(log: &str) {
    assert!(
        log.lines().any(|l| l.contains(" method=")),
        "no request logged:\n{log}"
    );
    for line in log.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let keys: Vec<&str> = fields
            .iter()
            .map(|f| f.split('=').next().unwrap())
            .collect();
        let ok = match keys.as_slice() {
            ["ts", "event", rest @ ..] => {
                rest.iter().all(|k| ["addr", "engine", "packs"].contains(k))
            }
            ["ts", "method", "route", "status", "ms", "code"] => {
                let route = fields[2].trim_start_matches("route=");
                route == "unmatched" || route.starts_with('/') && !route.contains('?')
            }
            _ => false,
        };
        assert!(ok, "unexpected access-log line: {line}");
    }
}

#[test]
fn the_pages_serve_blocks_run_against_the_real_binary() {
    let dir = std::env::temp_dir().join(format!("dosera-serve-docs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut total = 0;
    for page in PAGES {
        let lines = lines(page);
        assert!(!lines.is_empty(), "{page} has no ```{INFO} block");
        let port = free_port();
        let log = dir.join(format!("{}.log", page.replace('/', "-")));
        let mut server: Option<Served> = None;
        for line in &lines {
            let w = words(line);
            let serve_at = w.iter().position(|x| x == "serve");
            match (w[0].as_str(), serve_at) {
                ("dosera", Some(1)) | ("cargo", Some(_)) => {
                    let at = serve_at.unwrap();
                    assert!(server.is_none(), "{page}: two servers");
                    server = Some(start(&w[at..], port, &log));
                }
                ("curl", _) => {
                    assert!(server.is_some(), "{page}: `{line}` before `dosera serve`");
                    let reply = curl(line, port);
                    if line.contains("/cds-services/dosera-pgx-order-sign") {
                        let v: serde_json::Value = serde_json::from_slice(&reply).unwrap();
                        assert!(!v["cards"].as_array().unwrap().is_empty(), "{line}: {v}");
                    }
                }
                _ => panic!("{page}: this test runs `dosera serve` and `curl` lines, not `{line}`"),
            }
            total += 1;
        }
        let served = server.expect("a server was started");
        drop(served);
        check_log(&std::fs::read_to_string(&log).unwrap());
    }
    assert!(total >= 8, "only {total} lines run");
}

#[test]
fn the_container_runs_dosera_serve_with_options_it_has() {
    let text = std::fs::read_to_string(root().join("serve/Containerfile")).unwrap();
    let entry = text
        .lines()
        .find_map(|l| l.strip_prefix("ENTRYPOINT "))
        .expect("an ENTRYPOINT");
    let args: Vec<String> = serde_json::from_str(entry).unwrap();
    assert_eq!(&args[..2], ["dosera", "serve"]);
    let help = Command::new(env!("CARGO_BIN_EXE_dosera"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for flag in args.iter().filter(|a| a.starts_with("--")) {
        assert!(
            help.contains(&format!("{flag} ")),
            "`dosera serve` has no {flag}"
        );
    }
}
