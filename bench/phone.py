"""The wall on a phone: Lighthouse's performance score of the wall against a plain Material page, in one run.

Both pages are served as production serves them: the wall by `sharewall serve` (the real stack: its wall gate,
production's headers, CloudFront's compression), the plain page, a one-page MkDocs site with the wall's theme
(Material, the same language, palette and features, system fonts) and nothing of Sharewall, built in a temporary
folder and served with the same compression. Lighthouse (npm `lighthouse`, installed by `make`) runs in Debian's
Chromium with its default mobile emulation (a mid-range phone, simulated slow 4G), alternating the two pages
RUNS times; the medians are printed with their ratio and the wall's cumulative layout shift.

Targets: the wall's score >= the plain page's (ratio >= 1.0) and its CLS < 0.05.

Run: .venv/bin/python bench/phone.py [--runs 3] [--keep DIR]  (--keep writes each Lighthouse report there)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

import yaml  # noqa: E402

from site_builder.local.compress import CompressedFiles  # noqa: E402
from site_builder.local.server import LocalServer, _QuietFiles  # noqa: E402
from tests.local_serve import ServeProcess  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
TARGET_RATIO, TARGET_CLS = 1.0, 0.05
# about the wall's own text: a heading, two paragraphs and a list, as a page of guidelines has
PLAIN_PAGE = """# Leitfaden

Teilen Sie Beiträge in Ihren eigenen Worten. Jeder Beitrag nennt seine Quelle, und bezahlte Beiträge tragen
ihre Kennzeichnung. Was Sie teilen, bleibt Ihre Entscheidung.

- Schreiben Sie, warum Sie der Beitrag interessiert.
- Nennen Sie Ihre Rolle, wenn es um unser Unternehmen geht.
- Antworten Sie freundlich, auch auf Kritik.

Fragen beantwortet das Kommunikationsteam.
"""


class _CompressedFiles(CompressedFiles, _QuietFiles):
    """A folder served as CloudFront serves the site: compressed where CloudFront compresses."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        return self.site_file()


# A one-page MkDocs site with the wall's theme and nothing of Sharewall, built into `folder`/site
def build_plain(folder: Path) -> Path:
    wall = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    theme = {key: value for key, value in wall["theme"].items() if key != "custom_dir"}
    theme["font"] = False
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "index.md").write_text(PLAIN_PAGE, encoding="utf-8")
    config = {"site_name": wall["site_name"], "docs_dir": "docs", "site_dir": "site", "theme": theme,
              "plugins": ["search"]}
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(folder / "mkdocs.yml")], check=True,
                   timeout=300)
    return folder / "site"


# Lighthouse's performance score (0-100) and CLS of `url`, in Debian's Chromium with mobile emulation
def lighthouse(url: str, report: Path) -> tuple[float, float]:
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run([str(LIGHTHOUSE), url, "--only-categories=performance", "--output=json",
                    f"--output-path={report}", "--quiet", "--chrome-flags=--headless=new --no-sandbox"],
                   check=True, env=env, timeout=300)
    result = json.loads(report.read_text(encoding="utf-8"))
    return (result["categories"]["performance"]["score"] * 100,
            result["audits"]["cumulative-layout-shift"]["numericValue"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (medians are compared)")
    parser.add_argument("--keep", type=Path, help="write each Lighthouse report (JSON) into this folder")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: `make install-test` (npm ci) installs Lighthouse")
    with tempfile.TemporaryDirectory(prefix="sharewall-phone-") as temp:
        temp_path = Path(temp)
        reports = args.keep or temp_path
        reports.mkdir(parents=True, exist_ok=True)
        plain_site = build_plain(temp_path / "plain")
        handler = type("Files", (_CompressedFiles,), {})
        plain_server = LocalServer(("127.0.0.1", 0), partial(handler, directory=str(plain_site)))
        threading.Thread(target=plain_server.serve_forever, daemon=True).start()
        wall = ServeProcess(temp_path / "wall")
        try:
            pages = {"wall": wall.url, "plain Material": f"http://127.0.0.1:{plain_server.server_address[1]}/"}
            found: dict[str, list[tuple[float, float]]] = {name: [] for name in pages}
            for run in range(args.runs):
                for name, url in pages.items():
                    found[name].append(lighthouse(url, reports / f"{name.replace(' ', '-')}-{run + 1}.json"))
        finally:
            wall.stop()
            plain_server.shutdown()
    score = {name: statistics.median(s for s, _ in runs) for name, runs in found.items()}
    cls = {name: statistics.median(c for _, c in runs) for name, runs in found.items()}
    for name in pages:
        print(f"{name:15} performance {score[name]:5.1f}  (runs: {', '.join(f'{s:.0f}' for s, _ in found[name])})"
              f"  CLS {cls[name]:.3f}")
    ratio = score["wall"] / score["plain Material"]
    print(f"wall / plain Material: {ratio:.2f} (target >= {TARGET_RATIO}); wall CLS {cls['wall']:.3f} "
          f"(target < {TARGET_CLS})")
    return 0 if ratio >= TARGET_RATIO and cls["wall"] < TARGET_CLS else 1


if __name__ == "__main__":
    sys.exit(main())
