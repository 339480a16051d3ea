"""The interface's strings: one catalogue per language (`locales/<code>.yml`), read by Python, templates and page scripts.

A catalogue maps sections (`wall`, `stats`, `claims_form`, …) to keys; a key holds a text with `{name}`
placeholders, a mapping of CLDR plural categories (`one`, `other`, …) that scripts select with
`Intl.PluralRules`, or a table looked up by a code the API or the page hands over (`errors`, `roles`).
A site may add a folder of catalogues of its own (the plugin's `locales`), read before the packaged one:
a language is one more file there, no code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel import Locale, UnknownLocaleError

LOCALES = Path(__file__).with_name("locales")  # the packaged catalogues: de.yml, en.yml, …
PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})  # CLDR's, as Intl.PluralRules names them
TEMPLATE_SECTION = "wall"  # what templates read as `t` (and `sharewall.t`), Python as `strings`
# Sections no page script reads: the functions' (published as JSON by the build: the digest, the invite mail, the
# claims CSV) and the editor's at /admin/ (its editor.<lang>.json and config.<lang>.yml); not in the wall's scripts
SERVER_SECTIONS = frozenset({"digest", "invite_mail", "claims_csv", "editor", "editor_preview"})
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present


class CatalogueError(ValueError):
    """A catalogue is missing or unreadable; the message names the file (and line)."""


@dataclass(frozen=True)
class Catalogue:
    """One language's strings as read from its file, with the line of every key (for `path:line:` errors)."""

    language: str
    path: Path
    sections: dict[str, dict[str, Any]]
    lines: dict[tuple[str, ...], int]  # (section, key[, form or code]) -> line in `path`

    # The line of a key (or of its section, or 1) for an error message
    def line_of(self, *keys: str) -> int:
        while keys:
            if keys in self.lines:
                return self.lines[keys]
            keys = keys[:-1]
        return 1


class Strings(dict):
    """One section's strings (key -> text) that knows its language (`code`): what templates and Python read as `t`.

    No attribute is named like a key: Jinja reads `t.language` as an attribute before it looks up the key.
    """

    def __init__(self, values: dict[str, Any], language: str) -> None:
        super().__init__(values)
        self.code = language


# Where to look for catalogues: the site's own folder first, then the packaged one
def folders(extra: str | Path | None = None) -> list[Path]:
    return [Path(extra), LOCALES] if extra else [LOCALES]


# The catalogue files there are, by language (the site's own before the packaged ones)
def available(extra: str | Path | None = None) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in reversed(folders(extra)):
        found.update({path.stem: path for path in sorted(folder.glob("*.yml"))})
    return found


# One language's catalogue; CatalogueError when there is none or it is no catalogue
def load(language: str, extra: str | Path | None = None) -> Catalogue:
    path = available(extra).get(language)
    if path is None:
        where = " or ".join(str(folder) for folder in folders(extra))
        raise CatalogueError(f"no catalogue for interface language '{language}': add {language}.yml to {where}")
    return _read(path, path.stat().st_mtime_ns)


# Read and shape-check a catalogue file once per version (every build of `serve` rereads a changed one)
@lru_cache(maxsize=32)
def _read(path: Path, _version: int) -> Catalogue:
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=_Loader)
        values = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise CatalogueError(f"{path}:{mark.line + 1 if mark else 1}: not valid YAML: {error}") from None
    if not isinstance(values, dict) or not all(isinstance(value, dict) for value in values.values()):
        raise CatalogueError(f"{path}:1: a catalogue maps sections to mappings of keys to strings")
    lines: dict[tuple[str, ...], int] = {}
    _lines(root, (), lines)
    if twice := _written_twice(root, ()):
        keys, line, first = twice
        raise CatalogueError(f"{path}:{line}: {'.'.join(keys)} is written twice (first at line {first}); YAML keeps only the last")
    for keys, line in lines.items():
        value = _value(values, keys)
        if len(keys) > 1 and not isinstance(value, (str, dict)) or len(keys) > 3:
            raise CatalogueError(f"{path}:{line}: {'.'.join(keys)} must be a text, plural forms or a table of texts")
    return Catalogue(path.stem, path, values, lines)


# Record the line of every key of a composed YAML mapping, by its path of keys
def _lines(node: yaml.Node, prefix: tuple[str, ...], lines: dict[tuple[str, ...], int]) -> None:
    if not isinstance(node, yaml.MappingNode):
        return
    for key, value in node.value:
        path = (*prefix, str(key.value))
        lines[path] = key.start_mark.line + 1
        _lines(value, path, lines)


# The first key a mapping repeats (YAML would silently keep the last value): its path, line and first line
def _written_twice(node: yaml.Node, prefix: tuple[str, ...]) -> tuple[tuple[str, ...], int, int] | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    seen: dict[str, int] = {}
    for key, value in node.value:
        name, line = str(key.value), key.start_mark.line + 1
        if name in seen:
            return (*prefix, name), line, seen[name]
        seen[name] = line
        if found := _written_twice(value, (*prefix, name)):
            return found
    return None


# The value at a path of keys
def _value(values: dict, keys: tuple[str, ...]) -> Any:
    for key in keys:
        values = values[key]
    return values


# Whether a key's value is a mapping of plural forms (CLDR categories, `other` among them) rather than a table
def is_plural(value: Any) -> bool:
    return isinstance(value, dict) and "other" in value and set(value) <= PLURAL_CATEGORIES


# What templates and Python read: the template section of the language's catalogue
def strings_for(language: str, extra: str | Path | None = None) -> Strings:
    return Strings(load(language, extra).sections.get(TEMPLATE_SECTION, {}), language)


# A language's name in the interface language (`Englisch` on the German wall) from CLDR; its code when unknown
def language_name(strings: Strings, code: str) -> str:
    try:
        name = Locale.parse(strings.code).languages.get(code)
    except (UnknownLocaleError, ValueError):
        name = None
    return name or code


# A language's name in itself (`Deutsch`, `English`), as the language selector lists it; its code when unknown
def endonym(code: str) -> str:
    try:
        name = Locale.parse(code).get_display_name(code)
    except (UnknownLocaleError, ValueError):
        name = None
    return name[:1].upper() + name[1:] if name else code


# The generated script of a language (assets/sharewall/locales/<code>.js): the catalogue but SERVER_SECTIONS as a frozen
# object under window.SharewallLocales[<code>], loaded before the page scripts (the CSP allows no inline script)
def script(language: str, extra: str | Path | None = None) -> bytes:
    catalogue = load(language, extra)
    sections = {name: keys for name, keys in catalogue.sections.items() if name not in SERVER_SECTIONS}
    data = json.dumps(sections, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (
        f"/* generated by sharewall from {catalogue.path.name}: the interface in {endonym(language)} */\n"
        "(function (code, strings) {\n"
        "  function freeze(value) {\n"
        "    if (value && typeof value === \"object\") Object.keys(value).forEach(function (key) { freeze(value[key]); });\n"
        "    return Object.freeze(value);\n"
        "  }\n"
        "  (window.SharewallLocales = window.SharewallLocales || {})[code] = freeze(strings);\n"
        f"}})({json.dumps(language)}, {data});\n"
    ).encode("utf-8")
