"""Settings of the benchmark's gunicorn: the production settings (portal.settings, read
from the environment the benchmark sets: DEBUG off, a secret key …) plus only what the
benchmark needs: its URLconf with the minimal view, a private STATIC_ROOT, and no
throttling of the anonymous API client that sends thousands of requests."""

import os

from portal.settings import *  # noqa: F403
from portal.settings import REST_FRAMEWORK, STATIC_ROOT

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT") or STATIC_ROOT
# The throttles still run (their cache reads and writes are part of every API request);
# only their limits are out of the benchmark client's reach.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        scope: "1000000/hour" for scope in REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
    },
}

# The same manifest (hashed names) as production's CompressedManifestStaticFilesStorage,
# so pages render the same; without compressing the files, which no request here fetches
# and which would only make every benchmark start slower.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
