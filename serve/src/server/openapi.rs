//! The OpenAPI 3.1 description of the routes, built from the route table
//! and the request and answer types' JSON Schemas; committed as
//! `serve/openapi.json` and served at `GET /openapi.json`.

use dosera::report::Report;
use dosera::{Recommendations, Request, VcfOptions};
use schemars::generate::SchemaSettings;
use serde_json::{json, Map, Value};

use crate::hooks::SERVICES;

fn problem_responses(statuses: &[(u16, &str)]) -> Map<String, Value> {
    let mut m = Map::new();
    for (status, why) in statuses {
        m.insert(
            status.to_string(),
            json!({
                "description": why,
                "content": {
                    "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } },
                    "application/fhir+json": { "schema": { "type": "object", "description": "The same error as a FHIR OperationOutcome, when Accept names application/fhir+json." } }
                },
            }),
        );
    }
    m
}

fn json_ok(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn with(mut responses: Map<String, Value>, status: &str, ok: Value) -> Value {
    responses.insert(status.to_string(), ok);
    Value::Object(responses)
}

/// The OpenAPI document.
///
/// ```
/// let doc = dosera_serve::server::openapi_document();
/// assert_eq!(doc["openapi"], "3.1.0");
/// assert!(doc["paths"]["/v1/recommend"]["post"].is_object());
/// ```
pub fn openapi_document() -> Value {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    settings.meta_schema = None;
    let mut generator = settings.into_generator();
    let request = generator.subschema_for::<Request>().to_value();
    let answer = generator.subschema_for::<Recommendations>().to_value();
    let report = generator.subschema_for::<Report>().to_value();
    let options = generator.subschema_for::<VcfOptions>().to_value();
    let mut schemas = generator.take_definitions(true);
    schemas.insert(
        "Problem".into(),
        json!({
            "type": "object",
            "description": "An error as RFC 9457 problem details, with the core's stable error code.",
            "required": ["type", "title", "status", "detail", "code", "code_name"],
            "properties": {
                "type": { "type": "string", "format": "uri" },
                "title": { "type": "string" },
                "status": { "type": "integer" },
                "detail": { "type": "string" },
                "code": { "type": "integer", "description": "dosera error code: 1xx input, 2xx knowledge pack, 3xx usage, 9xx internal" },
                "code_name": { "type": "string" }
            }
        }),
    );
    schemas.insert(
        "ReportRequest".into(),
        json!({
            "description": "A VCF as text with the evaluation options of the C and WebAssembly APIs.",
            "allOf": [
                options,
                { "type": "object", "required": ["vcf"], "properties": { "vcf": { "type": "string", "description": "The VCF text (one sample, or name it with `sample`)." } } }
            ]
        }),
    );
    let service_ids: Vec<&str> = SERVICES.iter().map(|s| s.id).collect();
    let service_param = json!({
        "name": "id", "in": "path", "required": true,
        "schema": { "type": "string", "enum": service_ids },
        "description": "The CDS service id, from discovery."
    });
    let common = [
        (400, "The request cannot be read."),
        (408, "The body arrived too slowly."),
        (413, "The body is larger than the limit."),
        (500, "Internal or knowledge-pack error."),
        (503, "Busy, or the request took too long."),
    ];
    let mut hook_errors = common.to_vec();
    hook_errors.extend([
        (
            401,
            "A signed JWT is required and the token is missing or refused.",
        ),
        (404, "No such service."),
        (
            422,
            "The request cannot be evaluated (too many orders, unreadable results).",
        ),
    ]);
    let mut input_errors = common.to_vec();
    input_errors.push((
        422,
        "The request cannot be evaluated (unknown gene, allele or drug; bad VCF).",
    ));
    let mut report_errors = input_errors.clone();
    report_errors.push((406, "None of the accepted media types can be written."));
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "dosera",
            "version": dosera::ENGINE_VERSION,
            "description": "Pharmacogenomic decision support over HTTP: CDS Hooks services for order-select and order-sign, recommendations for gene results, reports for VCFs. Results support a prescriber's decision; they are not a diagnosis.",
            "license": { "name": "Apache-2.0", "identifier": "Apache-2.0" }
        },
        "paths": {
            "/cds-services": { "get": {
                "summary": "CDS Hooks discovery",
                "operationId": "discovery",
                "responses": { "200": json_ok("The services, with their prefetch templates.", json!({ "type": "object", "required": ["services"] })) }
            }},
            "/cds-services/{id}": { "post": {
                "summary": "Call a CDS service (order-select or order-sign)",
                "operationId": "callService",
                "parameters": [service_param.clone()],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["hook", "hookInstance", "context"] } } } },
                "responses": with(problem_responses(&hook_errors), "200",
                    json_ok("Cards for the draft orders.", json!({ "type": "object", "required": ["cards"] })))
            }},
            "/cds-services/{id}/feedback": { "post": {
                "summary": "Feedback on cards (counted in the metrics; nothing is stored)",
                "operationId": "feedback",
                "parameters": [service_param],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["feedback"] } } } },
                "responses": with(problem_responses(&hook_errors), "200", json_ok("Accepted.", json!({ "type": "object" })))
            }},
            "/v1/recommend": { "post": {
                "summary": "Recommendations for gene results (the request JSON of the C and WebAssembly APIs)",
                "operationId": "recommend",
                "requestBody": { "required": true, "content": { "application/json": { "schema": request } } },
                "responses": with(problem_responses(&input_errors), "200", json_ok("The recommendations.", answer))
            }},
            "/v1/report": { "post": {
                "summary": "One sample's report for a VCF",
                "operationId": "report",
                "parameters": [
                    { "name": "sample", "in": "query", "schema": { "type": "string" }, "description": "Sample name or 0-based index (required for a multi-sample VCF)." },
                    { "name": "drugs", "in": "query", "schema": { "type": "string" }, "description": "Comma-separated drugs; default every drug using a reported gene." },
                    { "name": "genes", "in": "query", "schema": { "type": "string" }, "description": "Comma-separated genes to call." },
                    { "name": "assume_reference", "in": "query", "schema": { "type": "boolean" }, "description": "Treat positions absent from the VCF as reference (each call says so)." }
                ],
                "requestBody": { "required": true, "content": {
                    "text/plain": { "schema": { "type": "string" }, "description": "The VCF text; options in the query." },
                    "application/json": { "schema": { "$ref": "#/components/schemas/ReportRequest" } }
                }},
                "responses": with(problem_responses(&report_errors), "200", json!({
                    "description": "The report, in the format `Accept` asks for.",
                    "content": {
                        "application/json": { "schema": report },
                        "application/fhir+json": { "schema": { "type": "object", "description": "FHIR R4 Bundle (HL7 Genomics Reporting)." } },
                        "text/html": { "schema": { "type": "string" } },
                        "text/plain": { "schema": { "type": "string" } }
                    }
                }))
            }},
            "/v1/packs": { "get": {
                "summary": "The loaded knowledge packs",
                "operationId": "packs",
                "responses": { "200": json_ok("Releases, checksums, licences.", json!({ "type": "object" })) }
            }},
            "/healthz": { "get": {
                "summary": "Liveness and readiness: the packs are loaded",
                "operationId": "health",
                "responses": { "200": json_ok("Up.", json!({ "type": "object", "required": ["status"] })) }
            }},
            "/metrics": { "get": {
                "summary": "Prometheus metrics",
                "operationId": "metrics",
                "responses": { "200": { "description": "Text exposition format.", "content": { "text/plain": { "schema": { "type": "string" } } } } }
            }},
            "/openapi.json": { "get": {
                "summary": "This description",
                "operationId": "openapi",
                "responses": { "200": json_ok("OpenAPI 3.1.", json!({ "type": "object" })) }
            }}
        },
        "components": { "schemas": schemas }
    })
}
