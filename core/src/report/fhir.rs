//! The report as an HL7 FHIR R4 `Bundle` shaped after the HL7 Genomics
//! Reporting implementation guide (STU3).
//!
//! # What the bundle holds
//!
//! * one `DiagnosticReport` (profile `genomics-report`, LOINC 51969-4
//!   "Genetic analysis report", status `final`) whose `result` lists every
//!   observation of the bundle; the engine version, the pack release and the
//!   pack SHA-256 are in its `conclusion` and in `meta.tag`; a VCF that
//!   looks like another genome build, or covers no pharmacogene position
//!   (`input.coverage` of the report), opens the `conclusion` with a
//!   warning, and each genotype and implication observation read from the
//!   VCF says so in its `note`;
//! * one placeholder `Patient` built from the sample name only: no name,
//!   birth date or identifier, just a narrative saying which sample it stands
//!   for;
//! * per gene, a genotype `Observation` (profile `genotype`, LOINC 84413-4
//!   "Genotype display name") whose value is the diplotype text, with a
//!   "Gene studied" component (LOINC 48018-6). A gene with no called
//!   diplotype (a VCF no-call, an outside-call `.`) still gets its genotype
//!   observation, with `dataAbsentReason` `unknown` and the reason as text,
//!   so every gene of the report is accounted for in the bundle;
//! * per gene with a phenotype, a phenotype `Observation` derived from the
//!   genotype. Metabolizer phenotypes use LOINC 53040-2 "Genetic variation's
//!   effect on drug metabolism"; other phenotypes (transporter function, HLA
//!   positivity, …) have no code the guide names, so they carry text only
//!   and claim no profile;
//! * per drug and source with matched recommendations, a therapeutic
//!   implication `Observation` (profile `therapeutic-implication`, code
//!   `therapeutic-implication` from the guide's `tbd-codes-cs`, the code the
//!   guide's own examples use) with a "Medication assessed" component
//!   (LOINC 51963-7), `derivedFrom` the observations of the genes the
//!   guideline uses, and each matched recommendation (action, strength,
//!   population, summary, implication, upstream id and guideline URL) as a
//!   `note`, and each gene result the answer does not use (not given, not
//!   tested or not called; given but not understood; no row for the
//!   result) as a `note` too. No extensions are used;
//! * a drug and source with no matched recommendation gets no observation:
//!   the `DiagnosticReport` `conclusion` names it with why (`No
//!   recommendation for codeine (CPIC): CYP2D6 *1/*44x: given but not
//!   understood (…).`), so no drug checked is silently absent.
//!
//! # Bundle type and ids
//!
//! The bundle is a `collection`: it is a report to hand over or store, not a
//! set of writes to a particular server, which a `transaction` (with its
//! `request` entries) would imply. Every entry's `fullUrl` is a
//! `urn:uuid:` made from a SHA-256 of the sample name and what the entry is
//! (the gene, or the drug, source and guideline: DPWG
//! publishes one guideline per gene for some drugs), and the resource `id` is the same
//! UUID, so the same report always gives the same bundle. References inside
//! the bundle use those `urn:uuid:` URLs. No time stamp is written: the
//! report carries none.
//!
//! HGNC gene ids are only written when they are confirmed by the guide's own
//! examples (HLA-B); other genes are named by their HGNC symbol as text.
//!
//! ```
//! use dosera::allele::CallOptions;
//! let engine = dosera::Engine::bundled().unwrap();
//! let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
//!            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t1/1\n";
//! let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec()).unwrap();
//! let calls = engine.call_vcf(&mut reader, &CallOptions::default()).unwrap();
//! let report = dosera::report::build(&engine, &calls[0], &[], &["clopidogrel".into()]).unwrap();
//! let bundle = dosera::report::fhir::bundle(&report);
//! assert_eq!(bundle["resourceType"], "Bundle");
//! assert_eq!(bundle["entry"][0]["resource"]["resourceType"], "DiagnosticReport");
//! ```

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::{GeneReport, Report};
use crate::allele::CallSource;
use crate::pack::words::Lang;
use crate::recommend::{DrugResult, Match, NonAnswer};

/// Profile of the `DiagnosticReport` (Genomics Reporting IG).
pub const GENOMICS_REPORT_PROFILE: &str =
    "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/genomics-report";
/// Profile of the genotype observations (Genomics Reporting IG).
pub const GENOTYPE_PROFILE: &str =
    "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/genotype";
/// Profile of the therapeutic implication observations (Genomics Reporting IG).
pub const THERAPEUTIC_IMPLICATION_PROFILE: &str =
    "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/therapeutic-implication";

const LOINC: &str = "http://loinc.org";
const HGNC: &str = "http://www.genenames.org/geneId";
const TBD_CODES: &str = "http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs";
const DATA_ABSENT: &str = "http://terminology.hl7.org/CodeSystem/data-absent-reason";
const TAG_SYSTEM: &str = "urn:dosera";

/// HGNC ids confirmed by the implementation guide's own examples. Genes not
/// listed here are named by symbol only.
const HGNC_IDS: &[(&str, &str)] = &[("HLA-B", "HGNC:4932")];

/// A stable `urn:uuid:` (RFC 9562 version 8, built from SHA-256) for one
/// entry of one sample's bundle.
fn entry_uuid(sample: &str, key: &str) -> String {
    stable_uuid(&["dosera-fhir", sample, key])
}

/// A stable UUID (RFC 9562 version 8) made from a SHA-256 of the parts
/// joined by NUL bytes: the same parts always give the same id. What the
/// FHIR bundle's entry ids and the HTTP service's card ids are made of.
///
/// ```
/// let a = dosera::report::fhir::stable_uuid(&["dosera-card", "i1", "abacavir"]);
/// assert_eq!(a, dosera::report::fhir::stable_uuid(&["dosera-card", "i1", "abacavir"]));
/// assert_ne!(a, dosera::report::fhir::stable_uuid(&["dosera-card", "i1abacavir"]));
/// assert_eq!((a.len(), &a[14..15]), (36, "8"));
/// ```
pub fn stable_uuid(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for (n, p) in parts.iter().enumerate() {
        if n > 0 {
            h.update(b"\0");
        }
        h.update(p.as_bytes());
    }
    let digest = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn coding(system: &str, code: &str, display: &str) -> Value {
    json!({ "system": system, "code": code, "display": display })
}

fn loinc(code: &str, display: &str) -> Value {
    json!({ "coding": [coding(LOINC, code, display)], "text": display })
}

fn text_concept(text: &str) -> Value {
    json!({ "text": text })
}

fn categories() -> Value {
    json!([
        { "coding": [coding(
            "http://terminology.hl7.org/CodeSystem/observation-category",
            "laboratory",
            "Laboratory",
        )] },
        { "coding": [coding(
            "http://terminology.hl7.org/CodeSystem/v2-0074",
            "GE",
            "Genetics",
        )] }
    ])
}

fn reference(uuid: &str, display: Option<String>) -> Value {
    let mut r = Map::new();
    r.insert(
        "reference".into(),
        Value::String(format!("urn:uuid:{uuid}")),
    );
    if let Some(d) = display {
        r.insert("display".into(), Value::String(d));
    }
    Value::Object(r)
}

fn escape_xhtml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

fn narrative(text: &str) -> Value {
    json!({
        "status": "generated",
        "div": format!("<div xmlns=\"http://www.w3.org/1999/xhtml\">{}</div>", escape_xhtml(text)),
    })
}

fn gene_studied(gene: &str) -> Value {
    let value = match HGNC_IDS.iter().find(|(s, _)| *s == gene) {
        Some((_, id)) => json!({ "coding": [coding(HGNC, id, gene)], "text": gene }),
        None => text_concept(gene),
    };
    json!({
        "code": loinc("48018-6", "Gene studied [ID]"),
        "valueCodeableConcept": value,
    })
}

fn notes(lines: impl IntoIterator<Item = String>) -> Option<Value> {
    let v: Vec<Value> = lines
        .into_iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| json!({ "text": l }))
        .collect();
    (!v.is_empty()).then_some(Value::Array(v))
}

fn method(g: &GeneReport) -> &'static str {
    match g.source {
        CallSource::Vcf => "called by dosera from the VCF",
        CallSource::Outside => "outside call: supplied with the request, not called by dosera",
    }
}

/// The ids of one gene's observations.
struct GeneIds {
    gene: String,
    genotype: String,
    phenotype: Option<String>,
}

fn genotype_observation(report: &Report, g: &GeneReport, id: &str, patient: &str) -> Value {
    let mut o = Map::new();
    o.insert("resourceType".into(), json!("Observation"));
    o.insert("id".into(), json!(id));
    o.insert("meta".into(), json!({ "profile": [GENOTYPE_PROFILE] }));
    o.insert("status".into(), json!("final"));
    o.insert("category".into(), categories());
    o.insert("code".into(), loinc("84413-4", "Genotype display name"));
    o.insert(
        "subject".into(),
        reference(patient, Some(format!("sample {}", report.input.sample))),
    );
    if g.diplotypes.is_empty() {
        let why = g
            .call
            .as_ref()
            .and_then(|c| c.no_call_reason.clone())
            .unwrap_or_else(|| format!("no diplotype was called for {}", g.gene));
        o.insert(
            "dataAbsentReason".into(),
            json!({ "coding": [coding(DATA_ABSENT, "unknown", "Unknown")], "text": why }),
        );
    } else {
        o.insert(
            "valueCodeableConcept".into(),
            text_concept(&g.diplotypes.join(" or ")),
        );
    }
    o.insert("method".into(), text_concept(method(g)));
    o.insert("component".into(), json!([gene_studied(&g.gene)]));
    let mut lines: Vec<String> = Vec::new();
    if g.diplotypes.len() > 1 {
        lines.push(format!(
            "{} candidate diplotypes: the result is ambiguous",
            g.diplotypes.len()
        ));
    }
    if !g.missing_positions.is_empty() {
        lines.push(format!(
            "{} definition positions had no usable genotype",
            g.missing_positions.len()
        ));
    }
    lines.extend(g.warnings.iter().cloned());
    if let Some(n) = notes(lines) {
        o.insert("note".into(), n);
    }
    Value::Object(o)
}

fn phenotype_observation(
    report: &Report,
    g: &GeneReport,
    id: &str,
    genotype: &str,
    patient: &str,
) -> Value {
    let metabolizer = g.phenotypes.iter().all(|p| p.contains("Metabolizer"));
    let code = if metabolizer {
        loinc("53040-2", "Genetic variation's effect on drug metabolism")
    } else {
        text_concept("Pharmacogenomic phenotype (gene function)")
    };
    let mut components = vec![gene_studied(&g.gene)];
    if !g.activity_scores.is_empty() {
        components.push(json!({
            "code": text_concept("Activity score"),
            "valueString": g.activity_scores.join(" or "),
        }));
    }
    let mut o = Map::new();
    o.insert("resourceType".into(), json!("Observation"));
    o.insert("id".into(), json!(id));
    o.insert("status".into(), json!("final"));
    o.insert("category".into(), categories());
    o.insert("code".into(), code);
    o.insert(
        "subject".into(),
        reference(patient, Some(format!("sample {}", report.input.sample))),
    );
    o.insert(
        "valueCodeableConcept".into(),
        text_concept(&format!("{} {}", g.gene, g.phenotypes.join(" or "))),
    );
    o.insert(
        "method".into(),
        text_concept(match g.source {
            CallSource::Vcf => "phenotype assigned by dosera from the diplotype",
            CallSource::Outside => "phenotype from the outside call",
        }),
    );
    o.insert(
        "derivedFrom".into(),
        json!([reference(genotype, Some(format!("{} genotype", g.gene)))]),
    );
    o.insert("component".into(), Value::Array(components));
    Value::Object(o)
}

fn match_note(d: &DrugResult, m: &Match, lang: Lang) -> String {
    let mut s = format!("{} recommendation {}", d.source.label(), m.id);
    let mut about: Vec<String> = Vec::new();
    if let Some(p) = &m.population {
        about.push(format!("population {p}"));
    }
    if let Some(st) = &m.strength {
        about.push(format!("strength {st}"));
    }
    if !about.is_empty() {
        s.push_str(&format!(" ({})", about.join("; ")));
    }
    s.push_str(&format!(": {}.", m.action.label()));
    if let Some(dose) = m.dose_text(lang) {
        s.push_str(&format!(" Dose: {dose}."));
    }
    if !m.summary.is_empty() {
        s.push_str(&format!(" {}", m.summary));
    }
    if !m.implication.is_empty() {
        s.push_str(&format!(" Implication: {}", m.implication));
    }
    if !m.candidates.is_empty() {
        s.push_str(&format!(" For: {}.", m.candidates.join("; ")));
    }
    s
}

fn implication_observation(
    report: &Report,
    d: &DrugResult,
    id: &str,
    genes: &[GeneIds],
    patient: &str,
) -> Value {
    let mut derived: Vec<Value> = Vec::new();
    let mut components = vec![json!({
        "code": loinc("51963-7", "Medication assessed [ID]"),
        "valueCodeableConcept": text_concept(&d.drug),
    })];
    for gene in &d.genes {
        let Some(ids) = genes.iter().find(|x| &x.gene == gene) else {
            continue;
        };
        derived.push(reference(&ids.genotype, Some(format!("{gene} genotype"))));
        if let Some(p) = &ids.phenotype {
            derived.push(reference(p, Some(format!("{gene} phenotype"))));
        }
        if let Some(g) = report.gene(gene) {
            if !g.phenotypes.is_empty() && g.phenotypes.iter().all(|p| p.contains("Metabolizer")) {
                components.push(json!({
                    "code": loinc("53040-2", "Genetic variation's effect on drug metabolism"),
                    "valueCodeableConcept": text_concept(
                        &format!("{gene} {}", g.phenotypes.join(" or "))
                    ),
                }));
            }
        }
    }
    let mut lines: Vec<String> = d
        .matches
        .iter()
        .map(|m| match_note(d, m, report.lang))
        .collect();
    lines.push(format!(
        "Guideline: {} (version {}, {}), {}",
        d.guideline_name, d.guideline_version, d.release, d.url
    ));
    if !d.candidates_agree {
        lines.push("The candidate results lead to different advice.".to_string());
    }
    lines.extend(d.non_answers.iter().map(NonAnswer::describe));
    lines.extend(d.warnings.iter().cloned());
    let mut o = Map::new();
    o.insert("resourceType".into(), json!("Observation"));
    o.insert("id".into(), json!(id));
    o.insert(
        "meta".into(),
        json!({ "profile": [THERAPEUTIC_IMPLICATION_PROFILE] }),
    );
    o.insert(
        "text".into(),
        narrative(&format!(
            "{} for {}: {}",
            d.source.label(),
            d.drug,
            d.matches
                .iter()
                .map(|m| m.action.label())
                .collect::<Vec<_>>()
                .join(" or ")
        )),
    );
    o.insert("status".into(), json!("final"));
    o.insert("category".into(), categories());
    o.insert(
        "code".into(),
        json!({
            "coding": [coding(TBD_CODES, "therapeutic-implication", "Therapeutic Implication")],
            "text": "Therapeutic implication",
        }),
    );
    o.insert(
        "subject".into(),
        reference(patient, Some(format!("sample {}", report.input.sample))),
    );
    if !derived.is_empty() {
        o.insert("derivedFrom".into(), Value::Array(derived));
    }
    o.insert("component".into(), Value::Array(components));
    if let Some(n) = notes(lines) {
        o.insert("note".into(), n);
    }
    Value::Object(o)
}

fn entry(uuid: &str, resource: Value) -> Value {
    json!({ "fullUrl": format!("urn:uuid:{uuid}"), "resource": resource })
}

/// The report as a FHIR R4 `Bundle` of type `collection` (see the module
/// documentation for its contents and the codes used).
///
/// The same report always gives the same bundle: ids are derived from the
/// sample name and the entry, and no clock is read.
///
/// ```
/// use dosera::allele::CallOptions;
/// let engine = dosera::Engine::bundled().unwrap();
/// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
///            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t1/1\n";
/// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec()).unwrap();
/// let calls = engine.call_vcf(&mut reader, &CallOptions::default()).unwrap();
/// let report = dosera::report::build(&engine, &calls[0], &[], &["clopidogrel".into()]).unwrap();
/// let b = dosera::report::fhir::bundle(&report);
/// assert_eq!(b["type"], "collection");
/// assert_eq!(b, dosera::report::fhir::bundle(&report));
/// let genotypes = b["entry"].as_array().unwrap().iter()
///     .filter(|e| e["resource"]["code"]["coding"][0]["code"] == "84413-4")
///     .count();
/// assert_eq!(genotypes, report.genes.len());
/// ```
pub fn bundle(report: &Report) -> Value {
    let sample = report.input.sample.as_str();
    let patient = entry_uuid(sample, "patient");
    let report_id = entry_uuid(sample, "report");

    let mut observations: Vec<(String, Value)> = Vec::new();
    let mut gene_ids: Vec<GeneIds> = Vec::new();
    for g in &report.genes {
        let genotype = entry_uuid(sample, &format!("genotype\0{}", g.gene));
        observations.push((
            genotype.clone(),
            genotype_observation(report, g, &genotype, &patient),
        ));
        let phenotype = if g.phenotypes.is_empty() {
            None
        } else {
            let id = entry_uuid(sample, &format!("phenotype\0{}", g.gene));
            observations.push((
                id.clone(),
                phenotype_observation(report, g, &id, &genotype, &patient),
            ));
            Some(id)
        };
        gene_ids.push(GeneIds {
            gene: g.gene.clone(),
            genotype,
            phenotype,
        });
    }
    for d in report.drugs.iter().filter(|d| !d.matches.is_empty()) {
        let id = entry_uuid(
            sample,
            &format!(
                "implication\0{}\0{}\0{}",
                d.drug,
                d.source.as_str(),
                d.guideline_id
            ),
        );
        observations.push((
            id.clone(),
            implication_observation(report, d, &id, &gene_ids, &patient),
        ));
    }

    // A VCF that looks like another build, or covers no pharmacogene
    // position, is said first (DiagnosticReport has no `note` in R4).
    let coverage = report.input.coverage.as_ref().map(|c| c.message());
    let mut conclusion = coverage
        .as_ref()
        .map(|m| format!("Warning: {m}. "))
        .unwrap_or_default();
    conclusion.push_str(&format!(
        "Pharmacogenomic decision support, not a diagnosis: read the linked guideline before prescribing. \
         Sample {}, {}; dosera {}; knowledge packs {} (sha256 {}).",
        sample, report.input.build, report.engine_version, report.packs_release, report.packs_sha256
    ));
    let actionable: Vec<String> = report
        .drugs
        .iter()
        .filter(|d| d.actionable)
        .map(|d| format!("{} ({})", d.drug, d.source.label()))
        .collect();
    if !actionable.is_empty() {
        conclusion.push_str(&format!(" Actionable: {}.", actionable.join(", ")));
    }
    for d in report.drugs.iter().filter(|d| d.matches.is_empty()) {
        let why: Vec<String> = d.non_answers.iter().map(NonAnswer::describe).collect();
        conclusion.push_str(&format!(
            " No recommendation for {} ({}){}.",
            d.drug,
            d.source.label(),
            if why.is_empty() {
                String::new()
            } else {
                format!(": {}", why.join("; "))
            }
        ));
    }
    for w in report
        .warnings
        .iter()
        .filter(|w| Some(*w) != coverage.as_ref())
    {
        conclusion.push_str(&format!(" Note: {w}."));
    }

    let diagnostic = json!({
        "resourceType": "DiagnosticReport",
        "id": report_id,
        "meta": {
            "profile": [GENOMICS_REPORT_PROFILE],
            "tag": [
                { "system": format!("{TAG_SYSTEM}:engine-version"), "code": report.engine_version },
                { "system": format!("{TAG_SYSTEM}:packs-release"), "code": report.packs_release },
                { "system": format!("{TAG_SYSTEM}:packs-sha256"), "code": report.packs_sha256 },
            ],
        },
        "status": "final",
        "category": [{ "coding": [coding(
            "http://terminology.hl7.org/CodeSystem/v2-0074",
            "GE",
            "Genetics",
        )] }],
        "code": loinc("51969-4", "Genetic analysis report"),
        "subject": reference(&patient, Some(format!("sample {sample}"))),
        "result": observations
            .iter()
            .map(|(id, _)| reference(id, None))
            .collect::<Vec<_>>(),
        "conclusion": conclusion,
    });
    let patient_resource = json!({
        "resourceType": "Patient",
        "id": patient,
        "text": narrative(&format!(
            "Placeholder for the person behind sample {sample}; no identifiers are recorded."
        )),
    });

    let mut entries = vec![
        entry(&report_id, diagnostic),
        entry(&patient, patient_resource),
    ];
    entries.extend(observations.into_iter().map(|(id, o)| entry(&id, o)));
    json!({
        "resourceType": "Bundle",
        "id": entry_uuid(sample, "bundle"),
        "type": "collection",
        "entry": entries,
    })
}

/// [`bundle`] as pretty-printed JSON.
///
/// ```
/// use dosera::allele::CallOptions;
/// let engine = dosera::Engine::bundled().unwrap();
/// let vcf = "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n\
///            chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\n";
/// let mut reader = dosera::input::vcf::VcfReader::from_bytes(vcf.as_bytes().to_vec()).unwrap();
/// let calls = engine.call_vcf(&mut reader, &CallOptions::default()).unwrap();
/// let report = dosera::report::build(&engine, &calls[0], &[], &[]).unwrap();
/// let text = dosera::report::fhir::bundle_json(&report);
/// assert!(text.starts_with("{\n  \"resourceType\": \"Bundle\""));
/// ```
pub fn bundle_json(report: &Report) -> String {
    // Serialising a `Value` cannot fail (its map keys are strings).
    serde_json::to_string_pretty(&bundle(report)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_ids_are_version_8_uuids_and_stable() {
        let a = entry_uuid("S1", "patient");
        assert_eq!(a, entry_uuid("S1", "patient"));
        assert_ne!(a, entry_uuid("S2", "patient"));
        assert_ne!(a, entry_uuid("S1", "report"));
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('8'), "{a}");
        assert!(
            matches!(parts[3].chars().next(), Some('8'..='9' | 'a'..='b')),
            "{a}"
        );
    }

    #[test]
    fn narrative_escapes_markup() {
        let n = narrative("a<b & \"c\"");
        assert_eq!(
            n["div"],
            "<div xmlns=\"http://www.w3.org/1999/xhtml\">a&lt;b &amp; &quot;c&quot;</div>"
        );
    }

    #[test]
    fn hgnc_coding_only_where_confirmed() {
        assert_eq!(
            gene_studied("HLA-B")["valueCodeableConcept"]["coding"][0]["code"],
            "HGNC:4932"
        );
        assert!(gene_studied("CYP2C19")["valueCodeableConcept"]
            .get("coding")
            .is_none());
    }
}
