//! Errors as RFC 9457 problem details (`application/problem+json`), each
//! carrying the core's stable [`ErrorCode`].

use dosera::{ErrorCode, ErrorRange};
use serde_json::{json, Value};

/// Media type of a problem body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One problem: an HTTP status, a short title, what went wrong and the
/// core's error code (3xx usage codes for HTTP-level problems, 901 for
/// internal ones).
///
/// ```
/// use dosera_serve::Problem;
/// let p = Problem::from_error(&dosera::Error::UnknownSource("x".into()));
/// assert_eq!(p.status, 422);
/// let body = p.to_json();
/// assert_eq!(body["code"], 106);
/// assert_eq!(body["code_name"], "UnknownSource");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// HTTP status.
    pub status: u16,
    /// Short, fixed title of the kind of problem.
    pub title: &'static str,
    /// What went wrong with this request. Never holds patient data beyond
    /// what the caller sent in the same request.
    pub detail: String,
    /// The core's error code.
    pub code: ErrorCode,
}

impl Problem {
    /// A problem with the given parts.
    ///
    /// ```
    /// let p = dosera_serve::Problem::new(409, "Conflict", "why", dosera::ErrorCode::Usage);
    /// assert_eq!(p.to_json()["status"], 409);
    /// ```
    pub fn new(
        status: u16,
        title: &'static str,
        detail: impl Into<String>,
        code: ErrorCode,
    ) -> Problem {
        Problem {
            status,
            title,
            detail: detail.into(),
            code,
        }
    }

    /// 400: a request the service cannot read (bad JSON, wrong types).
    ///
    /// ```
    /// let p = dosera_serve::Problem::bad_request("expected an object");
    /// assert_eq!((p.status, p.code as u32), (400, 302));
    /// ```
    pub fn bad_request(detail: impl Into<String>) -> Problem {
        Problem::new(400, "Bad request", detail, ErrorCode::Usage)
    }

    /// 422: a well-formed request the engine cannot evaluate.
    ///
    /// ```
    /// let p = dosera_serve::Problem::unprocessable("10000 draft orders; at most 100 are read");
    /// assert_eq!(p.status, 422);
    /// ```
    pub fn unprocessable(detail: impl Into<String>) -> Problem {
        Problem::new(422, "Request cannot be evaluated", detail, ErrorCode::Usage)
    }

    /// 404: no such route or service.
    ///
    /// ```
    /// assert_eq!(dosera_serve::Problem::not_found("no service `x`").status, 404);
    /// ```
    pub fn not_found(detail: impl Into<String>) -> Problem {
        Problem::new(404, "Not found", detail, ErrorCode::Usage)
    }

    /// The problem an engine error stands for: input errors are 422, usage
    /// errors 400, pack and internal errors 500.
    ///
    /// ```
    /// use dosera_serve::Problem;
    /// let e = dosera::Error::Internal("x".into());
    /// assert_eq!(Problem::from_error(&e).status, 500);
    /// ```
    pub fn from_error(err: &dosera::Error) -> Problem {
        let code = err.code();
        let (status, title) = match code.range() {
            ErrorRange::Input => (422, "Request cannot be evaluated"),
            ErrorRange::Usage => (400, "Bad request"),
            ErrorRange::Pack => (500, "Knowledge pack problem"),
            ErrorRange::Internal => (500, "Internal error"),
        };
        let mut detail = err.to_string();
        let mut cause = std::error::Error::source(err);
        while let Some(c) = cause {
            detail.push_str(": ");
            detail.push_str(&c.to_string());
            cause = c.source();
        }
        Problem::new(status, title, detail, code)
    }

    /// The problem body.
    ///
    /// ```
    /// let body = dosera_serve::Problem::not_found("no service `x`").to_json();
    /// assert_eq!(body["status"], 404);
    /// assert_eq!(body["type"], "https://example.invalid/dosera/problems/usage");
    /// ```
    pub fn to_json(&self) -> Value {
        json!({
            "type": format!("https://example.invalid/dosera/problems/{}", slug(self.code)),
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code as u32,
            "code_name": format!("{:?}", self.code),
        })
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.title, self.detail)
    }
}

impl From<dosera::Error> for Problem {
    fn from(err: dosera::Error) -> Problem {
        Problem::from_error(&err)
    }
}

/// `UnknownDrug` → `unknown-drug`.
fn slug(code: ErrorCode) -> String {
    let name = format!("{code:?}");
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}
