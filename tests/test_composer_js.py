"""The composer's counting, disclosure and share links in JavaScript equal `sharing.py` on the same examples.

composer.js runs in Node (it exports its rules when loaded as a module) with the network table as
the plugin emits it; every example is wrapped, counted and linked by both and compared.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from site_builder import sharing
from site_builder.networks import NETWORKS


ROOT = Path(__file__).resolve().parents[1]
COMPOSER = ROOT / "templates" / "assets" / "sharewall" / "composer.js"
BASE = "https://news.example.com/a/b?ref=wall&x=1&utm_source=old"

TEXTS = [
    "Schaut vorbei!",
    "  Leerzeichen außen\n",
    "Emoji 👩‍👩‍👧 und 🇩🇪 und 👍🏽 zählen bei Bluesky als je eins",
    "Kombiniert: e\u0301 und 한국어",
    "Mit Link https://example.com/a/very/long/path/that/is/longer/than/twenty-three und Text",
    "Zwei Links http://a.example/x und https://b.example/y?q=(1)*2!",
    "Sonderzeichen: ! ' ( ) * ~ & = + # % / ? „Zitat“",
    "Außen \x1c\x85\u3000 und innen\u00a0geschützt\u3000",
    "\ufeffBOM bleibt",
    "Mehrzeilig\nzweite Zeile\n\ndritte",  # LF only: a textarea's value and YAML never hold CRLF
    "x" * 300,
    "",
]
LOCKS = [("Werbung |", ""), ("", "#Mitarbeiterin #Mitarbeiter"), ("", "")]


def python_results(cases: list[dict]) -> list[dict]:
    results = []
    for case in cases:
        network = NETWORKS[case["network"]]
        message = sharing.Locked(case["prefix"], case["suffix"]).wrap(case["text"])
        link = sharing.utm_link(BASE, network.name, "employee-advocacy", "republica-2026")
        results.append({
            "link": link,
            "message": message,
            "length": sharing.length(network, message, link),
            "href": sharing.share_href(network, message, link, case["subject"]),
        })
    return results


NODE_SCRIPT = """
const rules = require(process.argv[1]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = input.cases.map((c) => {
  const network = input.networks[c.network];
  const link = rules.networkLink(c.slotLink, c.network);  // the composer's data holds one slotted link
  const message = rules.wrap(c.prefix, c.text, c.suffix);
  return {link, message, length: rules.length(network, message, link), href: rules.shareHref(network, message, link, c.subject)};
});
process.stdout.write(JSON.stringify(out));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_composer_counts_wraps_and_links_like_sharing_py() -> None:
    slot_link = sharing.utm_link(BASE, sharing.NETWORK_SLOT, "employee-advocacy", "republica-2026")
    cases = [
        {"network": name, "prefix": prefix, "suffix": suffix, "text": text, "slotLink": slot_link, "subject": "Betreff & Co."}
        for name in NETWORKS for prefix, suffix in LOCKS for text in TEXTS
    ]
    networks = {name: network.as_json() for name, network in NETWORKS.items()}
    result = subprocess.run(
        ["node", "-e", NODE_SCRIPT, str(COMPOSER)], input=json.dumps({"networks": networks, "cases": cases}),
        capture_output=True, text=True, check=True, timeout=60,
    )
    js = json.loads(result.stdout)
    expected = python_results(cases)
    mismatches = [(case, want, got) for case, want, got in zip(cases, expected, js) if want != got]
    assert len(js) == len(cases)
    assert not mismatches, mismatches[:3]
    # the examples really exercise the network rules: X weighs links, Bluesky counts graphemes
    by_case = {(c["network"], c["text"], c["prefix"]): r for c, r in zip(cases, expected)}
    assert by_case[("x", TEXTS[4], "")]["length"] < by_case[("threads", TEXTS[4], "")]["length"]
    assert by_case[("bluesky", TEXTS[2], "")]["length"] < by_case[("threads", TEXTS[2], "")]["length"]
