"""Finding untranslated text in rendered Dutch pages (HTML and SVG), cheaply enough to run
over every page the tests render.

Two checks, each blind where the other sees:
- `GettextMisses`: while active, records every string the portal asks Django to translate
  into Dutch that the catalogues do not translate (a `{% translate %}`, `gettext()` or
  `{% blocktranslate %}` without a Dutch entry, e.g. from a template makemessages did not
  read). Costs one dictionary lookup per translated string.
- `untranslated_text(markup)`: reads the text a visitor gets (text nodes, and the
  attributes that are read out: alt, title, aria-label, placeholder, the meta
  description) and reports what is plainly not Dutch: a string that is an English msgid
  of the project's catalogue with a different Dutch translation (text that never went
  through gettext, or went through it elsewhere), a raw enum value such as `implemented`
  or `changes_requested` where its label belongs, and English sentences (two or more
  English function words). Parts marked with another `lang` (the language switch) are
  skipped, as are scripts, styles and code.
"""

import re
import threading
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import polib
from django.db import models
from django.utils.translation import trans_real

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"
READ_ATTRIBUTES = {"alt", "title", "aria-label", "aria-description", "placeholder"}
SKIPPED_ELEMENTS = {"script", "style", "code", "pre", "template"}
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
# Words that do not occur in Dutch sentences; two of them in one text make it English.
ENGLISH_WORDS = {
    "the", "and", "with", "for", "your", "this", "that", "from", "has", "been", "will",
    "are", "not", "you", "which", "there", "their", "have", "into", "than",
}  # fmt: skip


# --- What the catalogue says ----------------------------------------------------------------


def _normal(text: str) -> str:
    return " ".join(text.split())


@cache
def english_msgids() -> frozenset[str]:
    """The project's English source strings whose Dutch differs, without placeholders."""
    found = set()
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete or "%(" in entry.msgid or "{" in entry.msgid:
            continue
        english, dutch = _normal(entry.msgid), _normal(entry.msgstr)
        if dutch and english.lower() != dutch.lower() and len(english) > 3:
            found.add(english)
    return frozenset(found)


@cache
def english_patterns() -> re.Pattern:
    """The project's English source strings with placeholders (`Rank of %(name)s over
    time`) whose Dutch differs, as one pattern matching a whole text."""
    patterns = []
    for entry in polib.pofile(str(CATALOGUE)):
        english, dutch = _normal(entry.msgid), _normal(entry.msgstr or "")
        if entry.obsolete or "%(" not in english or not dutch or english == dutch:
            continue
        parts = re.split(r"%\([a-z_]+\)[sd]", english)
        if sum(len(part.strip()) for part in parts) < 6:
            continue  # too little fixed text to tell anything
        patterns.append(".+?".join(re.escape(part) for part in parts))
    return re.compile("(?:" + "|".join(patterns) + ")")


@cache
def raw_enum_values() -> frozenset[str]:
    """Values of the project's choices (`implemented`, `changes_requested`) that are not
    words of their own Dutch label: shown as such, a label is missing."""
    from django.utils import translation

    values = set()
    for module in ("innovations.enums", "municipalities.enums", "ranking.models"):
        namespace = __import__(module, fromlist=["*"])
        for item in vars(namespace).values():
            if isinstance(item, type) and issubclass(item, models.TextChoices):
                with translation.override("nl"):
                    for value, label in item.choices:
                        if (
                            re.fullmatch(r"[a-z][a-z_-]{4,}", value)
                            and value not in str(label).lower()
                        ):
                            values.add(value)
    return frozenset(values)


# --- The rendered text ------------------------------------------------------------------------


class _Text(HTMLParser):
    """Collects the visitor-facing text of HTML or inline SVG, outside other languages."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped) of the open elements

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        lang = attributes.get("lang") or attributes.get("xml:lang")
        skipped = (
            self.skipping
            or tag in SKIPPED_ELEMENTS
            or (lang is not None and not lang.lower().startswith("nl"))
        )
        if not skipped:
            for name in READ_ATTRIBUTES & attributes.keys():
                self.texts.append(attributes[name] or "")
            if tag == "meta" and attributes.get("name") == "description":
                self.texts.append(attributes.get("content") or "")
            if tag == "input" and attributes.get("type") in {"submit", "button"}:
                self.texts.append(attributes.get("value") or "")
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(data)


def visible_texts(markup: str) -> list[str]:
    parser = _Text()
    parser.feed(markup)
    parser.close()
    return [_normal(text) for text in parser.texts if text.strip()]


def untranslated_text(markup: str) -> list[str]:
    """What in `markup` (a Dutch page or SVG) reads as untranslated, as `kind: text`."""
    msgids, raw = english_msgids(), raw_enum_values()
    problems = []
    for text in visible_texts(markup):
        words = re.findall(r"[a-z_-]+", text.lower())
        if text in msgids or english_patterns().fullmatch(text):
            problems.append(f"English: {text}")
        elif found := sorted(raw & set(re.findall(r"[a-z][a-z_-]+", text))):
            problems.append(f"raw value {', '.join(found)}: {text}")
        elif len(ENGLISH_WORDS & set(words)) >= 2:
            problems.append(f"English sentence: {text}")
    return problems


# --- Strings asked for in Dutch that the catalogues lack ---------------------------------------


class GettextMisses:
    """While active (a context manager), records each msgid that is translated into Dutch
    without a Dutch entry, in any thread (the live server's too)."""

    _lock = threading.Lock()

    def __init__(self):
        self.missed: set[str] = set()

    def _check(self, translation, msgid) -> None:
        if translation.to_language() != "nl" or not msgid.strip():
            return
        catalog = translation._catalog
        if catalog is None or catalog.get(msgid) is not None:
            return
        if isinstance(msgid, tuple):
            return
        with self._lock:
            self.missed.add(msgid.split(trans_real.CONTEXT_SEPARATOR)[-1])

    def __enter__(self):
        self._gettext = trans_real.DjangoTranslation.gettext
        self._ngettext = trans_real.DjangoTranslation.ngettext
        misses, gettext, ngettext = self, self._gettext, self._ngettext

        def checked_gettext(translation, message):
            misses._check(translation, message)
            return gettext(translation, message)

        def checked_ngettext(translation, singular, plural, number):
            catalog = translation._catalog
            if (
                translation.to_language() == "nl"
                and catalog is not None
                and catalog.get((singular, 0)) is None
            ):
                with misses._lock:
                    misses.missed.add(singular.split(trans_real.CONTEXT_SEPARATOR)[-1])
            return ngettext(translation, singular, plural, number)

        trans_real.DjangoTranslation.gettext = checked_gettext
        trans_real.DjangoTranslation.ngettext = checked_ngettext
        return self

    def __exit__(self, *exc):
        trans_real.DjangoTranslation.gettext = self._gettext
        trans_real.DjangoTranslation.ngettext = self._ngettext
        return False
