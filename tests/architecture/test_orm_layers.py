"""The layers hold in queries too: no app reads a higher app's models through the ORM.

import-linter (`make lint`) sees imports only. An app can still reach a higher app's rows
without importing it, through a reverse relation: `Innovation.objects.filter(
adoptions__verification=…)`, `innovation.adoptions.count()`, `.related_model`. This test
finds, for every app, the names under which its own models (and the user model, which
every app may use) lead to a model of a higher app, and refuses each use of such a name in
the app's code: in a lookup (keyword or string, any segment of `a__b__c`), as an attribute,
and (below the top layer) the `related_model` / `get_model` ways round the imports."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model

ROOT = Path(settings.BASE_DIR)

# Lowest first, as in pyproject.toml's import-linter contract and docs/architecture.md.
LAYERS = [
    {"core"},
    {"audit"},
    {"innovations"},
    {"municipalities"},
    {"ranking"},
    {"procurement", "alerts"},
    {"portal"},
]
RANK = {app: n for n, layer in enumerate(LAYERS) for app in layer}
ROUND_THE_IMPORTS = {"related_model", "get_model"}


def _rank(model) -> int:
    if model is get_user_model() or model._meta.app_label not in RANK:
        return -1  # the user model, Django's and libraries' models: below every app
    return RANK[model._meta.app_label]


def higher_relations(app: str) -> dict[str, str]:
    """The names by which the models of `app` and below (and the user model) lead to a model
    of a layer above `app`: name → "Model.name → app.Model", for the message."""
    names = {}
    for model in apps.get_models():
        if _rank(model) > RANK[app]:
            continue
        for field in model._meta.get_fields(include_hidden=False):
            target = field.related_model
            if not field.is_relation or target is None or _rank(target) <= RANK[app]:
                continue
            route = f"{model.__name__}.{{}} → {target._meta.label}"
            if field.auto_created and not field.concrete:  # a reverse relation
                for name in (field.get_accessor_name(), field.field.related_query_name()):
                    names[name] = route.format(name)
            else:
                names[field.name] = route.format(field.name)
    return names


def _segments(text: str) -> list[str]:
    return text.lstrip("-").split("__") if "__" in text else [text.lstrip("-")]


def reach_throughs(
    path: Path, names: dict[str, str], root: Path = ROOT, *, top: bool = False
) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        used = []
        if isinstance(node, ast.keyword) and node.arg:
            used = [s for s in _segments(node.arg) if s in names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # Lookups in strings ("adoptions__verification", "-adoptions", "adoptions").
            if node.value.isidentifier() or "__" in node.value.lstrip("-"):
                used = [s for s in _segments(node.value) if s in names]
        elif isinstance(node, ast.Attribute):
            if node.attr in ROUND_THE_IMPORTS and not top:
                found.append(f"{path.relative_to(root)}:{node.lineno} .{node.attr}")
            elif node.attr in names:
                used = [node.attr]
        found += [f"{path.relative_to(root)}:{node.lineno} {s} ({names[s]})" for s in used]
    return found


def test_no_app_reads_a_higher_apps_models_through_the_orm():
    found = []
    for app in RANK:
        names = higher_relations(app)
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                # The top layer (portal: backups, the admin's whole picture) may walk
                # every model: nothing is above it.
                found += reach_throughs(path, names, top=RANK[app] == len(LAYERS) - 1)
    assert found == []


def test_the_check_sees_a_reach_through(tmp_path):
    # The test above would pass on a check that sees nothing: show it sees each form.
    names = higher_relations("innovations")
    assert "adoptions" in names
    code = tmp_path / "reach.py"
    code.write_text(
        "Innovation.objects.filter(adoptions__verification='verified')\n"
        "Innovation.objects.values('supplier__id', 'adoptions__municipality__province')\n"
        "innovation.adoptions.count()\n"
        "Innovation.adoptions.rel.related_model\n"
        "Innovation.objects.filter(title__icontains='x').order_by('-adoptions')\n"
    )
    found = [line.split(" ", 1)[1] for line in reach_throughs(code, names, root=tmp_path)]
    adoptions = "adoptions (Innovation.adoptions → municipalities.Adoption)"
    assert sorted(found) == sorted([adoptions, adoptions, adoptions, ".related_model", adoptions])
