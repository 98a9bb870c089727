//! Arguments checked at the boundary: each Python argument that is not
//! what the stubs say becomes `dosera.UsageError` (code 302) naming the
//! argument and the type expected, before the core sees it.
//!
//! A bare `str` where a list of names is expected is refused rather than
//! taken as one name: Python would otherwise iterate it letter by letter,
//! and accepting it would make `drugs="clopidogrel,codeine"` look like it
//! worked. Any other iterable of `str` (list, tuple, set, a pandas Series)
//! is accepted.

use std::collections::BTreeMap;
use std::path::PathBuf;

use dosera::report::stored::StoredReport;
use dosera::Error;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyInt, PyMapping, PyString};

use crate::{py_err, PyReport};

/// A `UsageError` for an argument of the wrong type or value.
fn usage(py: Python<'_>, message: String) -> PyErr {
    py_err(py, Error::Usage(message))
}

/// The Python type name of a value (`int`, `list`, …).
fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "an unknown type".into())
}

/// A list of names (`drugs=`, `genes=`, `samples=`, `sources=`): any
/// iterable of `str` other than a bare `str` or `bytes`; `None` is none.
pub(crate) fn names(
    py: Python<'_>,
    arg: &str,
    example: &str,
    value: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<Vec<String>>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    if let Ok(text) = value.cast::<PyString>() {
        return Err(usage(
            py,
            format!(
                "{arg} must be a list of names such as [\"{example}\"], not a single str ({:?}); \
                 write {arg}=[{:?}]",
                text.to_string_lossy(),
                text.to_string_lossy(),
            ),
        ));
    }
    let refuse = || {
        usage(
            py,
            format!(
                "{arg} must be a list of names such as [\"{example}\"], not {}",
                type_name(value)
            ),
        )
    };
    if value.is_instance_of::<PyBytes>() {
        return Err(refuse());
    }
    let items = value.try_iter().map_err(|_| refuse())?;
    let mut out = Vec::new();
    for (i, item) in items.enumerate() {
        let item = item?;
        match item.cast::<PyString>() {
            Ok(s) => out.push(s.to_str()?.to_string()),
            Err(_) => {
                return Err(usage(
                    py,
                    format!("{arg}[{i}] must be a str, not {}", type_name(&item)),
                ))
            }
        }
    }
    Ok(Some(out))
}

/// Gene results for `recommend`: a mapping of gene symbol to result text.
pub(crate) fn gene_results(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
) -> PyResult<BTreeMap<String, String>> {
    let mapping = value.cast::<PyMapping>().map_err(|_| {
        usage(
            py,
            format!(
                "genes must be a mapping of gene to result such as {{\"CYP2C19\": \"*2/*2\"}}, not {}",
                type_name(value)
            ),
        )
    })?;
    let mut out = BTreeMap::new();
    for item in mapping.items()?.iter() {
        let (key, result): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
        let Ok(gene) = key.cast::<PyString>() else {
            return Err(usage(
                py,
                format!(
                    "genes: a gene must be a str such as \"CYP2C19\", not {}",
                    type_name(&key)
                ),
            ));
        };
        let gene = gene.to_str()?.to_string();
        let Ok(text) = result.cast::<PyString>() else {
            return Err(usage(
                py,
                format!(
                    "genes[{gene:?}] must be a str (a diplotype, phenotype or activity score \
                     such as \"*1/*2\", \"Poor Metabolizer\" or \"1.0\"), not {}",
                    type_name(&result)
                ),
            ));
        };
        out.insert(gene, text.to_str()?.to_string());
    }
    Ok(out)
}

/// A file path: a `str` or an `os.PathLike` giving a `str`.
pub(crate) fn path(py: Python<'_>, arg: &str, value: &Bound<'_, PyAny>) -> PyResult<PathBuf> {
    let refuse = |what: String| {
        usage(
            py,
            format!("{arg} must be a file path (a str or os.PathLike), not {what}"),
        )
    };
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(PathBuf::from(text.to_str()?));
    }
    if !value.hasattr("__fspath__")? {
        return Err(refuse(type_name(value)));
    }
    let fspath = py.import("os")?.call_method1("fspath", (value,))?;
    match fspath.cast::<PyString>() {
        Ok(text) => Ok(PathBuf::from(text.to_str()?)),
        Err(_) => Err(refuse(format!(
            "a {} whose path is {}",
            type_name(value),
            type_name(&fspath)
        ))),
    }
}

/// An optional path (`outside=`).
pub(crate) fn optional_path(
    py: Python<'_>,
    arg: &str,
    value: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<PathBuf>> {
    value
        .filter(|v| !v.is_none())
        .map(|v| path(py, arg, v))
        .transpose()
}

/// Which sample of a VCF: a name, or a 0-based index.
pub(crate) enum SampleArg {
    /// A sample name (a `str`; as on the command line, a name that is not
    /// in the VCF but reads as a number is taken as an index).
    Name(String),
    /// A 0-based column index (an `int`).
    Index(usize),
}

/// `sample=`: a `str` (name) or a non-negative `int` (index); `None` is none.
pub(crate) fn sample(
    py: Python<'_>,
    value: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<SampleArg>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Some(SampleArg::Name(text.to_str()?.to_string())));
    }
    if value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>() {
        if let Ok(i) = value.extract::<usize>() {
            return Ok(Some(SampleArg::Index(i)));
        }
        return Err(usage(
            py,
            format!("sample index must be 0 or more, not {value}"),
        ));
    }
    Err(usage(
        py,
        format!(
            "sample must be a sample name (str) or a 0-based index (int), not {}",
            type_name(value)
        ),
    ))
}

/// A `str` option (`lang=`, read by the core, which lists the languages
/// when the value is not one).
pub(crate) fn text(
    py: Python<'_>,
    arg: &str,
    example: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<String> {
    match value.cast::<PyString>() {
        Ok(text) => Ok(text.to_str()?.to_string()),
        Err(_) => Err(usage(
            py,
            format!(
                "{arg} must be a str such as {example:?}, not {}",
                type_name(value)
            ),
        )),
    }
}

/// A `str` option with a closed list of values (`sex=`, `table=`).
pub(crate) fn choice<'a>(
    py: Python<'_>,
    arg: &str,
    allowed: &[&'a str],
    value: &Bound<'_, PyAny>,
) -> PyResult<&'a str> {
    let listed = allowed
        .iter()
        .map(|a| format!("{a:?}"))
        .collect::<Vec<_>>()
        .join(" or ");
    let given = match value.cast::<PyString>() {
        Ok(text) => text.to_str()?.to_string(),
        Err(_) => {
            return Err(usage(
                py,
                format!("{arg} must be {listed} (a str), not {}", type_name(value)),
            ))
        }
    };
    allowed
        .iter()
        .find(|a| **a == given)
        .copied()
        .ok_or_else(|| usage(py, format!("{arg} must be {listed}, not {given:?}")))
}

/// A stored report as given to `Engine.reanalyze`, `Engine.reanalysis` and
/// `Report.to_html(previous=)`.
pub(crate) enum StoredArg {
    /// A path: a JSON report file, or (for `reanalyze`) a folder of them.
    Path(PathBuf),
    /// The report's JSON text: a `str` starting with `{`, or a dict
    /// written as JSON.
    Text(String),
    /// A `dosera.Report` object.
    Report(Box<dosera::report::Report>),
}

impl StoredArg {
    /// The stored report (read, for a path; a folder is refused).
    pub(crate) fn read(&self) -> Result<StoredReport, Error> {
        match self {
            StoredArg::Path(path) => {
                let io = |source| Error::Io {
                    path: path.display().to_string(),
                    source,
                };
                if std::fs::metadata(path).map_err(io)?.is_dir() {
                    return Err(Error::Usage(format!(
                        "{} is a folder: give one report (Engine.reanalyze takes folders)",
                        path.display()
                    )));
                }
                StoredReport::from_json(&std::fs::read_to_string(path).map_err(io)?)
            }
            StoredArg::Text(text) => StoredReport::from_json(text),
            StoredArg::Report(report) => Ok(StoredReport::of(report)),
        }
    }
}

/// One stored report: a path (`str` or `os.PathLike`), JSON text (a `str`
/// whose first non-blank character is `{`), a dict, or a `dosera.Report`.
pub(crate) fn stored_report(
    py: Python<'_>,
    arg: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<StoredArg> {
    if let Ok(report) = value.cast::<PyReport>() {
        return Ok(StoredArg::Report(Box::new(report.get().inner.clone())));
    }
    if let Ok(text) = value.cast::<PyString>() {
        let text = text.to_str()?;
        return Ok(if text.trim_start().starts_with('{') {
            StoredArg::Text(text.to_string())
        } else {
            StoredArg::Path(PathBuf::from(text))
        });
    }
    if value.is_instance_of::<PyDict>() {
        let dumped = py.import("json")?.call_method1("dumps", (value,));
        return match dumped {
            Ok(text) => Ok(StoredArg::Text(
                text.cast::<PyString>()?.to_str()?.to_string(),
            )),
            Err(e) => Err(usage(
                py,
                format!("{arg}: a dict that cannot be written as JSON ({e})"),
            )),
        };
    }
    if value.hasattr("__fspath__")? {
        return path(py, arg, value).map(StoredArg::Path);
    }
    Err(usage(
        py,
        format!(
            "{arg} must be a stored report (a path, JSON text, a dict or a dosera.Report), not {}",
            type_name(value)
        ),
    ))
}

/// Stored reports for `Engine.reanalyze`: one report as for
/// [`stored_report`], or any iterable of them (a list, a tuple, …; not
/// nested). The flag is true for an iterable.
pub(crate) fn stored_reports(
    py: Python<'_>,
    arg: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<(Vec<StoredArg>, bool)> {
    let one = value.is_instance_of::<PyString>()
        || value.is_instance_of::<PyDict>()
        || value.is_instance_of::<PyReport>()
        || value.is_instance_of::<PyBytes>()
        || value.hasattr("__fspath__")?;
    if one {
        return Ok((vec![stored_report(py, arg, value)?], false));
    }
    let items = value.try_iter().map_err(|_| {
        usage(
            py,
            format!(
                "{arg} must be a stored report (a path, JSON text, a dict or a dosera.Report) \
                 or a list of them, not {}",
                type_name(value)
            ),
        )
    })?;
    let mut out = Vec::new();
    for (i, item) in items.enumerate() {
        out.push(stored_report(py, &format!("{arg}[{i}]"), &item?)?);
    }
    Ok((out, true))
}
