"""`sharewall check` against a plain `mkdocs build` of the same Markdown, measured side by side.

    python bench/check.py --posts 10000

Prints each time and the ratio; the target is check at least 5x faster than the build.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import write_posts  # noqa: E402

PLAIN = """\
site_name: Bench
docs_dir: content
site_dir: site
theme: {name: material}
exclude_docs: sources.yml
nav: [index.md]
"""


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=10_000)
    args = parser.parse_args()
    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="sharewall-bench-") as folder:
        root = Path(folder)
        write_posts(root, args.posts)
        (root / "mkdocs.yml").write_text(PLAIN, encoding="utf-8")
        check = timed([str(bindir / "sharewall"), "check", "content", "--config", "mkdocs.yml"], root)
        build = timed([str(bindir / "mkdocs"), "build", "--quiet"], root)
    print(f"posts: {args.posts}")
    print(f"sharewall check: {check:.2f} s")
    print(f"mkdocs build (Material, posts out of the nav): {build:.2f} s")
    ratio = build / check
    print(f"ratio build/check: {ratio:.1f}x (target: at least 5x) {'OK' if ratio >= 5 else 'FAIL'}")
    sys.exit(0 if ratio >= 5 else 1)


if __name__ == "__main__":
    main()
