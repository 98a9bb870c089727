//! Every fenced block of `README.md`, `CONTRIBUTING.md` and `docs/*.md` is
//! run or checked, and a block nothing checks fails this test. By info string:
//!
//! - `rust`: a doc test; `tests/src/lib.rs` must include the page
//!   (`cargo test --doc` runs it).
//! - `sh`: every command line is run here with the `dosera` binary
//!   (`dosera …` or `cargo run … -p dosera-cli -- …`) in a scratch copy of
//!   the repository root, expecting exit code 0 or the `# exit code N` its
//!   comment gives; any other command must be in [`NOT_RUN_HERE`].
//! - `sh SCRIPT`, `c`, `python`, `js`: run by another script or test, which
//!   must name the page.
//! - `text usage`: the synopsis; every long flag of each command's `--help`
//!   is listed, and every flag listed exists.
//! - `text output`: must appear, in order and split at `…` lines, in the
//!   standard output of the last command of the `sh` block before it.
//! - `text tree`: the first word of each line is a path that exists
//!   (indented lines under the last unindented folder; `<NAME>` stands for
//!   any file of the folder).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Commands of `sh` blocks that the suite does not run, by prefix, and why.
const NOT_RUN_HERE: &[(&str, &str)] = &[
    ("scripts/test", "the test command itself (and its parts scripts/test-c, -python, -wasm); CI runs it through .ci/run"),
    ("scripts/calculator", "serves the calculator until stopped; scripts/calculator-check, run by scripts/test, builds and tests the same page"),
    ("DOSERA_REGENERATE=1 cargo test", "rewrites committed files; cargo test, run by scripts/test, checks them without the variable"),
    ("cargo install --locked --path cli", "installs into ~/.cargo/bin the same binary the lines before run; a release build of minutes"),
];

/// Scripts the allow-listed `scripts/…` commands must be run by.
const RUN_BY_THE_TEST_COMMAND: &[&str] =
    &["scripts/test-c", "scripts/test-python", "scripts/test-wasm"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// One fenced block: page, line of the opening fence, info string, text.
#[derive(Debug)]
struct Block {
    page: String,
    line: usize,
    info: String,
    body: String,
}

impl Block {
    fn at(&self) -> String {
        format!("{}:{} (```{})", self.page, self.line, self.info)
    }
}

/// The fenced blocks of a Markdown page (fences at the start of a line).
fn blocks(page: &str, text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => {
                open = Some(Block {
                    page: page.to_string(),
                    line: i + 1,
                    info: info.trim().to_string(),
                    body: String::new(),
                })
            }
            (Some(_), Some("")) => out.extend(open.take()),
            (Some(b), _) => {
                b.body.push_str(line);
                b.body.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "{page}: a fence is not closed");
    out
}

/// How a block is checked.
#[derive(Debug, PartialEq)]
enum Check {
    DocTest,
    Shell,
    Elsewhere(String),
    Usage,
    Output,
    Tree,
}

fn check_for(info: &str) -> Result<Check, String> {
    let words: Vec<&str> = info.split_whitespace().collect();
    Ok(match words.as_slice() {
        ["rust"] => Check::DocTest,
        ["sh"] => Check::Shell,
        ["sh", script] => Check::Elsewhere(script.to_string()),
        ["c"] => Check::Elsewhere("scripts/test-c".into()),
        ["js"] => Check::Elsewhere("scripts/test-wasm".into()),
        ["python"] => Check::Elsewhere("bindings-python/tests/test_docs.py".into()),
        ["text", "usage"] => Check::Usage,
        ["text", "output"] => Check::Output,
        ["text", "tree"] => Check::Tree,
        _ => return Err(format!("no check for ```{info} blocks")),
    })
}

/// A command line of an `sh` block, for this test.
#[derive(Debug, PartialEq)]
enum Cmd {
    /// Arguments of `dosera`, and the exit code expected.
    Dosera(Vec<String>, i32),
    /// Not run here, for this reason.
    NotRun(&'static str),
}

fn command(line: &str) -> Result<Cmd, String> {
    let (cmd, comment) = match line.find("  #") {
        Some(i) => (line[..i].trim(), line[i..].trim()),
        None => (line.trim(), ""),
    };
    let expected = match comment.split("exit code ").nth(1) {
        Some(rest) => rest
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| format!("unreadable exit code in `{line}`"))?,
        None => 0,
    };
    let args = if let Some(rest) = cmd.strip_prefix("dosera ") {
        rest
    } else if cmd.starts_with("cargo run ") && cmd.contains("-p dosera-cli -- ") {
        cmd.split_once(" -- ").map(|(_, a)| a).unwrap_or_default()
    } else {
        return NOT_RUN_HERE
            .iter()
            .find(|(prefix, _)| cmd.starts_with(prefix))
            .map(|(_, why)| Cmd::NotRun(why))
            .ok_or_else(|| format!("no check runs `{cmd}`"));
    };
    if args.contains(['|', '>', '<', '$', '`', ';', '&']) && !args.contains('"') {
        return Err(format!("shell syntax in `{cmd}`"));
    }
    Ok(Cmd::Dosera(words(args)?, expected))
}

/// Splits a command line into words, with "double" and 'single' quotes.
fn words(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (None, c) if c.is_whitespace() => out.extend(word.take()),
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    if quote.is_some() {
        return Err(format!("unclosed quote in `{s}`"));
    }
    out.extend(word);
    Ok(out)
}

/// Long flags (`--name`) in a text.
fn flags(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(str::to_string)
        .collect()
}

/// Long flags defined by a `--help` text (option lines), without `--help`.
fn help_flags(help: &str) -> BTreeSet<String> {
    help.lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with('-'))
        .filter_map(|l| l.split([' ', ',']).find(|w| w.starts_with("--")))
        .filter(|f| *f != "--help")
        .map(str::to_string)
        .collect()
}

/// Subcommand names listed by a `--help` text, without `help`.
fn help_commands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

/// Checks a `text usage` block against the help texts: `help(&[])` is the
/// top level, `help(&["pack", "info"])` a subcommand. Each entry starts with
/// `dosera`; indented lines continue it.
fn check_usage(body: &str, help: &dyn Fn(&[String]) -> String) -> Vec<String> {
    let mut entries: Vec<String> = Vec::new();
    for line in body.lines() {
        match entries.last_mut() {
            Some(e) if line.starts_with(char::is_whitespace) => e.push_str(line),
            _ => entries.push(line.to_string()),
        }
    }
    let top = help(&[]);
    let global = help_flags(&top);
    let mut problems = Vec::new();
    let mut listed: Vec<Vec<String>> = Vec::new();
    for entry in &entries {
        let path: Vec<String> = entry
            .split_whitespace()
            .skip(1)
            .take_while(|w| {
                w.chars().all(|c| c.is_ascii_lowercase() || c == '-') && !w.starts_with('-')
            })
            .map(str::to_string)
            .collect();
        let expected = if path.is_empty() {
            global.clone()
        } else {
            &help_flags(&help(&path)) - &global
        };
        let given = flags(entry);
        for f in expected.difference(&given) {
            problems.push(format!("`dosera {}`: {f} is not listed", path.join(" ")));
        }
        for f in given.difference(&expected) {
            problems.push(format!("`dosera {}`: {f} is not an option", path.join(" ")));
        }
        listed.push(path);
    }
    // Every command (leaves and the top level) has an entry.
    let mut todo: Vec<Vec<String>> = vec![vec![]];
    while let Some(path) = todo.pop() {
        let subs = help_commands(&help(&path));
        if (subs.is_empty() || path.is_empty()) && !listed.contains(&path) {
            problems.push(format!("`dosera {}` has no entry", path.join(" ")));
        }
        for s in subs {
            let mut p = path.clone();
            p.push(s);
            todo.push(p);
        }
    }
    problems
}

/// The parts of a `text output` block (split at `…` lines) missing from
/// `output`, in order.
fn check_output(body: &str, output: &str) -> Result<(), String> {
    let mut rest = output;
    for part in body.split("…\n") {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return Err(format!("not in the output:\n{part}")),
        }
    }
    Ok(())
}

/// Paths of a `text tree` block that do not exist under `root`.
fn check_tree(body: &str, root: &Path) -> Vec<String> {
    let mut folder = String::new();
    let mut missing = Vec::new();
    for line in body.lines() {
        let Some(first) = line.split_whitespace().next() else {
            continue;
        };
        let path = if line.starts_with(' ') {
            format!("{folder}{first}")
        } else {
            folder = first.to_string();
            first.to_string()
        };
        let exists = match path.split_once('<') {
            // `dir/<NAME>.json`: the folder holds at least one such file.
            Some((dir, pattern)) => {
                let ext = pattern.split_once('>').map(|(_, e)| e).unwrap_or_default();
                std::fs::read_dir(root.join(dir))
                    .map(|d| {
                        d.flatten()
                            .any(|e| e.file_name().to_string_lossy().ends_with(ext))
                    })
                    .unwrap_or(false)
            }
            None => root.join(&path).exists(),
        };
        if !exists {
            missing.push(path);
        }
    }
    missing
}

/// The pages checked: README.md, CONTRIBUTING.md and docs/*.md.
fn pages() -> Vec<(String, String)> {
    let mut names = vec!["README.md".to_string(), "CONTRIBUTING.md".to_string()];
    let mut docs: Vec<String> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    docs.sort();
    names.extend(docs);
    names
        .into_iter()
        .map(|n| {
            let text = std::fs::read_to_string(root().join(&n)).expect("page");
            (n, text)
        })
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir").flatten() {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if src.is_dir() {
            copy_dir(&src, &dst)
        } else {
            std::fs::copy(&src, &dst).expect("copy");
        }
    }
}

/// A scratch copy of the repository root for the commands of one page: the
/// inputs (`tests/`, linked), the packs (copied, so that a command writing
/// them writes the copy) and `../shared` (linked, when present).
fn scratch(name: &str) -> PathBuf {
    let base = std::env::temp_dir().join(format!("dosera-docs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let dir = base.join("repo");
    std::fs::create_dir_all(&dir).expect("scratch");
    std::os::unix::fs::symlink(root().join("tests"), dir.join("tests")).expect("link tests");
    copy_dir(
        &root().join("guidelines/data"),
        &dir.join("guidelines/data"),
    );
    let shared = root().join("../shared");
    if shared.is_dir() {
        std::os::unix::fs::symlink(&shared, base.join("shared")).expect("link shared");
    }
    dir
}

fn help_of(path: &[String]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_dosera"))
        .args(path)
        .arg("--help")
        .output()
        .expect("dosera --help");
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn every_block_of_the_documentation_is_checked() {
    let lib_rs = std::fs::read_to_string(root().join("tests/src/lib.rs")).expect("lib.rs");
    let mut problems = Vec::new();
    let mut ran = 0;
    for (page, text) in pages() {
        let dir = scratch(&page.replace('/', "-"));
        let mut last_output: Option<String> = None;
        for block in blocks(&page, &text) {
            let at = block.at();
            match check_for(&block.info) {
                Err(e) => problems.push(format!("{at}: {e}")),
                Ok(Check::DocTest) => {
                    if !lib_rs.contains(&format!("include_str!(\"../../{page}\")")) {
                        problems.push(format!("{at}: tests/src/lib.rs does not include {page}"));
                    }
                }
                Ok(Check::Elsewhere(by)) => {
                    let names = std::fs::read_to_string(root().join(&by))
                        .map(|t| {
                            t.contains(&page)
                                || (page.starts_with("docs/") && t.contains("docs/*.md"))
                        })
                        .unwrap_or(false);
                    if !names {
                        problems.push(format!("{at}: {by} does not check {page}"));
                    }
                }
                Ok(Check::Usage) => {
                    for p in check_usage(&block.body, &help_of) {
                        problems.push(format!("{at}: {p}"));
                    }
                }
                Ok(Check::Output) => match &last_output {
                    Some(out) => {
                        if let Err(e) = check_output(&block.body, out) {
                            problems.push(format!("{at}: {e}"));
                        }
                    }
                    None => problems.push(format!("{at}: no command before it")),
                },
                Ok(Check::Tree) => {
                    for p in check_tree(&block.body, &root()) {
                        problems.push(format!("{at}: {p} does not exist"));
                    }
                }
                Ok(Check::Shell) => {
                    for line in block.body.lines().filter(|l| !l.trim().is_empty()) {
                        match command(line) {
                            Err(e) => problems.push(format!("{at}: {e}")),
                            Ok(Cmd::NotRun(_)) => {}
                            Ok(Cmd::Dosera(args, expected)) => {
                                if args.iter().any(|a| a.starts_with("../shared"))
                                    && !dir.join("../shared").exists()
                                {
                                    println!("{at}: skipped `{line}`: ../shared is absent");
                                    continue;
                                }
                                let out = Command::new(env!("CARGO_BIN_EXE_dosera"))
                                    .args(&args)
                                    .current_dir(&dir)
                                    .output()
                                    .expect("run dosera");
                                ran += 1;
                                if out.status.code() != Some(expected) {
                                    problems.push(format!(
                                        "{at}: `{line}` exited with {:?}, expected {expected}: {}",
                                        out.status.code(),
                                        String::from_utf8_lossy(&out.stderr)
                                    ));
                                }
                                last_output =
                                    Some(String::from_utf8_lossy(&out.stdout).to_string());
                            }
                        }
                    }
                }
            }
        }
        // No documented command may leave the packs other than committed
        // (the rebuild command must reproduce them byte for byte).
        let diff = Command::new("diff")
            .args(["-r", "-q"])
            .arg(root().join("guidelines/data"))
            .arg(dir.join("guidelines/data"))
            .output()
            .expect("diff");
        if !diff.status.success() {
            problems.push(format!(
                "{page}: the commands changed the packs:\n{}",
                String::from_utf8_lossy(&diff.stdout)
            ));
        }
        let _ = std::fs::remove_dir_all(dir.parent().expect("scratch base"));
    }
    println!("ran {ran} documented commands");
    assert!(
        problems.is_empty(),
        "documentation problems:\n{}",
        problems.join("\n")
    );
}

#[test]
fn allow_listed_scripts_are_run_by_the_test_command() {
    let test = std::fs::read_to_string(root().join("scripts/test")).expect("scripts/test");
    for script in RUN_BY_THE_TEST_COMMAND
        .iter()
        .chain(["scripts/calculator-check"].iter())
    {
        assert!(
            test.lines().any(|l| l.trim() == *script),
            "scripts/test does not run {script}"
        );
    }
    // `.ci/run` calls exactly the README's test command.
    let ci = std::fs::read_to_string(root().join(".ci/run")).expect(".ci/run");
    assert_eq!(ci.lines().last(), Some("exec scripts/test"));
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README");
    let shell: Vec<String> = blocks("README.md", &readme)
        .into_iter()
        .filter(|b| b.info == "sh")
        .map(|b| b.body)
        .collect();
    assert!(
        shell.iter().any(|b| b == "scripts/test\n"),
        "the README's test command is not `scripts/test`"
    );
}

#[test]
fn the_checker_fails_on_what_it_should() {
    let page = "# t\n\n```yaml\na: 1\n```\n\n```sh\ndosera genes\nmake install\n```\n";
    let found = blocks("t.md", page);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].line, 3);
    // A block of a kind nothing checks.
    assert!(check_for(&found[0].info).is_err());
    // A command nothing runs.
    assert!(command("make install").is_err());
    assert_eq!(
        command("dosera genes"),
        Ok(Cmd::Dosera(vec!["genes".into()], 0))
    );
    assert_eq!(
        command("cargo run --release -p dosera-cli -- phenotype CYP2D6 \"*1/*4\"  # exit code 1"),
        Ok(Cmd::Dosera(
            vec!["phenotype".into(), "CYP2D6".into(), "*1/*4".into()],
            1
        ))
    );
    assert!(matches!(command("scripts/test"), Ok(Cmd::NotRun(_))));
    // A wrong flag, and a flag the synopsis leaves out.
    let help = |path: &[String]| match path {
        [] => {
            "Commands:\n  genes  List\n\nOptions:\n      --packs <DIR>  Packs\n  -h, --help  Help\n"
                .to_string()
        }
        _ => "Options:\n      --json  JSON\n      --packs <DIR>  Packs\n".to_string(),
    };
    assert!(check_usage(
        "dosera [--packs DIR] COMMAND\ndosera genes [--json]\n",
        &help
    )
    .is_empty());
    let wrong = check_usage(
        "dosera [--packs DIR] COMMAND\ndosera genes [--jsn]\n",
        &help,
    );
    assert_eq!(wrong.len(), 2, "{wrong:?}");
    assert!(!check_usage("dosera [--packs DIR] COMMAND\n", &help).is_empty());
    // Output excerpts, and trees.
    assert!(check_output("a\n…\nc\n", "a\nb\nc\n").is_ok());
    assert!(check_output("c\n…\na\n", "a\nb\nc\n").is_err());
    assert_eq!(
        check_tree("cli/\n  src/\n  nope/\n", &root()),
        vec!["cli/nope/"]
    );
}
