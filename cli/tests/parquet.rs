//! `dosera report --format parquet`: the typed tables hold exactly the rows
//! of the TSV tables (each Parquet value written back as TSV text gives the
//! TSV line), carry the pack release, pass the schema check, and the
//! committed schema description is the one the code defines.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use dosera::report::parquet::{check, schema_json, Table};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

fn dosera(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dosera"))
        .args(args)
        .output()
        .expect("run dosera")
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dosera-parquet-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn read(path: &Path) -> Vec<RecordBatch> {
    let file = std::fs::File::open(path).unwrap();
    ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap()
        .map(|b| b.unwrap())
        .collect()
}

/// One value written back the way the TSV table writes it.
fn tsv_text(col: &dyn Array, row: usize, name: &str) -> String {
    if col.is_null(row) {
        return String::new();
    }
    match col.data_type() {
        DataType::Utf8 => col.as_string::<i32>().value(row).to_string(),
        DataType::Boolean => {
            if col.as_boolean().value(row) {
                "yes".into()
            } else {
                "no".into()
            }
        }
        DataType::Int64 => col.as_primitive::<Int64Type>().value(row).to_string(),
        DataType::List(_) => {
            let items = col.as_list::<i32>().value(row);
            let items = items.as_string::<i32>();
            let texts: Vec<&str> = (0..items.len()).map(|i| items.value(i)).collect();
            texts.join(if name == "genes" { ", " } else { " | " })
        }
        other => panic!("column {name}: unexpected type {other}"),
    }
}

/// The Parquet file as TSV lines (without the added `activity_score`).
fn as_tsv_lines(path: &Path) -> Vec<String> {
    let mut lines = Vec::new();
    for batch in read(path) {
        let schema = batch.schema();
        for row in 0..batch.num_rows() {
            let fields: Vec<String> = schema
                .fields()
                .iter()
                .enumerate()
                .filter(|(_, f)| f.name() != "activity_score")
                .map(|(i, f)| tsv_text(batch.column(i).as_ref(), row, f.name()))
                .collect();
            lines.push(fields.join("\t"));
        }
    }
    lines
}

#[test]
fn parquet_rows_are_the_tsv_rows_typed() {
    let dir = temp_dir("rows");
    let vcf = dir.join("cohort.vcf.gz");
    let vcf_s = vcf.display().to_string();
    let o = dosera(&[
        "simulate",
        "--samples",
        "120",
        "--seed",
        "23",
        "--out",
        &vcf_s,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Outside calls for every sample make list fields of several items and
    // an `outside` source.
    let outside = dir.join("outside.tsv");
    std::fs::write(&outside, "CYP2D6\t*1/*4\nHLA-B\t*57:01 positive\n").unwrap();
    let outside_s = outside.display().to_string();
    let (tsv, pq) = (dir.join("tsv"), dir.join("pq"));
    for (format, out) in [("tsv", &tsv), ("parquet", &pq)] {
        let o = dosera(&[
            "report",
            &vcf_s,
            "--outside",
            &outside_s,
            "--all-matches",
            "--format",
            format,
            "--out",
            &out.display().to_string(),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let engine = dosera::Engine::bundled().unwrap();
    let (release, sha256) = engine.pack_release();
    for (table, name) in [(Table::Genes, "genes"), (Table::Drugs, "drugs")] {
        let path = pq.join(format!("{name}.parquet"));
        assert_eq!(check(&path).unwrap(), table);
        let text = std::fs::read_to_string(tsv.join(format!("{name}.tsv"))).unwrap();
        let want: Vec<&str> = text.lines().skip(1).collect();
        let got = as_tsv_lines(&path);
        assert_eq!(got.len(), want.len(), "{name}: row count");
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(g, w, "{name} row {i}");
        }
        // Some list field has several items, or the test shows little.
        assert!(want.iter().any(|l| l.contains(" | ")), "{name}");
        let file = std::fs::File::open(&path).unwrap();
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
        let meta = builder.schema().metadata().clone();
        assert_eq!(meta["dosera.table"], name);
        assert_eq!(meta["dosera.packs_release"], release);
        assert_eq!(meta["dosera.packs_sha256"], sha256);
        assert_eq!(meta["dosera.engine_version"], dosera::ENGINE_VERSION);
    }
    // activity_score is the one number of the candidates' scores.
    for batch in read(&pq.join("genes.parquet")) {
        let s = batch.schema();
        let texts = batch.column(s.index_of("activity_scores").unwrap());
        let score = batch
            .column(s.index_of("activity_score").unwrap())
            .as_primitive::<Float64Type>();
        for row in 0..batch.num_rows() {
            let items = tsv_text(texts.as_ref(), row, "activity_scores");
            let numbers: Vec<Option<f64>> = items
                .split(" | ")
                .filter(|t| !t.is_empty())
                .map(|t| t.parse().ok())
                .collect();
            let one = match numbers.first() {
                Some(Some(v)) if numbers.iter().all(|n| *n == Some(*v)) => Some(*v),
                _ => None,
            };
            let got = (!score.is_null(row)).then(|| score.value(row));
            assert_eq!(got, one, "row {row}: {items}");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn parquet_needs_a_folder() {
    let vcf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/example-patient.vcf");
    let o = dosera(&["report", &vcf.display().to_string(), "--format", "parquet"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--out DIR"));
}

#[test]
fn committed_schema_is_the_one_the_code_writes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/schema/tables.schema.json");
    let want = format!(
        "{}\n",
        serde_json::to_string_pretty(&schema_json()).unwrap()
    );
    if std::env::var_os("DOSERA_REGENERATE").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        have, want,
        "core/schema/tables.schema.json is stale: a column changed (raise \
         dosera::report::parquet::SCHEMA_VERSION when its meaning or type does), \
         then DOSERA_REGENERATE=1 cargo test -p dosera-cli --test parquet"
    );
}
