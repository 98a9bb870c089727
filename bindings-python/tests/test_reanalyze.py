"""Reanalysis of stored reports: the same changes as `dosera reanalyze`.

The fixtures (tests/fixtures/reports) are reports written by every report
schema version (1, 2, 3); v1 and v2 carry the pack release 2026.12.1, v3 the
bundled one (2026.12.2), so reanalysing v1/v2 lists changes and v3 none.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import dosera
from conftest import EXAMPLE

REPORTS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "reports"
VERSIONS = ["v1", "v2", "v3"]
#: The drugs every fixture was written for (tests/fixtures/reports/README.md).
DRUGS = [
    "azathioprine", "mercaptopurine", "thioguanine", "clopidogrel", "codeine",
    "abacavir", "carbamazepine", "warfarin", "fluorouracil", "simvastatin",
]


def cli_run(cli: Path, *args: str | Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    out = subprocess.run([cli, *map(str, args)], capture_output=True, text=True)
    if ok:
        assert out.returncode == 0, out.stderr
    return out


def tsv_rows(text: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the CLI's change table."""
    lines = text.rstrip("\n").split("\n")
    return lines[0].split("\t"), [line.split("\t") for line in lines[1:]]


def frame_rows(frame: Any) -> list[list[str]]:
    """The frame's rows as text, cleaned as the CLI cleans TSV cells."""
    clean = str.maketrans({"\t": " ", "\n": " ", "\r": " "})
    return [[str(v).translate(clean) for v in row] for row in frame.astype(str).values.tolist()]


def without_file(frame: Any) -> list[list[str]]:
    return [row[:1] + row[2:] for row in frame_rows(frame)]


@pytest.fixture(autouse=True)
def _pandas() -> None:
    pytest.importorskip("pandas")


@pytest.mark.parametrize("version", [*VERSIONS, "all"])
def test_rows_equal_the_cli_tsv(engine: dosera.Engine, cli: Path, version: str) -> None:
    folder = REPORTS if version == "all" else REPORTS / version
    frame = engine.reanalyze(folder)
    header, rows = tsv_rows(cli_run(cli, "reanalyze", folder, "--format", "tsv").stdout)
    assert list(frame.columns) == header == list(dosera.CHANGE_COLUMNS)
    assert frame_rows(frame) == rows
    summary = json.loads(cli_run(cli, "reanalyze", folder, "--format", "json").stdout)
    assert frame.attrs["counts"] == summary["counts"]
    assert frame.attrs["failed"] == summary["failed"] == []
    assert frame.attrs["new_release"] == summary["new_release"] == engine.pack_info()["release"]


def test_old_versions_list_changes_and_v3_none(engine: dosera.Engine) -> None:
    for version in ["v1", "v2"]:
        frame = engine.reanalyze(REPORTS / version)
        assert len(frame) > 0, version
        assert set(frame["old_release"]) == {"2026.12.1"}
        assert set(frame["new_release"]) == {"2026.12.2"}
        assert frame.attrs["counts"]["changed"] > 0
    v3 = engine.reanalyze(REPORTS / "v3")
    files = sorted((REPORTS / "v3").glob("*.json"))
    assert len(v3) == 0 and list(v3.columns) == list(dosera.CHANGE_COLUMNS)
    assert v3.attrs["counts"] == {
        "reports": len(files), "changed": 0, "re_identified": 0, "unchanged": len(files), "failed": 0,
    }


def test_a_list_of_files_equals_their_folder(engine: dosera.Engine) -> None:
    files = sorted((REPORTS / "v1").glob("*.json"))
    by_list = engine.reanalyze(files)
    by_folder = engine.reanalyze(REPORTS / "v1")
    assert frame_rows(by_list) == frame_rows(by_folder)
    assert by_list.attrs == by_folder.attrs
    one_thread = engine.reanalyze([str(f) for f in files], threads=1)
    assert frame_rows(one_thread) == frame_rows(by_folder)


def test_drugs_as_the_cli(engine: dosera.Engine, cli: Path) -> None:
    folder = REPORTS / "v1"
    frame = engine.reanalyze(folder, drugs=["clopidogrel", "Plavix"])
    _, rows = tsv_rows(cli_run(cli, "reanalyze", folder, "--format", "tsv", "-d", "clopidogrel").stdout)
    assert frame_rows(frame) == rows and rows
    # The drugs of the stored report not asked for are listed as removed
    # (as the CLI does); every other change is about the drug asked for.
    assert set(frame.loc[frame["change"] != "guideline_removed", "drug"]) == {"clopidogrel"}
    with pytest.raises(dosera.InputError) as e:
        engine.reanalyze(folder, drugs=["notadrug"])
    assert e.value.code == 105


def test_a_broken_report_among_many_is_listed_and_the_others_kept(
    engine: dosera.Engine, cli: Path, tmp_path: Path
) -> None:
    for f in (REPORTS / "v1").glob("*.json"):
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "broken.json").write_text("{")
    (tmp_path / "zz-not-a-report.json").write_text('{"hello": "world"}')
    frame = engine.reanalyze(tmp_path)
    # The CLI writes the same table and exits 1, naming the two.
    out = cli_run(cli, "reanalyze", tmp_path, "--format", "tsv", ok=False)
    assert out.returncode == 1, out.stderr
    assert frame_rows(frame) == tsv_rows(out.stdout)[1]
    assert without_file(frame) == without_file(engine.reanalyze(REPORTS / "v1"))
    failed = frame.attrs["failed"]
    assert [f["file"] for f in failed] == [str(tmp_path / "broken.json"), str(tmp_path / "zz-not-a-report.json")]
    assert [f["code"] for f in failed] == [111, 111]
    assert [f["input"] for f in failed] == [0, 0]
    assert "not a dosera report" in failed[1]["error"]
    counts = frame.attrs["counts"]
    assert counts["failed"] == 2 and counts["reports"] == 9
    summary = json.loads(cli_run(cli, "reanalyze", tmp_path, "--format", "json", ok=False).stdout)
    assert counts == summary["counts"]
    assert [(f["file"], f["code"]) for f in failed] == [(f["file"], f["code"]) for f in summary["failed"]]
    # In a list, too: in-memory reports that fail are named by their place.
    text = (REPORTS / "v1" / "outside-calls.json").read_text()
    mixed = engine.reanalyze([text, "{", {"schema_version": 9}])
    assert [(f["file"], f["input"], f["code"]) for f in mixed.attrs["failed"]] == [("", 1, 111), ("", 2, 111)]
    assert "schema version 9" in mixed.attrs["failed"][1]["error"]
    assert len(mixed) > 0 and mixed.attrs["counts"]["changed"] == 1


@pytest.mark.parametrize(
    "bad",
    ["{", '{"schema_version": 9}', {"engine_version": "0.1.0"}, "broken-file"],
    ids=["text", "version", "dict", "file"],
)
def test_a_single_broken_report_raises_111(engine: dosera.Engine, tmp_path: Path, bad: Any) -> None:
    if bad == "broken-file":
        bad = tmp_path / "broken.json"
        bad.write_text('{"schema_version": 1}')
    for call in (engine.reanalyze, engine.reanalysis):
        with pytest.raises(dosera.InputError) as e:
            call(bad)
        assert e.value.code == 111
    # One broken report in a list is listed, not raised.
    assert engine.reanalyze([bad]).attrs["counts"]["failed"] == 1


def test_dict_text_path_and_report_agree(engine: dosera.Engine) -> None:
    for version in VERSIONS:
        path = REPORTS / version / "example-patient.json"
        text = path.read_text()
        inputs: list[Any] = [path, str(path), text, json.loads(text)]
        if version == "v3":
            inputs.append(dosera.Report.from_json(text))
        frames = [engine.reanalyze(i) for i in inputs]
        assert (len(frames[0]) > 0) == (version != "v3")
        assert frame_rows(frames[0]) == frame_rows(frames[1])
        assert all(without_file(f) == without_file(frames[0]) for f in frames), version
        assert all(f.attrs["counts"] == frames[0].attrs["counts"] for f in frames)
        assert set(frames[0]["file"]) <= {str(path)} and set(frames[2]["file"]) <= {""}
        dicts = [engine.reanalysis(i).to_dict() for i in inputs]
        assert all(d == dicts[0] for d in dicts), version


def test_reanalysis_of_one_report(engine: dosera.Engine, cli: Path) -> None:
    path = REPORTS / "v1" / "outside-calls.json"
    r = engine.reanalysis(path)
    assert isinstance(r, dosera.Reanalysis)
    assert (r.sample, r.old_schema_version, r.old_engine_version) == ("OUTSIDE-ONLY", 1, "0.1.0")
    assert (r.old_release, r.new_release) == ("2026.12.1", "2026.12.2")
    assert r.advice_changed
    summary = json.loads(cli_run(cli, "reanalyze", path, "--format", "json").stdout)
    assert r.changes == summary["patients"][0]["changes"]
    assert r.rows(str(path)) == frame_rows(engine.reanalyze(path))
    assert repr(r).startswith('Reanalysis(sample="OUTSIDE-ONLY"')
    # The new report: a current Report, written and read back, that has
    # nothing more to change.
    report = r.report
    assert isinstance(report, dosera.Report) and report.packs_release == "2026.12.2"
    assert report.sample == "OUTSIDE-ONLY"
    assert dosera.Report.from_json(report.to_json()) == report
    d = r.to_dict()
    assert d["report"] == report.to_dict() and d["changes"] == r.changes
    assert json.loads(r.to_json(pretty=False)) == d
    again = engine.reanalysis(report)
    assert again.changes == [] and not again.advice_changed
    assert engine.reanalysis(REPORTS / "v3" / "outside-calls.json").changes == []
    with pytest.raises(AttributeError):
        r.sample = "x"  # type: ignore[misc]


def test_reanalysis_takes_one_report(engine: dosera.Engine) -> None:
    with pytest.raises(dosera.UsageError) as e:
        engine.reanalysis(REPORTS / "v1")
    assert e.value.code == 302 and "folder" in str(e.value)
    with pytest.raises(dosera.UsageError):
        engine.reanalysis([REPORTS / "v1" / "outside-calls.json"])  # type: ignore[arg-type]


def test_arguments_are_checked(engine: dosera.Engine, tmp_path: Path) -> None:
    for bad, words in [(5, "not int"), ([5], "report[1] must be"), (b"{}", "not bytes")]:
        with pytest.raises(dosera.UsageError) as e:
            engine.reanalyze(bad if not isinstance(bad, list) else [REPORTS / "v3", *bad])  # type: ignore[arg-type]
        assert e.value.code == 302 and words in str(e.value), str(e.value)
    with pytest.raises(dosera.UsageError) as e:
        engine.reanalyze(REPORTS / "v1", drugs="clopidogrel")  # type: ignore[arg-type]
    assert "single str" in str(e.value)
    with pytest.raises(dosera.UsageError) as e:
        engine.reanalyze({"a": object()})
    assert "cannot be written as JSON" in str(e.value)
    # A path that does not exist, and a folder without reports, as the CLI.
    with pytest.raises(dosera.UsageError) as e:
        engine.reanalyze([REPORTS / "v3", tmp_path / "absent.json"])
    assert e.value.code == 301 and isinstance(e.value.__cause__, FileNotFoundError)
    with pytest.raises(dosera.UsageError) as e:
        engine.reanalyze(tmp_path)
    assert "no .json reports" in str(e.value)


def test_without_pandas_the_frame_says_how_to_install_it(
    engine: dosera.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install pandas"):
        engine.reanalyze(REPORTS / "v3")
    # What needs no frame still works.
    assert engine.reanalysis(REPORTS / "v3" / "outside-calls.json").changes == []


def test_frame_types(engine: dosera.Engine) -> None:
    frame = engine.reanalyze(REPORTS / "v1")
    types = {c: str(t) for c, t in frame.dtypes.items()}
    for c in ["drug", "source", "gene", "change"]:
        assert types.pop(c) == "category", c
    assert set(types.values()) == {"str"}


def test_html_with_previous_equals_the_cli(engine: dosera.Engine, cli: Path) -> None:
    previous = REPORTS / "v1" / "example-patient.json"
    report = engine.call_vcf(EXAMPLE, drugs=DRUGS)
    drug_args = [a for d in DRUGS for a in ("-d", d)]
    for lang in ["en", "sv"]:
        out = cli_run(
            cli, "report", EXAMPLE, *drug_args, "--format", "html", "--lang", lang, "--previous", previous
        ).stdout
        html = report.to_html(lang=lang, previous=previous)
        assert html.rstrip("\n") == out.rstrip("\n"), lang
        assert html != report.to_html(lang=lang)
    text = previous.read_text()
    same = [report.to_html(previous=p) for p in (str(previous), text, json.loads(text))]
    assert all(h == same[0] for h in same)
    assert report.to_html(previous=None) == report.to_html()
    with pytest.raises(dosera.InputError) as e:
        report.to_html(previous="{")
    assert e.value.code == 111
