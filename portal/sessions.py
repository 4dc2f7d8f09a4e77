"""The session engine (settings.SESSION_ENGINE): Django's database sessions, but a session
key from the cookie must consist of the characters Django generates keys from. Django's
cookie parser turns an escaped `\\000` into a NUL character, which PostgreSQL refuses in a
query (a server error on any page or API call); such a key is now no session at all."""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key):
        return super()._validate_session_key(key) and all(char in VALID_KEY_CHARS for char in key)
