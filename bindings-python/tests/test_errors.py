"""Every error becomes the exception class of its code range, never a panic."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

import dosera
from dosera import _native
from conftest import write_vcf

CLASSES = {
    "InputError": dosera.InputError,
    "PackError": dosera.PackError,
    "UsageError": dosera.UsageError,
    "InternalError": dosera.InternalError,
}
RANGES = {"InputError": 1, "PackError": 2, "UsageError": 3, "InternalError": 9}


def test_every_code_is_in_its_class_range() -> None:
    pairs = _native.error_classes()
    assert len(pairs) == len({c for c, _ in pairs}) >= 18
    for code, name in pairs:
        assert code // 100 == RANGES[name], (code, name)
        assert issubclass(CLASSES[name], dosera.DoseraError)


@pytest.mark.parametrize("cls", [dosera.DoseraError, *CLASSES.values()])
def test_exception_classes(cls: type[dosera.DoseraError]) -> None:
    e = cls(101, "unknown gene: NOPE1")
    assert (e.code, e.message, str(e)) == (101, "unknown gene: NOPE1", "unknown gene: NOPE1")
    assert isinstance(e, Exception) and isinstance(e, dosera.DoseraError)


def check(excinfo: pytest.ExceptionInfo[dosera.DoseraError], cls: type, code: int) -> None:
    assert type(excinfo.value) is cls
    assert excinfo.value.code == code
    assert str(excinfo.value) and str(excinfo.value) == excinfo.value.message


def test_unknown_drug_is_input_error_105(engine: dosera.Engine, example: Path) -> None:
    with pytest.raises(dosera.InputError) as e:
        engine.recommend(genes={"CYP2C19": "*1/*2"}, drugs=["notadrug"])
    check(e, dosera.InputError, 105)
    with pytest.raises(dosera.InputError) as e:
        engine.call_vcf(example, drugs=["notadrug"])
    check(e, dosera.InputError, 105)


def test_unknown_gene_and_allele(engine: dosera.Engine) -> None:
    with pytest.raises(dosera.InputError) as e:
        engine.alleles("NOPE1")
    check(e, dosera.InputError, 101)
    with pytest.raises(dosera.InputError) as e:
        engine.recommend(genes={"CYP2C19": "*1/*999"})
    assert e.value.code in (102, 104)


def test_unknown_source_106(engine: dosera.Engine) -> None:
    with pytest.raises(dosera.InputError) as e:
        engine.recommend(genes={"CYP2C19": "*1/*1"}, sources=["fda"])
    check(e, dosera.InputError, 106)


def test_unreadable_vcf_107(engine: dosera.Engine, tmp_path: Path) -> None:
    bad = tmp_path / "bad.vcf"
    bad.write_text("this is not a vcf\n")
    with pytest.raises(dosera.InputError) as e:
        engine.call_vcf(bad)
    check(e, dosera.InputError, 107)


def test_unknown_sample_109(engine: dosera.Engine, tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path / "two.vcf", ["A", "B"], ["0/1", "0/0"])
    with pytest.raises(dosera.InputError) as e:
        engine.call_vcf(vcf, sample="C")
    check(e, dosera.InputError, 109)
    with pytest.raises(dosera.InputError) as e:
        engine.call_cohort(vcf, samples=["A", "C"])
    check(e, dosera.InputError, 109)


def test_malformed_outside_call_110(engine: dosera.Engine, example: Path, tmp_path: Path) -> None:
    bad = tmp_path / "outside.tsv"
    bad.write_text("CYP2C19\n")
    with pytest.raises(dosera.InputError) as e:
        engine.call_vcf(example, outside=bad)
    check(e, dosera.InputError, 110)


def test_malformed_report_111() -> None:
    with pytest.raises(dosera.InputError) as e:
        dosera.Report.from_json("{}")
    check(e, dosera.InputError, 111)
    with pytest.raises(dosera.InputError) as e:
        dosera.Report.from_json("not json")
    check(e, dosera.InputError, 111)


def test_corrupted_pack_is_pack_error_201(packs_copy: Path) -> None:
    gene = packs_copy / "cpic" / "genes" / "CYP2C19.json"
    gene.write_text(gene.read_text().replace("CYP2C19", "CYP2C18", 1))
    with pytest.raises(dosera.PackError) as e:
        dosera.Engine.from_path(packs_copy)
    check(e, dosera.PackError, 201)


def test_missing_pack_dir_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(dosera.DoseraError) as e:
        dosera.Engine.from_path(tmp_path / "nowhere")
    assert e.value.code in (203, 301)


def test_missing_vcf_is_io_error_301(engine: dosera.Engine, tmp_path: Path) -> None:
    with pytest.raises(dosera.UsageError) as e:
        engine.call_vcf(tmp_path / "absent.vcf")
    check(e, dosera.UsageError, 301)


def test_usage_errors_302(engine: dosera.Engine, example: Path, tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path / "two.vcf", ["A", "B"], ["0/1", "0/0"])
    with pytest.raises(dosera.UsageError) as e:
        engine.call_vcf(vcf)  # several samples and none named
    check(e, dosera.UsageError, 302)
    with pytest.raises(dosera.UsageError) as e:
        engine.call_vcf(example, sex="other")  # type: ignore[arg-type]
    check(e, dosera.UsageError, 302)
    report = engine.call_vcf(example)
    with pytest.raises(dosera.UsageError) as e:
        report.to_html(lang="de")  # type: ignore[arg-type]
    check(e, dosera.UsageError, 302)
    with pytest.raises(dosera.UsageError) as e:
        engine.call_cohort(vcf).to_pandas(table="alleles")  # type: ignore[arg-type]
    check(e, dosera.UsageError, 302)


def test_hostile_inputs_raise_dosera_errors_not_panics(engine: dosera.Engine, tmp_path: Path) -> None:
    """Odd inputs end as a DoseraError or a report, never PanicException."""
    cases = {
        "empty.vcf": b"",
        "header-only.vcf": b"##fileformat=VCFv4.2\n",
        "no-samples.vcf": b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n",
        "binary.vcf": bytes(range(256)) * 4,
        "bad-gz.vcf.gz": gzip.compress(b"##fileformat=VCFv4.2\n")[:-5],
        "bad-pos.vcf": b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\n"
        b"chr10\tx\t.\tG\tA\t.\t.\t.\tGT\t0/1\n",
        "bad-gt.vcf": b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\n"
        b"chr10\t94781859\t.\tG\tA\t.\t.\t.\tGT\t7|x\n",
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        for call in (lambda: engine.call_vcf(path), lambda: engine.call_cohort(path)):
            try:
                call()
            except dosera.DoseraError:
                pass
            except BaseException as e:  # PanicException derives from BaseException
                pytest.fail(f"{name}: {type(e).__name__}: {e}")
    for gene, value in [("", ""), ("CYP2C19", ""), ("CYP2C19", "*1/"), ("CYP2D6", "/" * 100), ("\0", "\0")]:
        try:
            engine.recommend(genes={gene: value})
        except dosera.DoseraError:
            pass


def test_a_panic_inside_becomes_internal_error_901(engine: dosera.Engine) -> None:
    # A bug in the core panics; the binding catches it at the boundary, so
    # Python gets an ordinary exception (catchable as Exception, not pyo3's
    # PanicException) and the interpreter and the engine carry on.
    with pytest.raises(dosera.InternalError) as caught:
        _native._panic_for_testing("forced for the boundary test")
    assert isinstance(caught.value, Exception)
    assert caught.value.code == 901
    assert "forced for the boundary test" in str(caught.value)
    for _ in range(3):
        try:
            _native._panic_for_testing("again")
        except Exception as e:  # noqa: BLE001 - the point: plain Exception catches it
            assert isinstance(e, dosera.InternalError)
    result = engine.recommend(genes={"CYP2C19": "*2/*2"}, drugs=["clopidogrel"])
    assert result.drugs and any(d["actionable"] for d in result.drugs)


def test_io_error_names_its_cause(engine: dosera.Engine, tmp_path: Path) -> None:
    # The message carries the cause the CLI prints as "caused by:", and the
    # operating system's error is the exception's __cause__.
    absent = tmp_path / "absent.vcf"
    with pytest.raises(dosera.UsageError) as e:
        engine.call_vcf(absent)
    check(e, dosera.UsageError, 301)
    assert str(absent) in str(e.value)
    assert "No such file or directory" in str(e.value)
    cause = e.value.__cause__
    assert isinstance(cause, FileNotFoundError)
    assert cause.errno == 2 and cause.filename == str(absent)


def test_an_error_without_a_cause_has_none(engine: dosera.Engine) -> None:
    with pytest.raises(dosera.InputError) as e:
        engine.recommend(genes={"CYP2C19": "*1/*2"}, drugs=["notadrug"])
    assert e.value.__cause__ is None


# Arguments of the wrong type: a UsageError (302) naming the argument and
# the type it takes, before the engine runs.
ARGUMENT_CASES = [
    ("drugs", lambda en, ex: en.recommend(genes={"CYP2C19": "*2/*2"}, drugs="clopidogrel"), "single str"),
    ("drugs", lambda en, ex: en.call_vcf(ex, drugs="clopidogrel"), "single str"),
    ("drugs", lambda en, ex: en.call_cohort(ex, drugs=b"clopidogrel"), "bytes"),
    ("drugs", lambda en, ex: en.call_vcf(ex, drugs=7), "int"),
    ("drugs[1]", lambda en, ex: en.call_vcf(ex, drugs=["clopidogrel", 3]), "int"),
    ("genes", lambda en, ex: en.call_vcf(ex, genes="CYP2C19"), "single str"),
    ("samples", lambda en, ex: en.call_cohort(ex, samples="EXAMPLE-1"), "single str"),
    ("sources", lambda en, ex: en.recommend(genes={"CYP2C19": "*2/*2"}, sources="cpic"), "single str"),
    ("genes", lambda en, ex: en.recommend(genes=["CYP2C19=*2/*2"]), "list"),
    ('genes["CYP2D6"]', lambda en, ex: en.recommend(genes={"CYP2D6": 1.0}), "float"),
    ("genes: a gene", lambda en, ex: en.recommend(genes={2: "*1/*1"}), "int"),
    ("lang", lambda en, ex: en.recommend(genes={"CYP2C19": "*2/*2"}, lang=["sv"]), "list"),
    ("lang", lambda en, ex: en.call_vcf(ex).to_html(lang=1), "int"),
    ("path", lambda en, ex: en.call_vcf(42), "int"),
    ("path", lambda en, ex: dosera.Engine.from_path(None), "NoneType"),
    ("outside", lambda en, ex: en.call_vcf(ex, outside=3.5), "float"),
    ("sample", lambda en, ex: en.call_vcf(ex, sample=1.0), "float"),
    ("sample", lambda en, ex: en.call_vcf(ex, sample=True), "bool"),
    ("sample index", lambda en, ex: en.call_vcf(ex, sample=-1), "-1"),
    ("sex", lambda en, ex: en.call_vcf(ex, sex=1), "int"),
    ("table", lambda en, ex: en.call_vcf(ex).to_pandas(table=0), "int"),
]


@pytest.mark.parametrize(
    ("argument", "call", "given"), ARGUMENT_CASES, ids=[f"{a}-{g}" for a, _, g in ARGUMENT_CASES]
)
def test_wrong_argument_types_are_usage_errors(
    engine: dosera.Engine, example: Path, argument: str, call: object, given: str
) -> None:
    with pytest.raises(dosera.UsageError) as e:
        call(engine, example)  # type: ignore[operator]
    check(e, dosera.UsageError, 302)
    assert str(e.value).startswith(f"invalid request: {argument}"), str(e.value)
    assert given in str(e.value), str(e.value)


def test_any_iterable_of_str_is_a_list_of_names(engine: dosera.Engine, example: Path) -> None:
    want = engine.recommend(genes={"CYP2C19": "*2/*2"}, drugs=["clopidogrel", "codeine"]).to_dict()
    for drugs in (("clopidogrel", "codeine"), iter(["clopidogrel", "codeine"]), {"clopidogrel": 1, "codeine": 2}):
        got = engine.recommend(genes={"CYP2C19": "*2/*2"}, drugs=drugs).to_dict()
        assert got == want
    report = engine.call_vcf(example, drugs=("clopidogrel",))
    assert report == engine.call_vcf(str(example), drugs=["clopidogrel"])


def test_sample_by_index(engine: dosera.Engine, tmp_path: Path) -> None:
    vcf = write_vcf(tmp_path / "two.vcf", ["A", "B"], ["0/1", "0/0"])
    assert engine.call_vcf(vcf, sample=1) == engine.call_vcf(vcf, sample="B")
    assert engine.call_vcf(vcf, sample=0).sample == "A"
    with pytest.raises(dosera.InputError) as e:
        engine.call_vcf(vcf, sample=2)
    check(e, dosera.InputError, 109)
