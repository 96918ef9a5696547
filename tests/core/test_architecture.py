"""The shape of the code: layers kept, no import cycle, seeding used only from the top,
modules small enough to read at once."""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
#: Modules allowed past the size limit: none (the SMS texts, the one exception, are
#: gettext catalogs now: civic_app/sms/texts.py and the sms.po files).
#: Data, not code: the Italian source of every SMS text, one entry after another.
LONG_MODULES: set[str] = {"civic_app/sms/texts.py"}
MAX_LINES = 400


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (or a module that
    imports itself), each sorted: every import cycle is inside one of them (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
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
            if len(component) > 1 or node in edges.get(node, ()):
                cycles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(edges):
        if node not in index:
            visit(node)
    return cycles


def import_edges() -> dict[str, set[str]]:
    graph = grimp.build_graph("civic_app", cache_dir=None)
    return {
        module: graph.find_modules_directly_imported_by(module)
        for module in graph.modules
        # The root package is the app factory: it imports every feature to register it.
        if module != "civic_app"
    }


def test_the_layer_and_independence_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def _python_only(folder: str, names: list[str]) -> set[str]:
    """What copytree leaves out: everything but Python sources and their folders."""
    return {
        name
        for name in names
        if name == "__pycache__"
        or (not name.endswith(".py") and not (Path(folder) / name).is_dir())
    }


@pytest.fixture
def copy_of_the_code(tmp_path):
    """civic_app's sources and pyproject.toml (the contracts) in a folder of their own."""
    shutil.copytree(ROOT / "civic_app", tmp_path / "civic_app", ignore=_python_only)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


#: (module, the import added to it, what lint-imports must say is broken)
UPWARD_IMPORTS = [
    # core asking a feature: an arrow pointing up
    ("core/clock.py", "from civic_app.people import operations",
     "civic_app.core.clock -> civic_app.people.operations"),
    # a feature asking the conversation engine, which sits above every feature
    ("plans/progress.py", "from civic_app.conversation.engine import answer",
     "civic_app.plans.progress -> civic_app.conversation.engine"),
    # messaging asking a feature what a message is about
    ("sms/operations.py", "from civic_app.projects.models import Project",
     "civic_app.sms.operations -> civic_app.projects.models"),
    # two independent features
    ("events/operations.py", "from civic_app.attendance.models import Attendance",
     "civic_app.events.operations -> civic_app.attendance.models"),
]  # fmt: skip


@pytest.mark.parametrize(("module", "line", "broken"), UPWARD_IMPORTS)
def test_an_import_against_the_arrows_fails_and_names_its_line(
    copy_of_the_code, module, line, broken
):
    path = copy_of_the_code / "civic_app" / module
    path.write_text(path.read_text() + f"\n{line}\n")
    result = lint_imports(copy_of_the_code)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert broken in result.stdout


def test_the_cycle_finder_finds_a_cycle_and_a_self_import():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert find_cycles(edges) == [["a", "b", "c"], ["e"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_of_civic_app_is_part_of_an_import_cycle():
    edges = import_edges()
    assert len(edges) > 100  # the whole package was read
    cycles = find_cycles(edges)
    assert cycles == [], "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_only_the_command_line_uses_the_seeding_package():
    edges = import_edges()
    users = {
        module
        for module, targets in edges.items()
        if not module.startswith("civic_app.seeding")
        and any(t.startswith("civic_app.seeding") for t in targets)
    }
    assert users == {"civic_app.cli"}


def test_no_module_is_longer_than_a_newcomer_reads_at_once():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / "civic_app").rglob("*.py"))
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert set(long) <= LONG_MODULES, long


def layers_diagram() -> str:
    """The Mermaid picture of the layers contract: each layer's packages point at the
    packages of the layer below (and so at everything under it)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    rows = [[name.strip() for name in row.split("|")] for row in contract["layers"]]
    lines = ["flowchart TD"]
    for upper, lower in zip(rows, rows[1:], strict=False):
        lines += [f"    {a} --> {b}" for a in upper for b in lower]
    return "\n".join(lines)


def test_the_picture_of_the_layers_in_the_docs_is_the_contract():
    doc = (ROOT / "docs/architecture.md").read_text()
    drawn = doc.split("```mermaid\n", 1)[1].split("```", 1)[0].rstrip()
    assert drawn == layers_diagram(), "docs/architecture.md should say:\n" + layers_diagram()
