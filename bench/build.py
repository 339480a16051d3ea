"""`sharewall build` against plain Material and Material's blog plugin, measured side by side in one run.

    python bench/build.py --posts 5000

Builds the same synthetic posts (bench/synthetic.py) as
  - a plain Material site with the posts as nav-less pages (the baseline),
  - the sharewall wall (German interface), the same wall with the English interface too, and with every
    interface language the project's mkdocs.yml configures (theme language, then the plugin's alternates),
  - a Material blog (the blog plugin),
then the wall with twice the posts, with 4 of every 5 posts expired, and with 2,000 active posts
to weigh the wall's first view. Prints each figure and ratio on its own line; exits 1 if a target
is missed. Targets (issue "The wall"): wall <= 1.3x plain; blog >= 3x wall; 2N <= 2.2x N;
peak memory < 1 GiB; 4/5 expired <= 0.4x all active; first view <= 60 KB gzip; (issue "Every screen
right for its person") the wall in two interface languages <= 1.3x plain Material per language built;
(issue "One house") the same for the wall in all of mkdocs.yml's interface languages.
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
from typing import NamedTuple

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import write_posts  # noqa: E402

from site_builder.settings import load_settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FIRST_VIEW_POSTS = 2000

PLAIN = """\
site_name: Bench
site_url: https://wall.example.com/
docs_dir: content
site_dir: site
theme: {name: material, language: de}
exclude_docs: sources.yml
nav: [index.md]
"""  # the same site settings as WALL, without the plugin

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


def with_interfaces(languages: tuple[str, ...]) -> str:
    """The wall (German interface at the root) with each other of `languages` built into /<code>/ as well."""
    return WALL + "      alternates:\n" + "".join(f"        {code}: {{nav: {{}}}}\n" for code in languages if code != "de")


BILINGUAL = with_interfaces(("de", "en"))

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


class Run(NamedTuple):
    """One build in a child process: wall-clock and CPU seconds, peak resident memory in bytes."""

    seconds: float
    cpu: float
    memory: int


def run_measured(command: list[str], cwd: Path) -> Run:
    """Run one build, reaped with wait4 so its own CPU time and peak memory are known."""
    with (cwd / "build.log").open("w+b") as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            log.seek(0)
            sys.exit(f"{' '.join(command)} failed:\n{log.read()[-4000:].decode(errors='replace')}")
    return Run(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)


def best(runs: list[Run]) -> Run:
    """The fastest of repeated runs: the machine is shared, noise only ever adds time."""
    return Run(min(r.seconds for r in runs), min(r.cpu for r in runs), max(r.memory for r in runs))


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


def sharewall(root: Path) -> Run:
    return run_measured([str(BIN / "sharewall"), "build", "--config", "mkdocs.yml"], root)


def mkdocs(root: Path) -> Run:
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
    parser.add_argument("--repeat", type=int, default=3,
                        help="interleaved runs of the plain, wall, bilingual, expired and double builds")
    args = parser.parse_args()
    n = args.posts
    results: list[bool] = []
    # the project's interface languages (de, en and whatever else it adds), German first as in WALL
    interfaces = ("de", *(code for code in load_settings(ROOT / "mkdocs.yml").interface if code != "de"))

    def show(label: str, run: Run) -> None:
        print(f"{label}: {run.seconds:.2f} s (CPU {run.cpu:.2f} s, peak {run.memory / 2**20:.0f} MiB)", flush=True)

    def report(label: str, value: float, target: str, ok: bool) -> None:
        results.append(ok)
        print(f"{label}: {value:.2f} (target: {target}) {'OK' if ok else 'FAIL'}", flush=True)

    with tempfile.TemporaryDirectory(prefix="sharewall-bench-") as folder:
        tmp = Path(folder)
        plain_root = project(tmp / "plain", n, PLAIN)
        wall_root = project(tmp / "wall", n, WALL)
        bilingual_root = project(tmp / "bilingual", n, BILINGUAL)
        every_root = project(tmp / "every", n, with_interfaces(interfaces)) if len(interfaces) > 2 else None
        blog_root = blog_project(tmp / "blog", n)
        double_root = project(tmp / "double", 2 * n, WALL)
        expired_root = project(tmp / "expired", n, WALL, expired_share=0.8)
        view_root = project(tmp / "view", FIRST_VIEW_POSTS, WALL)
        print(f"posts: {n} (best of {args.repeat} interleaved runs where repeated)", flush=True)

        plains, walls, bilinguals, everys, expireds, doubles = [], [], [], [], [], []
        for _ in range(args.repeat):  # interleaved, so all see the same machine load; each ratio compares bests
            plains.append(mkdocs(plain_root))
            walls.append(sharewall(wall_root))
            bilinguals.append(sharewall(bilingual_root))
            if every_root:
                everys.append(sharewall(every_root))
            expireds.append(sharewall(expired_root))
            doubles.append(sharewall(double_root))
        plain, wall, bilingual = best(plains), best(walls), best(bilinguals)
        expired, double = best(expireds), best(doubles)
        show("plain Material build, posts as nav-less pages", plain)
        show("sharewall build", wall)
        show("sharewall build, German and English interface", bilingual)
        every = best(everys) if everys else bilingual
        if every_root:
            show(f"sharewall build, every interface language of mkdocs.yml ({', '.join(interfaces)})", every)
        blog = mkdocs(blog_root)
        show("Material blog plugin build", blog)
        show(f"sharewall build at {2 * n} posts", double)
        active = sum(1 for _ in (expired_root / "site" / "posts").iterdir())
        show(f"sharewall build with 4/5 expired ({active} active of {n})", expired)
        sharewall(view_root)
        view = first_view_bytes(view_root / "site")

    report("ratio sharewall / plain Material", wall.seconds / plain.seconds, "<= 1.3", wall.seconds / plain.seconds <= 1.3)
    print(f"(CPU time ratio sharewall / plain Material: {wall.cpu / plain.cpu:.2f})")
    per_language = bilingual.seconds / (2 * plain.seconds)
    report("ratio sharewall in 2 languages / plain Material per language", per_language, "<= 1.3", per_language <= 1.3)
    print(f"(CPU time ratio per language: {bilingual.cpu / (2 * plain.cpu):.2f}; the English interface adds "
          f"{bilingual.seconds / wall.seconds - 1:.0%} to the German-only build)")
    languages = max(len(interfaces), 2)  # mkdocs.yml with two interface languages: the build above is every one
    per_language = every.seconds / (languages * plain.seconds)
    report(f"ratio sharewall in {languages} languages ({', '.join(interfaces if every_root else ('de', 'en'))}) / "
           "plain Material per language", per_language, "<= 1.3", per_language <= 1.3)
    print(f"(CPU time ratio per language: {every.cpu / (languages * plain.cpu):.2f})")
    report("ratio blog plugin / sharewall", blog.seconds / wall.seconds, ">= 3", blog.seconds / wall.seconds >= 3)
    report(f"ratio {2 * n} / {n} posts", double.seconds / wall.seconds, "<= 2.2", double.seconds / wall.seconds <= 2.2)
    peak = max(wall.memory, double.memory) / 2**20
    report(f"peak memory at {2 * n} posts (MiB)", peak, "< 1024", peak < 1024)
    report("ratio 4/5 expired / all active", expired.seconds / wall.seconds, "<= 0.4", expired.seconds / wall.seconds <= 0.4)
    for path, size in view.items():
        print(f"first view {path}: {size} bytes gzip", flush=True)
    total = sum(view.values()) / 1000
    report(f"first view with {FIRST_VIEW_POSTS} active posts (KB gzip)", total, "<= 60", total <= 60)
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
