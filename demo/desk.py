"""Step: the procurement routes and the support desk (data/desk.json).

When the portal opened, the shipped procurement routes and thresholds were loaded and
the demo adviser `adviseur` started. Over the last months buyers of several
municipalities asked questions about routes and innovations; the adviser answered most
of them within days and published the useful ones (with the askers' consent) in the
public questions and answers; a few are closed, the newest ones still wait."""

import datetime

from innovations.models import Innovation
from procurement.desk import question_answer, question_ask, question_close
from procurement.enums import QuestionStatus
from procurement.models import ProcurementRoute, Question
from procurement.services import routes_load_reference

ADVISER = "adviseur"


def _question(asker: str, title: str) -> Question | None:
    return Question.objects.filter(asker__username=asker, title=title).first()


def _ask(demo, asker, spec, innovation_title) -> None:
    if _question(asker, spec["title"]) is not None:
        return
    if innovation_title:
        subject = Innovation.objects.get(title=innovation_title, revision_of__isnull=True)
    else:
        subject = ProcurementRoute.objects.get(code=spec["route"])
    question_ask(
        user=demo.user(asker),
        subject=subject,
        title=spec["title"],
        body=spec["body"],
        publish_consent=spec["consent"],
    )


def _answer(demo, asker, spec) -> None:
    question = _question(asker, spec["title"])
    if question is None or question.status != QuestionStatus.OPEN:
        return
    publish = spec["consent"] and bool(spec.get("public_title"))
    question_answer(
        question=question,
        user=demo.user(ADVISER),
        answer=spec["answer"],
        publish=publish,
        public_title=spec.get("public_title", "") if publish else "",
        public_body=spec.get("public_body", "") if publish else "",
    )


def _close(demo, asker, spec) -> None:
    question = _question(asker, spec["title"])
    if question is not None and question.status == QuestionStatus.ANSWERED:
        question_close(question=question, user=demo.user(asker))


def plan(demo) -> None:
    demo.add(demo.opened + datetime.timedelta(hours=1), "procurement routes", routes_load_reference)
    rng = demo.rng("desk")
    specs = demo.data("desk.json")["questions"]
    if demo.small:
        specs = [spec for spec in specs if spec["municipality"] == "GM0344"]
    for spec in specs:
        asked = demo.days_ago(spec["days_ago"], rng=rng)
        asker = demo.buyer(spec["municipality"], asked)
        innovation_title = ""
        if spec.get("innovation"):
            known = [
                i["title"]
                for i in demo.innovations
                if i["approved_at"] is not None and i["approved_at"] < asked
            ]
            innovation_title = rng.choice(sorted(known))
        demo.add(
            asked,
            f"question {spec['key']}",
            lambda s=spec, a=asker, t=innovation_title: _ask(demo, a, s, t),
        )
        if spec.get("answer_after_days") is None:
            continue
        answered = demo.office_hours(
            asked + datetime.timedelta(days=spec["answer_after_days"]), rng
        )
        demo.add(answered, f"answer {spec['key']}", lambda s=spec, a=asker: _answer(demo, a, s))
        if spec.get("close_after_days") is not None:
            closed = demo.office_hours(
                answered + datetime.timedelta(days=spec["close_after_days"]), rng
            )
            demo.add(closed, f"close {spec['key']}", lambda s=spec, a=asker: _close(demo, a, s))
