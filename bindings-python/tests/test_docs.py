"""Every Python block of README.md, CONTRIBUTING.md and docs/*.md runs.

Each block is executed in a fresh folder that looks like the repository root
(`tests/` and `guidelines/` linked). When the block before it on the page is
a plain `sh` block, its dosera commands (`dosera …` or `cargo run … -p
dosera-cli -- …`, such as `simulate --out cohort.vcf.gz`) are run there
first with the built CLI, as a reader would: a file the Python block reads
must be made by a documented command.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAGES = [REPO / "README.md", REPO / "CONTRIBUTING.md", *sorted((REPO / "docs").glob("*.md"))]


@dataclass
class Block:
    at: str
    info: str
    code: str


def page_blocks(page: Path) -> list[Block]:
    """The fenced blocks of a Markdown page, in order."""
    found = []
    lines: list[str] | None = None
    start, info = 0, ""
    for number, line in enumerate(page.read_text().splitlines(), 1):
        if lines is None and line.startswith("```"):
            lines, start, info = [], number, line[3:].strip()
        elif lines is not None and line == "```":
            found.append(Block(f"{page.relative_to(REPO)}:{start}", info, "\n".join(lines)))
            lines = None
        elif lines is not None:
            lines.append(line)
    return found


def python_blocks() -> list[tuple[Block, Block | None]]:
    """Each Python block with the block just before it."""
    found = []
    for page in PAGES:
        blocks = page_blocks(page)
        for i, block in enumerate(blocks):
            if block.info == "python":
                found.append((block, blocks[i - 1] if i else None))
    return found


def dosera_commands(block: Block | None) -> list[list[str]]:
    """The dosera arguments of each command line of a plain `sh` block."""
    if block is None or block.info != "sh":
        return []
    commands = []
    for line in block.code.splitlines():
        line = line.split("  #", 1)[0].strip()
        if line.startswith("dosera "):
            commands.append(shlex.split(line)[1:])
        elif line.startswith("cargo run ") and " -p dosera-cli -- " in line:
            commands.append(shlex.split(line.split(" -- ", 1)[1]))
    return commands


BLOCKS = python_blocks()


def test_the_documentation_has_python_blocks() -> None:
    assert any(b.at.startswith("README.md") for b, _ in BLOCKS)


def test_a_cohort_block_is_preceded_by_the_command_making_the_cohort() -> None:
    # The guard of the rule above: docs/python.md reads cohort.vcf.gz.
    readers = [(b, before) for b, before in BLOCKS if "cohort.vcf.gz" in b.code]
    assert readers
    for block, before in readers:
        assert any("simulate" in c for c in dosera_commands(before)), block.at


@pytest.mark.parametrize(("block", "before"), BLOCKS, ids=[b.at for b, _ in BLOCKS])
def test_block_runs(
    block: Block, before: Block | None, tmp_path: Path, cli: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tests").symlink_to(REPO / "tests")
    (tmp_path / "guidelines").symlink_to(REPO / "guidelines")
    for args in dosera_commands(before):
        subprocess.run([cli, *args], cwd=tmp_path, check=True, capture_output=True)
    monkeypatch.chdir(tmp_path)
    exec(compile(block.code, f"<{block.at}>", "exec"), {"__name__": "__doc_block__"})
    assert os.getcwd() == str(tmp_path)
