"""The interface catalogues (site_builder/locales/<code>.yml): what `sharewall check` says of them, and the
script the build writes of each."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from site_builder import catalogue
from site_builder.catalogue_check import check
from site_builder.cli import main

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"


# The packaged catalogues copied into `folder` (a site's own catalogues, read first), `edit` applied to one
def catalogues(folder: Path, language: str, edit) -> Path:
    folder.mkdir(exist_ok=True)
    for path in catalogue.LOCALES.glob("*.yml"):
        shutil.copy(path, folder / path.name)
    target = folder / f"{language}.yml"
    target.write_text(edit(target.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


# The 1-based line of the first line of `path` that starts with `start`
def line_of(path: Path, start: str) -> int:
    return next(number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if line.startswith(start))


def test_the_repositorys_catalogues_are_complete_used_and_agree():
    assert [str(issue) for issue in check(["de", "en"], None, [TEMPLATES])] == []


def test_a_key_missing_in_one_language_is_named_at_its_section_with_where_it_is(tmp_path):
    folder = catalogues(tmp_path / "locales", "en", lambda text: text.replace("  briefing: Briefing\n", "", 1))
    issues = [str(issue) for issue in check(["de", "en"], folder, [TEMPLATES])]
    de, en = folder / "de.yml", folder / "en.yml"
    assert issues == [f"{en.relative_to(Path.cwd()) if en.is_relative_to(Path.cwd()) else en}:{line_of(en, 'wall:')}: "
                      f"wall.briefing is missing (de.yml:{line_of(de, '  briefing:')} has it); "
                      "every configured language needs every key"]


def test_an_unused_key_is_named_in_every_catalogue_at_its_line(tmp_path):
    add = lambda text: text.replace("wall:\n", "wall:\n  nobody_reads: Niemand\n", 1)  # noqa: E731
    folder = catalogues(tmp_path / "locales", "de", add)
    (folder / "en.yml").write_text(add((folder / "en.yml").read_text(encoding="utf-8")), encoding="utf-8")
    issues = check(["de", "en"], folder, [TEMPLATES])
    assert [(Path(issue.path).name, issue.line) for issue in issues] == [("de.yml", line_of(folder / "de.yml", "  nobody_reads")),
                                                                        ("en.yml", line_of(folder / "en.yml", "  nobody_reads"))]
    assert all("wall.nobody_reads is used nowhere" in issue.message for issue in issues)


def test_a_placeholder_that_differs_between_languages_is_an_error_at_the_differing_text(tmp_path):
    folder = catalogues(tmp_path / "locales", "en", lambda text: text.replace(
        "'Too long for {network}: {count} of {limit} characters'", "'Too long for {network}: {count} characters'", 1))
    issues = check(["de", "en"], folder, [TEMPLATES])
    assert [(Path(issue.path).name, issue.line) for issue in issues] == [("en.yml", line_of(folder / "en.yml", "  over_limit:"))]
    assert "wall.over_limit has the placeholders {count}, {network}, de.yml:" in issues[0].message
    assert issues[0].message.endswith("has {count}, {limit}, {network}")


def test_plural_forms_follow_the_languages_cldr_categories(tmp_path):
    folder = catalogues(tmp_path / "locales", "en", lambda text: text.replace(
        "  count:\n    one: 1 post\n", "  count:\n    few: '{count} posts'\n    one: 1 post\n", 1))
    issues = check(["de", "en"], folder, [TEMPLATES])
    assert [(Path(issue.path).name, issue.line) for issue in issues] == [("en.yml", line_of(folder / "en.yml", "    few:"))]
    assert issues[0].message == "wall.count.few: the language 'en' has no plural form 'few'; its forms: one, other"


def test_plural_forms_without_other_are_an_error(tmp_path):
    folder = catalogues(tmp_path / "locales", "de", lambda text: text.replace("    other: '{count} Beiträge'\n", "", 1))
    messages = [issue.message for issue in check(["de", "en"], folder, [TEMPLATES])]
    assert "wall.count: plural forms need 'other' and only CLDR's categories (zero, one, two, few, many, other)" in messages


def test_a_catalogue_of_a_language_not_configured_may_be_incomplete(tmp_path):
    folder = catalogues(tmp_path / "locales", "de", lambda text: text)
    (folder / "nl.yml").write_text("wall:\n  wall: Muur\n", encoding="utf-8")
    assert check(["de", "en"], folder, [TEMPLATES]) == []
    assert [issue.message.split(" is missing")[0] for issue in check(["de", "nl"], folder, [TEMPLATES])][:2] == [
        "wall.page", "wall.sign_in"]


def test_a_configured_language_without_catalogue_is_an_error_naming_the_file():
    issues = check(["de", "xx"], None, [TEMPLATES])
    assert [(Path(issue.path).name, issue.line) for issue in issues] == [("xx.yml", 1)]
    assert "no catalogue for interface language 'xx'" in issues[0].message


def test_sharewall_check_fails_on_a_catalogue_error_at_its_line(tmp_path, monkeypatch):
    folder = catalogues(tmp_path / "mylocales", "en", lambda text: text.replace("  briefing: Briefing\n", "", 1))
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["theme"]["custom_dir"] = str(TEMPLATES)
    options = next(plugin["sharewall"] for plugin in config["plugins"] if isinstance(plugin, dict) and "sharewall" in plugin)
    options.update(locales="mylocales", languages=["de", "en"], alternates={"en": options["alternates"]["en"]})
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "content", tmp_path / "content")
    result = CliRunner().invoke(main, ["check", "content", "--config", "mkdocs.yml"])
    assert result.exit_code == 1
    assert f"mylocales/en.yml:{line_of(folder / 'en.yml', 'wall:')}: wall.briefing is missing (de.yml:" in result.output


def test_a_catalogue_that_is_no_mapping_of_sections_names_its_file_and_line(tmp_path):
    (tmp_path / "de.yml").write_text("wall:\n  share: [Teilen]\n", encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError, match=r"de\.yml:2: wall\.share must be a text, plural forms or a table"):
        catalogue.load("de", tmp_path)


def test_a_key_written_twice_is_named_at_its_second_line_with_the_first(tmp_path):
    # YAML keeps the last of two equal keys without a word: two engineers' edits of one section once did that
    (tmp_path / "de.yml").write_text("wall:\n  share: Teilen\n  copy: Kopieren\n  share: Teilen!\n", encoding="utf-8")
    with pytest.raises(catalogue.CatalogueError, match=r"de\.yml:4: wall\.share is written twice \(first at line 2\)"):
        catalogue.load("de", tmp_path)


@pytest.mark.skipif(not shutil.which("node"), reason="needs Node")
def test_the_generated_script_holds_the_whole_catalogue_frozen():
    source = catalogue.script("de").decode("utf-8")
    program = source + """
      var de = window.SharewallLocales.de;
      de.wall.share = "changed";
      console.log(JSON.stringify({frozen: Object.isFrozen(de) && Object.isFrozen(de.stats.withheld_some), strings: de}));
    """
    output = subprocess.run(["node", "-e", "var window = {};" + program], capture_output=True, text=True, check=True).stdout
    shown = json.loads(output)
    assert shown["frozen"] is True
    written = yaml.safe_load((catalogue.LOCALES / "de.yml").read_text(encoding="utf-8"))
    # every section but those no page script reads (the functions' and the editor's): the wall's first view is lighter
    assert shown["strings"] == {name: keys for name, keys in written.items() if name not in catalogue.SERVER_SECTIONS}
    assert catalogue.SERVER_SECTIONS <= set(written)


def test_no_page_script_reads_a_section_left_out_of_the_scripts():
    scripts = {path: path.read_text(encoding="utf-8") for path in (ROOT / "templates").rglob("*.js")}
    for section in catalogue.SERVER_SECTIONS:  # scripts take a section as strings("<section>") (site.js)
        used = re.compile(rf"strings\(\s*['\"]{section}['\"]|catalogue(\.{section}\b|\[['\"]{section}['\"]\])")
        assert not [path.name for path, text in scripts.items() if used.search(text)], section
