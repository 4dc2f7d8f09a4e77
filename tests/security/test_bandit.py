"""bandit (ASVS V14.2, V5.3) over the project's code with its pyproject configuration: no
finding that is not fixed or justified with `# nosec BXXX`, so a new one fails CI."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BANDIT = Path(sys.executable).parent / "bandit"


def bandit(*targets: str) -> list[dict]:
    result = subprocess.run(  # noqa: S603 - the venv's bandit with fixed arguments
        [str(BANDIT), "-c", "pyproject.toml", "-f", "json", "-q", "-r", *targets],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(result.stdout)
    assert report["errors"] == []
    return [
        f"{Path(r['filename']).name}:{r['line_number']} {r['test_id']}" for r in report["results"]
    ]


def test_bandit_finds_nothing_in_the_project():
    assert bandit(".") == []


def test_bandit_configuration_still_reports_a_finding(tmp_path):
    unsafe = tmp_path / "unsafe.py"
    unsafe.write_text(
        "import subprocess\n\n\ndef run(command):\n    subprocess.run(command, shell=True)\n"
    )

    assert bandit(str(unsafe)) == ["unsafe.py:5 B602"]
