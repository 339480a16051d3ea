"""No import circle anywhere in `site_builder/` or `functions/` (issue #19): imports run one way.

The walk reads every import statement with `ast`, those inside functions (lazy imports) and
`if TYPE_CHECKING:` blocks too: a lazy import hides a circle from Python, not from a reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Where each tree's modules are importable from: `site_builder.x` from the repository, the
# functions' packages (`sharewall_common.x`, `suggestions.x`) from `functions/` (the Lambda layout).
TREES = ((ROOT / "site_builder", ROOT), (ROOT / "functions", ROOT / "functions"))


# A module's dotted name from its file, as Python would import it from `base`.
def module_name(path: Path, base: Path) -> str:
    parts = list(path.relative_to(base).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


# Every module of both trees, by dotted name, with whether it is a package (for relative imports).
def project_modules() -> dict[str, tuple[Path, bool]]:
    modules = {}
    for tree, base in TREES:
        for path in sorted(tree.rglob("*.py")):
            if "__pycache__" not in path.parts:
                modules[module_name(path, base)] = (path, path.name == "__init__.py")
    return modules


# The project modules one module imports, wherever in its file the import statement stands.
def imports_of(name: str, path: Path, is_package: bool, modules: dict) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's own package upwards
                package = name.split(".") if is_package else name.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(package + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            # `from package import module` imports the module; `from module import name` the module
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for target in targets:
            # `import a.b.c` runs a.b.c; the nearest project module named is the edge
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


# The import graph of both trees: module -> the project modules it imports.
def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(name, path, is_package, modules) for name, (path, is_package) in modules.items()}


# Every circle in the graph, each once, as the list of modules around it (Tarjan's components).
def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    index, low, stack, on_stack, components = {}, {}, [], set(), []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_no_import_cycle_in_site_builder_or_functions():
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import circles (each line: modules that import each other round): \n" + "\n".join(
        " <-> ".join(component) for component in found)


def test_the_walk_sees_lazy_and_relative_imports(tmp_path):
    # The detector itself: a circle closed by an import inside a function, and one through a
    # relative import, are both found; a one-way chain is not.
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "low.py").write_text("def f():\n    from pkg import high\n")
    (package / "high.py").write_text("from .low import f\n")
    (package / "alone.py").write_text("from pkg.low import f\n")
    modules = {module_name(path, tmp_path): (path, path.name == "__init__.py") for path in package.glob("*.py")}
    graph = {name: imports_of(name, path, is_pkg, modules) for name, (path, is_pkg) in modules.items()}
    assert graph["pkg.high"] == {"pkg.low"}
    assert graph["pkg.low"] == {"pkg.high"}
    assert cycles(graph) == [["pkg.high", "pkg.low"]]


@pytest.mark.parametrize("core", ["site_builder.model", "site_builder.sharing", "site_builder.networks"])
def test_the_content_model_imports_no_loader_rules_or_adapter(core):
    # Imports run one way: content model <- rules <- loading (`content`) <- adapters. The model and
    # what shares it import no rule, no loader and no adapter (MkDocs plugin, CLI).
    graph = import_graph()
    assert core in graph
    assert not graph[core] & {"site_builder.content", "site_builder.rules", "site_builder.plugin", "site_builder.cli"}
