"""The layering of DESIGN.md: only `store` touches the database, and the store runs no
stage (it imports only the shared records of `newsprism.models` and `newsprism.analysis`)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "newsprism"
STORE = PACKAGE / "store"
DATABASE_LIBRARIES = {"sqlalchemy", "alembic", "psycopg", "sqlite3"}
STORE_MAY_IMPORT = {"newsprism.store", "newsprism.models", "newsprism.analysis"}


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, at any depth (function-level imports too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_imports_are_read_from_real_code() -> None:
    assert "sqlalchemy.orm" in _imports(STORE / "stories.py")
    assert "newsprism.stories" in _imports(PACKAGE / "pipeline.py")


def test_only_the_store_imports_database_libraries() -> None:
    offenders = {str(p.relative_to(PACKAGE)): sorted(m for m in _imports(p) if m.split(".")[0] in DATABASE_LIBRARIES)
                 for p in PACKAGE.rglob("*.py") if STORE not in p.parents}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_store_imports_no_stage() -> None:
    offenders = {str(p.relative_to(PACKAGE)): sorted(
        m for m in _imports(p)
        if m.split(".")[0] == "newsprism" and not any(m == ok or m.startswith(ok + ".") for ok in STORE_MAY_IMPORT))
        for p in STORE.rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}
