"""Seeds the SQLite database of tests/reliability/test_sqlite_locking.py (run as
`python -m tests.reliability.sqlite_seed N` with SQLITE_PATH set): N of each contested
object, the users who contest them and their API tokens, printed as JSON."""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from rest_framework.authtoken.models import Token  # noqa: E402

from innovations.enums import Status  # noqa: E402
from municipalities.enums import Verification  # noqa: E402
from tests.factories import AdoptionFactory, buyer_user, reviewer_user  # noqa: E402
from tests.innovations.helpers import ensure_domain_tags, innovation_in  # noqa: E402


def main(count: int) -> dict:
    ensure_domain_tags()
    reviewers = [reviewer_user(), reviewer_user()]
    buyer = buyer_user()
    return {
        "reviewer_tokens": [Token.objects.create(user=user).key for user in reviewers],
        "buyer_token": Token.objects.create(user=buyer).key,
        "in_review": [innovation_in(Status.IN_REVIEW).pk for _ in range(count)],
        "submitted": [innovation_in(Status.SUBMITTED).pk for _ in range(count)],
        "claimed_adoptions": [
            AdoptionFactory(verification=Verification.CLAIMED).pk for _ in range(count)
        ],
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
