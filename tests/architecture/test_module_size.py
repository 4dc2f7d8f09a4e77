"""No module over 400 lines outside tests and migrations (docs/architecture.md): a module
that grows past that is split by feature, the same way in every app."""

import subprocess
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
MAX_LINES = 400


def project_modules() -> list[Path]:
    """The project's Python files as git knows them (tracked or new, not ignored)."""
    listed = subprocess.run(  # noqa: S603
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [
        ROOT / name
        for name in listed
        if not name.startswith("tests/") and "migrations" not in Path(name).parts
    ]


def test_no_module_is_over_400_lines():
    modules = project_modules()
    assert len(modules) > 100  # the listing found the project
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in modules
        if path.exists() and (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert too_long == {}
