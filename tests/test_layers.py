"""The ground floor stays the ground floor: the audit log, the outbox (its queue, worker loop
and search sync hook) and the anonymisation guard are imported by every domain and import
none, so a domain can never be pulled into another through them."""

from __future__ import annotations

import ast

from app.config import PROJECT_ROOT

GROUND_FLOOR = ("audit", "outbox", "guard")
ALLOWED = {"app.db", "app.keyset", "app.config", "app.errors"} | {
    f"app.{name}" for name in GROUND_FLOOR
}


def imported_app_modules(source: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app"):
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names if a.name.startswith("app"))
    return found


def is_allowed(module: str) -> bool:
    return any(module == allowed or module.startswith(allowed + ".") for allowed in ALLOWED)


def test_the_ground_floor_imports_no_domain() -> None:
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}:{line}: imports {module}"
        for package in GROUND_FLOOR
        for path in sorted((PROJECT_ROOT / "app" / package).rglob("*.py"))
        for line, module in imported_app_modules(path.read_text(encoding="utf-8"))
        if not is_allowed(module)
    ]
    assert offenders == []


def test_the_scanner_sees_both_import_forms() -> None:
    source = "from app.members.models import Member\nimport app.search.engine\n"
    assert [module for _line, module in imported_app_modules(source)] == [
        "app.members.models",
        "app.search.engine",
    ]
    assert not is_allowed("app.members.models") and is_allowed("app.outbox.sync")
