"""The app's import graph: no loop at module level, `partners` never imports `assignments`,
and the only import made inside a function is the services' on-commit helper reaching
for the tasks (which call services back): the one sanctioned loop."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("assignments", "partners")


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def resolve(module, node):
    """The absolute names `node` (an import statement in `module`) imports."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    package = module.split(".")
    is_package = (ROOT / Path(*package) / "__init__.py").exists()
    base = package if is_package else package[:-1]
    if node.level:
        base = base[: len(base) - node.level + 1]
        prefix = ".".join([*base, node.module] if node.module else base)
    else:
        prefix = node.module
    names = [f"{prefix}.{alias.name}" for alias in node.names]
    return [prefix, *names]


def graph():
    """{module: (imported at module level, imported inside functions)} within the apps."""
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    found = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        top, inner = set(), set()
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                top.update(resolve(name, node))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for sub in ast.walk(node):
                    if isinstance(sub, ast.Import | ast.ImportFrom):
                        inner.update(resolve(name, sub))
        found[name] = ({m for m in top if m in modules}, {m for m in inner if m in modules})
    return found


def cycles(edges):
    """The strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in list(edges):
        if v not in index:
            visit(v)
    return out


def test_no_import_loop_at_module_level():
    top = {name: edges for name, (edges, _inner) in graph().items()}
    # A package's __init__ re-exporting its own modules is not a loop of the design.
    top = {n: {m for m in e if not m.startswith(n + ".")} for n, e in top.items()}
    assert cycles(top) == []


def test_the_only_import_inside_a_function_is_the_on_commit_helpers():
    inner = {name: edges for name, (_top, edges) in graph().items() if edges}
    assert inner == {"assignments.services.background": {"assignments", "assignments.tasks"}}


def test_partners_never_imports_assignments():
    for name, (top, inner) in graph().items():
        if name.startswith("partners"):
            assert not {m for m in top | inner if m.startswith("assignments")}, name
