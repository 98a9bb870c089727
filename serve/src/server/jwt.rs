//! Verifying the EHR's signed JWT (CDS Hooks security): the bearer token
//! of each CDS Hooks call must be signed by a key of the configured JSON
//! Web Key Set, be unexpired, and name this service's endpoint as its
//! audience (and, when configured, a trusted issuer).

use std::path::Path;

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};

use crate::Problem;

/// Algorithms accepted: the asymmetric ones CDS Hooks clients sign with.
const ALGORITHMS: [Algorithm; 4] = [
    Algorithm::ES384,
    Algorithm::RS384,
    Algorithm::ES256,
    Algorithm::RS256,
];

/// What a token is checked against.
#[derive(Debug, Clone)]
pub struct JwtConfig {
    /// The EHR's public keys.
    pub keys: JwkSet,
    /// The public base URL of this service (`https://cds.example.org`):
    /// a token's `aud` must be the URL of the endpoint it was sent to.
    pub audience_base: String,
    /// Trusted issuers (`iss`); any issuer when empty.
    pub issuers: Vec<String>,
}

impl JwtConfig {
    /// Reads a JSON Web Key Set file.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join("dosera-jwks-doc");
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let file = dir.join("jwks.json");
    /// std::fs::write(&file, r#"{"keys": []}"#).unwrap();
    /// let c = dosera_serve::server::jwt::JwtConfig::from_file(&file, "https://cds.example.org", vec![]).unwrap();
    /// assert!(c.keys.keys.is_empty());
    /// ```
    pub fn from_file(
        path: &Path,
        audience_base: &str,
        issuers: Vec<String>,
    ) -> Result<JwtConfig, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the key set {}: {e}", path.display()))?;
        let keys: JwkSet = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not a JSON Web Key Set: {e}", path.display()))?;
        Ok(JwtConfig {
            keys,
            audience_base: audience_base.trim_end_matches('/').to_string(),
            issuers,
        })
    }

    /// Checks the `Authorization` header's bearer token for a call to
    /// `path` (`/cds-services/{id}`): 401 with the reason when it fails.
    ///
    /// ```
    /// use dosera_serve::server::jwt::JwtConfig;
    /// let c = JwtConfig {
    ///     keys: serde_json::from_str(r#"{"keys": []}"#).unwrap(),
    ///     audience_base: "https://cds.example.org".into(),
    ///     issuers: vec![],
    /// };
    /// assert_eq!(c.verify(None, "/cds-services/x").unwrap_err().status, 401);
    /// assert_eq!(c.verify(Some("Bearer abc"), "/cds-services/x").unwrap_err().status, 401);
    /// ```
    pub fn verify(&self, authorization: Option<&str>, path: &str) -> Result<(), Problem> {
        let token = authorization
            .and_then(|h| {
                h.strip_prefix("Bearer ")
                    .or_else(|| h.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or_else(|| unauthorized("no bearer token; this service requires a signed JWT"))?;
        let header =
            decode_header(token).map_err(|e| unauthorized(format!("unreadable token: {e}")))?;
        if !ALGORITHMS.contains(&header.alg) {
            return Err(unauthorized(format!(
                "token signed with {:?}; accepted: ES384, RS384, ES256, RS256",
                header.alg
            )));
        }
        let jwk = match &header.kid {
            Some(kid) => self.keys.find(kid),
            None if self.keys.keys.len() == 1 => self.keys.keys.first(),
            None => None,
        }
        .ok_or_else(|| unauthorized("no configured key matches the token's key id"))?;
        let key = DecodingKey::from_jwk(jwk)
            .map_err(|e| unauthorized(format!("the configured key cannot be used: {e}")))?;
        let mut v = Validation::new(header.alg);
        v.set_audience(&[format!("{}{path}", self.audience_base)]);
        v.set_required_spec_claims(&["exp", "aud", "iss"]);
        if !self.issuers.is_empty() {
            v.set_issuer(&self.issuers);
        }
        decode::<serde_json::Value>(token, &key, &v)
            .map(|_| ())
            .map_err(|e| unauthorized(format!("token refused: {e}")))
    }
}

fn unauthorized(detail: impl Into<String>) -> Problem {
    Problem::new(401, "Unauthorized", detail, dosera::ErrorCode::Usage)
}
