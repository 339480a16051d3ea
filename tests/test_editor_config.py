"""The editor's Decap configuration, generated from the post model: a widget for every field, `required` as the
model says, the selects from the content, and patterns that refuse exactly what `sharewall check` refuses.

The patterns are JavaScript regular expressions Decap runs as `RegExp(pattern)` (no flags: UTF-16 code units,
ASCII `\\w`). They are run here with Python's `re` on the value's UTF-16 code units (so a character beyond
U+FFFF is two, as in a browser), and once with Node itself when it is installed, and compared with the model.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pydantic import ValidationError

from site_builder import catalogue
from site_builder.editor import config as editor
from site_builder.editor.config import Backend, EditorError, editor_config
from site_builder.model import Campaign, Content, FrontMatter, Source, Topic, Topics
from site_builder.settings import Settings
from sharewall_common.postfields import SUGGESTIONS_MAX, SUMMARY_MAX, TITLE_MAX, control_character

SETTINGS = Settings(languages=("de", "en"), networks=("linkedin", "x", "mastodon"), site_url="https://wall.example.com/w/",
                    interface=("de", "en"))
CONTENT = Content(
    sources={"comms": Source(name={"de": "Kommunikation", "en": "Communications"}, kind="department"),
             "lena": Source(name="Lena Hoff", kind="influencer")},
    campaigns={"fair": Campaign(name={"de": "Messe", "en": "Fair"}, start="2026-01-01", end="2026-12-31",
                                reimbursed=True)},
    topics=Topics(labels={"events": Topic({"de": "Veranstaltungen", "en": "Events"})}, declared=frozenset({"events"})))
EDITOR_JS = Path(editor.__file__).parent / "static" / "editor.js"
# the widgets Decap CMS 3 registers itself (decap-cms-app's widgets)
DECAP_WIDGETS = {"boolean", "code", "color", "datetime", "file", "image", "list", "map", "markdown", "number", "object",
                 "relation", "richtext", "select", "string", "text", "uuid"}
VALID = {"title": "T", "link": "https://news.example.com/a", "summary": "S", "source": "comms", "language": "de",
         "publish": "2026-05-01 09:00", "suggestions": ["Text"]}


def config(language: str = "de", backend: Backend = Backend(repo="acme/wall"), content: Content = CONTENT,
           pages=None) -> dict:
    return editor_config(language, SETTINGS, content, catalogue.load(language), backend, pages)


def fields(generated: dict) -> dict[str, dict]:
    posts = next(collection for collection in generated["collections"] if collection["name"] == "posts")
    return {field["name"]: field for field in posts["fields"]}


# --- every field of the model has its widget ---------------------------------------------------------------------


def test_every_front_matter_field_has_a_widget_and_is_required_as_the_model_says() -> None:
    found = fields(config())
    for name, field in FrontMatter.model_fields.items():
        assert name in found, f"the post field {name!r} has no widget in the editor (site_builder/editor/config.py)"
        assert found[name]["required"] is field.is_required(), name
        assert found[name]["widget"] and found[name]["label"] and found[name]["hint"], name
    assert list(found) == [*FrontMatter.model_fields, "body"]  # the model's order, then the body
    assert found["body"]["widget"] == "markdown" and found["body"]["required"] is False
    # and that widget exists: one of Decap's own, or one editor.js registers (a custom name it misses would leave
    # the field without a control in the editor)
    registered = set(re.findall(r'registerWidget\("([\w-]+)"', EDITOR_JS.read_text(encoding="utf-8")))
    for name, field in found.items():
        assert field["widget"] in DECAP_WIDGETS | registered, (name, field["widget"], registered)
    assert {"sharewall-disclosure", "sharewall-suggestions", "sharewall-expires", "sharewall-image-alt"} <= registered


def test_a_field_added_to_the_model_without_a_widget_stops_the_generation(monkeypatch) -> None:
    widgets = editor._widgets
    monkeypatch.setattr(editor, "_widgets", lambda *args: {k: v for k, v in widgets(*args).items() if k != "track"})
    with pytest.raises(EditorError, match="track have no widget"):
        config()


def test_the_config_keys_the_contract_names() -> None:
    generated = config()
    assert generated["locale"] == "de"
    assert generated["publish_mode"] == "editorial_workflow"
    assert "omit_empty_optional_fields" not in generated  # Sveltia's option, not Decap's: editor.js's preSave drops them
    assert (generated["media_folder"], generated["public_folder"]) == ("content/images", "images")
    assert generated["slug"] == {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"}
    assert generated["backend"] == {"name": "github", "repo": "acme/wall", "branch": "main",
                                    "api_root": "https://api.github.com", "base_url": "https://wall.example.com",
                                    "auth_endpoint": "api/cms/auth", "cms_label_prefix": "decap-cms/"}
    assert "local_backend" not in generated
    posts = generated["collections"][0]
    assert {key: posts[key] for key in ("name", "folder", "path", "extension", "format", "create")} == {
        "name": "posts", "folder": "content/posts", "path": "{{year}}/{{slug}}", "extension": "md",
        "format": "frontmatter", "create": True}
    # the posts' own media folders (Decap's default for a collection with a path is the entry's folder): an upload
    # lands in content/images/ and the post says `image: images/<file>` (relative to content/, as check reads it)
    assert (posts["media_folder"], posts["public_folder"]) == ("/content/images", "images")


def test_the_github_backend_never_signs_in_through_netlify() -> None:
    # with the site's address: its origin; without: no base_url in the file, and editor.js gives Decap the page's
    # own origin (CMS.init's config, tests/browser/test_editor_local.py); never Netlify's API
    assert config()["backend"]["base_url"] == "https://wall.example.com"
    bare = editor_config("de", Settings(languages=("de",)), CONTENT, catalogue.load("de"), Backend())
    assert "base_url" not in bare["backend"] and "netlify" not in json.dumps(bare).lower()


def test_the_local_backend_only_when_the_build_runs_decap_server() -> None:
    local = config(backend=Backend(local="http://127.0.0.1:8081/api/v1"))
    assert local["local_backend"] == {"url": "http://127.0.0.1:8081/api/v1", "allowed_hosts": ["127.0.0.1", "localhost"]}
    assert "repo" not in local["backend"]  # no repository configured: none written


@pytest.mark.parametrize("options, message", [
    ({"repo": "not a repo"}, "editor.repo"), ({"api_root": "http://api.github.com"}, "editor.api_root"),
    ({"branch": " "}, "editor.branch"), ({"local": "http://192.0.2.1:8081/api/v1"}, "editor_local_backend")])
def test_wrong_editor_options_are_refused_naming_the_option(options, message) -> None:
    with pytest.raises(EditorError, match=message):
        Backend(**options)


def test_selects_list_the_content_labelled_in_the_editors_language() -> None:
    for language, names in (("de", ["Kommunikation", "Veranstaltungen", "Messe", "Deutsch"]),
                            ("en", ["Communications", "Events", "Fair", "German"])):
        found = fields(config(language))
        assert found["source"]["options"] == [{"label": names[0], "value": "comms"},
                                              {"label": "Lena Hoff", "value": "lena"}]
        assert found["topics"] == {**found["topics"], "widget": "select", "multiple": True,
                                   "options": [{"label": names[1], "value": "events"}]}
        assert found["campaign"]["options"] == [{"label": names[2], "value": "fair"}]
        assert found["language"]["options"][0] == {"label": names[3], "value": "de"}
        assert [option["value"] for option in found["language"]["options"]] == list(SETTINGS.languages)
    networks = fields(config())["networks"]
    assert networks["multiple"] is True and networks["required"] is False  # none chosen: every network
    assert networks["options"] == [{"label": "LinkedIn", "value": "linkedin"}, {"label": "X", "value": "x"},
                                   {"label": "Mastodon", "value": "mastodon"}]


def test_without_topics_yml_a_topic_is_any_slug() -> None:
    found = fields(config(content=Content(sources=CONTENT.sources)))["topics"]
    assert found["widget"] == "list"
    assert agrees(found["field"]["pattern"][0], ["events", "a-1"], ["Events", "-a", "a b", ""])


def test_the_custom_widgets_their_options_and_the_model_defaults() -> None:
    found = fields(config("en"))
    assert found["disclosure"]["widget"] == "sharewall-disclosure" and found["disclosure"]["default"] == "employee"
    assert [option["value"] for option in found["disclosure"]["options"]] == ["employee", "sponsored", "none"]
    assert found["suggestions"] == {**found["suggestions"], "widget": "sharewall-suggestions", "min": 1,
                                    "max": SUGGESTIONS_MAX}
    assert (found["draft"]["widget"], found["draft"]["default"]) == ("boolean", False)
    assert (found["track"]["widget"], found["track"]["default"]) == ("boolean", True)
    assert found["image"]["widget"] == "image" and found["image"]["required"] is False
    # the alt text: Decap's string wrapped so it is required once an image is set (rules._image_rules), not before
    assert (found["image_alt"]["widget"], found["image_alt"]["required"]) == ("sharewall-image-alt", False)
    assert "Europe/Berlin" in found["publish"]["hint"]


def test_the_body_has_no_images_no_code_blocks_and_no_raw_html_buttons() -> None:
    body = fields(config())["body"]
    assert body["editor_components"] == []
    assert not {"code", "image"} & set(body["buttons"])


def test_publish_and_expires_are_written_as_the_model_reads_them_in_site_time() -> None:
    found = fields(config())
    for name, widget in (("publish", "datetime"), ("expires", "sharewall-expires")):  # editor.js: Decap's datetime
        assert (found[name]["widget"], found[name]["format"], found[name]["picker_utc"]) == (
            widget, "YYYY-MM-DD HH:mm", False)
    # what Day.js writes with that format is read back as the same wall-clock time in the site's timezone
    post = FrontMatter.model_validate({**VALID, "publish": "2026-03-29 09:30", "expires": "2026-10-25 02:30"},
                                      context={"settings": SETTINGS})
    assert (post.publish.isoformat(), post.expires.isoformat()) == (
        "2026-03-29T09:30:00+02:00", "2026-10-25T02:30:00+02:00")
    # a date alone (as files written by hand have it) expires at the end of that day: the moment editor.js shows for
    # it (the next day's 00:00), so the widget shows what check reads, and writes it once changed
    day = FrontMatter.model_validate({**VALID, "expires": "2026-12-31"}, context={"settings": SETTINGS})
    shown = FrontMatter.model_validate({**VALID, "expires": "2027-01-01 00:00"}, context={"settings": SETTINGS})
    assert day.expires == shown.expires


def test_the_guidelines_pages_one_per_language_file() -> None:
    pages = config(pages={"de": "content/guidelines.md", "en": "content/guidelines.en.md"})["collections"][1]
    assert pages["name"] == "pages"
    assert [(entry["name"], entry["file"]) for entry in pages["files"]] == [
        ("guidelines-de", "content/guidelines.md"), ("guidelines-en", "content/guidelines.en.md")]
    assert [field["name"] for field in pages["files"][0]["fields"]] == ["title", "description", "body"]
    assert len(config()["collections"]) == 1  # no guidelines file: no pages collection


# --- the patterns refuse what the model refuses ---------------------------------------------------------------------


# `text` as JavaScript holds it: UTF-16 code units (a character beyond U+FFFF is a surrogate pair)
def units(text: str) -> str:
    data = text.encode("utf-16-le")
    return "".join(chr(int.from_bytes(data[i:i + 2], "little")) for i in range(0, len(data), 2))


def js_matches(pattern: str, value: str) -> bool:
    return re.search(pattern, units(value)) is not None


def agrees(pattern: str, valid: list[str], invalid: list[str]) -> bool:
    return all(js_matches(pattern, value) for value in valid) and not any(js_matches(pattern, value) for value in invalid)


# What `check` accepts of one field: the model, and no control character in a single-line text (content.py)
def model_accepts(field: str, value) -> bool:
    if any(control_character(text) for text in (value if isinstance(value, list) else [value])):
        return False
    try:
        FrontMatter.model_validate({**VALID, field: value}, context={"settings": SETTINGS})
    except ValidationError:
        return False
    return True


LINKS = ["https://news.example.com/a", "HTTPS://News.Example.com", "https://a.b:8443/x?y=1#z", "https://a.b.",
         "https://xn--mnchen-3ya.de/ä", "https://a.b:/", "https://a.b#x@y", "https://例え.テスト/パス",
         "http://news.example.com/a", "https://localhost/a", "https://user@a.b/", "https://a..b/", "https://.a.b/",
         "https://a.b/x y", "https://a.b/\u200b", "https://a.b/x\u00a0y", "https://a.b/\x7f", "https://a.b\\c/",
         "https://a.b:99999/", "https://a.b:8x/", "javascript:alert(1)", "ftp://a.b/", "https://", "https://[::1]/",
         "https://a.b/\U000e0041", "https://a.b/😀"]
TEXTS = ["T", "  padded  ", "Ü" * TITLE_MAX, "😀" * TITLE_MAX, "x" * (TITLE_MAX - 1) + "😀", "a\tb",
         "", "   ", "x" * (TITLE_MAX + 1), "😀" * (TITLE_MAX + 1), "line\nbreak", "esc\x1bape", "a\u2028b", "a\x85b",
         "😀" * 3000, " " * 3000 + "x", "x" + " " * 3000 + "x" * 119]  # long ones: no runaway backtracking
HASHTAGS = ["Orca", "rp26", "Zürich", "über_alles", "日本", "𝒜lpha", "ß", "#Orca", "two words", "a-b", "😀", "", "a.b",
            "e\u0301"]


@pytest.mark.parametrize("value", LINKS)
def test_the_link_pattern_agrees_with_the_model(value: str) -> None:
    pattern = fields(config())["link"]["pattern"][0]
    assert js_matches(pattern, value) == model_accepts("link", value), value


@pytest.mark.parametrize("value", TEXTS)
def test_the_title_pattern_agrees_with_the_model(value: str) -> None:
    pattern = fields(config())["title"]["pattern"][0]
    assert js_matches(pattern, value) == model_accepts("title", value), repr(value)


def test_the_summary_and_alt_text_limits_come_from_the_model() -> None:
    found = fields(config("en"))
    summary, alt = found["summary"]["pattern"], found["image_alt"]["pattern"]
    assert f"{{1,{SUMMARY_MAX}}}" in summary[0] and f"1 to {SUMMARY_MAX} characters" in summary[1]
    assert js_matches(summary[0], "s" * SUMMARY_MAX) and model_accepts("summary", "s" * SUMMARY_MAX)
    assert not js_matches(summary[0], "s" * (SUMMARY_MAX + 1)) and not model_accepts("summary", "s" * (SUMMARY_MAX + 1))
    most = FrontMatter.model_fields["image_alt"].metadata[-1].max_length
    assert js_matches(alt[0], "a" * most) and not js_matches(alt[0], "a" * (most + 1))
    assert not model_accepts("image_alt", "a" * (most + 1))


@pytest.mark.parametrize("value", HASHTAGS)
def test_the_hashtag_pattern_agrees_with_the_model(value: str) -> None:
    pattern = fields(config())["hashtags"]["field"]["pattern"][0]
    assert js_matches(pattern, value) == model_accepts("hashtags", [value]), value


@pytest.mark.skipif(shutil.which("node") is None, reason="Node is not installed")
def test_javascript_runs_the_patterns_as_python_does() -> None:
    found = fields(config())
    cases = [(found["link"]["pattern"][0], LINKS), (found["title"]["pattern"][0], TEXTS),
             (found["hashtags"]["field"]["pattern"][0], HASHTAGS)]
    script = ("const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "process.stdout.write(JSON.stringify(cases.map(([p, values]) => values.map(v => RegExp(p).test(v)))));")
    result = subprocess.run(["node", "-e", script], input=json.dumps(cases), capture_output=True, text=True,
                            check=True, timeout=60)
    in_node = json.loads(result.stdout)
    assert in_node == [[js_matches(pattern, value) for value in values] for pattern, values in cases]


def test_every_configured_language_has_the_editor_strings() -> None:
    for language in ("de", "en", "fr"):
        generated = config(language, pages={language: "content/guidelines.md"})
        assert all(field["label"] for field in fields(generated).values())
        assert Path(generated["media_folder"]).as_posix() == "content/images"
