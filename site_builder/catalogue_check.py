"""`sharewall check` for the interface catalogues: every configured language complete, every key used, the
same placeholders in every language, plural forms by CLDR's categories; errors at the catalogue's line.

A key counts as used in one well-defined form per kind of source:
- page scripts (`*.js`): a script reads the sections it names as `strings("section")`; a key of those is
  used as `.key`, as the string `"key"` (e.g. `t[name]` over a list of names) or through a prefix,
  `t["status_" + status]`, which uses every key beginning with `status_`;
- templates (`*.html`) read the `wall` section as `t.key` or `sharewall.t.key`;
- Python reads the `wall` section as `strings["key"]`, and a section it publishes for a function (the invite
  e-mail) as scripts do: `strings("section", …)` then the key as a string.
A table (a mapping looked up by a code, like `errors`) counts as used with its key; its codes come from data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from babel import Locale, UnknownLocaleError

from site_builder import catalogue
from site_builder.catalogue import TEMPLATE_SECTION, Catalogue, CatalogueError, is_plural
from site_builder.model import Issue

PLACEHOLDER = re.compile(r"\{(\w+)\}")
PYTHON_SOURCES = Path(__file__).parent  # the package itself: site_builder/*.py


# Every catalogue error of the configured languages (`languages`); `sources` are the folders with the
# templates and page scripts (the theme's custom_dir), searched for uses with the package's Python
def check(languages: Iterable[str], extra: str | Path | None = None, sources: Iterable[str | Path] = ()) -> list[Issue]:
    issues: list[Issue] = []
    catalogues: list[Catalogue] = []
    for language in dict.fromkeys(languages):
        try:
            catalogues.append(catalogue.load(language, extra))
        except CatalogueError as error:
            issues.append(_issue_of(error, language, extra))
    if not catalogues:
        return issues
    entries = {language.language: _entries(language) for language in catalogues}
    issues += _missing(catalogues, entries)
    issues += _placeholders(catalogues, entries)
    issues += _plural_forms(catalogues)
    issues += _unused(catalogues, _uses([*map(Path, sources), PYTHON_SOURCES]))
    return issues


# A missing or unreadable catalogue as an Issue naming the file (and line) it would be at
def _issue_of(error: CatalogueError, language: str, extra: str | Path | None) -> Issue:
    text = str(error)
    match = re.match(r"(.+?):(\d+): (.*)", text, re.S)
    if match:
        return Issue(_shown(Path(match[1])), int(match[2]), match[3])
    folder = Path(extra) if extra else catalogue.LOCALES
    return Issue(_shown(folder / f"{language}.yml"), 1, text)


# A path as errors show it: relative to the working folder when below it
def _shown(path: Path) -> str:
    path, here = path.resolve(), Path.cwd().resolve()
    return str(path.relative_to(here)) if path.is_relative_to(here) else str(path)


# The checked entries of a catalogue by key path: a text, or (for plural forms) the forms' texts
def _entries(language: Catalogue) -> dict[tuple[str, ...], list[str]]:
    found: dict[tuple[str, ...], list[str]] = {}
    for section, keys in language.sections.items():
        for key, value in keys.items():
            if isinstance(value, str):
                found[(section, key)] = [value]
            elif is_plural(value):
                found[(section, key)] = [text for text in value.values() if isinstance(text, str)]
            elif isinstance(value, dict):
                found.update({(section, key, code): [text] for code, text in value.items() if isinstance(text, str)})
    return found


# Keys some configured language has and another lacks, at the line of the section (or the file) lacking it
def _missing(catalogues: list[Catalogue], entries: dict) -> Iterator[Issue]:
    for language in catalogues:
        had = entries[language.language]
        lacking = {keys: other for other in reversed(catalogues) for keys in entries[other.language] if keys not in had}
        for keys, other in sorted(lacking.items(), key=lambda item: item[1].line_of(*item[0])):
            yield Issue(_shown(language.path), language.line_of(*keys),
                        f"{'.'.join(keys)} is missing ({other.path.name}:{other.line_of(*keys)} has it); "
                        f"every configured language needs every key")


# Placeholders that differ from the first configured language's, at the differing text's line
def _placeholders(catalogues: list[Catalogue], entries: dict) -> Iterator[Issue]:
    first = catalogues[0]
    for language in catalogues[1:]:
        for keys, texts in entries[language.language].items():
            if keys not in entries[first.language]:
                continue
            expected = _names(entries[first.language][keys])
            found = _names(texts)
            if found != expected:
                yield Issue(_shown(language.path), language.line_of(*keys),
                            f"{'.'.join(keys)} has the placeholders {_listed(found)}, "
                            f"{first.path.name}:{first.line_of(*keys)} has {_listed(expected)}")


# The placeholder names of some texts
def _names(texts: list[str]) -> set[str]:
    return {name for text in texts for name in PLACEHOLDER.findall(text)}


# Placeholders as an error lists them
def _listed(names: set[str]) -> str:
    return ", ".join(f"{{{name}}}" for name in sorted(names)) or "none"


# Plural forms a language's rules never select (Intl.PluralRules as CLDR), at the form's line
def _plural_forms(catalogues: list[Catalogue]) -> Iterator[Issue]:
    for language in catalogues:
        categories = _categories(language.language)
        for section, keys in language.sections.items():
            for key, value in keys.items():
                if isinstance(value, dict) and set(value) & catalogue.PLURAL_CATEGORIES and not is_plural(value):
                    yield Issue(_shown(language.path), language.line_of(section, key),
                                f"{section}.{key}: plural forms need 'other' and only CLDR's categories "
                                f"(zero, one, two, few, many, other)")
                elif is_plural(value) and categories:
                    for form in sorted(set(value) - categories):
                        yield Issue(_shown(language.path), language.line_of(section, key, form),
                                    f"{section}.{key}.{form}: the language '{language.language}' has no plural "
                                    f"form '{form}'; its forms: {', '.join(sorted(categories))}")


# CLDR's plural categories of a language, as Intl.PluralRules selects them; empty when Babel does not know it
def _categories(language: str) -> set[str]:
    try:
        return set(Locale.parse(language).plural_form.tags) | {"other"}
    except (UnknownLocaleError, ValueError):
        return set()


# Keys no source uses, at their line in each catalogue
def _unused(catalogues: list[Catalogue], uses: dict[str, _Uses]) -> Iterator[Issue]:
    for language in catalogues:
        for section, keys in language.sections.items():
            for key in keys:
                if not (section in uses and uses[section].uses(key)):
                    yield Issue(_shown(language.path), language.line_of(section, key),
                                f"{section}.{key} is used nowhere (a script reading strings(\"{section}\") "
                                f"as .{key}, a template as t.{key} or Python as strings[\"{key}\"]); remove it")


class _Uses:
    """How the sources use one section: the keys they name and the prefixes they look keys up by."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.prefixes: set[str] = set()

    # Whether `key` is one of them
    def uses(self, key: str) -> bool:
        return key in self.keys or any(key.startswith(prefix) for prefix in self.prefixes)


# The uses of every section in the page scripts, templates and Python below `folders`
def _uses(folders: list[Path]) -> dict[str, _Uses]:
    uses: dict[str, _Uses] = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.suffix not in {".js", ".html", ".py"} or "locales" in path.parts or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix in {".js", ".py"}:  # Python too: a section the build publishes for a function
                for section in re.findall(r"strings\(\s*[\"'](\w+)[\"']", text):
                    found = uses.setdefault(section, _Uses())
                    found.keys |= set(re.findall(r"\.(\w+)\b", text)) | set(re.findall(r"[\"'](\w+)[\"']", text))
                    found.prefixes |= set(re.findall(r"\[\s*[\"'](\w+)[\"']\s*\+", text))
            if path.suffix == ".js":
                continue
            if path.suffix == ".html":
                found = uses.setdefault(TEMPLATE_SECTION, _Uses())
                found.keys |= set(re.findall(r"(?<![\w.])(?:sharewall\.)?t\.(\w+)", text))
            else:
                found = uses.setdefault(TEMPLATE_SECTION, _Uses())
                found.keys |= set(re.findall(r"strings\[[\"'](\w+)[\"']\]", text))
    return uses
