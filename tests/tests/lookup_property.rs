//! Exhaustive lookup property: a diplotype reaches exactly the
//! recommendation rows its phenotype reaches.
//!
//! Walks every row of the diplotype → phenotype truth tables
//! (`reference/derived/diplotype_phenotype/*.tsv`, all genes) and, for every
//! drug of both sources whose guidelines use the gene, compares the rows
//! (ids, per drug, source and guideline) that `GENE=<diplotype>` reaches
//! through [`Engine::recommend`] with the rows the same gene given as its
//! phenotype reaches (`GENE=<phenotype>`, or `GENE=<activity score>` where
//! the source keys the gene's guidelines on activity scores: CYP2D6, CYP2C9
//! and DPYD in CPIC, CYP2D6 and DPYD in DPWG; a row whose score is `n/a` is
//! compared with its phenotype, `Indeterminate`). The phenotype side is
//! worked out once per gene, value and context, and cached.
//!
//! Multi-gene guidelines are walked with each other gene of the guideline
//! not given ("alone" in the list), and at two representative values
//! ([`REPRESENTATIVE`]; "with GENE=value"); in those contexts only the drugs
//! whose guidelines use both genes are asked for and compared.
//!
//! A mismatch is an exception. Exceptions are grouped by source, gene and
//! kind (why the diplotype and the phenotype part ways, read from the
//! engine's own interpretation of the diplotype), and each group must be
//! listed with its reason in `tests/conformance/lookup-property-exceptions.tsv`
//! with the number of rows and evaluations and a digest of exactly which
//! ones: a group not listed, a listed group that no longer occurs, or a
//! group whose rows changed fails the test. Regenerate the list (reasons
//! kept, new groups marked `TODO`) with
//! `DOSERA_REGENERATE=1 cargo test -p dosera-conformance --test lookup_property -- --nocapture`.
//!
//! Genes with guidelines but no truth-table rows (HLA-A, HLA-B: carrier
//! status, no diplotype table; IFNL3, whose table is empty; CYP4F2) are
//! named in the summary and not walked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use dosera::pack::LookupKey;
use dosera::{Engine, GeneInput, Recommendations, Request, Source, SourceCall};
use dosera_conformance::deviations::{conformance_file, DeviationList};
use dosera_conformance::truth::{self, TruthRow};
use dosera_conformance::{canonical_score, reference_or_skip, SCORE_GENES};

/// Values another gene of a multi-gene guideline is held at, besides not
/// given: a common and an actionable result each.
const REPRESENTATIVE: &[(&str, [&str; 2])] = &[
    ("ABCG2", ["Normal Function", "Poor Function"]),
    (
        "CACNA1S",
        [
            "Uncertain Susceptibility",
            "Malignant Hyperthermia Susceptibility",
        ],
    ),
    ("CYP2B6", ["Normal Metabolizer", "Poor Metabolizer"]),
    ("CYP2C19", ["Normal Metabolizer", "Poor Metabolizer"]),
    ("CYP2C9", ["2.0", "1.0"]),
    ("CYP2D6", ["2.0", "0.0"]),
    ("HLA-A", ["*31:01 negative", "*31:01 positive"]),
    ("HLA-B", ["*15:02 negative", "*15:02 positive"]),
    ("NUDT15", ["Normal Metabolizer", "Poor Metabolizer"]),
    (
        "RYR1",
        [
            "Uncertain Susceptibility",
            "Malignant Hyperthermia Susceptibility",
        ],
    ),
    ("SLCO1B1", ["Normal Function", "Poor Function"]),
    ("TPMT", ["Normal Metabolizer", "Poor Metabolizer"]),
];

/// One drug under one guideline of one source.
type Slot = (String, Source, String);

/// Rows reached, per slot.
type Reached = BTreeMap<Slot, BTreeSet<String>>;

/// The other gene of a multi-gene guideline and its value; `None` when the
/// gene is walked on its own (every other gene not given).
type Context = Option<(String, String)>;

/// What the walk needs to know about one gene.
struct GenePlan {
    /// Drugs whose guidelines use the gene.
    drugs: Vec<String>,
    /// Per other gene sharing a guideline: drugs whose guidelines use both.
    pairs: BTreeMap<String, Vec<String>>,
    /// Sources whose guidelines key the gene on activity scores.
    score_keyed: BTreeSet<Source>,
}

fn plan(engine: &Engine, gene: &str) -> GenePlan {
    let mut drugs = BTreeSet::new();
    let mut pairs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut score_keyed = BTreeSet::new();
    for pack in engine.packs() {
        for g in pack
            .guidelines
            .iter()
            .filter(|g| g.genes.iter().any(|x| x == gene))
        {
            drugs.extend(g.drugs.iter().cloned());
            for other in g.genes.iter().filter(|x| *x != gene) {
                pairs
                    .entry(other.clone())
                    .or_default()
                    .extend(g.drugs.iter().cloned());
            }
            let scored = g.recommendations.iter().any(|r| {
                matches!(r.lookup.get(gene), Some(LookupKey::Key(k))
                    if k.starts_with(|c: char| c.is_ascii_digit() || c == '≥'))
            });
            if scored {
                score_keyed.insert(g.source);
            }
        }
    }
    GenePlan {
        drugs: drugs.into_iter().collect(),
        pairs: pairs
            .into_iter()
            .map(|(g, d)| (g, d.into_iter().collect()))
            .collect(),
        score_keyed,
    }
}

fn context_label(context: &Context) -> String {
    match context {
        None => "alone".to_string(),
        Some((o, v)) => format!("with {o}={v}"),
    }
}

/// The request for `gene=value` in a context, and the slots compared.
fn ask(
    engine: &Engine,
    gene: &str,
    value: &str,
    context: &Context,
    plan: &GenePlan,
) -> Result<(Recommendations, Reached), String> {
    let mut inputs = vec![GeneInput::new(gene, value)];
    let drugs = match context {
        None => &plan.drugs,
        Some((other, v)) => {
            inputs.push(GeneInput::new(other.clone(), v.clone()));
            &plan.pairs[other]
        }
    };
    let request = Request::new(inputs).drugs(drugs.iter().cloned());
    let result = engine.recommend(&request).map_err(|e| e.to_string())?;
    let mut reached = Reached::new();
    for d in &result.drugs {
        let uses = |g: &str| d.genes.iter().any(|x| x == g);
        if !uses(gene) || context.as_ref().is_some_and(|(o, _)| !uses(o)) {
            continue;
        }
        reached
            .entry((d.drug.clone(), d.source, d.guideline_id.clone()))
            .or_default()
            .extend(d.matches.iter().map(|m| m.id.clone()));
    }
    Ok((result, reached))
}

/// One group of exceptions: rows, evaluations, what identifies them, an
/// example.
#[derive(Default)]
struct Group {
    rows: BTreeSet<usize>,
    drugs: BTreeSet<String>,
    evaluations: usize,
    items: Vec<String>,
    example: Option<String>,
}

impl Group {
    fn observed(&self) -> String {
        let mut items = self.items.clone();
        items.sort();
        // FNV-1a over the sorted evaluations: any change to which rows are
        // exceptions changes the digest.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for b in items.join("\n").bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        let mut drugs: Vec<&str> = self.drugs.iter().map(String::as_str).take(6).collect();
        if self.drugs.len() > drugs.len() {
            drugs.push("…");
        }
        let drugs = if drugs.is_empty() {
            String::new()
        } else {
            format!("; {} drugs: {}", self.drugs.len(), drugs.join(", "))
        };
        format!(
            "{} rows, {} evaluations, digest {hash:016x}{drugs}; e.g. {}",
            self.rows.len(),
            self.evaluations,
            self.example.as_deref().unwrap_or("-")
        )
    }
}

fn ids(set: Option<&BTreeSet<String>>) -> String {
    match set {
        Some(s) if !s.is_empty() => s.iter().cloned().collect::<Vec<_>>().join(","),
        _ => "none".to_string(),
    }
}

/// The score of a text that starts with one (`1.0`, `1.0 (Intermediate
/// Metabolizer)`), canonical.
fn leading_score(text: &str) -> Option<String> {
    canonical_score(text.split(" (").next().unwrap_or(text))
}

/// Two phenotypes or scores are the same result.
fn same(a: &str, b: &str) -> bool {
    match (leading_score(a), leading_score(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a.eq_ignore_ascii_case(b),
    }
}

/// What a source made of the diplotype, in the form compared: its activity
/// score (or the score its phenotype key starts with), or its phenotype.
fn read_as(call: &SourceCall, score_form: bool) -> Option<String> {
    if score_form {
        call.activity_score
            .clone()
            .or_else(|| call.phenotype.as_deref().and_then(leading_score))
    } else {
        call.phenotype.clone()
    }
}

#[test]
fn diplotypes_reach_the_rows_of_their_phenotype() {
    let Some(reference) = reference_or_skip("diplotypes_reach_the_rows_of_their_phenotype") else {
        return;
    };
    let started = Instant::now();
    let engine = Engine::bundled().unwrap();
    let rows: Vec<TruthRow> = truth::rows(&reference);
    let representative: BTreeMap<&str, [&str; 2]> = REPRESENTATIVE.iter().copied().collect();

    let mut plans: BTreeMap<String, GenePlan> = BTreeMap::new();
    // (gene, value, context) → rows reached, or why the value was refused.
    let mut phenotype_side: BTreeMap<(String, String, Context), Result<Reached, String>> =
        BTreeMap::new();
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    let mut walked: BTreeMap<String, usize> = BTreeMap::new();
    let mut without_drugs: BTreeSet<String> = BTreeSet::new();
    let mut without_values: BTreeSet<(String, String)> = BTreeSet::new();
    let mut requests = 0usize;
    let mut evaluations = 0usize;

    for (index, row) in rows.iter().enumerate() {
        let gene = row.gene.as_str();
        *walked.entry(gene.to_string()).or_default() += 1;
        let plan = plans
            .entry(gene.to_string())
            .or_insert_with(|| self::plan(&engine, gene));
        if plan.drugs.is_empty() {
            without_drugs.insert(gene.to_string());
            continue;
        }
        let mut contexts: Vec<Context> = vec![None];
        for other in plan.pairs.keys() {
            match representative.get(other.as_str()) {
                Some(values) => contexts.extend(
                    values
                        .iter()
                        .map(|v| Some((other.clone(), (*v).to_string()))),
                ),
                None => {
                    without_values.insert((gene.to_string(), other.clone()));
                }
            }
        }
        // The value each source's guidelines are keyed on.
        let score = row
            .activity_score
            .as_deref()
            .filter(|s| SCORE_GENES.contains(&gene) && canonical_score(s).is_some());
        let value_for = |source: Source| -> String {
            match score {
                Some(s) if plan.score_keyed.contains(&source) => s.to_string(),
                _ => row.phenotype.clone(),
            }
        };
        for context in &contexts {
            let ctx = context_label(context);
            requests += 1;
            let diplotype = ask(&engine, gene, &row.diplotype, context, plan);
            for source in Source::ALL {
                let value = value_for(source);
                let key = (gene.to_string(), value.clone(), context.clone());
                if !phenotype_side.contains_key(&key) {
                    requests += 1;
                    let reached = ask(&engine, gene, &value, context, plan).map(|(_, r)| r);
                    phenotype_side.insert(key.clone(), reached);
                }
                let wanted = &phenotype_side[&key];
                let mut exception = |kind: String, item: String, example: String, drug: &str| {
                    let g = groups
                        .entry(format!("{} {gene}: {kind}", source.label()))
                        .or_default();
                    g.rows.insert(index);
                    if !drug.is_empty() {
                        g.drugs.insert(drug.to_string());
                    }
                    g.evaluations += 1;
                    g.items.push(item);
                    g.example.get_or_insert(example);
                };
                let (result, got) = match (&diplotype, wanted) {
                    (Err(e), _) => {
                        evaluations += 1;
                        exception(
                            "the diplotype is refused".to_string(),
                            format!("{}|{ctx}", row.diplotype),
                            format!("{} {ctx}: {e}", row.diplotype),
                            "",
                        );
                        continue;
                    }
                    (Ok(_), Err(e)) => {
                        evaluations += 1;
                        exception(
                            format!("the value `{value}` is refused"),
                            format!("{}|{ctx}", row.diplotype),
                            format!("{} {ctx}: {e}", row.diplotype),
                            "",
                        );
                        continue;
                    }
                    (Ok((result, got)), Ok(_)) => (result, got),
                };
                let Ok(wanted) = wanted else { continue };
                let slots: BTreeSet<&Slot> = got
                    .keys()
                    .chain(wanted.keys())
                    .filter(|s| s.1 == source)
                    .collect();
                for slot in slots {
                    evaluations += 1;
                    let (a, b) = (got.get(slot), wanted.get(slot));
                    if a.unwrap_or(&BTreeSet::new()) == b.unwrap_or(&BTreeSet::new()) {
                        continue;
                    }
                    // Why they part: the engine's reading of the diplotype
                    // under this source's rules (and CPIC's, to tell DPWG's
                    // own table from a stale truth table).
                    let calls: Option<&[SourceCall]> = result
                        .genes
                        .iter()
                        .find(|g| g.gene == gene)
                        .and_then(|g| g.candidates.first())
                        .map(|c| c.calls.as_slice());
                    let call_of = |s: Source| calls.and_then(|c| c.iter().find(|c| c.source == s));
                    let score_form = value != row.phenotype;
                    let kind = match call_of(source) {
                        None => format!("no {} reading of the diplotype", source.label()),
                        Some(c) if c.lookup_keys.is_empty() => {
                            format!("no {} phenotype for the diplotype", source.label())
                        }
                        Some(c) if read_as(c, score_form).is_some_and(|v| same(&v, &value)) => {
                            "same phenotype, other rows".to_string()
                        }
                        Some(_) if source == Source::Cpic => {
                            "the CPIC phenotype of the diplotype is not the truth table's"
                                .to_string()
                        }
                        Some(c) => {
                            let cpic = call_of(Source::Cpic).and_then(|p| read_as(p, score_form));
                            match (read_as(c, score_form), cpic) {
                                (Some(d), Some(p)) if same(&d, &p) => {
                                    "the DPWG phenotype of the diplotype is CPIC's, not the truth table's"
                                        .to_string()
                                }
                                _ => "the DPWG phenotype of the diplotype differs from CPIC's"
                                    .to_string(),
                            }
                        }
                    };
                    exception(
                        kind,
                        format!("{}|{ctx}|{}|{}", row.diplotype, slot.0, slot.2),
                        format!(
                            "{} {ctx}, {} {}: diplotype reaches {}, `{value}` reaches {}",
                            row.diplotype,
                            slot.0,
                            slot.2,
                            ids(a),
                            ids(b)
                        ),
                        &slot.0,
                    );
                }
            }
        }
    }

    let found: BTreeMap<String, String> = groups
        .iter()
        .map(|(k, g)| (k.clone(), g.observed()))
        .collect();
    let listed = DeviationList::read(conformance_file("lookup-property-exceptions.tsv")).regenerate_if_asked(
        "Exceptions to the lookup property (tests/tests/lookup_property.rs): truth-table rows whose \
         diplotype does not reach exactly the recommendation rows its phenotype (or activity score) \
         reaches, grouped by source, gene and kind, with the reason.\n\
         Regenerate with DOSERA_REGENERATE=1 cargo test -p dosera-conformance --test lookup_property\n\
         group\trows, evaluations, digest; example\treason",
        &found,
    );
    let verdict = listed.compare(&found);

    let elapsed = started.elapsed();
    println!(
        "lookup property: {} truth-table rows walked, {requests} requests, {evaluations} drug evaluations, \
         {} phenotype-side values cached, {:.1} s",
        rows.len(),
        phenotype_side.len(),
        elapsed.as_secs_f64()
    );
    println!("rows walked per gene: {walked:?}");
    let tabled: BTreeSet<&str> = walked.keys().map(String::as_str).collect();
    let mut untabled: BTreeSet<String> = BTreeSet::new();
    for pack in engine.packs() {
        for g in &pack.guidelines {
            untabled.extend(
                g.genes
                    .iter()
                    .filter(|x| !tabled.contains(x.as_str()))
                    .cloned(),
            );
        }
    }
    println!("genes with guidelines but no truth-table rows (not walked): {untabled:?}");
    if !without_drugs.is_empty() {
        println!("genes with truth-table rows but no guideline: {without_drugs:?}");
    }
    if !without_values.is_empty() {
        println!(
            "other genes walked only as not given (no representative value): {without_values:?}"
        );
    }
    let mut by_source: BTreeMap<&str, usize> = BTreeMap::new();
    println!("exceptions (rows) by group:");
    for (k, g) in &groups {
        println!(
            "  {k}: {} rows, {} evaluations",
            g.rows.len(),
            g.evaluations
        );
        *by_source
            .entry(k.split(' ').next().unwrap_or_default())
            .or_default() += g.rows.len();
    }
    println!("exception rows by source (a row may count in several groups): {by_source:?}");
    for u in &verdict.unlisted {
        println!("NEW EXCEPTION GROUP {u}");
    }
    for c in &verdict.changed {
        println!("CHANGED {c}");
    }
    if !verdict.undocumented.is_empty() {
        println!(
            "{} listed groups still have a TODO reason",
            verdict.undocumented.len()
        );
    }

    assert!(
        rows.len() > 50_000 && evaluations > rows.len(),
        "the walk covered {} rows and {evaluations} evaluations",
        rows.len()
    );
    verdict.assert_holds("exception groups");
}
