"""The floors of the house (docs/architecture.md): an app imports only the apps before it in the flow of the data,
and the ground floor, `nsm/core`, imports no app at all. A new import that points upwards fails here."""

import ast
from pathlib import Path

import nsm

FLOORS = [
    "core", "reference", "accounts", "strategy", "context", "consultation", "workinggroup", "capacity",
    "monitoring", "notifications", "analytics", "reports", "assessment", "search", "api", "backup", "demo",
]  # fmt: skip
ROOT = Path(nsm.__file__).parent


def imported_apps(path: Path) -> set[str]:
    """The apps of ours that a module imports (`nsm.<app>...`)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
        names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        for name in names:
            parts = name.split(".")
            if parts[0] == "nsm" and len(parts) > 1 and parts[1] in FLOORS:
                found.add(parts[1])
    return found


def modules_of(app: str) -> list[Path]:
    return [path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]


def test_every_app_of_the_package_has_its_floor():
    apps = {path.name for path in ROOT.iterdir() if path.is_dir() and (path / "__init__.py").exists()}
    assert apps - {"locale", "static", "templates"} == set(FLOORS)


def test_no_app_imports_an_app_above_it():
    upward = [
        f"{path.relative_to(ROOT.parent)} imports nsm.{other}"
        for app in FLOORS
        for path in modules_of(app)
        for other in imported_apps(path)
        if FLOORS.index(other) > FLOORS.index(app)
    ]
    assert upward == []


def test_the_ground_floor_imports_no_app():
    assert {
        str(path): imported_apps(path) - {"core"} for path in modules_of("core") if imported_apps(path) - {"core"}
    } == {}
