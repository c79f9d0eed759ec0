"""The packages' layers point one way, and no modules import each other in a circle.

Every ``.py`` under ``classifier/``, ``training/`` and ``genuine_cli/`` is parsed with ``ast``,
and every import counts: at module level, inside functions and under ``TYPE_CHECKING``.
``from pkg import name`` imports the module ``pkg.name`` when there is one, else ``pkg``;
importing a submodule does not count as importing its parent packages' ``__init__``.

The rules (docs/architecture.md draws them):

- a module imports only modules of its own layer or lower ones in ``LAYERS``: so ``classifier``
  never imports ``training`` or ``genuine_cli``, ``training`` never imports ``genuine_cli``,
  and inside the runtime text < features < backends < predictor < scorer < interfaces;
- every module belongs to exactly one layer (a new module must be placed in ``LAYERS``);
- no import circle (a strongly connected component of the module graph).

Run: ``.venv/bin/python -m pytest -q tests/test_layers.py``.
"""

from __future__ import annotations

import ast
import shutil
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("classifier", "training", "genuine_cli")


@dataclass(frozen=True)
class Layer:
    name: str
    patterns: tuple[str, ...]  # dotted module names, fnmatch-style


# Lowest first. A module may import its own layer and the ones above it in this list.
LAYERS = (
    Layer(
        "foundation",
        (
            "classifier._version",
            "classifier.io",
            "classifier.io.*",
            "classifier.model_dir",  # the model directory's format: the backends read it
            "classifier.resources",
            "classifier.resources.*",
        ),
    ),
    Layer("text", ("classifier.text", "classifier.text.*")),
    Layer("features", ("classifier.features", "classifier.reasons")),
    Layer("backends", ("classifier.backends", "classifier.backends.*")),
    Layer("predictor", ("classifier.predictor", "classifier.attributes")),
    Layer("scorer", ("classifier.scoring", "classifier.scoring.*")),
    Layer(
        "interfaces",
        (
            "classifier",  # the package's public names: load, score_creators, CreatorReport
            "classifier.service*",
            "classifier.keys",  # the service's API key store
            "classifier.spark*",
            "classifier.labeling",
            "classifier.labeling.*",
        ),
    ),
    Layer("training", ("training", "training.*")),
    Layer("command line", ("genuine_cli", "genuine_cli.*")),
)


@dataclass(frozen=True)
class Import:
    """One import statement of ``source`` (in ``path``, relative to the root) that reaches
    ``target``, both modules of the checked packages."""

    source: str
    target: str
    path: str
    line: int
    statement: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: `{self.statement}`"


def find_modules(root: Path, packages: Sequence[str] = PACKAGES) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` under the packages (``__init__.py`` is
    its package)."""
    modules: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _known(name: str, modules: dict[str, Path]) -> str | None:
    """``name`` or its longest prefix that is a checked module; None for outside modules."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _base_of(node: ast.ImportFrom, module: str, path: Path) -> str:
    """The absolute module a ``from ... import`` reads from (resolving relative imports)."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    package = package[: len(package) - node.level + 1]
    return ".".join([*package, *([node.module] if node.module else [])])


def imports_of(module: str, path: Path, root: Path, modules: dict[str, Path]) -> list[Import]:
    """Every import in ``path`` (anywhere in the file) of a checked module."""
    found: list[Import] = []
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        targets: list[str | None] = []
        if isinstance(node, ast.Import):
            targets = [_known(alias.name, modules) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _base_of(node, module, path)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                targets.append(submodule if submodule in modules else _known(base, modules))
        else:
            continue
        for target in dict.fromkeys(targets):
            if target is not None:
                relative = path.relative_to(root).as_posix()
                found.append(Import(module, target, relative, node.lineno, ast.unparse(node)))
    return found


def import_graph(root: Path, packages: Sequence[str] = PACKAGES) -> list[Import]:
    modules = find_modules(root, packages)
    return [imp for name, path in modules.items() for imp in imports_of(name, path, root, modules)]


def strongly_connected(nodes: Iterable[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative, so deep graphs cannot overflow)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def circles(imports: Sequence[Import]) -> list[list[Import]]:
    """The imports inside each import circle (a component of two or more modules, or a module
    importing itself)."""
    edges: dict[str, set[str]] = {}
    for imp in imports:
        edges.setdefault(imp.source, set()).add(imp.target)
    nodes = sorted({imp.source for imp in imports} | {imp.target for imp in imports})
    found = []
    for component in strongly_connected(nodes, edges):
        members = set(component)
        inside = [i for i in imports if i.source in members and i.target in members]
        if len(component) > 1 or inside:
            found.append(inside)
    return found


def layer_of(module: str, layers: Sequence[Layer] = LAYERS) -> list[int]:
    """The indexes of the layers whose patterns match ``module`` (exactly one when placed)."""
    return [
        rank
        for rank, layer in enumerate(layers)
        if any(fnmatchcase(module, pattern) for pattern in layer.patterns)
    ]


def layer_problems(root: Path, layers: Sequence[Layer] = LAYERS) -> list[str]:
    """Everything wrong with the imports under ``root``, one line each (empty when clean)."""
    modules = find_modules(root)
    imports = import_graph(root)
    problems = []
    for module, path in modules.items():
        ranks = layer_of(module, layers)
        if len(ranks) != 1:
            where = f"in {', '.join(layers[r].name for r in ranks)}" if ranks else "in no layer"
            problems.append(
                f"{path.relative_to(root).as_posix()}: module {module} is {where}: "
                "place it in exactly one layer of LAYERS in tests/test_layers.py"
            )
    for imp in imports:
        source, target = layer_of(imp.source, layers), layer_of(imp.target, layers)
        if len(source) == 1 and len(target) == 1 and target[0] > source[0]:
            problems.append(
                f"{imp}: {imp.source} ({layers[source[0]].name}) imports {imp.target} "
                f"({layers[target[0]].name}), a higher layer"
            )
    for inside in circles(imports):
        modules_in_circle = sorted({i.source for i in inside})
        lines = "; ".join(str(i) for i in inside)
        problems.append(f"import circle between {', '.join(modules_in_circle)}: {lines}")
    return problems


def test_the_packages_keep_their_layers_and_have_no_circles() -> None:
    problems = layer_problems(ROOT)
    assert not problems, "\n".join(problems)


def test_the_graph_sees_real_imports() -> None:
    """Guards against a checker that passes because it found nothing."""
    edges = {(i.source, i.target) for i in import_graph(ROOT)}
    assert len(edges) > 200
    assert ("genuine_cli.main", "classifier.model_dir") in edges
    assert ("classifier.predictor", "classifier.backends") in edges  # `from pkg import name`
    # A function-level import: report_data plans the budget with a lazy import.
    assert ("classifier.scoring.report_data", "classifier.scoring.budget") in edges


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_a_fake_tree_with_bad_imports_fails_naming_each(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "classifier/__init__.py": "",
            "classifier/text/__init__.py": """\
                def later():
                    from classifier.scoring import engine  # upward, inside a function
                    return engine
                """,
            "classifier/scoring/__init__.py": "",
            "classifier/scoring/engine.py": "from classifier.scoring import report\n",
            "classifier/scoring/report.py": """\
                from typing import TYPE_CHECKING

                if TYPE_CHECKING:
                    from .engine import run  # circle, relative, type-checking only
                """,
            "classifier/service.py": "import training.data\n",
            "classifier/gadget.py": "",
            "training/__init__.py": "",
            "training/data.py": "from genuine_cli.main import main\n",
            "genuine_cli/__init__.py": "",
            "genuine_cli/main.py": "import classifier.text\nimport training\n",
        },
    )
    problems = layer_problems(tmp_path)
    expected = [
        "classifier/gadget.py: module classifier.gadget is in no layer",
        "classifier/text/__init__.py:2: `from classifier.scoring import engine`: classifier.text "
        "(text) imports classifier.scoring.engine (scorer), a higher layer",
        "classifier/service.py:1: `import training.data`: classifier.service (interfaces) "
        "imports training.data (training), a higher layer",
        "training/data.py:1: `from genuine_cli.main import main`: training.data (training) "
        "imports genuine_cli.main (command line), a higher layer",
        "import circle between classifier.scoring.engine, classifier.scoring.report: "
        "classifier/scoring/engine.py:1: `from classifier.scoring import report`; "
        "classifier/scoring/report.py:4: `from .engine import run`",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in problems), f"{line!r} not in {problems}"
    assert len(problems) == len(expected), problems  # genuine_cli's downward imports are fine


def test_a_copy_of_the_project_fails_on_one_upward_import(tmp_path: Path) -> None:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    assert layer_problems(tmp_path) == []
    normalize = tmp_path / "classifier" / "text" / "normalize.py"
    lines = normalize.read_text(encoding="utf-8").splitlines()
    lines.append("from classifier.predictor import load  # noqa")
    normalize.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = layer_problems(tmp_path)
    assert len(problems) == 2, problems  # the upward import, and the circle it closes
    assert problems[0].startswith(f"classifier/text/normalize.py:{len(lines)}: ")
    assert "imports classifier.predictor (predictor), a higher layer" in problems[0]
    assert problems[1].startswith("import circle between ")
    assert "classifier.predictor" in problems[1] and "classifier.text.normalize" in problems[1]
