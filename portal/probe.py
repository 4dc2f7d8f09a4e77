"""`python -m portal.probe PATH …`: the container's health check (docker-compose.yml).

GETs each path from the web server in this container (PROBE_URL, default
http://127.0.0.1:8000) and exits 1 naming the first one that does not answer 200 within
five seconds: /healthz failing means the process is stuck, /readyz failing that a service
it needs (database, cache, broker) is not there. It sets up no Django, so it starts fast."""

import os
import sys
import urllib.error
import urllib.request

TIMEOUT = 5


def probe(base: str, paths: list[str]) -> str:
    """ "" when every path answers 200, else what went wrong."""
    for path in paths:
        try:
            with urllib.request.urlopen(base.rstrip("/") + path, timeout=TIMEOUT) as response:  # noqa: S310  # nosec B310 - our own http address
                if response.status != 200:
                    return f"{path}: {response.status}"
        except urllib.error.HTTPError as error:
            return f"{path}: {error.code}"
        except OSError as error:
            return f"{path}: {error}"
    return ""


def main(argv: list[str]) -> int:
    problem = probe(os.environ.get("PROBE_URL", "http://127.0.0.1:8000"), argv or ["/readyz"])
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
