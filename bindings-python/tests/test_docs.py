"""Every Python block of README.md, CONTRIBUTING.md and docs/*.md runs.

Each block is executed in a fresh folder that looks like the repository root
(`tests/` and `guidelines/` linked), with `cohort.vcf.gz` written there by
`dosera simulate` for the blocks that read it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAGES = [REPO / "README.md", REPO / "CONTRIBUTING.md", *sorted((REPO / "docs").glob("*.md"))]


def python_blocks() -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        block: list[str] | None = None
        start = 0
        for number, line in enumerate(page.read_text().splitlines(), 1):
            if block is None and line.startswith("```"):
                block, start, lang = [], number, line[3:].strip()
            elif block is not None and line == "```":
                if lang == "python":
                    found.append((f"{page.relative_to(REPO)}:{start}", "\n".join(block)))
                block = None
            elif block is not None:
                block.append(line)
    return found


BLOCKS = python_blocks()


def test_the_documentation_has_python_blocks() -> None:
    assert any(at.startswith("README.md") for at, _ in BLOCKS)


@pytest.mark.parametrize("code", [c for _, c in BLOCKS], ids=[at for at, _ in BLOCKS])
def test_block_runs(code: str, tmp_path: Path, cli: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tests").symlink_to(REPO / "tests")
    (tmp_path / "guidelines").symlink_to(REPO / "guidelines")
    if "cohort.vcf.gz" in code:
        subprocess.run([cli, "simulate", "--samples", "200", "--out", "cohort.vcf.gz"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "<doc block>", "exec"), {"__name__": "__doc_block__"})
    assert os.getcwd() == str(tmp_path)
