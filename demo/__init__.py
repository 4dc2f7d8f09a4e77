"""The demo: a year and more of Koploper's use, replayed through the services.

`manage.py seed_demo` (and `make run`) calls demo.runner.seed(). Each step below is a
module with `plan(demo)`: it reads its data files (demo/data/, JSON) and adds timed
events to the `Demo` with `demo.add(moment, label, action)`. The runner then replays all
events oldest first, each with the simulated clock (demo/clock.py) set to its moment, so
the audit log, histories, outbox and ranking runs are dated as real use would date them.

Rules for a step (demo/runner.py STEPS lists them in planning order):
- write only through the apps' service functions, as the user who would do it;
- be deterministic: draw only from `demo.rng(...)` (seeded by a key of your own);
- be idempotent per event: look the object up by a natural key and do nothing when the
  event's work is done, so a second seed_demo writes nothing;
- take `demo.small` into account (the tests' smaller demo);
- run a periodic job (a beat task) with `demo.periodic(moment, label, action)`: in a
  transaction of its own, and not again when a later seed_demo replays that moment;
- read what earlier steps planned: `demo.suppliers`, `demo.innovations`,
  `demo.adoptions`, `demo.municipalities`; ask `demo.buyer(code, when)` for the username
  of a municipality's buyer who exists by `when`.

To add a step for a new feature: write `demo/<feature>.py` with `plan(demo)`, add it to
STEPS before "demo.buyers", give it a data file if it has texts, and extend
tests/demo/test_demo.py with what it must leave behind."""
