//! Writes the bundled example patient's HTML report in English and Swedish,
//! the outside-call report in English and the partial-VCF report in
//! Swedish, for the browser check:
//!
//! ```text
//! cargo run -p dosera-conformance --example render_html -- OUT_DIR
//! ```
//!
//! Files: `example-report-en.html`, `example-report-sv.html`,
//! `outside-report-en.html`, `partial-report-sv.html`.

use std::path::PathBuf;
use std::process::ExitCode;

use dosera::report::html::{render, Lang};
use dosera::Engine;
use dosera_conformance::report_cases::{example_report, outside_report, partial_vcf_report};

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: render_html OUT_DIR");
        return ExitCode::from(2);
    };
    match run(&dir) {
        Ok(files) => {
            for f in files {
                println!("{}", f.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("render_html: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(dir: &std::path::Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let engine = Engine::bundled().map_err(|e| e.to_string())?;
    let example = example_report(&engine).map_err(|e| e.to_string())?;
    let outside = outside_report(&engine).map_err(|e| e.to_string())?;
    let partial = partial_vcf_report(&engine).map_err(|e| e.to_string())?;
    let pages = [
        ("example-report-en.html", render(&example, Lang::En)),
        ("example-report-sv.html", render(&example, Lang::Sv)),
        ("outside-report-en.html", render(&outside, Lang::En)),
        ("partial-report-sv.html", render(&partial, Lang::Sv)),
    ];
    let mut written = Vec::new();
    for (name, html) in pages {
        let path = dir.join(name);
        std::fs::write(&path, html).map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}
