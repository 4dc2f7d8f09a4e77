"""Step: municipalities post challenges; suppliers answer with approved innovations of
the challenge's domain; buyers mark answers and close challenges (data/challenges.json).

Recent challenges are open (their deadline is ahead), older ones were closed after their
deadline. The suggestions on a challenge page are computed from the catalogue."""

import datetime

from django.contrib.auth import get_user_model

from innovations.models import Innovation
from innovations.vetting import valid_until
from municipalities.access import challenge_is_open
from municipalities.challenges import (
    challenge_close,
    challenge_post,
    challenge_respond,
    challenge_response_mark,
)
from municipalities.enums import ChallengeStatus, ResponseStatus
from municipalities.models import Challenge, ChallengeResponse, Municipality

MAX_RESPONSES = 4


def _user(username):
    return get_user_model().objects.get(username=username)


def _challenge(spec) -> Challenge | None:
    return Challenge.objects.filter(
        municipality__code=spec["municipality"], title=spec["title"]
    ).first()


def _post(spec, buyer, deadline) -> None:
    if _challenge(spec) is not None:
        return
    challenge_post(
        user=_user(buyer),
        municipality=Municipality.objects.get(code=spec["municipality"]),
        title=spec["title"],
        problem_statement=spec["problem_statement"],
        domain=spec["domain"],
        deadline=deadline,
    )


def _innovation(answer) -> Innovation:
    return Innovation.objects.get(
        title=answer["title"], supplier__name=answer["supplier"], revision_of__isnull=True
    )


def _respond(spec, answer) -> None:
    challenge = _challenge(spec)
    innovation = _innovation(answer)
    if challenge is None or not challenge_is_open(challenge):
        return  # one of an earlier run that was closed meanwhile
    if ChallengeResponse.objects.filter(challenge=challenge, innovation=innovation).exists():
        return
    challenge_respond(
        user=_user(answer["member"]),
        challenge=challenge,
        innovation=innovation,
        pitch=answer["pitch"],
    )


def _mark(spec, answer, buyer, status) -> None:
    response = ChallengeResponse.objects.filter(
        challenge=_challenge(spec), innovation=_innovation(answer), status=ResponseStatus.NEW
    ).first()
    if response is not None:
        challenge_response_mark(user=_user(buyer), response=response, status=status)


def _close(spec, buyer) -> None:
    challenge = _challenge(spec)
    if challenge is not None and challenge.status == ChallengeStatus.OPEN:
        challenge_close(user=_user(buyer), challenge=challenge)


def _answers(demo, rng, spec, posted_at, deadline, pitches) -> list[dict]:
    """Up to MAX_RESPONSES innovations of the challenge's domain, one per supplier, each
    in the catalogue before it answers."""
    last = min(
        demo.now - datetime.timedelta(hours=2),
        datetime.datetime.combine(deadline, datetime.time(12), tzinfo=datetime.UTC),
    )
    # Only an innovation in the catalogue answers: approved, and its approval not ended
    # (an approval that ended leaves the catalogue until it is reconfirmed).
    candidates = [
        i
        for i in demo.innovations
        if spec["domain"] in i["domains"]
        and i["approved_at"] is not None
        and i["approved_at"] < last - datetime.timedelta(days=1)
        and valid_until(i["approved_at"].date()) > last.date()
    ]
    rng.shuffle(candidates)
    answers, suppliers = [], set()
    for innovation in candidates:
        if innovation["supplier"] in suppliers:
            continue
        suppliers.add(innovation["supplier"])
        earliest = max(posted_at, innovation["approved_at"]) + datetime.timedelta(hours=1)
        span = max(
            3600.0, (min(last, earliest + datetime.timedelta(days=25)) - earliest).total_seconds()
        )
        at = earliest + datetime.timedelta(seconds=rng.uniform(0, span))
        answers.append(
            {
                "title": innovation["title"],
                "supplier": innovation["supplier"],
                "member": innovation["member"],
                "at": min(at, last),
                "pitch": rng.choice(pitches).format(innovatie=innovation["title"]),
            }
        )
        if len(answers) >= rng.randint(2, MAX_RESPONSES):
            break
    return answers


def plan(demo) -> None:
    data = demo.data("challenges.json")
    specs = [s for s in data["challenges"] if s["municipality"] in demo.municipalities]
    if demo.small:
        specs = specs[:6]
    for spec in specs:
        rng = demo.rng("challenge", spec["title"])
        posted_at = demo.days_ago(spec["posted_days_ago"], rng=rng)
        deadline = posted_at.date() + datetime.timedelta(weeks=spec["weeks_open"])
        buyer = demo.buyer(spec["municipality"], posted_at)
        label = f"challenge {spec['title']}"
        demo.add(posted_at, label, lambda s=spec, b=buyer, d=deadline: _post(s, b, d))
        for answer in _answers(demo, rng, spec, posted_at, deadline, data["pitches"]):
            demo.add(answer["at"], label, lambda s=spec, a=answer: _respond(s, a))
            status = rng.choice([ResponseStatus.INTERESTED, ResponseStatus.DECLINED, None])
            marked_at = answer["at"] + datetime.timedelta(days=rng.uniform(1, 10))
            if status is not None and marked_at < demo.now:
                demo.add(
                    marked_at,
                    label,
                    lambda s=spec, a=answer, b=buyer, st=status: _mark(s, a, b, st),
                )
        if spec.get("closed"):
            closed_at = datetime.datetime.combine(
                deadline, datetime.time(10), tzinfo=datetime.UTC
            ) + datetime.timedelta(days=rng.uniform(1, 14))
            if closed_at < demo.now:
                demo.add(closed_at, label, lambda s=spec, b=buyer: _close(s, b))
