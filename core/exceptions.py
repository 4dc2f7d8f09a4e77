"""The error types the services of every app raise."""


class TransitionNotAllowed(Exception):
    """The current state does not allow the action: a clear message in the web UI, 409
    Conflict in the API (portal.api.exception_handler)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
