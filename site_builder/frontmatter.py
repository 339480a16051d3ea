"""Split a Markdown file into YAML front matter and body, keeping the line of every field (also of YAML files)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import re

import yaml


class FrontMatterError(ValueError):
    """The front matter (or a YAML file) is missing or is not valid YAML; `line` is 1-based in the file."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


@dataclass
class Document:
    meta: dict[str, Any]
    body: str = ""
    body_line: int = 0  # the file line the body starts on (0: a YAML file, no body)
    lines: dict[tuple, int] = field(default_factory=dict)  # ("title",) or ("suggestions", 0) -> line

    def line_of(self, *loc: Any) -> int:
        """The line of the most specific known location, e.g. ("suggestions", 2) -> that item."""
        for end in range(len(loc), 0, -1):
            if tuple(loc[:end]) in self.lines:
                return self.lines[tuple(loc[:end])]
        return 1


_FENCE = re.compile(r"^---[ \t]*\r?$\n?", re.MULTILINE)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when present: 10x faster
    """Safe YAML that leaves dates as text, so one parser decides what a valid date is."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse(text: str) -> Document:
    """Parse `---` fenced front matter; raise FrontMatterError with the offending line."""
    opening = _FENCE.match(text)
    if not opening:
        raise FrontMatterError(1, "no front matter: the file must start with a line '---'")
    closing = _FENCE.search(text, opening.end())
    if closing is None:
        raise FrontMatterError(1, "front matter is not closed: add a line '---' after the fields")
    fields = parse_yaml(text[opening.end():closing.start()], first_line=2)  # the line after the opening '---'
    body_line = text.count("\n", 0, closing.end()) + 1
    return Document(meta=fields.meta, body=text[closing.end():], body_line=body_line, lines=fields.lines)


def parse_yaml(text: str, first_line: int, what: str = "front matter") -> Document:
    """A YAML mapping whose first line is line `first_line` of its file, with the file line of every field."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        meta = loader.construct_document(node) if node is not None else {}
    except yaml.YAMLError as error:
        # a scanner's context mark is where the broken token began (an opening quote): the better line
        scanning = (getattr(error, "context", None) or "").startswith("while scanning")
        mark = (scanning and getattr(error, "context_mark", None)) or getattr(error, "problem_mark", None)
        line = mark.line + first_line if mark else 1
        problem = "; ".join(filter(None, (getattr(error, "problem", None), getattr(error, "context", None))))
        raise FrontMatterError(line, f"YAML error: {problem or error}") from None
    finally:
        loader.dispose()
    if not isinstance(meta, dict):
        raise FrontMatterError(first_line, f"{what} must be a mapping of fields like 'title: …'")
    return Document(meta=meta, lines=_lines(node, first_line))


def _lines(node: yaml.Node | None, first_line: int) -> dict[tuple, int]:
    """File lines of the top-level keys, of the items of list fields and of the keys of mapping fields."""
    found: dict[tuple, int] = {}
    if not isinstance(node, yaml.MappingNode):
        return found
    for key, value in node.value:
        name = key.value
        found[(name,)] = key.start_mark.line + first_line
        if isinstance(value, yaml.SequenceNode):
            for index, item in enumerate(value.value):
                found[(name, index)] = item.start_mark.line + first_line
        elif isinstance(value, yaml.MappingNode):  # an entry of a data file (campaigns.yml): its fields
            for field_key, _ in value.value:
                if isinstance(field_key, yaml.ScalarNode):
                    found[(name, field_key.value)] = field_key.start_mark.line + first_line
    return found
