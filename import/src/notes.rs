//! Call notes: the reference tool's curated notes on gene calls
//! (`positions/messages.json`), kept as facts and worded by the project.
//!
//! Only facts are taken from a note: its rule name (as an identifier), gene,
//! diplotypes, haplotypes, rsIDs and drugs, plus, for an unphased
//! ambiguity, the diplotype its message says cannot be excluded. The
//! message itself never reaches a pack; every note's `text` comes from a
//! template below.
//!
//! Notes attach to genes of the CPIC pack (the only pack with allele
//! definitions). Notes without a gene, or for a gene outside the pack, are
//! dropped. A note that is neither an ambiguity, a missing position nor a
//! strand footnote is kept as [`CallNoteKind::Other`] with a neutral
//! sentence naming its rule.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use dosera::pack::{CallNote, CallNoteKind, Gene, UpstreamRelease};
use dosera::{Error, Result};

/// Where the curated notes are, under the reference folder.
pub(super) const MESSAGES: &str = "positions/messages.json";

/// The fixed sentence of a strand note.
const STRAND_TEXT: &str = "Positions and bases are given on the plus strand of GRCh38; \
                           the gene lies on the minus strand.";

/// What attaching the notes produced, for the pack metadata and the report.
pub(super) struct NotesImport {
    /// The upstream file, when it was there.
    pub upstream: Option<UpstreamRelease>,
    /// Counts and anything corrected or left as written.
    pub report: Vec<String>,
}

/// One upstream note as published (only the fields used).
#[derive(Deserialize)]
struct RawNote {
    rule_name: String,
    #[serde(default)]
    version: Option<Value>,
    #[serde(default)]
    exception_type: Option<String>,
    matches: RawMatches,
    /// Read only to find the alternative diplotype of an ambiguity and the
    /// rsIDs of a missing haplotype; never stored.
    #[serde(default)]
    message: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMatches {
    #[serde(default)]
    gene: Option<String>,
    #[serde(default)]
    haps_called: Vec<String>,
    #[serde(default)]
    haps_missing: Vec<String>,
    #[serde(default)]
    variants_missing: Vec<String>,
    #[serde(default)]
    variant: Vec<String>,
    #[serde(default)]
    dips: Vec<String>,
    #[serde(default)]
    drugs: Vec<String>,
}

fn import_err(reason: impl Into<String>) -> Error {
    Error::Import {
        file: MESSAGES.to_string(),
        reason: reason.into(),
    }
}

/// Reads `<reference>/positions/messages.json` (no notes when it is absent)
/// and attaches the notes to `genes` (the CPIC genes by symbol).
/// `rename(gene, allele)` gives an allele's current name (G6PD renames).
pub(super) fn attach_call_notes(
    reference: &Path,
    genes: &mut BTreeMap<String, Gene>,
    rename: &dyn Fn(&str, &str) -> Option<String>,
) -> Result<NotesImport> {
    let path = reference.join(MESSAGES);
    if !path.is_file() {
        return Ok(NotesImport {
            upstream: None,
            report: vec![format!("call notes: {MESSAGES} is absent, no notes")],
        });
    }
    let text = std::fs::read_to_string(&path).map_err(|e| import_err(e.to_string()))?;
    let raw: Vec<RawNote> =
        serde_json::from_str(&text).map_err(|e| import_err(format!("invalid notes: {e}")))?;

    let mut report = Vec::new();
    let mut versions = BTreeSet::new();
    let mut kept: BTreeMap<CallNoteKind, usize> = BTreeMap::new();
    let mut no_gene = 0;
    let mut outside = BTreeSet::new();
    let mut outside_count = 0;
    let mut added: BTreeMap<String, Vec<CallNote>> = BTreeMap::new();
    for note in &raw {
        if let Some(v) = &note.version {
            versions.insert(match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
        }
        let Some(symbol) = note.matches.gene.as_deref().filter(|g| !g.is_empty()) else {
            no_gene += 1;
            continue;
        };
        let Some(gene) = genes.get(symbol) else {
            outside_count += 1;
            outside.insert(symbol.to_string());
            continue;
        };
        let names = AlleleNames {
            gene: symbol,
            defined: gene
                .definition
                .as_ref()
                .map(|d| d.alleles.iter().map(|a| a.name.clone()).collect()),
            rename,
        };
        let mut problems = Vec::new();
        let call_note = build_note(note, &names, &mut problems);
        for p in problems {
            report.push(format!("call note `{}` ({symbol}): {p}", note.rule_name));
        }
        *kept.entry(call_note.kind).or_default() += 1;
        added.entry(symbol.to_string()).or_default().push(call_note);
    }
    for (symbol, mut notes) in added {
        notes.sort_by(|a, b| {
            a.kind
                .cmp(&b.kind)
                .then_with(|| dosera::phenotype::natural_cmp(&a.rule, &b.rule))
        });
        if let Some(gene) = genes.get_mut(&symbol) {
            gene.call_notes = notes;
        }
    }

    let total: usize = kept.values().sum();
    let by_kind = kept
        .iter()
        .map(|(k, n)| format!("{} {n}", kind_label(*k)))
        .collect::<Vec<_>>()
        .join(", ");
    report.insert(
        0,
        format!(
            "call notes: {} read, {total} kept ({by_kind}), {} dropped \
             ({no_gene} without a gene, {outside_count} for genes outside the CPIC pack{})",
            raw.len(),
            no_gene + outside_count,
            if outside.is_empty() {
                String::new()
            } else {
                format!(": {}", outside.into_iter().collect::<Vec<_>>().join(", "))
            }
        ),
    );
    let version = match (versions.first(), versions.last()) {
        (Some(a), Some(b)) if a == b => format!("rule version {a}"),
        (Some(a), Some(b)) => format!("rule versions {a} to {b}"),
        _ => "unversioned".to_string(),
    };
    Ok(NotesImport {
        upstream: Some(UpstreamRelease {
            name: "pharmcat-messages".into(),
            version,
            used_for: "CPIC pack: call notes (unphased ambiguities, missing positions, \
                       strand) as facts, worded by the project"
                .into(),
        }),
        report,
    })
}

fn kind_label(kind: CallNoteKind) -> &'static str {
    match kind {
        CallNoteKind::Ambiguity => "ambiguity",
        CallNoteKind::MissingPosition => "missing position",
        CallNoteKind::Strand => "strand",
        CallNoteKind::Other => "other",
    }
}

/// Turns one upstream note into a call note; `problems` collects names that
/// are not in the definitions and anything the importer corrected.
fn build_note(note: &RawNote, names: &AlleleNames, problems: &mut Vec<String>) -> CallNote {
    let m = &note.matches;
    let message = note.message.as_deref().unwrap_or("");
    let exception = note.exception_type.as_deref().unwrap_or("");
    let diplotypes: Vec<String> = m
        .dips
        .iter()
        .map(|d| names.diplotype(d.trim(), problems))
        .collect();
    let haplotypes = |list: &[String], problems: &mut Vec<String>| -> Vec<String> {
        list.iter()
            .flat_map(|h| h.split(';'))
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .map(|h| names.allele(h, problems))
            .collect()
    };
    let haplotypes_called = haplotypes(&m.haps_called, problems);
    let haplotypes_missing = haplotypes(&m.haps_missing, problems);
    let mut variants_missing = clean_list(&m.variants_missing);
    let variants = clean_list(&m.variant);

    let strand = exception == "footnote"
        && note
            .rule_name
            .to_ascii_lowercase()
            .contains("reverse complement");
    let kind = if strand {
        CallNoteKind::Strand
    } else if exception == "ambiguity" && !diplotypes.is_empty() {
        CallNoteKind::Ambiguity
    } else if !variants_missing.is_empty() || !haplotypes_missing.is_empty() {
        if variants_missing.is_empty() {
            // The missing haplotype's position is named only in the message.
            variants_missing = rsids_in(message);
        }
        if variants_missing.is_empty() {
            problems.push("missing haplotype without an rsID, kept as other".into());
            CallNoteKind::Other
        } else {
            CallNoteKind::MissingPosition
        }
    } else {
        CallNoteKind::Other
    };

    let alternatives = if kind == CallNoteKind::Ambiguity {
        let found = ambiguity_alternatives(message);
        if found.is_empty() {
            problems.push("no alternative diplotype found in the message".into());
        }
        found.iter().map(|d| names.diplotype(d, problems)).collect()
    } else {
        Vec::new()
    };

    let mut call_note = CallNote {
        rule: note.rule_name.trim().to_string(),
        kind,
        diplotypes,
        alternatives,
        haplotypes_called,
        haplotypes_missing,
        variants_missing,
        variants,
        drugs: clean_list(&m.drugs),
        text: String::new(),
    };
    call_note.text = note_text(&call_note, names.gene);
    call_note
}

/// Trimmed, non-empty entries, first occurrence kept.
fn clean_list(items: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if !out.iter().any(|o| o == item) {
            out.push(item.to_string());
        }
    }
    out
}

/// rsIDs (`rs` and digits) in a text, in order, each once.
fn rsids_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(at) = text[i..].find("rs") {
        let start = i + at;
        let digits = bytes[start + 2..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let boundary = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        if digits > 0 && boundary {
            let id = &text[start..start + 2 + digits];
            if !out.iter().any(|o| o == id) {
                out.push(id.to_string());
            }
        }
        i = start + 2 + digits;
    }
    out
}

/// The diplotype(s) an ambiguity message says cannot be excluded: the text
/// between `however,` and `cannot be ruled out`, split on ` or `. Only
/// entries holding a `/` count as diplotypes.
fn ambiguity_alternatives(message: &str) -> Vec<String> {
    let lower = message.to_ascii_lowercase();
    let Some(start) = lower.find("however,").map(|i| i + "however,".len()) else {
        return Vec::new();
    };
    let Some(len) = lower[start..].find("cannot be ruled out") else {
        return Vec::new();
    };
    let middle = collapse_spaces(&message[start..start + len]);
    middle
        .split(" or ")
        .map(str::trim)
        .filter(|d| d.contains('/'))
        .map(str::to_string)
        .collect()
}

/// Runs of whitespace become one space; ends trimmed.
fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Allele names of one gene: its definitions and renames.
struct AlleleNames<'a> {
    gene: &'a str,
    /// Names in the gene's definitions, when it has any.
    defined: Option<BTreeSet<String>>,
    rename: &'a dyn Fn(&str, &str) -> Option<String>,
}

impl AlleleNames<'_> {
    /// The current name of a defined allele (renames applied), or `None`
    /// when `name` is not a defined allele.
    fn exact(&self, name: &str) -> Option<String> {
        let current = (self.rename)(self.gene, name).unwrap_or_else(|| name.to_string());
        match &self.defined {
            Some(defined) => defined.contains(&current).then_some(current),
            None => Some(current),
        }
    }

    /// The one defined allele whose name starts with `name` (a name cut
    /// short upstream), when there is exactly one.
    fn by_prefix(&self, name: &str) -> Option<String> {
        let defined = self.defined.as_ref()?;
        let mut hits = defined.iter().filter(|d| d.starts_with(name));
        match (hits.next(), hits.next()) {
            (Some(one), None) => Some(one.clone()),
            _ => None,
        }
    }

    /// An allele name as the pack writes it; unknown names are kept as
    /// written and reported.
    fn allele(&self, name: &str, problems: &mut Vec<String>) -> String {
        if let Some(n) = self.exact(name) {
            return n;
        }
        if let Some(n) = self.by_prefix(name) {
            problems.push(format!("allele `{name}` read as `{n}`"));
            return n;
        }
        problems.push(format!(
            "allele `{name}` is not in the definitions, kept as written"
        ));
        name.to_string()
    }

    /// A diplotype as the pack writes it. Every `/` is tried as the
    /// separator (allele names may hold one); a split with two defined
    /// alleles wins, then one where a cut-short name completes uniquely.
    /// Otherwise the diplotype is kept as written and reported.
    fn diplotype(&self, dip: &str, problems: &mut Vec<String>) -> String {
        let dip = collapse_spaces(dip);
        let splits: Vec<(&str, &str)> = dip
            .match_indices('/')
            .map(|(i, _)| (dip[..i].trim(), dip[i + 1..].trim()))
            .collect();
        for (a, b) in &splits {
            if let (Some(a), Some(b)) = (self.exact(a), self.exact(b)) {
                return format!("{a}/{b}");
            }
        }
        for (a, b) in &splits {
            let resolve = |x: &str| self.exact(x).or_else(|| self.by_prefix(x));
            if let (Some(ra), Some(rb)) = (resolve(a), resolve(b)) {
                let read = format!("{ra}/{rb}");
                problems.push(format!("diplotype `{dip}` read as `{read}`"));
                return read;
            }
        }
        problems.push(format!(
            "diplotype `{dip}` does not name two defined alleles, kept as written"
        ));
        dip
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The note's sentence, generated from its facts.
fn note_text(note: &CallNote, gene: &str) -> String {
    let verb = |items: &[String]| if items.len() == 1 { "is" } else { "are" };
    match note.kind {
        CallNoteKind::Ambiguity => {
            let condition = if note.variants.is_empty() {
                String::new()
            } else {
                format!(
                    " (applies when {} {} heterozygous)",
                    and_list(&note.variants),
                    verb(&note.variants)
                )
            };
            let dips = note.diplotypes.join(" or ");
            if note.alternatives.is_empty() {
                format!("Unphased data may fit another diplotype than {dips}{condition}.")
            } else {
                format!(
                    "Unphased data cannot tell {dips} from {}; both fit the genotypes{condition}.",
                    note.alternatives.join(" or ")
                )
            }
        }
        CallNoteKind::MissingPosition => {
            let mut text = format!(
                "{} {} missing, so the call cannot exclude alleles defined there",
                and_list(&note.variants_missing),
                verb(&note.variants_missing)
            );
            if !note.haplotypes_called.is_empty() {
                text.push_str(&format!("; called: {}", note.haplotypes_called.join(", ")));
            }
            if !note.haplotypes_missing.is_empty() {
                text.push_str(&format!(
                    "; possibly present: {}",
                    note.haplotypes_missing.join(", ")
                ));
            }
            text.push('.');
            text
        }
        CallNoteKind::Strand => STRAND_TEXT.to_string(),
        CallNoteKind::Other => format!(
            "The reference tool has a note on {gene} calls under rule \"{}\"; \
             its text is not reproduced here.",
            note.rule
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn no_rename(_: &str, _: &str) -> Option<String> {
        None
    }

    fn names<'a>(
        defined: &[&str],
        rename: &'a dyn Fn(&str, &str) -> Option<String>,
    ) -> AlleleNames<'a> {
        AlleleNames {
            gene: "GENE1",
            defined: Some(defined.iter().map(|s| s.to_string()).collect()),
            rename,
        }
    }

    fn raw(kind: &str, gene: Option<&str>, message: &str) -> RawNote {
        RawNote {
            rule_name: "test rule".into(),
            version: None,
            exception_type: Some(kind.into()),
            matches: RawMatches {
                gene: gene.map(str::to_string),
                haps_called: Vec::new(),
                haps_missing: Vec::new(),
                variants_missing: Vec::new(),
                variant: Vec::new(),
                dips: Vec::new(),
                drugs: Vec::new(),
            },
            message: Some(message.into()),
        }
    }

    #[test]
    fn alternatives_between_the_markers() {
        // Test texts are made up; they only share the two markers.
        assert_eq!(
            ambiguity_alternatives("X is*1/*2; However,  *3/*4 cannot be ruled out today."),
            ["*3/*4"]
        );
        assert_eq!(
            ambiguity_alternatives("p; however, Lo, Mid/Hi or *5/*6 cannot be ruled out"),
            ["Lo, Mid/Hi", "*5/*6"]
        );
        assert!(ambiguity_alternatives("however, nothing here cannot be ruled out").is_empty());
        assert!(ambiguity_alternatives("*3/*4 cannot be ruled out").is_empty());
        assert!(ambiguity_alternatives("however, *3/*4 may be").is_empty());
    }

    #[test]
    fn rsids_are_found_once_each() {
        assert_eq!(
            rsids_in("rs12 then (rs345) and rs12 again, not xrs9 nor rs"),
            ["rs12", "rs345"]
        );
    }

    #[test]
    fn names_resolve_exactly_by_rename_or_by_unique_prefix() {
        let rename = |_: &str, a: &str| (a == "Old/Name").then(|| "New, Name".to_string());
        let n = names(
            &["*1", "*45.001", "*45.002", "Ref", "New, Name", "Long, Tail"],
            &rename,
        );
        let mut problems = Vec::new();
        assert_eq!(n.diplotype("*1/*45.001", &mut problems), "*1/*45.001");
        assert_eq!(n.diplotype("Old/Name/Ref", &mut problems), "New, Name/Ref");
        assert_eq!(
            n.diplotype("Ref/ Long,  Ta", &mut problems),
            "Ref/Long, Tail"
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(n.diplotype("*1/*45", &mut problems), "*1/*45");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(n.allele("*45.002", &mut problems), "*45.002");
        assert_eq!(n.allele("*9", &mut problems), "*9");
        assert_eq!(problems.len(), 3, "{problems:?}");
    }

    #[test]
    fn ambiguity_note_keeps_facts_and_own_words() {
        let message = "Made-up text; however, *3/*4 cannot be ruled out (test).";
        let mut note = raw("ambiguity", Some("GENE1"), message);
        note.matches.dips = strings(&["*1/*2"]);
        note.matches.variant = strings(&["rs1", "rs2"]);
        note.matches.drugs = strings(&["drug-a"]);
        let n = names(&["*1", "*2", "*3", "*4"], &no_rename);
        let mut problems = Vec::new();
        let c = build_note(&note, &n, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(c.kind, CallNoteKind::Ambiguity);
        assert_eq!(c.diplotypes, ["*1/*2"]);
        assert_eq!(c.alternatives, ["*3/*4"]);
        assert_eq!(c.variants, ["rs1", "rs2"]);
        assert_eq!(c.drugs, ["drug-a"]);
        assert_eq!(
            c.text,
            "Unphased data cannot tell *1/*2 from *3/*4; both fit the genotypes \
             (applies when rs1 and rs2 are heterozygous)."
        );
        assert!(!c.text.contains("ruled out"));
    }

    #[test]
    fn missing_positions_from_the_list_or_the_message() {
        let n = names(&["*1", "*2", "*7"], &no_rename);
        let mut problems = Vec::new();

        let mut listed = raw("ambiguity", Some("GENE1"), "ignored rs99");
        listed.matches.variants_missing = strings(&["rs5"]);
        listed.matches.haps_called = strings(&["*7"]);
        let c = build_note(&listed, &n, &mut problems);
        assert_eq!(c.kind, CallNoteKind::MissingPosition);
        assert_eq!(c.variants_missing, ["rs5"]);
        assert_eq!(
            c.text,
            "rs5 is missing, so the call cannot exclude alleles defined there; called: *7."
        );

        let mut from_text = raw("gene-specific warnings", Some("GENE1"), "made up rs8 (rs8)");
        from_text.matches.haps_missing = strings(&["*2"]);
        let c = build_note(&from_text, &n, &mut problems);
        assert_eq!(c.kind, CallNoteKind::MissingPosition);
        assert_eq!(c.variants_missing, ["rs8"]);
        assert!(c.text.ends_with("; possibly present: *2."), "{}", c.text);
        assert!(problems.is_empty(), "{problems:?}");

        let mut none = raw("gene-specific warnings", Some("GENE1"), "no id");
        none.matches.haps_missing = strings(&["*2"]);
        assert_eq!(
            build_note(&none, &n, &mut problems).kind,
            CallNoteKind::Other
        );
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn strand_and_other_notes() {
        let n = names(&["*1", "*80", "*80+*28"], &no_rename);
        let mut problems = Vec::new();
        let mut strand = raw("footnote", Some("GENE1"), "made up");
        strand.rule_name = "GENE1 reverse complement footnote".into();
        let c = build_note(&strand, &n, &mut problems);
        assert_eq!(c.kind, CallNoteKind::Strand);
        assert_eq!(c.text, STRAND_TEXT);

        let mut other = raw("note", Some("GENE1"), "made up");
        other.matches.haps_called = strings(&["*80; *80+*28"]);
        let c = build_note(&other, &n, &mut problems);
        assert_eq!(c.kind, CallNoteKind::Other);
        assert_eq!(c.haplotypes_called, ["*80", "*80+*28"]);
        assert!(c.text.contains("\"test rule\""), "{}", c.text);
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn word_lists() {
        assert_eq!(and_list(&strings(&["a"])), "a");
        assert_eq!(and_list(&strings(&["a", "b", "c"])), "a, b and c");
    }
}
