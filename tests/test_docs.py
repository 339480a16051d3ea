"""The documents cannot go stale: their runnable commands run, their contents lists and links hold.

A command block of README.md or docs/*.md is runnable when the line before its ```sh fence is the HTML
comment `<!-- runnable -->` (GitHub shows nothing of it). Each such block runs with `bash -eu -o pipefail`
in a temporary copy of the repository (the files `git ls-files` lists, tracked and new but not ignored,
with the virtualenv linked in, its bin first on PATH and the copy's own packages on PYTHONPATH) and must
exit 0. Blocks that need the network,
AWS or a server that keeps running are simply not marked (docs/development.md says so).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MARKER = "<!-- runnable -->"
# what a copy links to instead of copying: the installed environments (git ignores them)
LINKED = (".venv", "node_modules", ".tools")
BLOCK_TIMEOUT = 120  # seconds; a marked block should take a few


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # of the ```sh fence, 1-based
    code: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


# The marked blocks of a document's text; a marker not followed by a ```sh fence is an error naming its line.
def runnable_blocks(path: Path, text: str | None = None) -> list[Block]:
    lines = (path.read_text(encoding="utf-8") if text is None else text).splitlines()
    name = path.relative_to(ROOT)
    blocks = []
    for number, line in enumerate(lines, 1):
        if line.strip() != MARKER:
            continue
        fence = lines[number].strip() if number < len(lines) else ""
        if fence != "```sh":
            raise AssertionError(f"{name}:{number}: {MARKER} must stand right before a ```sh fence")
        end = next((i for i in range(number + 1, len(lines)) if lines[i].strip() == "```"), None)
        if end is None:
            raise AssertionError(f"{name}:{number + 1}: the ```sh block is never closed")
        blocks.append(Block(path, number + 1, "\n".join(lines[number + 1:end]) + "\n"))
    return blocks


BLOCKS = [block for path in DOCUMENTS for block in runnable_blocks(path)]


# The lines of a document outside fenced code blocks (a `# comment` in a sh block is no heading).
def prose_lines(text: str) -> list[str]:
    prose, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        prose.append("" if fenced else line)
    return prose


# The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens, repeats numbered.
def github_anchor(title: str, seen: dict[str, int]) -> str:
    text = title.strip().lower()
    text = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    anchor = text.replace(" ", "-")
    count = seen.get(anchor, 0)
    seen[anchor] = count + 1
    return anchor if count == 0 else f"{anchor}-{count}"


# (level, title, anchor) of every heading of a document, in order.
def headings(path: Path) -> list[tuple[int, str, str]]:
    seen: dict[str, int] = {}
    found = []
    for line in prose_lines(path.read_text(encoding="utf-8")):
        match = re.match(r"(#{1,6}) (.+?)\s*$", line)
        if match:
            found.append((len(match.group(1)), match.group(2), github_anchor(match.group(2), seen)))
    return found


# The contents list a document of docs/ opens with: its ## and ### headings, ### indented under their ##.
def contents_list(path: Path) -> str:
    return "\n".join(f"{'  ' * (level - 2)}- [{title}](#{anchor})"
                     for level, title, anchor in headings(path) if level in (2, 3))


def repository_copy(destination: Path) -> Path:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():  # a file deleted in the working tree is gone
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    for name in LINKED:
        if (ROOT / name).exists():
            (destination / name).symlink_to(ROOT / name)
    return destination


def test_there_are_runnable_blocks_where_the_commands_are_taught():
    places = {block.path.name for block in BLOCKS}
    assert {"comms.md", "development.md", "operators.md"} <= places, places


@pytest.mark.parametrize("block", BLOCKS, ids=str)
def test_a_runnable_block_exits_0_in_a_copy_of_the_repository(block: Block, tmp_path: Path):
    copy = repository_copy(tmp_path / "repo")
    # the copy's own code, not the working tree's the editable install points at
    env = {**os.environ, "PATH": f"{copy / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "VIRTUAL_ENV": str(copy / ".venv"), "PYTHONPATH": f"{copy}{os.pathsep}{copy / 'functions'}"}
    result = subprocess.run(["bash", "-eu", "-o", "pipefail", "-c", block.code], cwd=copy, env=env,
                            capture_output=True, text=True, timeout=BLOCK_TIMEOUT)
    assert result.returncode == 0, (f"{block}: exit {result.returncode}\n{block.code}\n"
                                    f"--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}")


@pytest.mark.parametrize("path", [p for p in DOCUMENTS if p.parent.name == "docs"], ids=lambda p: p.name)
def test_each_document_opens_with_a_contents_list_of_its_headings(path: Path):
    text = path.read_text(encoding="utf-8")
    assert "\nContents\n\n" + contents_list(path) + "\n" in text, \
        f"{path.relative_to(ROOT)}: its contents list must be:\n\n{contents_list(path)}"


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_every_link_between_the_documents_finds_its_file_and_heading(path: Path):
    broken = []
    for number, line in enumerate(prose_lines(path.read_text(encoding="utf-8")), 1):
        for target in re.findall(r"\]\(([^)\s]+)\)", line):
            if re.match(r"[a-z]+:", target):
                continue  # https:, mailto:
            name, _, anchor = target.partition("#")
            linked = (path.parent / name).resolve() if name else path
            if not linked.exists():
                broken.append(f"{number}: {target}: no such file")
            elif anchor and anchor not in {a for _, _, a in headings(linked)}:
                broken.append(f"{number}: {target}: no such heading in {linked.relative_to(ROOT)}")
    assert not broken, f"{path.relative_to(ROOT)}:\n" + "\n".join(broken)


def test_a_marker_must_stand_before_a_sh_block():
    # a marker before another fence would be skipped silently: it is an error naming the line
    readme = ROOT / "README.md"
    with pytest.raises(AssertionError, match=r"README.md:2: <!-- runnable --> must stand right before"):
        runnable_blocks(readme, f"x\n{MARKER}\n```bash\necho\n```\n")
    with pytest.raises(AssertionError, match=r"README.md:2: the ```sh block is never closed"):
        runnable_blocks(readme, f"{MARKER}\n```sh\ntrue\n")
    (block,) = runnable_blocks(readme, f"text\n{MARKER}\n```sh\ntrue\nfalse\n```\n")
    assert (block.line, block.code) == (3, "true\nfalse\n")
