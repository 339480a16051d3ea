"""`sharewall import` against `sharewall check` on the same content folder, measured in one run.

    python bench/import.py --feeds 20 --entries 200 --new 10

20 feeds of 200 entries each are served over HTTPS on loopback (a CA made for the run, trusted through
SSL_CERT_FILE); the content folder already holds a post for every entry but `--new` of them (imported and
approved before). Prints both times and the ratio; the target is import at most 2x the time of check.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from synthetic import SOURCES, write_posts  # noqa: E402
from tests.feed_server import Feed, FeedServer, rss  # noqa: E402

CONFIG = """\
site_name: Bench
docs_dir: content
plugins:
  - sharewall:
      timezone: Europe/Berlin
      languages: [de, en]
"""


def timed(command: list[str], cwd: Path, env: dict[str, str], allowed: tuple[int, ...] = (0,)) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if result.returncode not in allowed:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return elapsed, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--new", type=int, default=10)
    args = parser.parse_args()
    total = args.feeds * args.entries
    sharewall = str(Path(sys.executable).parent / "sharewall")
    with tempfile.TemporaryDirectory(prefix="sharewall-bench-") as folder, FeedServer(Path(folder) / "tls") as server:
        root = Path(folder)
        content = write_posts(root, total - args.new)  # links https://news.example.com/<index>
        (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
        feeds = []
        for number in range(args.feeds):
            entries = [{"title": f"Post {index} from feed {number}", "link": f"https://news.example.com/{index}",
                        "description": f"<p>What feed {number} says about entry <b>{index}</b>.</p>"}
                       for index in range(number * args.entries, (number + 1) * args.entries)]
            server.feeds[f"/feed-{number}.xml"] = Feed(rss(entries), etag=f'"{number}"')
            feeds.append(f"feed-{number}: {{name: Feed {number}, kind: management, feed: {server.url(f'/feed-{number}.xml')}}}")
        (content / "sources.yml").write_text(SOURCES + "\n".join(feeds) + "\n", encoding="utf-8")
        env = {**os.environ, "SSL_CERT_FILE": str(server.ca_file)}
        for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
            env.pop(name, None)
        command = [sharewall, "check", "content", "--config", "mkdocs.yml"]
        timed(command, root, env)  # warm the file cache and bytecode for both
        check, _ = timed(command, root, env)
        imported, output = timed([sharewall, "import", "content", "--config", "mkdocs.yml"], root, env)
        written = len(list(content.glob("posts/*/*.md"))) - (total - args.new)
        again, again_output = timed([sharewall, "import", "content", "--config", "mkdocs.yml"], root, env)
    lines = output.splitlines()
    print(f"content: {total - args.new} posts; feeds: {args.feeds} of {args.entries} entries, {args.new} new")
    print(f"import output: {lines[0]} … {lines[-1]} ({len(lines)} lines)")
    print(f"drafts written: {written}")
    print(f"sharewall check: {check:.2f} s")
    print(f"sharewall import: {imported:.2f} s")
    print(f"sharewall import again (every feed unchanged, 304): {again:.2f} s")
    ratio = imported / check
    ok = ratio <= 2 and written == args.new and "unchanged" in again_output
    print(f"ratio import/check: {ratio:.2f}x (target: at most 2x) {'OK' if ok else 'FAIL'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
