"""gunicorn's settings, read from the working directory by every gunicorn the project
starts (Dockerfile, docker-compose.yml, the benchmark, the tests).

No limit of its own on the request line: gunicorn would answer an address longer than
4094 characters with an HTML page of its own; the portal answers instead, the API with a
414 problem (portal.api_middleware, API_MAX_URL_LENGTH)."""

limit_request_line = 0
