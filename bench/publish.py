"""`sharewall publish`: the first upload of a 5,000-post wall against the re-publish after one post changed.

    python bench/publish.py --posts 5000

Builds the synthetic posts (bench/synthetic.py) with `sharewall build` (a real site: Material's
assets, a page per post, the wall's pages, the search index), publishes it to an empty bucket on a
local moto server (over HTTP, as the tests do); changes one post's text, rebuilds and publishes
again, then once more without a change. Each round goes to a new bucket; the best of `--repeat`
rounds counts (the machine is shared, noise only ever adds time). Prints each run's time, peak
memory and summary line; exits 1 if a target is missed. Targets (issue "Go live"): the re-publish uploads
fewer than 1% of the files and takes at most 0.2x the first publish.
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import shutil
import sys
import tempfile
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).parent))
from build import BIN, WALL, Run, best, run_measured  # noqa: E402
from synthetic import write_posts  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from site_builder.local.aws import REGION, set_local_env, start_moto  # noqa: E402

SUMMARY = re.compile(r"^uploaded (\d+), deleted (\d+), unchanged (\d+)$", re.MULTILINE)


def serve_moto(pipe) -> None:
    """The moto server in a process of its own: the objects it holds count neither towards the publish's
    memory (a child's peak RSS includes its parent's at fork) nor take the bench's CPU."""
    server, endpoint = start_moto()
    pipe.send(endpoint)
    pipe.recv()  # until the bench is done
    server.stop()


def build(root: Path) -> None:
    run_measured([str(BIN / "sharewall"), "build", "--config", "mkdocs.yml"], root)


def publish(root: Path, site: str, bucket: str, endpoint: str) -> tuple[Run, tuple[int, int, int]]:
    """One `sharewall publish` in a child process: its time and memory, and (uploaded, deleted, unchanged)."""
    run = run_measured([str(BIN / "sharewall"), "publish", site, "--bucket", bucket, "--endpoint-url", endpoint], root)
    found = SUMMARY.search((root / "build.log").read_text(encoding="utf-8"))
    if not found:
        sys.exit(f"no summary line in:\n{(root / 'build.log').read_text(encoding='utf-8')[-2000:]}")
    return run, tuple(int(value) for value in found.groups())


def change_one_post(content: Path) -> Path:
    """Edit the briefing of the newest post (it is on the first wall page and in the feed)."""
    newest = next(content.glob("posts/*/post-000000.md"))  # synthetic.py: post 0 is the newest
    text = newest.read_text(encoding="utf-8")
    newest.write_text(text.replace("## Briefing", "## Briefing (updated)", 1), encoding="utf-8")
    return newest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of first publish, re-publish, same again")
    args = parser.parse_args()
    results: list[bool] = []

    def show(label: str, run: Run, counts: tuple[int, int, int]) -> None:
        print(f"{label}: {run.seconds:.2f} s (CPU {run.cpu:.2f} s, peak {run.memory / 2**20:.0f} MiB) "
              f"uploaded {counts[0]}, deleted {counts[1]}, unchanged {counts[2]}", flush=True)

    def report(label: str, value: float, target: str, ok: bool) -> None:
        results.append(ok)
        print(f"{label}: {value:.4g} (target: {target}) {'OK' if ok else 'FAIL'}", flush=True)

    ours, theirs = multiprocessing.get_context("fork").Pipe()
    server = multiprocessing.get_context("fork").Process(target=serve_moto, args=(theirs,), daemon=True)
    server.start()
    endpoint = ours.recv()
    set_local_env(endpoint)
    s3 = boto3.client("s3", region_name=REGION)
    firsts, agains, sames = [], [], []
    try:
        with tempfile.TemporaryDirectory(prefix="sharewall-bench-") as folder:
            root = Path(folder)
            write_posts(root, args.posts)
            (root / "mkdocs.yml").write_text(WALL, encoding="utf-8")
            build(root)
            shutil.copytree(root / "site", root / "before")
            files = [path for path in (root / "before").rglob("*") if path.is_file()]
            size = sum(path.stat().st_size for path in files)
            changed = change_one_post(root / "content")
            build(root)  # into site/, as the deploy workflow rebuilds
            print(f"posts: {args.posts}; site: {len(files)} files, {size / 2**20:.0f} MiB; "
                  f"best of {args.repeat} rounds, each into a new bucket", flush=True)
            for number in range(args.repeat):  # interleaved, so all three see the same machine load
                bucket = f"sharewall-bench-{number}"
                s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
                firsts.append(publish(root, "before", bucket, endpoint))
                agains.append(publish(root, "site", bucket, endpoint))
                sames.append(publish(root, "site", bucket, endpoint))
    finally:
        ours.send("stop")
        server.join(timeout=10)
    if any(len({counts for _, counts in runs}) != 1 for runs in (firsts, agains, sames)):
        sys.exit(f"rounds differ: {firsts, agains, sames}")
    (first, first_counts), (again, again_counts), (same, same_counts) = (
        (best([run for run, _ in runs]), runs[0][1]) for runs in (firsts, agains, sames))
    show("first publish", first, first_counts)
    show(f"re-publish after {changed.stem} changed", again, again_counts)
    show("re-publish of the same build", same, same_counts)

    report("first publish uploads every file", first_counts[0], f"= {len(files)}", first_counts[0] == len(files))
    share = again_counts[0] / len(files)
    report("share of files re-uploaded after one post changed", share, "< 0.01", share < 0.01)
    ratio = again.seconds / first.seconds
    report("ratio re-publish / first publish (time)", ratio, "<= 0.2", ratio <= 0.2)
    report("re-publish of the same build uploads", same_counts[0], "= 0", same_counts[0] == 0)
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
