//! A VCF whose records miss the pharmacogenes is not an empty result
//! (issue 18). One called against another genome build, whose header does
//! not say so, is flagged as looking like another build; one of other
//! regions as covering no pharmacogene position. The finding is in the
//! report (`input.coverage` and the first warning) and in every output:
//! JSON, HTML in both languages, the cohort tables (both ways of making
//! them), FHIR. An ordinary GRCh38 file raises nothing, with or without an
//! index.
//!
//! The VCFs are written here. The GRCh37 positions are those dbSNP gives
//! for a few well-known variants; a larger GRCh37 file is made from the
//! PyPGx variant table in `../shared/reference` (skipped, with a message,
//! when that folder is absent).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};

use dosera::allele::{CallOptions, CallSource};
use dosera::input::coverage::{BuildSign, CoverageFinding};
use dosera::input::vcf::{write_index, IndexKind, VcfReader};
use dosera::report::html::{self, Lang};
use dosera::report::tables::{self, TableWriter};
use dosera::report::SampleOutcome;
use dosera::report::{fhir, Report};
use dosera::Engine;
use dosera_conformance::shared_dir;

/// A header that names no build: no `##reference`, no contig lines.
const HEAD: &str = "##fileformat=VCFv4.2\n\
    ##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n\
    #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n";

/// Pharmacogene variants: chromosome, GRCh37 position, GRCh38 position,
/// dbSNP id, REF (the same base in both builds), ALT.
const VARIANTS: [(&str, u64, u64, &str, &str, &str); 8] = [
    ("chr1", 97_915_614, 97_450_058, "rs3918290", "C", "T"), // DPYD c.1905+1G>A
    ("chr6", 18_130_918, 18_130_687, "rs1142345", "T", "C"), // TPMT c.719A>G
    ("chr10", 96_521_657, 94_761_900, "rs12248560", "C", "T"), // CYP2C19*17
    ("chr10", 96_541_616, 94_781_859, "rs4244285", "G", "A"), // CYP2C19*2
    ("chr10", 96_741_053, 94_981_296, "rs1057910", "A", "C"), // CYP2C9*3
    ("chr12", 21_331_549, 21_178_615, "rs4149056", "T", "C"), // SLCO1B1 c.521T>C
    ("chr16", 31_107_689, 31_096_368, "rs9923231", "C", "T"), // VKORC1 c.-1639G>A
    ("chr19", 15_990_431, 15_879_621, "rs2108622", "C", "T"), // CYP4F2*3
];

fn engine() -> Engine {
    Engine::bundled().expect("bundled packs")
}

/// One-sample VCF text of `records` (chrom, pos, id, ref, alt), each `0/1`.
fn vcf(records: &[(&str, u64, &str, &str, &str)]) -> String {
    let mut text = String::from(HEAD);
    for (chrom, pos, id, r, a) in records {
        text.push_str(&format!(
            "{chrom}\t{pos}\t{id}\t{r}\t{a}\t.\tPASS\t.\tGT\t0/1\n"
        ));
    }
    text
}

/// [`VARIANTS`] at their GRCh37 positions.
fn grch37() -> String {
    let records: Vec<_> = VARIANTS
        .iter()
        .map(|(c, p37, _, id, r, a)| (*c, *p37, *id, *r, *a))
        .collect();
    vcf(&records)
}

/// [`VARIANTS`] at their GRCh38 positions.
fn grch38() -> String {
    let records: Vec<_> = VARIANTS
        .iter()
        .map(|(c, _, p38, id, r, a)| (*c, *p38, *id, *r, *a))
        .collect();
    vcf(&records)
}

/// Every sample's outcome, as `dosera report` makes them.
fn outcomes(engine: &Engine, text: &str) -> Vec<SampleOutcome> {
    let mut reader = VcfReader::from_bytes(text.as_bytes().to_vec()).unwrap();
    dosera::report::cohort(engine, &mut reader, &CallOptions::default(), &[], &[]).unwrap()
}

fn report(engine: &Engine, text: &str) -> Report {
    outcomes(engine, text)[0].report().unwrap().clone()
}

/// The finding a file held in memory gives.
fn finding(engine: &Engine, text: &str) -> Option<CoverageFinding> {
    let mut reader = VcfReader::from_bytes(text.as_bytes().to_vec()).unwrap();
    engine.read_sites(&mut reader).unwrap().coverage
}

/// Checks that `finding` reaches every output of the report of `text`:
/// the report itself, its JSON, HTML in both languages, FHIR, and both
/// cohort tables made either way.
fn assert_in_every_output(engine: &Engine, text: &str, finding: &CoverageFinding, sv: &str) {
    let all = outcomes(engine, text);
    let r = all[0].report().unwrap();
    let message = finding.message();
    let flag = finding.flag();

    // The report: the typed finding, the first warning, every VCF gene and
    // every drug reading one.
    assert_eq!(r.input.coverage.as_ref(), Some(finding));
    assert_eq!(r.warnings.first(), Some(&message));
    let vcf_genes: Vec<&str> = r
        .genes
        .iter()
        .filter(|g| g.source == CallSource::Vcf)
        .map(|g| g.gene.as_str())
        .collect();
    assert!(vcf_genes.len() >= 18, "{vcf_genes:?}");
    for g in &r.genes {
        assert!(g.warnings.iter().any(|w| w == flag), "{}", g.gene);
    }
    let mut flagged = 0;
    for d in &r.drugs {
        let reads_vcf = d.genes.iter().any(|g| vcf_genes.contains(&g.as_str()));
        assert_eq!(
            d.warnings.iter().any(|w| w == flag),
            reads_vcf,
            "{}",
            d.drug
        );
        flagged += usize::from(reads_vcf);
    }
    assert!(flagged > 20, "{flagged} drugs flagged");

    // JSON: machine-readable, and read back whole.
    let json = serde_json::to_value(r).unwrap();
    assert_eq!(
        json["input"]["coverage"],
        serde_json::to_value(finding).unwrap()
    );
    assert_eq!(json["warnings"][0], message.as_str());
    let back = Report::from_json(&serde_json::to_string(r).unwrap()).unwrap();
    assert_eq!(&back, r);

    // HTML: a banner near the top, in each language.
    let en = html::render(r, Lang::En);
    let banner = en.find("role=\"alert\"").expect("a banner");
    assert!(banner < en.find("id=\"genes\"").unwrap_or(en.len()));
    let title = match finding {
        CoverageFinding::OtherBuild { .. } => {
            "Warning: the VCF looks like another genome build than GRCh38"
        }
        CoverageFinding::NoPharmacogenePosition { .. } => {
            "Warning: the VCF covers no pharmacogene position"
        }
    };
    assert!(en.contains(title), "{title}");
    let page = html::render(r, Lang::Sv);
    assert!(page.contains(sv), "{sv}");
    assert!(page.contains("role=\"alert\""));

    // FHIR: the conclusion opens with it; genotype observations carry it.
    let bundle = fhir::bundle(r);
    let entries = bundle["entry"].as_array().unwrap();
    let diagnostic = &entries[0]["resource"];
    assert_eq!(diagnostic["resourceType"], "DiagnosticReport");
    let conclusion = diagnostic["conclusion"].as_str().unwrap();
    assert!(
        conclusion.starts_with(&format!("Warning: {message}.")),
        "{conclusion}"
    );
    assert_eq!(conclusion.matches(&message).count(), 1, "said once");
    let genotype_notes = entries
        .iter()
        .filter(|e| e["resource"]["code"]["coding"][0]["code"] == "84413-4")
        .filter(|e| {
            e["resource"]["note"]
                .as_array()
                .is_some_and(|n| n.iter().any(|n| n["text"] == flag))
        })
        .count();
    assert_eq!(genotype_notes, r.genes.len());

    // Cohort tables: the `warnings` column of every row that reads the VCF,
    // the same from reports and from the row maker.
    let genes = tables::genes_tsv(&all);
    let warnings = tables::GENE_COLUMNS
        .iter()
        .position(|c| *c == "warnings")
        .unwrap();
    for row in genes.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        assert!(cols[warnings].contains(flag), "{row}");
    }
    let drugs = tables::drugs_tsv(&all);
    let drug_warnings = tables::DRUG_COLUMNS
        .iter()
        .position(|c| *c == "warnings")
        .unwrap();
    let flagged_rows = drugs
        .lines()
        .skip(1)
        .filter(|row| row.split('\t').nth(drug_warnings).unwrap().contains(flag))
        .count();
    assert_eq!(flagged_rows, flagged);
    let from_reports: Vec<_> = all
        .iter()
        .cloned()
        .map(TableWriter::<Vec<u8>>::rows)
        .collect();
    let mut fast = Vec::new();
    let mut reader = VcfReader::from_bytes(text.as_bytes().to_vec()).unwrap();
    tables::cohort_rows(
        engine,
        &mut reader,
        &CallOptions::default(),
        &[],
        &[],
        &mut |rows| {
            fast.push(rows);
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(fast, from_reports);
    assert_eq!(fast[0].coverage.as_ref(), Some(finding));
}

#[test]
fn grch37_positions_without_a_build_header_look_like_another_build() {
    let engine = engine();
    // The case of the issue: CYP2C19*2 alone, at its GRCh37 position.
    let one = vcf(&[("chr10", 96_541_616, "rs4244285", "G", "A")]);
    let f = finding(&engine, &one).expect("a finding");
    assert_eq!(f.signs(), [BuildSign::NearButNotOn]);
    let c = f.counts();
    assert_eq!((c.records, c.near_pharmacogenes), (1, 1));
    assert_eq!((c.on_definition_positions, c.ref_agrees), (0, 0));
    assert!(c.definition_positions > 1000, "{c:?}");
    assert!(f
        .message()
        .starts_with("this VCF looks like another genome build than GRCh38"));
    let sv = "Varning: VCF-filen ser ut att vara från en annan genomversion än GRCh38";
    assert_in_every_output(&engine, &one, &f, sv);

    // Eight variants of seven genes.
    let f = finding(&engine, &grch37()).expect("a finding");
    assert_eq!(f.signs(), [BuildSign::NearButNotOn]);
    assert_eq!(f.counts().records, 8);
    assert_eq!(f.counts().near_pharmacogenes, 8);
    assert_in_every_output(&engine, &grch37(), &f, sv);

    // A header with GRCh38 contig lengths does not hide it.
    let declared = grch37().replacen(
        "##FORMAT",
        "##contig=<ID=chr10,length=133797422>\n##FORMAT",
        1,
    );
    assert_eq!(finding(&engine, &declared), Some(f));
}

#[test]
fn the_same_variants_at_grch38_positions_raise_nothing() {
    let engine = engine();
    let r = report(&engine, &grch38());
    assert_eq!(r.input.coverage, None);
    assert!(r
        .gene("CYP2C19")
        .unwrap()
        .call
        .as_ref()
        .unwrap()
        .is_called());
    assert!(!r.warnings.iter().any(|w| w.contains("genome build")));
    assert!(!html::render(&r, Lang::En).contains("role=\"alert\""));
    let conclusion = fhir::bundle(&r)["entry"][0]["resource"]["conclusion"].clone();
    assert!(!conclusion.as_str().unwrap().starts_with("Warning"));
}

#[test]
fn records_only_off_target_cover_no_pharmacogene_position() {
    let engine = engine();
    // chr3 carries no pharmacogene; chr10:50 Mb is far from CYP2C9/CYP2C19.
    let text = vcf(&[
        ("chr3", 12_345_678, ".", "A", "G"),
        ("chr3", 12_346_000, ".", "C", "T"),
        ("chr10", 50_000_000, ".", "G", "A"),
    ]);
    let f = finding(&engine, &text).expect("a finding");
    assert!(matches!(f, CoverageFinding::NoPharmacogenePosition { .. }));
    assert_eq!(f.counts().records, 3);
    assert_eq!(f.counts().on_pharmacogene_chromosomes, 1);
    assert!(f
        .message()
        .starts_with("this VCF covers no pharmacogene position"));
    assert!(f.message().contains("none of its 3 records"));
    let sv = "Varning: VCF-filen täcker ingen farmakogenetisk position";
    assert_in_every_output(&engine, &text, &f, sv);

    // An empty file is only empty.
    assert_eq!(finding(&engine, HEAD), None);
}

#[test]
fn ref_differing_on_definition_positions_looks_like_another_build() {
    let engine = engine();
    // CYP2C19*17 and *2 at their GRCh38 positions, each REF wrong.
    let two = vcf(&[
        ("chr10", 94_761_900, "rs12248560", "A", "T"),
        ("chr10", 94_781_859, "rs4244285", "C", "A"),
    ]);
    let f = finding(&engine, &two).expect("a finding");
    assert_eq!(f.signs(), [BuildSign::RefDiffers]);
    assert_eq!((f.counts().ref_differs, f.counts().ref_agrees), (2, 0));
    assert!(f
        .message()
        .contains("REF differs from the GRCh38 base at 2 of the 2 records"));
    // One wrong REF is flagged at its position only: too thin for a build.
    let one = vcf(&[("chr10", 94_781_859, "rs4244285", "C", "A")]);
    assert_eq!(finding(&engine, &one), None);
    // Outnumbered by agreeing records: no finding either.
    let mixed = format!(
        "{}chr10\t94781859\trs4244285\tG\tA\t.\tPASS\t.\tGT\t0/1\n\
         chr10\t94842866\trs3758581\tA\tG\t.\tPASS\t.\tGT\t0/1\n",
        vcf(&[("chr10", 94_761_900, "rs12248560", "A", "T")])
    );
    assert_eq!(finding(&engine, &mixed), None);
}

/// A fresh folder under the system temp dir for one test.
fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dosera-coverage-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `text` bgzipped at `dir/name`, with a tabix index beside it.
fn indexed_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    let mut writer = noodles_bgzf::io::Writer::new(std::fs::File::create(&path).unwrap());
    writer.write_all(text.as_bytes()).unwrap();
    writer.finish().unwrap();
    write_index(&path, IndexKind::Tabix).unwrap();
    path
}

/// The finding, and whether the read stayed on the index.
fn finding_of(engine: &Engine, path: &Path, use_index: bool) -> (Option<CoverageFinding>, bool) {
    let mut reader = VcfReader::from_path(path).unwrap();
    if !use_index {
        reader.ignore_index();
    }
    let sites = engine.read_sites(&mut reader).unwrap();
    (sites.coverage, reader.indexed().is_some())
}

#[test]
fn an_index_changes_nothing() {
    let engine = engine();
    let dir = temp_dir("index");
    // Another build: the gene regions hold nothing, so the whole file is
    // read after all, and the finding is the full scan's.
    let far = format!("{}chr3\t100\t.\tA\tG\t.\tPASS\t.\tGT\t0/1\n", grch37());
    let sorted: String = {
        let mut lines: Vec<&str> = far.lines().filter(|l| !l.starts_with('#')).collect();
        lines.sort_by_key(|l| {
            let mut cols = l.split('\t');
            let chrom = cols.next().unwrap().trim_start_matches("chr");
            let pos: u64 = cols.next().unwrap().parse().unwrap();
            (chrom.parse::<u32>().unwrap(), pos)
        });
        format!("{HEAD}{}\n", lines.join("\n"))
    };
    for (name, text) in [
        ("grch37.vcf.gz", sorted.as_str()),
        ("grch38.vcf.gz", &grch38()),
    ] {
        let path = indexed_file(&dir, name, text);
        let (indexed, stayed) = finding_of(&engine, &path, true);
        let (full, _) = finding_of(&engine, &path, false);
        assert_eq!(indexed, full, "{name}");
        if name == "grch37.vcf.gz" {
            let f = full.expect("a finding");
            assert_eq!(f.counts().records, 9);
            assert!(!stayed, "the whole file is read");
        } else {
            assert_eq!(full, None);
            assert!(stayed, "a GRCh38 file is read through its index only");
        }
    }
    // Records far from every gene, through an index.
    let path = indexed_file(
        &dir,
        "elsewhere.vcf.gz",
        &vcf(&[("chr3", 100, ".", "A", "G")]),
    );
    let (indexed, _) = finding_of(&engine, &path, true);
    assert!(matches!(
        indexed,
        Some(CoverageFinding::NoPharmacogenePosition { .. })
    ));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn ordinary_grch38_files_raise_nothing() {
    let engine = engine();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/example-patient.vcf");
    let (f, _) = finding_of(&engine, &example, false);
    assert_eq!(f, None, "example patient");

    let Some(shared) = shared_dir() else {
        println!("ordinary_grch38_files_raise_nothing: PharmCAT VCFs skipped: ../shared is absent");
        return;
    };
    // Reader fixtures whose records sit at chr1:1-6 or chr1:123456, far
    // from every pharmacogene: they do cover no pharmacogene position.
    let fixtures = [
        "haplotyper.vcf",
        "VcfReaderTest-structuralAlt.vcf",
        "test_not_gvcf_block.vcf",
    ];
    let mut files = Vec::new();
    for folder in ["pharmcat-unit-tests", "preprocessor-tests"] {
        collect_vcfs(&shared.join("conformance").join(folder), &mut files);
    }
    files.sort();
    let (mut read, mut wrong) = (0, Vec::new());
    for path in &files {
        // Files the reader refuses (gVCF blocks, unknown contigs) are
        // covered by the reader's own tests.
        let Ok(mut reader) = VcfReader::from_path(path) else {
            continue;
        };
        let Ok(sites) = engine.read_sites(&mut reader) else {
            continue;
        };
        read += 1;
        let name = path.file_name().unwrap().to_string_lossy();
        let expected = fixtures.contains(&name.as_ref());
        let ok = match &sites.coverage {
            None => !expected,
            Some(CoverageFinding::NoPharmacogenePosition { .. }) => expected,
            Some(CoverageFinding::OtherBuild { .. }) => false,
        };
        if !ok {
            wrong.push(format!("{}: {:?}", path.display(), sites.coverage));
        }
    }
    println!("{read} PharmCAT VCFs read");
    assert!(read > 100, "{read} files read");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn collect_vcfs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let name = path.to_string_lossy();
        if path.is_dir() {
            collect_vcfs(&path, out);
        } else if name.ends_with(".vcf") || name.ends_with(".vcf.gz") || name.ends_with(".vcf.bgz")
        {
            out.push(path);
        }
    }
}

/// A realistic GRCh37 VCF: every single-base variant of the genes dosera
/// calls from VCF, as the PyPGx variant table places it in GRCh37; and the
/// same variants placed in GRCh38, which must raise nothing.
#[test]
fn a_grch37_file_made_from_the_pypgx_table_looks_like_another_build() {
    let Some(shared) = shared_dir() else {
        println!("a_grch37_file_made_from_the_pypgx_table: skipped: ../shared is absent");
        return;
    };
    let table = shared.join("reference/pypgx-0.27.0/variant-table.csv");
    let Ok(text) = std::fs::read_to_string(&table) else {
        println!(
            "a_grch37_file_made_from_the_pypgx_table: skipped: no {}",
            table.display()
        );
        return;
    };
    let engine = engine();
    let genes: Vec<String> = engine
        .genes()
        .into_iter()
        .filter(|g| g.vcf_definition)
        .map(|g| g.symbol)
        .collect();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (gene, name37, name38) = (col("Gene"), col("GRCh37Name"), col("GRCh38Name"));
    // `chrom-pos-ref-alt`; single bases only.
    let parse = |name: &str| -> Option<(String, u64, String, String)> {
        let parts: Vec<&str> = name.split('-').collect();
        let [chrom, pos, r, a] = parts[..] else {
            return None;
        };
        if r.len() != 1 || a.len() != 1 || r == a {
            return None;
        }
        Some((
            format!("chr{chrom}"),
            pos.parse().ok()?,
            r.to_string(),
            a.to_string(),
        ))
    };
    let (mut b37, mut b38) = (Vec::new(), Vec::new());
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        if cols.len() <= name38.max(name37) || !genes.iter().any(|g| g == cols[gene]) {
            continue;
        }
        if let (Some(x), Some(y)) = (parse(cols[name37]), parse(cols[name38])) {
            b37.push(x);
            b38.push(y);
        }
    }
    let file = |mut records: Vec<(String, u64, String, String)>| {
        records.sort();
        records.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        let mut out = String::from(HEAD);
        for (chrom, pos, r, a) in &records {
            out.push_str(&format!(
                "{chrom}\t{pos}\t.\t{r}\t{a}\t.\tPASS\t.\tGT\t0/1\n"
            ));
        }
        (out, records.len())
    };
    let (v37, n37) = file(b37);
    let (v38, n38) = file(b38);
    assert!(n37 > 100, "{n37} GRCh37 records");
    let f = finding(&engine, &v37).expect("a finding for the GRCh37 file");
    assert!(f.signs().contains(&BuildSign::NearButNotOn), "{f:?}");
    println!("GRCh37 file of {n37} records: {}", f.message());
    assert_eq!(finding(&engine, &v38), None, "GRCh38 file of {n38} records");
}
