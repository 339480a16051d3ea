"""`sharewall build` against plain Material and Material's blog plugin, measured side by side in one run.

    python bench/build.py --posts 5000

Builds the same synthetic posts (bench/synthetic.py) as
  - a plain Material site with the posts as nav-less pages (the baseline),
  - the sharewall wall,
  - a Material blog (the blog plugin),
then the wall with twice the posts, with 4 of every 5 posts expired, and with 2,000 active posts
to weigh the wall's first view. Prints each figure and ratio on its own line; exits 1 if a target
is missed. Targets (issue "The wall"): wall <= 1.3x plain; blog >= 3x wall; 2N <= 2.2x N;
peak memory < 1 GiB; 4/5 expired <= 0.4x all active; first view <= 60 KB gzip.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import write_posts  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FIRST_VIEW_POSTS = 2000

PLAIN = """\
site_name: Bench
docs_dir: content
site_dir: site
theme: {name: material}
exclude_docs: sources.yml
nav: [index.md]
"""

WALL = f"""\
site_name: Bench
site_url: https://wall.example.com/
docs_dir: content
site_dir: site
exclude_docs: sources.yml
theme: {{name: material, custom_dir: "{ROOT / 'templates'}", language: de}}
nav: [index.md]
plugins:
  - search
  - sharewall:
      timezone: Europe/Berlin
      languages: [de, en]
      disclosures:
        de: {{sponsored: "Werbung |", employee: "#Mitarbeiterin #Mitarbeiter", label: "Werbung"}}
        en: {{sponsored: "Ad |", employee: "#employee", label: "Ad"}}
      page_size: 24
"""

BLOG = """\
site_name: Bench
docs_dir: content
site_dir: site
theme: {name: material}
nav: [index.md, blog/index.md]
plugins:
  - search
  - blog
"""


def run_measured(command: list[str], cwd: Path) -> tuple[float, int]:
    """Wall-clock seconds and peak resident memory (bytes) of one build, reaped with wait4."""
    with (cwd / "build.log").open("w+b") as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            log.seek(0)
            sys.exit(f"{' '.join(command)} failed:\n{log.read()[-4000:].decode(errors='replace')}")
    return elapsed, usage.ru_maxrss * 1024


def project(root: Path, posts: int, config: str, expired_share: float = 0.0) -> Path:
    root.mkdir(parents=True)
    write_posts(root, posts, expired_share=expired_share)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return root


def blog_project(root: Path, posts: int) -> Path:
    """The same posts as Material blog posts: date and categories in front matter, title as H1."""
    project(root, posts, BLOG)
    content = root / "content"
    blog = content / "blog" / "posts"
    blog.mkdir(parents=True)
    (content / "blog" / "index.md").write_text("# Blog\n", encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for file in sorted((content / "posts").glob("*/*.md")):
        _, front, body = file.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.load(front, Loader=loader)
        blog.joinpath(file.name).write_text(
            "---\n"
            f"date: {meta['publish']}:00\n"
            f"categories: [{', '.join(meta.get('topics', []))}]\n"
            "---\n"
            f"# {meta['title']}\n\n{meta['summary']}\n\n<!-- more -->\n\n{body}",
            encoding="utf-8",
        )
        file.unlink()
    return root


def sharewall(root: Path) -> tuple[float, int]:
    return run_measured([str(BIN / "sharewall"), "build", "--config", "mkdocs.yml"], root)


def mkdocs(root: Path) -> tuple[float, int]:
    return run_measured([str(BIN / "mkdocs"), "build", "--quiet"], root)


def first_view_bytes(site: Path) -> dict[str, int]:
    """Gzipped bytes of the wall's own HTML, JS and CSS that the first view loads."""
    page = (site / "index.html").read_text(encoding="utf-8")
    ours = [site / "index.html"] + [
        site / ref.lstrip("/") for ref in re.findall(r'(?:src|href)="/?(assets/sharewall/[^"]+)"', page)
    ]
    return {path.relative_to(site).as_posix(): len(gzip.compress(path.read_bytes(), 6)) for path in ours}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=5000)
    args = parser.parse_args()
    n = args.posts
    results: list[bool] = []

    def report(label: str, value: float, target: str, ok: bool) -> None:
        results.append(ok)
        print(f"{label}: {value:.2f} (target: {target}) {'OK' if ok else 'FAIL'}", flush=True)

    with tempfile.TemporaryDirectory(prefix="sharewall-bench-") as folder:
        tmp = Path(folder)
        plain_root = project(tmp / "plain", n, PLAIN)
        wall_root = project(tmp / "wall", n, WALL)
        blog_root = blog_project(tmp / "blog", n)
        double_root = project(tmp / "double", 2 * n, WALL)
        expired_root = project(tmp / "expired", n, WALL, expired_share=0.8)
        view_root = project(tmp / "view", FIRST_VIEW_POSTS, WALL)
        print(f"posts: {n}", flush=True)

        plain, _ = mkdocs(plain_root)
        print(f"plain Material build, posts as nav-less pages: {plain:.2f} s", flush=True)
        wall, wall_memory = sharewall(wall_root)
        print(f"sharewall build: {wall:.2f} s", flush=True)
        blog, _ = mkdocs(blog_root)
        print(f"Material blog plugin build: {blog:.2f} s", flush=True)
        double, double_memory = sharewall(double_root)
        print(f"sharewall build at {2 * n} posts: {double:.2f} s", flush=True)
        expired, _ = sharewall(expired_root)
        active = sum(1 for _ in (expired_root / "site" / "posts").iterdir())
        print(f"sharewall build with 4/5 expired ({active} active of {n}): {expired:.2f} s", flush=True)
        sharewall(view_root)
        view = first_view_bytes(view_root / "site")

    report("ratio sharewall / plain Material", wall / plain, "<= 1.3", wall / plain <= 1.3)
    report("ratio blog plugin / sharewall", blog / wall, ">= 3", blog / wall >= 3)
    report(f"ratio {2 * n} / {n} posts", double / wall, "<= 2.2", double / wall <= 2.2)
    peak = max(wall_memory, double_memory) / 2**20
    report(f"peak memory at {2 * n} posts (MiB)", peak, "< 1024", peak < 1024)
    report("ratio 4/5 expired / all active", expired / wall, "<= 0.4", expired / wall <= 0.4)
    for path, size in view.items():
        print(f"first view {path}: {size} bytes gzip", flush=True)
    total = sum(view.values()) / 1000
    report(f"first view with {FIRST_VIEW_POSTS} active posts (KB gzip)", total, "<= 60", total <= 60)
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
