"""One write layer: outside `services/` (and the migrations, and the demo world, which
builds data in bulk), no module of the apps saves, creates, updates or deletes a row."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("assignments", "partners")
EXEMPT = ("services", "migrations", "demo")
# Persisting calls, whatever they are called on.
ALWAYS = {"save", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
# Calls that persist when made on a manager or queryset (`….objects….update()`): on
# anything else they are dict/set methods.
ON_QUERYSETS = {"create", "update", "delete"}
QUERYSET_HINTS = {"objects", "filter", "exclude", "all", "select_for_update"}


# The user manager's create_user saves the user: Django's own way to make one.
ALLOWED = {"partners/models.py"}


def modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT / app).parts
            if parts[0] in EXEMPT or parts[0] == "services.py":
                continue
            if str(path.relative_to(ROOT)) not in ALLOWED:
                yield path


def chain_names(node):
    """The attribute and call names along `a.b(...).c.d(...)`."""
    names = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        else:
            return names


def writes_in(source):
    """(line, method) of every persisting call in a module's source."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            names = chain_names(node.func)
            method, rest = names[0], set(names[1:])
            if method in ALWAYS or (method in ON_QUERYSETS and rest & QUERYSET_HINTS):
                yield node.lineno, method


@pytest.mark.parametrize("path", list(modules()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_outside_services_writes_rows(path):
    assert list(writes_in(path.read_text())) == []


def test_the_guard_catches_a_write():
    source = (
        "def v(flag, qs):\n"
        "    flag.save(update_fields=['x'])\n"
        "    Flag.objects.filter(pk=1).update(resolved_at=None)\n"
        "    context = {}\n"
        "    context.update(a=1)\n"
    )
    assert list(writes_in(source)) == [(2, "save"), (3, "update")]
