"""The bad-input corpus: values that no form or API write may take, and a few (markup, SQL,
numbers) that a free-text field may take as text, stored as sent and shown escaped.

Each entry knows how it is sent to a form (a str, or raw bytes for what a str cannot
carry) and to the API (a JSON value)."""

from dataclasses import dataclass

SCRIPT = "<script>alert(1)</script>"


@dataclass(frozen=True)
class Entry:
    name: str
    # None: not sent to forms (the same check as another entry; keeps the run short)
    form: str | bytes | None
    api: object = None
    in_api: bool = True
    # Valid as free text (a title, a note): refused with a 4xx, or stored as sent.
    text_ok: bool = False
    # Refused before any field sees it (the middleware or the JSON parser).
    at_the_door: bool = False
    # Valid for a boolean API field.
    bool_ok: bool = False


CORPUS = [
    Entry("over-long", "x" * 20_001, "x" * 20_001),
    Entry("control character", "a\x01b", "a\x01b"),
    Entry("escape sequence", None, "\x1b[31mred"),
    Entry("C1 control", "a\x85b", "a\x85b"),
    Entry("NUL", "a\x00b", "a\x00b", at_the_door=True),
    Entry("bidi override", "evil\u202eexe.txt", "evil\u202eexe.txt"),
    Entry("bidi isolate", None, "a\u2066b\u2069"),
    # UTF-8 of U+D800: a lone surrogate, which is invalid UTF-8; in JSON a valid escape.
    Entry("lone surrogate", b"a\xed\xa0\x80b", "a\ud800b", at_the_door=True),
    Entry("invalid UTF-8", b"a\xff\xfeb", in_api=False, at_the_door=True),
    Entry("HTML and script", SCRIPT, SCRIPT, text_ok=True),
    Entry("SQL fragment", "'; DROP TABLE innovations_innovation; --", "' OR 1=1 --", text_ok=True),
    Entry("huge number", "9" * 40, 10**40, text_ok=True),
    Entry("huge float", None, 1e308, text_ok=True),
    Entry("negative number", "-1", -1, text_ok=True),
    Entry("fraction", None, 1.5, text_ok=True),
    Entry("wrong type: boolean", None, True, bool_ok=True),
    Entry("wrong type: list", None, ["a", "b"]),
    Entry("wrong type: object", None, {"a": "b"}),
    Entry("wrong type: null", None, None),
]

# Kinds of field: free text takes the text_ok entries; every other kind refuses the whole
# corpus (a boolean API field takes `true`).
TEXT, CHOICE, DATE, EMAIL, URL, NUMBER, BOOL, LIST = (
    "text",
    "choice",
    "date",
    "email",
    "url",
    "number",
    "bool",
    "list",
)


def expected_valid(entry: Entry, kind: str) -> bool:
    """May the entry be accepted in a field of this kind? (It may still be refused.)"""
    if entry.at_the_door:
        return False
    if kind == TEXT:
        return entry.text_ok
    if kind == BOOL:
        return entry.bool_ok
    return False
