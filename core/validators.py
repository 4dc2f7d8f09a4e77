import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from core.countries import Country

# A web address as the API takes one (a supplier's `website`; the OpenAPI document states it
# as the body's `pattern`): what Django's URLValidator takes, and no more than RFC 3986 does.
# http(s) or ftp(s); a host name of DNS labels (at most 63 characters each) and a
# letter-only top-level domain, at most 253 characters in all: up to three labels of 63, or
# four to seven of 30 (no pattern can count the characters of the name as a whole); a port;
# a path, query and fragment of RFC 3986's characters. No IP address, `localhost` or user.
_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,%d}[A-Za-z0-9])?"
_PCHAR = "(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})"
WEB_ADDRESS = (
    "^(?:[Hh][Tt][Tt][Pp][Ss]?|[Ff][Tt][Pp][Ss]?)://"
    f"(?:(?:{_LABEL % 61}\\.){{1,2}}|(?:{_LABEL % 28}\\.){{3,6}})[A-Za-z]{{2,63}}"
    f"(?::[0-9]{{1,5}})?(?:/(?:{_PCHAR}|/)*)?(?:\\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?$"
)
_WEB_ADDRESS_RE = re.compile(WEB_ADDRESS.removesuffix("$") + r"\Z")


def validate_web_address(value: str) -> None:
    """An empty value passes (no website); Django's message for the rest."""
    if value and not _WEB_ADDRESS_RE.match(value):
        raise ValidationError(URLValidator.message, code="invalid")


KVK_RE = re.compile(r"^\d{8}$")
ENTERPRISE_RE = re.compile(r"^[01]\d{9}$")


def normalise_registration_number(value: str, country: str) -> str:
    """Validate a Dutch chamber-of-commerce (KvK, 8 digits) or Belgian enterprise number
    (10 digits starting with 0 or 1, mod-97 check) and return it in its canonical form."""
    digits = re.sub(r"[\s.\-]", "", value or "")
    if country == Country.NL:
        if not KVK_RE.match(digits):
            raise ValidationError(
                _("A chamber of commerce (KvK) number has exactly 8 digits, e.g. 12345678."),
                code="invalid_kvk",
            )
        return digits
    if country == Country.BE:
        digits = digits.upper().removeprefix("BE")
        if not ENTERPRISE_RE.match(digits) or 97 - int(digits[:8]) % 97 != int(digits[8:]):
            raise ValidationError(
                _("An enterprise number has 10 digits with a valid check, e.g. 0123.456.749."),
                code="invalid_enterprise_number",
            )
        return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"
    raise ValidationError(_("Unknown country."), code="invalid_country")


# Characters that no text field takes: control characters other than tab, line feed and
# carriage return (NUL among them; PostgreSQL cannot store it), lone surrogates (not
# valid Unicode, cannot be encoded), and the bidirectional embeddings, overrides and
# isolates that make text display in another order than it is stored ("Trojan Source").
ALLOWED_CONTROLS = frozenset("\t\n\r")
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def first_bad_character(value: str) -> str | None:
    """The first character of `value` that no text may contain, or None."""
    for char in value:
        if char in ALLOWED_CONTROLS:
            continue
        if char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs"):
            return char
    return None


def describe_character(char: str) -> str:
    """A character as a reader can look it up: its code point, and its name if it has one."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}".strip()


def bad_character(value) -> None:
    """Validator of every free-text field of the forms and the API."""
    if not isinstance(value, str):
        return
    char = first_bad_character(value)
    if char is not None:
        raise ValidationError(
            _(
                "This text contains a character that is not allowed (%(character)s). "
                "Remove it and try again."
            ),
            code="bad_character",
            params={"character": describe_character(char)},
        )


class GuardedTextFieldsMixin:
    """For forms: every text field (CharField and its e-mail, URL and slug kinds) refuses
    the characters of bad_character."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and bad_character not in field.validators:
                field.validators.append(bad_character)


def require_changes(attrs: dict) -> dict:
    """For the API's partial updates: an empty body (or only unknown fields) changes
    nothing and is a mistake of the caller, not a success."""
    if not attrs:
        raise ValidationError(
            _("Send at least one field to change, as a JSON object."), code="no_changes"
        )
    return attrs
