"""The summarizer's three rooms import only what they may: text neither summarizer, the two not each other."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import distill

PACKAGE = Path(distill.__file__).parent
SUMMARIZE = PACKAGE / "summarize"
# room -> the rooms of the summarizer it may import
ALLOWED = {"text": {"text"}, "builtin": {"builtin", "text"}, "llm": {"llm", "text"}}


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _room(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["distill", "summarize"] else None


def test_each_room_imports_only_the_rooms_it_may() -> None:
    wrong = []
    for room, allowed in ALLOWED.items():
        for path in sorted((SUMMARIZE / room).rglob("*.py")):
            for module in _imports(path):
                other = _room(module)
                if other in ALLOWED and other not in allowed:
                    wrong.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert not wrong, wrong


def test_the_shared_modules_import_no_summarizer() -> None:
    # Sentences and noise are shared with the source loaders, which come before any summary.
    for path in sorted((PACKAGE / "speech").rglob("*.py")):
        assert not any(m.startswith("distill.summarize") for m in _imports(path)), path


def test_no_file_of_the_summarizer_is_over_600_lines() -> None:
    for path in [*SUMMARIZE.rglob("*.py"), *(PACKAGE / "speech").rglob("*.py")]:
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines <= 600, f"{path.relative_to(PACKAGE)} has {lines} lines"


def test_importing_the_summarizer_loads_no_room_until_it_is_used() -> None:
    code = (
        "import sys, distill.summarize\n"
        "print(sorted(m for m in sys.modules if m.startswith('distill.summarize.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
