"""Demo data of this app, called by `manage.py seed_demo` (idempotent, realistic Dutch content)."""


def seed(stdout=None) -> None:
    return None
