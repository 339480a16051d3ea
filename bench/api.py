"""The shares API's speed targets, measured in one run against a baseline on the same machine.

1. Cold start: importing the handler module (imports and module-level set-up) in a fresh interpreter,
   vs a minimal module that imports boto3 and creates the same DynamoDB client.  Target <= 1.5x.
2. Warm POST /shares (the whole handler: validation, the catalogue check, pseudonyms, the transaction)
   vs a bare boto3 `transact_write_items` of the same items on the same moto server.  Target <= 1.5x.
   The wall's catalogue is served on loopback, as the site would serve it.
3. GET /stats after 1,000 vs after 50,000 shares.  Target <= 1.2x.
4. Warm GET /go/{post}/{network} (a click counted, then the 302) vs a warm POST /shares of a person already
   counted today, both through the handler: one conditional transaction each.  Target <= 1.2x.

The first 1,000 shares go through the real counting code one transaction each. Moto copies the
whole table on every TransactWriteItems, so 49,000 more that way would take hours on moto (not on
DynamoDB); they are written with the very items `shares.counting.transaction` builds, in bulk:
records and new people markers put as they are, counter increments summed per item. The table ends
up exactly as 50,000 single transactions would leave it.

Run: .venv/bin/python bench/api.py
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "functions"), str(ROOT)]

from site_builder.local.aws import create_resources, reset_tables, set_local_env, start_moto  # noqa: E402
from site_builder.local.events import LambdaContext, http_event  # noqa: E402
from site_builder.local.server import serve_catalogue  # noqa: E402
from site_builder.networks import NETWORKS as NETWORK_NAMES  # noqa: E402
from bench.synthetic import put_items  # noqa: E402

TARGETS = {"cold start": 1.5, "warm POST /shares": 1.5, "GET /stats 50k vs 1k": 1.2, "warm /go/ vs /shares": 1.2}
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
HANDLER_IMPORT = "import shares.app"
BASELINE_IMPORT = "import boto3\nboto3.client('dynamodb')"
CHILD = "import time\nstart = time.perf_counter()\n{code}\nprint(time.perf_counter() - start)"
POSTS, SOURCES, PEOPLE, DAYS = 40, 5, 300, 30
NETWORKS = list(NETWORK_NAMES)


def cold_start(runs: int = 15) -> tuple[float, float]:
    """Median import-and-set-up time of the handler and of the baseline, alternating fresh interpreters."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "functions")}
    times: dict[str, list[float]] = {"handler": [], "baseline": []}
    for _ in range(runs):
        for name, code in (("handler", HANDLER_IMPORT), ("baseline", BASELINE_IMPORT)):
            output = subprocess.run([sys.executable, "-c", CHILD.format(code=code)], env=env, cwd=ROOT,
                                    capture_output=True, text=True, check=True).stdout
            times[name].append(float(output.strip().splitlines()[-1]))
    return statistics.median(times["handler"]), statistics.median(times["baseline"])


def quiet_handler():
    """The handler, with its log lines going to a sink (formatted and written, just not shown)."""
    sink = open(os.devnull, "w")  # noqa: SIM115 (lives as long as the bench)
    original, sys.stdout = sys.stdout, sink
    try:
        from shares.app import lambda_handler
    finally:
        sys.stdout = original
    return lambda_handler, sink


def post_event(key: str, user: str, n: int) -> dict:
    body = {"post": f"post-{n % POSTS}", "network": "linkedin", "personalised": n % 2 == 0}
    return http_event("POST", "/shares", headers={"content-type": "application/json", "idempotency-key": key},
                      body=json.dumps(body), claims={"sub": user, "groups": ["employee"]})


def warm_post(handler, sink, local, runs: int = 200) -> tuple[float, float]:
    """Median warm POST /shares vs bare transact_write_items of the same items (a new person each time).

    Moto copies the whole table on every transaction, which would drown both sides in copying as the
    table grows; the table is emptied every 25 pairs (outside the timings) to keep that cost small.
    """
    import boto3

    from shares.counting import GRANULARITIES, Share, transaction
    from sharewall_common.periods import today

    table = local.tables["AppTable"]
    bare = boto3.client("dynamodb")
    context = LambdaContext()
    with contextlib.redirect_stdout(sink):
        for n in range(20):  # warm up both paths
            handler(post_event(f"warm-{n}-{uuid.uuid4()}", f"warm-user-{n}", n), context)
    handled, direct = [], []
    for n in range(runs):
        if n % 25 == 0:
            reset_tables(local)
        event = post_event(f"bench-{uuid.uuid4()}", f"bench-user-{n}", n)
        with contextlib.redirect_stdout(sink):
            start = time.perf_counter()
            result = handler(event, context)
            handled.append(time.perf_counter() - start)
        assert result["statusCode"] == 201, result
        share = Share(f"post-{n % POSTS}", "linkedin", n % 2 == 0, "bench")
        items = transaction(table, f"bare-{uuid.uuid4()}", share, f"bare-user-{n}", today(),
                            time.time(), frozenset(GRANULARITIES))
        start = time.perf_counter()
        bare.transact_write_items(TransactItems=items)
        direct.append(time.perf_counter() - start)
    return statistics.median(handled), statistics.median(direct)


def go_event(n: int) -> dict:
    return http_event("GET", f"/go/post-{n % POSTS}/linkedin", route_key="GET /go/{post}/{network}",
                      headers={"user-agent": BROWSER}, path_parameters={"post": f"post-{n % POSTS}", "network": "linkedin"})


def warm_go(handler, sink, local, runs: int = 200) -> tuple[float, float]:
    """Median warm GET /go/ vs warm POST /shares by one person already counted today, alternating.

    Both write one transaction of a conditional record and the day's, week's and month's counters; the table
    is emptied every 25 pairs (outside the timings), as moto copies it on every transaction.
    """
    context = LambdaContext()
    with contextlib.redirect_stdout(sink):
        for n in range(20):  # warm up both routes (and the person's markers)
            handler(post_event(f"warm-go-{uuid.uuid4()}", "bench-sharer", n), context)
            handler(go_event(n), context)
    clicks, shares = [], []
    for n in range(runs):
        if n % 25 == 0:
            reset_tables(local)
        for event, times, expected in ((go_event(n), clicks, 302),
                                       (post_event(f"go-bench-{uuid.uuid4()}", "bench-sharer", n), shares, 201)):
            with contextlib.redirect_stdout(sink):
                start = time.perf_counter()
                result = handler(event, context)
                times.append(time.perf_counter() - start)
            assert result["statusCode"] == expected, result
    return statistics.median(clicks), statistics.median(shares)


def stats_median(handler, sink, runs: int = 40) -> float:
    context, times = LambdaContext(), []
    for _ in range(runs):
        event = http_event("GET", "/stats", query="granularity=day",
                           claims={"sub": "bench-reader", "groups": ["employee"]})
        with contextlib.redirect_stdout(sink):
            start = time.perf_counter()
            result = handler(event, context)
            times.append(time.perf_counter() - start)
        assert result["statusCode"] == 200, result
    return statistics.median(times)


def _share(n: int):
    from shares.counting import Share

    return Share(f"post-{n % POSTS}", NETWORKS[n % len(NETWORKS)], n % 3 == 0, f"source-{n % SOURCES}")


def count_one_by_one(table: str, first: int, last: int) -> None:
    """Shares through the real counting code, one transaction (or two, for a known person) each."""
    from shares.counting import count_share
    from sharewall_common.periods import today
    from sharewall_common.aws import client

    dynamodb = client("dynamodb")
    for n in range(first, last):
        count_share(dynamodb, table, f"share-{n:08d}", _share(n), f"person-{n % PEOPLE}",
                    today() - timedelta(days=n % DAYS))


def count_in_bulk(table: str, first: int, last: int, secret: bytes) -> None:
    """The same items `count_share` writes, applied in bulk: puts as they are, increments summed."""
    from shares.counting import GRANULARITIES, transaction
    from sharewall_common.periods import today
    from sharewall_common.aws import client

    dynamodb = client("dynamodb")
    seen: set[tuple[str, str]] = set()  # markers known to exist (written before or in this phase)
    puts: list[dict] = []
    sums: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    now = time.time()
    for n in range(first, last):
        day = today() - timedelta(days=n % DAYS)
        items = transaction(table, f"share-{n:08d}", _share(n), f"person-{n % PEOPLE}", day, now,
                            frozenset(GRANULARITIES), secret)
        markers = [item["Put"]["Item"] for item in items[1 + len(GRANULARITIES):]]
        new_people = set()
        for granularity, marker in zip(GRANULARITIES, markers):
            key = (marker["pk"]["S"], marker["sk"]["S"])
            if key not in seen and not _exists(dynamodb, table, key):
                seen.add(key)
                new_people.add(granularity)
                puts.append(marker)
            else:
                seen.add(key)
        puts.append(items[0]["Put"]["Item"])
        for granularity, item in zip(GRANULARITIES, items[1:1 + len(GRANULARITIES)]):
            update = item["Update"]
            counters = sums[(update["Key"]["pk"]["S"], update["Key"]["sk"]["S"])]
            names = update["ExpressionAttributeNames"]
            values = update["ExpressionAttributeValues"]
            counters["shares"] += 1
            counters["personalised"] += int(values[":personalised"]["N"])
            for alias in ("#net", "#src", "#post"):
                counters[names[alias]] += 1
            if granularity in new_people:
                counters["people"] += 1
    put_items(dynamodb, table, puts)
    for (pk, sk), counters in sums.items():
        names = {f"#a{i}": name for i, name in enumerate(counters)}
        values = {f":v{i}": {"N": str(value)} for i, value in enumerate(counters.values())}
        expression = "ADD " + ", ".join(f"#a{i} :v{i}" for i in range(len(counters)))
        dynamodb.update_item(TableName=table, Key={"pk": {"S": pk}, "sk": {"S": sk}}, UpdateExpression=expression,
                             ExpressionAttributeNames=names, ExpressionAttributeValues=values)


def _exists(dynamodb, table: str, key: tuple[str, str]) -> bool:
    return "Item" in dynamodb.get_item(TableName=table, Key={"pk": {"S": key[0]}, "sk": {"S": key[1]}})


# The command line: no options, but `--help` prints what the benchmark measures instead of starting it
def options() -> argparse.Namespace:
    return argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()


def main() -> int:
    options()  # --help says what runs, and runs nothing
    server, endpoint = start_moto()
    set_local_env(endpoint)
    folder = tempfile.TemporaryDirectory()
    posts = [{"slug": f"post-{n}", "source": "bench", "networks": list(NETWORK_NAMES),
              "links": {name: f"https://example.com/{n}?utm_source={name}" for name in NETWORK_NAMES}}
             for n in range(POSTS)]
    origin, site = serve_catalogue(Path(folder.name), posts)  # the wall's catalogue, served like the site
    local = create_resources(ROOT / "template.yaml", {"SiteOrigin": origin})
    os.environ.update(local.function_environment())
    table = local.tables["AppTable"]
    ratios: dict[str, tuple[float, float, float]] = {}

    handler_cold, baseline_cold = cold_start()
    ratios["cold start"] = (handler_cold, baseline_cold, handler_cold / baseline_cold)

    handler, sink = quiet_handler()
    warm, bare = warm_post(handler, sink, local)
    ratios["warm POST /shares"] = (warm, bare, warm / bare)
    click, shared = warm_go(handler, sink, local)
    ratios["warm /go/ vs /shares"] = (click, shared, click / shared)

    reset_tables(local)
    count_one_by_one(table, 0, 1000)
    after_1k = stats_median(handler, sink)
    from sharewall_common.secret_values import secret_text

    count_in_bulk(table, 1000, 50_000, secret_text("PSEUDONYM_SECRET_ARN").encode("utf-8"))
    after_50k = stats_median(handler, sink)
    from sharewall_common.periods import today

    first = (today() - timedelta(days=DAYS + 1)).isoformat()
    check = handler(http_event("GET", "/stats", query=f"granularity=month&from={first}",
                               claims={"sub": "bench-reader", "groups": ["employee"]}), LambdaContext())
    assert json.loads(check["body"])["totals"]["shares"] == 50_000, "the bulk phase did not add up to 50,000"
    ratios["GET /stats 50k vs 1k"] = (after_50k, after_1k, after_50k / after_1k)
    server.stop()
    site.shutdown()
    folder.cleanup()

    missed = 0
    print("bench/api.py — shares API (medians; lower is better)")
    for name, (measured, baseline, ratio) in ratios.items():
        ok = ratio <= TARGETS[name]
        missed += not ok
        print(f"  {name:22} {measured * 1000:8.1f} ms vs {baseline * 1000:8.1f} ms  ratio {ratio:5.2f}x "
              f"(target <= {TARGETS[name]}x) {'OK' if ok else 'MISSED'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
