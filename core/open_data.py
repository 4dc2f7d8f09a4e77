"""Open data downloads (CC0): CSV and JSON, streamed row by row, so that a national-scale
file is never built in memory (a queryset's iterator() feeds them in chunks).

CSV cells that a spreadsheet would take as a formula (starting with `=`, `+`, `-` or `@`,
or a tab or carriage return before one) are neutralised with a leading apostrophe (OWASP,
CSV injection); numbers are written as numbers. JSON needs no such care."""

import csv
import datetime
import json
from collections.abc import Iterable, Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse

CC0_URL = "https://creativecommons.org/publicdomain/zero/1.0/"
LICENSE = "CC0-1.0"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A CSV cell that no spreadsheet runs as a formula: text starting with = + - @ (or a
    tab or carriage return) gets a leading apostrophe. Booleans as true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _Line:
    """csv.writer's file: hands back what it writes."""

    def write(self, value: str) -> str:
        return value


def csv_lines(columns: list[str], rows: Iterable[dict]) -> Iterator[str]:
    writer = csv.writer(_Line(), lineterminator="\n")
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([neutralise(row[column]) for column in columns])


def json_chunks(head: dict, rows: Iterable[dict], key: str = "results") -> Iterator[str]:
    """`{…head, "results": [row, row, …]}`, a row at a time."""
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    opening = encoder.encode(head)[:-1]
    yield opening + ("," if head else "") + json.dumps(key) + ":["
    first = True
    for row in rows:
        yield ("" if first else ",") + encoder.encode(row)
        first = False
    yield "]}"


def download(
    name: str, kind: str, columns: dict[str, str], rows: Iterable[dict], **head
) -> StreamingHttpResponse:
    """A streamed CSV or JSON download named `name-YYYY-MM-DD.kind`, CC0. The JSON starts
    with the licence, the publisher and what each column means."""
    stamp = datetime.date.today().isoformat()
    if kind == "csv":
        response = StreamingHttpResponse(
            csv_lines(list(columns), rows), content_type="text/csv; charset=utf-8"
        )
    else:
        meta = {
            "license": LICENSE,
            "license_url": CC0_URL,
            "publisher": "Koploper",
            **head,
            "columns": columns,
        }
        response = StreamingHttpResponse(
            json_chunks(meta, rows), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="koploper-{name}-{stamp}.{kind}"'
    response["Link"] = f'<{CC0_URL}>; rel="license"'
    response["Cache-Control"] = "public, max-age=300"
    return response
