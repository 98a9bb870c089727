//! `dosera pack diff OLD NEW`: what a pack release changes against another,
//! as release notes (text) or as the serde form of
//! [`dosera::pack::diff::PackDiff`] (`--json`).

use std::path::Path;

use dosera::pack::{PackDiff, PackSet};
use dosera::Error;

/// The word that names the packs built into the binary instead of a folder.
const BUNDLED: &str = "bundled";

/// Loads the packs a command-line argument names: the bundled packs for
/// `bundled`, otherwise the folder (with `MANIFEST.toml`) at that path.
fn load(arg: &Path) -> Result<PackSet, Error> {
    if arg.as_os_str() == BUNDLED {
        PackSet::bundled()
    } else {
        PackSet::from_dir(arg)
    }
}

/// Compares the packs `new` names against those `old` names and prints the
/// changes; succeeds whether or not there are any.
pub(crate) fn run(old: &Path, new: &Path, json: bool) -> Result<(), Error> {
    let diff = PackDiff::between(&load(old)?, &load(new)?);
    if json {
        return crate::print_json(&diff);
    }
    out!("{}", diff.text());
    Ok(())
}
