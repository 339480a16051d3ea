"""Adding an interface language changes no code: one catalogue and the mkdocs.yml entries, and the site builds
a wall in it. The test adds Dutch to a copy of the repository's site from a test catalogue of its own."""

import json
import re
import shutil
from pathlib import Path

import yaml

from site_builder import catalogue
from site_builder.catalogue_check import check
from site_builder.plugin import build_site

ROOT = Path(__file__).resolve().parents[1]


# A Dutch test catalogue: every English text marked "[nl]", placeholders and plural forms kept
def dutch(value):
    if isinstance(value, dict):
        return {key: dutch(text) for key, text in value.items()}
    return f"[nl] {value}"


# The repository's site copied into `folder` with Dutch added: its catalogue in the site's own `locales`
# folder and, in mkdocs.yml, an alternate with its nav titles and the folder
def site_with_dutch(folder: Path) -> Path:
    shutil.copytree(ROOT / "content", folder / "content")
    english = yaml.safe_load((catalogue.LOCALES / "en.yml").read_text(encoding="utf-8"))
    (folder / "locales").mkdir()
    (folder / "locales" / "nl.yml").write_text(yaml.safe_dump(dutch(english), allow_unicode=True), encoding="utf-8")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["theme"]["custom_dir"] = str(ROOT / "templates")
    options = next(plugin["sharewall"] for plugin in config["plugins"] if isinstance(plugin, dict) and "sharewall" in plugin)
    options["locales"] = "locales"
    options["alternates"]["nl"] = {"nav": {"Leitfaden": "Richtlijnen"}}
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return folder / "mkdocs.yml"


def test_a_fourth_language_is_one_catalogue_and_the_mkdocs_entries(tmp_path):
    config = site_with_dutch(tmp_path)
    site = build_site(config, tmp_path / "site")

    wall = (site / "nl" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="nl"' in wall
    assert "[nl] Filters" in wall and "[nl] Reset" in wall  # the templates' strings from the Dutch catalogue
    assert '<script src="/nl/assets/sharewall/locales/nl.js" defer>' in wall
    assert "Richtlijnen" in wall  # its nav title
    assert re.search(r'hreflang="nl" lang="nl"[^>]*aria-current="true">\s*Nederlands\s*</a>', wall)  # the selector, by its own name
    script = (site / "nl" / "assets" / "sharewall" / "locales" / "nl.js").read_text(encoding="utf-8")
    assert '"[nl] Too long for {network}: {count} of {limit} characters"' in script  # the page scripts' strings
    assert '"one":"[nl] Without {k} period with fewer than {n} people' in script  # plural forms kept
    sign_in = (site / "signin" / "index.html").read_text(encoding="utf-8")
    assert '<script src="/assets/sharewall/locales/nl.js" defer>' in sign_in  # sign-in speaks every language
    assert (site / "assets" / "sharewall" / "locales" / "nl.js").read_bytes() == script.encode("utf-8")
    # the claims function's words in it, as the root build publishes them from its catalogue: the CSV for people
    words = json.loads((site / "sharewall" / "claims-csv.json").read_text(encoding="utf-8"))["nl"]
    assert words["columns"]["claim"] == "[nl] Claim" and words["yes_no"] == ["[nl] yes", "[nl] no"]
    assert words["statuses"]["approved"] == "[nl] approved" and words["kinds"]["private"] == "[nl] private person"
    assert json.loads((site / "sharewall" / "invite-mail.json").read_text(encoding="utf-8"))["nl"]["subject"].startswith("[nl] ")
    # the German wall is unchanged beside it
    assert "[nl]" not in (site / "index.html").read_text(encoding="utf-8")


def test_the_check_holds_the_fourth_language_to_the_others(tmp_path):
    site_with_dutch(tmp_path)
    catalogue_file = tmp_path / "locales" / "nl.yml"
    assert check(["de", "en", "nl"], tmp_path / "locales", [ROOT / "templates"]) == []
    catalogue_file.write_text(catalogue_file.read_text(encoding="utf-8").replace("{limit}", "{grens}"), encoding="utf-8")
    messages = [issue.message for issue in check(["de", "en", "nl"], tmp_path / "locales", [ROOT / "templates"])]
    assert any(message.startswith("wall.over_limit has the placeholders {count}, {grens}, {network}") for message in messages)
