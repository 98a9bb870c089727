//! CDS Hooks security: with a key set configured, a call carries the EHR's
//! signed JWT. A valid token is let through; an expired one, a forged one
//! (signed by another key under the same key id), one for another
//! audience, an unsigned one and a missing one are refused with 401 and a
//! problem body. Discovery and the REST routes stay open.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use common::*;
use dosera_serve::server::jwt::JwtConfig;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

const AUDIENCE_BASE: &str = "https://cds.example.org";
const ISSUER: &str = "https://ehr.example.org";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn key(name: &str) -> EncodingKey {
    let pem = std::fs::read(root().join("serve/tests/keys").join(name)).expect("test key");
    EncodingKey::from_ec_pem(&pem).expect("EC key")
}

fn token(key_file: &str, kid: &str, claims: Value) -> String {
    let mut header = Header::new(Algorithm::ES384);
    header.kid = Some(kid.into());
    encode(&header, &claims, &key(key_file)).expect("sign")
}

fn claims(aud: &str, exp: u64) -> Value {
    json!({ "iss": ISSUER, "aud": aud, "exp": exp, "iat": now(), "jti": "a5e1c3b0-7e3f-4d2e-9a51-000000000001" })
}

async fn secured() -> Server {
    Server::with(|c| {
        c.jwt = Some(
            JwtConfig::from_file(
                &root().join("serve/tests/keys/test-es384.jwks.json"),
                AUDIENCE_BASE,
                vec![ISSUER.into()],
            )
            .expect("key set"),
        )
    })
    .await
}

fn request() -> Value {
    hook_request(
        "order-sign",
        "patient-jwt-1",
        draft_orders("patient-jwt-1", &[("", "", "abacavir")]),
        Some(searchset(vec![genotype("HLA-B", "*57:01/*08:01")])),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn valid_expired_forged_and_other_tokens() {
    let mut s = secured().await;
    s.secret("patient-jwt-1");
    let path = service_path("order-sign");
    let aud = format!("{AUDIENCE_BASE}{path}");
    let later = now() + 300;
    let cases: Vec<(&str, Option<String>, u16)> = vec![
        (
            "valid",
            Some(token(
                "test-es384.private.pem",
                "test-es384",
                claims(&aud, later),
            )),
            200,
        ),
        (
            "expired",
            Some(token(
                "test-es384.private.pem",
                "test-es384",
                claims(&aud, now() - 3600),
            )),
            401,
        ),
        (
            "forged",
            Some(token(
                "other-es384.private.pem",
                "test-es384",
                claims(&aud, later),
            )),
            401,
        ),
        (
            "unknown key id",
            Some(token(
                "other-es384.private.pem",
                "other-es384",
                claims(&aud, later),
            )),
            401,
        ),
        (
            "another service's audience",
            Some(token(
                "test-es384.private.pem",
                "test-es384",
                claims(&format!("{AUDIENCE_BASE}/cds-services/x"), later),
            )),
            401,
        ),
        (
            "another issuer",
            Some(token(
                "test-es384.private.pem",
                "test-es384",
                json!({ "iss": "https://evil.example", "aud": aud, "exp": later, "iat": now(), "jti": "x" }),
            )),
            401,
        ),
        (
            "unsigned (alg none)",
            Some(format!(
                "{}.{}.",
                b64(r#"{"alg":"none","typ":"JWT"}"#),
                b64(&claims(&aud, later).to_string())
            )),
            401,
        ),
        ("not a token", Some("abc".into()), 401),
        ("missing", None, 401),
    ];
    for (name, token, want) in cases {
        let headers: Vec<(&str, String)> = token
            .map(|t| ("authorization", format!("Bearer {t}")))
            .into_iter()
            .collect();
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, body) = s.post_with(&path, &request(), &headers).await;
        assert_eq!(status, want, "{name}: {body:#}");
        if want == 200 {
            assert_eq!(
                body["cards"][0]["indicator"], "critical",
                "{name}: {body:#}"
            );
        } else {
            assert_eq!(body["status"], 401, "{name}: {body:#}");
            assert_eq!(body["code"], 302, "{name}: {body:#}");
        }
    }
    // Open routes.
    assert_eq!(s.get("/cds-services").await.0, 200);
    assert_eq!(s.get("/healthz").await.0, 200);
    s.stop().await;
}

/// Base64url without padding.
fn b64(text: &str) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}
