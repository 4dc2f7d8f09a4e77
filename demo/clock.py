"""The demo's simulated clock: while a replayed event runs, "now" is the event's moment.

The demo replays a year and more of use through the services. Every service, every
`auto_now` field, the audit log and the outbox take the time from Django's
`django.utils.timezone.now()` (`localdate()` calls it too), which reads the class
`datetime` of that module. `at(moment)` swaps that one name for a class whose `now()`
answers `moment`, so each row is dated as real use at that moment would have dated it,
without a service learning about the demo and without writing a single row directly.

Only the seed_demo process uses it, on its one thread, and `at()` always restores the
real clock. Instances stay real `datetime`s (isinstance checks keep working)."""

import contextlib
import datetime
from collections.abc import Iterator

from django.utils import timezone as django_timezone

_REAL = datetime.datetime


class _SimulatedMeta(type):
    # isinstance(real_datetime, <the swapped-in class>) stays true, as Django's
    # template_localtime() expects of the name it checks against.
    def __instancecheck__(cls, instance) -> bool:
        return isinstance(instance, _REAL)

    def __subclasscheck__(cls, subclass) -> bool:
        return issubclass(subclass, _REAL)


class _SimulatedDatetime(_REAL, metaclass=_SimulatedMeta):
    moment: datetime.datetime = _REAL.min.replace(tzinfo=datetime.UTC)

    @classmethod
    def now(cls, tz=None) -> datetime.datetime:
        if tz is None:
            return cls.moment.astimezone().replace(tzinfo=None)
        return cls.moment.astimezone(tz)


@contextlib.contextmanager
def at(moment: datetime.datetime) -> Iterator[None]:
    """Run the block as if it were `moment` (an aware datetime)."""
    if django_timezone.is_naive(moment):
        raise ValueError("the demo clock needs an aware datetime")
    previous_class = django_timezone.datetime
    previous_moment = _SimulatedDatetime.moment
    _SimulatedDatetime.moment = moment
    django_timezone.datetime = _SimulatedDatetime
    try:
        yield
    finally:
        django_timezone.datetime = previous_class
        _SimulatedDatetime.moment = previous_moment
