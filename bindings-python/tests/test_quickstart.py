"""The README's Python quickstart, as a new user runs it: a fresh
virtualenv, the README's install lines run literally from the repository
root, then the README's Python block run literally with that virtualenv's
Python, and the types of the frames it makes checked against docs/python.md.

The install lines are the `sh bindings-python/tests/test_quickstart.py`
block of README.md (docs/python.md repeats it, and must say the same). They
run in one shell: the first line (making and activating the virtualenv) in a
scratch folder, the rest from the repository root, where the README says
to run them. pip builds the wheel in the tree, so the Rust build reuses
the workspace's `target/` (incremental after `scripts/test-python`'s own
`maturin build --release`); pip fetches maturin and pandas from PyPI.

Slow (a wheel build and a PyPI install): `DOSERA_SKIP_QUICKSTART=1` skips
it, saying so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_docs import page_blocks
from test_frames import TYPES

REPO = Path(__file__).resolve().parents[2]
CHECKER = "bindings-python/tests/test_quickstart.py"


def install_block(page: str) -> str:
    blocks = [b for b in page_blocks(REPO / page) if b.info == f"sh {CHECKER}"]
    assert len(blocks) == 1, f"{page}: one `sh {CHECKER}` block expected"
    return blocks[0].code


def readme_python_block() -> str:
    blocks = page_blocks(REPO / "README.md")
    at = next(i for i, b in enumerate(blocks) if b.info == f"sh {CHECKER}")
    after = [b for b in blocks[at + 1 :] if b.info == "python"]
    assert after, "README.md: no Python block after the install lines"
    return after[0].code


def test_the_documentation_has_one_install_command() -> None:
    readme = install_block("README.md")
    assert install_block("docs/python.md") == readme
    lines = readme.splitlines()
    assert "venv" in lines[0] and "activate" in lines[0]
    assert any(line.startswith("pip install ") for line in lines[1:])


# Run in the fresh virtualenv after the README's block: the dtypes of every
# pandas frame the block left in its variables.
PROBE = """
import json, sys
namespace = {"__name__": "__main__"}
exec(compile(open(sys.argv[1]).read(), "README.md", "exec"), namespace)
import pandas
frames = {name: {c: str(t) for c, t in value.dtypes.items()}
          for name, value in namespace.items() if isinstance(value, pandas.DataFrame)}
print("FRAMES " + json.dumps(frames))
"""


def test_readme_install_and_notebook_in_a_fresh_virtualenv(tmp_path: Path) -> None:
    if os.environ.get("DOSERA_SKIP_QUICKSTART"):
        pytest.skip("DOSERA_SKIP_QUICKSTART is set")
    install = install_block("README.md").splitlines()
    script = "\n".join(["set -euo pipefail", f"cd {tmp_path}", install[0], f"cd {REPO}", *install[1:]])
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    # The interpreter the suite runs on, so a fresh venv of the same Python.
    env["PATH"] = os.pathsep.join([str(Path(sys._base_executable).parent), env.get("PATH", "")])
    done = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"the README's install lines failed:\n{done.stdout}\n{done.stderr}"
    venvs = [p for p in tmp_path.iterdir() if (p / "bin" / "python").exists()]
    assert len(venvs) == 1, "the README's first line did not make a virtualenv"
    python = venvs[0] / "bin" / "python"

    block = tmp_path / "readme_block.py"
    block.write_text(readme_python_block())
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE)
    ran = subprocess.run(
        [python, probe, block], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert ran.returncode == 0, f"the README's Python block failed:\n{ran.stdout}\n{ran.stderr}"
    line = next(l for l in ran.stdout.splitlines() if l.startswith("FRAMES "))
    frames = json.loads(line.removeprefix("FRAMES "))
    assert frames, "the README's block made no pandas frame"
    want = TYPES["pandas"]
    for name, dtypes in frames.items():
        for column, dtype in dtypes.items():
            assert dtype == want.get(column, want["*"]), (name, column, dtype)
