"""Navigation entries this app offers; portal assembles them (portal.navigation)."""


def public_items() -> list[tuple[str, str]]:
    return []


def user_items(user) -> list[tuple[str, str]]:
    return []
