"""The API of saved searches, follows, notifications and their settings (the web pages' twins).

Serializers only validate; the services write (searches.py, follows.py, notifications.py)
and access.py decides who. Anonymous callers get 401, signed-in users without the role
403, another user's saved search, follow or notification 404, and so does following
something the caller cannot see."""
