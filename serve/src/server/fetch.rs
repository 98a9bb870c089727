//! Fetching the patient's results from the FHIR server a hook request
//! names, when the client did not prefetch them: the query of the
//! service's prefetch template, with the request's bearer token, within a
//! time and size limit, following at most a few `next` pages.

use serde_json::Value;

use super::Shared;

/// Most pages followed.
const MAX_PAGES: usize = 10;
/// Largest page read, in bytes.
const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;

/// The results bundle for `patient` (entries of every page), or why it
/// could not be fetched (for the cards: said without the patient id).
pub(crate) async fn fetch_results(
    state: &Shared,
    server: &str,
    token: Option<&str>,
    patient: &str,
) -> Result<Value, String> {
    let first = format!("{server}/DiagnosticReport");
    let mut entries: Vec<Value> = Vec::new();
    let mut next: Option<String> = None;
    for page in 0..MAX_PAGES {
        let mut req = match &next {
            None => state.client.get(&first).query(&[
                ("subject", patient),
                ("code", "http://loinc.org|51969-4"),
                ("_include", "DiagnosticReport:result"),
            ]),
            Some(url) => state.client.get(url),
        };
        req = req.header("Accept", "application/fhir+json");
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let mut resp = req
            .send()
            .await
            .map_err(|e| format!("the FHIR server could not be reached ({})", kind(&e)))?;
        if !resp.status().is_success() {
            return Err(format!(
                "the FHIR server answered {}",
                resp.status().as_u16()
            ));
        }
        let mut body: Vec<u8> = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| format!("reading the FHIR server's answer failed ({})", kind(&e)))?
        {
            if body.len() + chunk.len() > MAX_PAGE_BYTES {
                return Err(format!(
                    "the FHIR server's answer is larger than {MAX_PAGE_BYTES} bytes"
                ));
            }
            body.extend_from_slice(&chunk);
        }
        let bundle: Value = serde_json::from_slice(&body)
            .map_err(|_| "the FHIR server's answer is not JSON".to_string())?;
        if bundle.get("resourceType").and_then(Value::as_str) != Some("Bundle") {
            return Err("the FHIR server's answer is not a Bundle".into());
        }
        if let Some(e) = bundle.get("entry").and_then(Value::as_array) {
            entries.extend(e.iter().cloned());
        }
        next = bundle
            .get("link")
            .and_then(Value::as_array)
            .and_then(|links| {
                links
                    .iter()
                    .find(|l| l.get("relation").and_then(Value::as_str) == Some("next"))
            })
            .and_then(|l| l.get("url").and_then(Value::as_str))
            .map(str::to_string);
        match &next {
            None => break,
            Some(url) if !url.starts_with(server) => {
                return Err("the FHIR server's next page is on another server; not followed".into())
            }
            Some(_) => {}
        }
        if page + 1 == MAX_PAGES {
            return Err(format!(
                "the FHIR server's answer has more than {MAX_PAGES} pages"
            ));
        }
    }
    Ok(serde_json::json!({ "resourceType": "Bundle", "type": "searchset", "entry": entries }))
}

fn kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    }
}
