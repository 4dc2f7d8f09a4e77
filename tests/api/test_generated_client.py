"""A client that openapi-python-client (a development dependency) generates from the
committed docs/openapi.yaml imports, and its smoke script (tests/api/client/smoke.py) runs
against the live test server: public reads parsed into the generated models, a problem for
an error, a token, a write and the token's end."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from innovations.enums import Status
from tests.factories import PASSWORD, InnovationFactory, supplier_user

COMMITTED = settings.BASE_DIR / "docs" / "openapi.yaml"
SMOKE = Path(__file__).parent / "client" / "smoke.py"
BIN = Path(sys.executable).parent


def _run(*args, cwd, env=None):
    # S603: fixed programs of the project's environment, no shell.
    return subprocess.run(  # noqa: S603
        list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    target = tmp_path_factory.mktemp("client")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = _run(
        str(BIN / "openapi-python-client"),
        "generate",
        "--path",
        str(COMMITTED),
        "--meta",
        "none",
        "--output-path",
        str(target / "koploper_client"),
        cwd=target,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Every operation generated: no "Warning(s) encountered", nothing skipped.
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    return target


def test_the_generated_client_imports_every_module(generated):
    modules = sorted(
        ".".join(path.relative_to(generated).with_suffix("").parts)
        for path in (generated / "koploper_client").rglob("*.py")
        if path.name != "__init__.py"
    )
    script = "import importlib, sys\nfor name in sys.argv[1:]: importlib.import_module(name)\n"

    result = _run(sys.executable, "-c", script, *modules, cwd=generated)

    assert len(modules) > 100
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db(transaction=True)
def test_the_generated_client_runs_against_the_live_server(generated, live_server):
    user = supplier_user()
    InnovationFactory(title="Zonnedakscan")
    InnovationFactory(status=Status.DRAFT, published_at=None)

    result = _run(
        sys.executable,
        str(SMOKE),
        f"{live_server.url}/api/v1",
        user.username,
        PASSWORD,
        cwd=generated,
        env={**os.environ, "PYTHONPATH": str(generated)},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke ok" in result.stdout
