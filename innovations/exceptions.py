"""The domain's one state-conflict error, shared by every app's services (innovations is
the lowest app, so municipalities and ranking may import it)."""


class TransitionNotAllowed(Exception):
    """The current state does not allow the action: a clear message in the web UI, 409
    Conflict in the API (portal.api.exception_handler)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
