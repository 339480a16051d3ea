"""editor.<lang>.json (site_builder/editor/data.py): what the editor's widgets and preview read holds the rules of
`check` as the settings and content declare them, the strings of every interface language and the wall's styles."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from sharewall_common.campaigns import Campaign
from site_builder import catalogue
from site_builder.editor.data import SECTION, editor_data
from site_builder.model import Content, Source
from site_builder.networks import NETWORKS
from site_builder.settings import Disclosure, Settings

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = Settings(languages=("de", "en"), networks=("x", "bluesky", "email"), utm_medium="advocacy",
                    site_url="https://wall.example.com/intra/", interface=("de", "en", "fr"),
                    disclosures={"de": Disclosure(sponsored="Werbung |", employee="#Team", label="Werbung"),
                                 "en": Disclosure(sponsored="Ad |", employee="#staff", label="Ad")})
CONTENT = Content(
    sources={"comms": Source(name={"de": "Kommunikation", "en": "Communications"}, kind="department"),
             "lena": Source(name="Lena Hoff", kind="influencer")},
    campaigns={"fair": Campaign(name="Fair", start=date(2026, 1, 1), end=date(2026, 2, 1), reimbursed=True),
               "brand": Campaign(name="Brand", start=date(2026, 1, 1), end=date(2026, 2, 1), reimbursed=False)},
)


# The rules the widgets repeat come from the settings and content, not from the script
def test_rules_from_settings_and_content():
    data = editor_data("en", SETTINGS, CONTENT, catalogue.load("en"))
    assert list(data["networks"]) == ["x", "bluesky", "email"]
    assert data["networks"]["x"] == NETWORKS["x"].as_json()
    assert data["reimbursed"] == ["fair"]
    assert data["influencers"] == ["lena"]
    assert data["sources"] == {"comms": "Communications", "lena": "Lena Hoff"}
    assert data["campaigns"] == {"fair": "Fair", "brand": "Brand"}
    assert data["disclosures"]["de"] == {"sponsored": "Werbung |", "employee": "#Team", "label": "Werbung"}
    assert data["utm_medium"] == "advocacy"
    assert data["timezone"] == "Europe/Berlin"  # where the expiry and publication without offset are (editor.js)
    assert data["site_url"] == "https://wall.example.com/intra/" and data["root"] == "/intra/"
    assert data["interface"] == ["de", "en", "fr"]
    assert data["limits"] == {"title": 120, "summary": 300, "suggestions": 5, "image_alt": 300}
    assert data["languages"] == {"de": "German", "en": "English"}


# Every interface language has the preview's strings, taken from its catalogue (however the build hands it over)
@pytest.mark.parametrize("language", ["de", "en", "fr"])
def test_strings_of_each_language(language):
    loaded = catalogue.load(language)
    for given in (loaded, loaded.sections, None):
        data = editor_data(language, SETTINGS, CONTENT, given)
        assert data["language"] == language
        assert data["strings"][SECTION] == loaded.sections[SECTION]
        assert data["strings"]["wall"]["share"] == loaded.sections["wall"]["share"]
    assert "{network}" in data["strings"][SECTION]["too_long"]
    json.dumps(data)  # what the build writes


# The preview links the stylesheets a wall page links: Material's hashed ones and the wall's own, below the site's path
def test_styles_are_the_walls():
    styles = editor_data("de", SETTINGS, CONTENT, None)["styles"]
    assert styles[-1] == "/intra/assets/sharewall/sharewall.css"
    material = [href for href in styles if "/assets/stylesheets/" in href]
    assert [Path(href).name.split(".")[0] for href in material] == ["main", "palette"]
    built = ROOT / "site" / "index.html"
    if built.is_file():  # the names a build of this checkout links
        page = built.read_text(encoding="utf-8")
        assert all(Path(href).name in page for href in material)


# The site's own path is "/" without a site_url
def test_root_without_site_url():
    data = editor_data("de", Settings(), Content(), None)
    assert data["root"] == "/" and data["site_url"] is None
    assert data["styles"][-1] == "/assets/sharewall/sharewall.css"
