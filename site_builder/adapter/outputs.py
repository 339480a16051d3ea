"""What the build writes next to the HTML: the wall's files (filter index, posts.json, feed), the published expense
policy, campaigns and invite e-mail texts the functions read, and each interface language's strings for the page scripts."""

from __future__ import annotations

import json
from pathlib import Path

from site_builder import catalogue
from site_builder.content import Content
from site_builder.settings import Settings

ASSETS = "assets/sharewall"  # templates/assets/sharewall: the wall's own scripts and styles


# The generated script of each language's catalogue (assets/sharewall/locales/<code>.js), by site path
def locale_scripts(languages, settings: Settings) -> dict[str, bytes]:
    return {f"{ASSETS}/locales/{code}.js": catalogue.script(code, settings.locales) for code in languages}


# The expense policy the claims function enforces, published next to the catalogue (validated in on_pre_build)
def published_policy(docs_dir: str) -> dict[str, bytes]:
    from sharewall_common.expenses import PUBLISHED_NAME, published_policy
    from sharewall_common.published import PREFIX

    source = Path(docs_dir, "expenses.yml")
    return {PREFIX + PUBLISHED_NAME: published_policy(source.read_text(encoding="utf-8"))} if source.is_file() else {}


# The campaigns invites may name, published next to the catalogue (validated with the content in on_pre_build)
def published_campaigns(content: Content, settings: Settings) -> dict[str, bytes]:
    from sharewall_common.campaigns import PUBLISHED_NAME, published_campaigns
    from sharewall_common.published import PREFIX

    return {PREFIX + PUBLISHED_NAME: published_campaigns(content.campaigns, settings.zone)}


# The invite e-mail's subject and body in every interface language, for the claims function (claims.mail):
# the catalogues' invite_mail section, published next to the campaigns (the function cannot read the catalogues)
def published_invite_mail(languages, locales: str | Path | None = None) -> dict[str, bytes]:
    return _published_texts("invite-mail.json", languages, locales,
                            lambda strings: {key: strings("invite_mail")[key] for key in ("subject", "body")})


# The claims CSV's words in every interface language, for the claims function (claims.exports): the headings and
# yes/no of the catalogues' claims_csv, the statuses as the claim page says them (claims_form.status_*) and the
# payee kinds as finance's page does (finance_review.kinds); a language more is a catalogue more, no code
def published_claims_csv(languages, locales: str | Path | None = None) -> dict[str, bytes]:
    def words(strings) -> dict:
        csv, form = strings("claims_csv"), strings("claims_form")
        return {"columns": csv["columns"], "yes_no": [csv["flag_yes"], csv["flag_no"]],
                "statuses": {key.removeprefix("status_"): text for key, text in form.items() if key.startswith("status_")},
                "kinds": strings("finance_review")["kinds"]}

    return _published_texts("claims-csv.json", languages, locales, words)


# sharewall/<name>: per interface language what `words` takes from its catalogue through `strings(section)`
def _published_texts(name: str, languages, locales: str | Path | None, words) -> dict[str, bytes]:
    from sharewall_common.published import PREFIX

    texts = {}
    for code in languages:
        sections = catalogue.load(code, locales).sections
        texts[code] = words(lambda section, sections=sections: sections.get(section, {}))
    return {PREFIX + name: json.dumps(texts, ensure_ascii=False, sort_keys=True).encode("utf-8")}


# Write files (site path -> bytes) below the site folder
def write(site_dir: str, files: dict[str, bytes]) -> None:
    for path, data in files.items():
        target = Path(site_dir, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
