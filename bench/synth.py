"""The building blocks of the benchmark data set (bench/generate.py): COPY-loaded tables
with a progress line, Dutch texts, the seeded distributions of shares and adopters, and
emptying the tables before a run and resetting their sequences after it."""

import datetime
import enum
import json
import random
import sys
import time

from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from . import words


class Progress:
    """One status line per table on stderr: rewritten in place on a terminal, a line per
    quarter otherwise (CI logs)."""

    def __init__(self, label: str, total: int, stream=sys.stderr):
        self.label, self.total, self.stream = label, max(total, 1), stream
        self.tty = stream.isatty()
        self.started = time.perf_counter()
        self.done = 0
        self.shown_quarter = -1
        self.last_draw = 0.0

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.perf_counter()
        if self.tty:
            if now - self.last_draw > 0.2 or self.done >= self.total:
                self.last_draw = now
                self._write("\r" + self._line())
        else:
            quarter = 4 * self.done // self.total
            if quarter > self.shown_quarter and quarter < 4:
                self.shown_quarter = quarter
                self._write(self._line() + "\n")

    def finish(self) -> None:
        self.done = self.total
        self._write(("\r" if self.tty else "") + self._line() + "\n")

    def _line(self) -> str:
        elapsed = time.perf_counter() - self.started
        pct = 100 * self.done // self.total
        return (
            f"  {self.label:<22} {self.done:>10,} / {self.total:<10,} {pct:>3}%  {elapsed:6.1f} s"
        )

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


def _plain(value):
    # TextChoices members are enums; COPY must get their value, not their name.
    return value.value if isinstance(value, enum.Enum) else value


class Table:
    """COPY rows of one model: the caller gives some fields, the model fills the rest."""

    def __init__(self, model, given: list[str]):
        self.model = model
        now = timezone.now()
        self.columns = []
        self.given_index = []
        self.fixed = []
        fields = {f.attname: f for f in model._meta.concrete_fields}
        for name in given:
            if name not in fields:
                raise ValueError(f"{model.__name__} has no field {name}")
        for attname, field in fields.items():
            self.columns.append(field.column)
            if attname in given:
                self.given_index.append(given.index(attname))
                self.fixed.append(None)
                continue
            self.given_index.append(None)
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                default = now
            elif field.get_internal_type() == "JSONField":
                # As JSON text: COPY would write a Python list as an array literal ('{}').
                default = json.dumps(field.get_default())
            elif field.has_default() or (field.empty_strings_allowed and not field.null):
                default = field.get_default()  # "" for a blank text field
            elif field.null:
                default = None
            else:
                raise ValueError(f"{model.__name__}.{attname} needs a value")
            self.fixed.append(_plain(default))

    def copy_sql(self) -> str:
        q = connection.ops.quote_name
        cols = ", ".join(q(c) for c in self.columns)
        return f"COPY {q(self.model._meta.db_table)} ({cols}) FROM STDIN"

    def load(self, rows, total: int, label: str) -> int:
        progress = Progress(label, total)
        count = 0
        with connection.cursor() as cursor, cursor.copy(self.copy_sql()) as copy:
            for row in rows:
                copy.write_row(
                    [
                        _plain(row[i]) if i is not None else fixed
                        for i, fixed in zip(self.given_index, self.fixed, strict=True)
                    ]
                )
                count += 1
                if count % 1000 == 0:
                    progress.advance(1000)
        progress.finish()
        return count


def _zipf_weights(n: int) -> list[float]:
    return [1.0 / (i + 1) for i in range(n)]


def _apportion(rng: random.Random, total: int, shares: dict[str, float]) -> list[str]:
    """`total` labels in the given shares (exact counts, shuffled; the first label takes
    what rounding leaves)."""
    labels = []
    keys = list(shares)
    whole = sum(shares.values())
    for key in keys[1:]:
        labels += [key] * round(total * shares[key] / whole)
    labels = labels[:total]
    labels += [keys[0]] * (total - len(labels))
    rng.shuffle(labels)
    return labels


class Text:
    """Dutch titles, summaries and descriptions from the word lists."""

    def __init__(self, rng: random.Random, places: list[str]):
        self.rng = rng
        self.places = places or ["Utrecht"]
        self.topic_weights = {d: _zipf_weights(len(t)) for d, t in words.TOPICS.items()}
        self.all_topics = [t for topics in words.TOPICS.values() for t in topics]

    def topic(self, domain: str) -> str:
        return self.rng.choices(words.TOPICS[domain], self.topic_weights[domain])[0]

    def innovation(self, domain: str) -> tuple[str, str, str]:
        rng = self.rng
        topic = self.topic(domain)
        adjective = rng.choice(words.ADJECTIVES)
        target = rng.choice(words.TARGETS)
        title = f"{adjective.capitalize()} {topic} voor {target}"[:120]
        summary = f"Een {adjective} aanpak voor {topic} in {target}, {rng.choice(words.BENEFITS)}."
        slots = {
            "topic": topic,
            "adjective": adjective,
            "target": target,
            "benefit": rng.choice(words.BENEFITS),
            "place": rng.choice(self.places),
            "partner": rng.choice(words.PARTNERS),
            "institution": rng.choice(words.INSTITUTIONS),
            "material": rng.choice(words.MATERIALS),
            "n": rng.randint(2, 40),
            "pct": rng.randint(5, 45),
            "months": rng.choice([3, 6, 9, 12, 18]),
        }
        sentences = []
        for template in rng.sample(words.SENTENCES, rng.randint(6, 12)):
            # A second topic, most often from the same domain, sometimes from any.
            if rng.random() < 0.7:
                slots["topic2"] = self.topic(domain)
            else:
                slots["topic2"] = rng.choice(self.all_topics)
            sentences.append(template.format(**slots))
        return title, summary[:300], " ".join(sentences)

    def supplier_name(self, country: str) -> str:
        rng = self.rng
        forms = words.SUPPLIER_FORMS_BE if country == "BE" else words.SUPPLIER_FORMS_NL
        base = rng.choice(words.SUPPLIER_STEMS) + rng.choice(words.SUPPLIER_SUFFIXES)
        if rng.random() < 0.5:
            base += " " + rng.choice(self.places)
        return f"{base} {rng.choice(forms)}"

    def person(self) -> str:
        return f"{self.rng.choice(words.FIRST_NAMES)} {self.rng.choice(words.LAST_NAMES)}"


def _adopters_per_innovation(rng: random.Random, innovations: int, cap: int) -> list[int]:
    # A long tail: most innovations have a few adopters, a few are adopted nearly everywhere.
    return [min(cap, int(rng.paretovariate(1.1))) for _ in range(innovations)]


def _fit_total(rng: random.Random, counts: list[int], total: int, cap: int) -> list[int]:
    """Scale `counts` so that they add up to exactly `total`, none above `cap`."""
    total = min(total, cap * len(counts))
    current = sum(counts) or 1
    counts = [min(cap, int(c * total / current)) for c in counts]
    missing = total - sum(counts)
    open_slots = [i for i, c in enumerate(counts) if c < cap]
    while missing > 0 and open_slots:
        i = rng.choice(open_slots)
        counts[i] += 1
        missing -= 1
        if counts[i] >= cap:
            open_slots.remove(i)
    return counts


def _pick_distinct(rng: random.Random, ids: list[int], cum_weights: list[float], k: int):
    """`k` distinct ids, drawn with the weights (uniformly once k is large)."""
    if k * 3 > len(ids):
        return rng.sample(ids, k)
    chosen: dict[int, None] = {}
    while len(chosen) < k:
        for value in rng.choices(ids, cum_weights=cum_weights, k=2 * (k - len(chosen))):
            chosen[value] = None
            if len(chosen) == k:
                break
    return list(chosen)


def reset() -> None:
    """Empty every table the generator fills, and everything that refers to them."""
    from innovations.models import Innovation, Supplier
    from municipalities.models import Adoption, Challenge

    tables = [Supplier, Innovation, Innovation.domains.through, Adoption, Challenge]
    tables += _ranking_models()
    q = connection.ops.quote_name
    names = ", ".join(q(m._meta.db_table) for m in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        # The search vocabulary (innovations migration 0008) is derived from the innovations.
        cursor.execute("TRUNCATE innovations_searchterm")
        cursor.execute("COMMENT ON TABLE innovations_innovation IS NULL")  # generate.mark


def _ranking_models() -> list:
    from django.apps import apps

    # Whatever the ranking app stores (runs, entries, contributions …) is derived data.
    return [m for m in apps.get_app_config("ranking").get_models() if not m._meta.proxy]


def _ensure_domains() -> None:
    """The domain rows come from a data migration; a flushed test database lacks them."""
    from innovations.enums import Domain
    from innovations.models import DomainTag

    DomainTag.objects.bulk_create(
        [DomainTag(code=code) for code in Domain.values], ignore_conflicts=True
    )


def _reset_sequences(models) -> None:
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _challenges(
    rng: random.Random, text: "Text", municipality_ids: list[int], n: int, domain_codes
) -> int:
    """Open challenges with Dutch problem statements, for the suggestions figure."""
    from municipalities.models import Challenge

    today = datetime.date.today()
    domain_codes = list(domain_codes)

    def rows():
        for i in range(1, n + 1):
            domain = rng.choice(domain_codes)
            title, summary, description = text.innovation(domain)
            yield (
                i,
                rng.choice(municipality_ids),
                f"Gezocht: {text.topic(domain)} voor {rng.choice(words.TARGETS)}"[:160],
                f"{summary} {description}"[:5000],
                domain,
                "open",
                today + datetime.timedelta(days=rng.randint(30, 180)),
            )

    table = Table(
        Challenge,
        ["id", "municipality_id", "title", "problem_statement", "domain", "status", "deadline"],
    )
    return table.load(rows(), n, "challenges")
