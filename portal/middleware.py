"""Refuse, with a 400 and a message, requests whose address or form data are not text:
invalid UTF-8, NUL, lone surrogates; in the address, the query and the names of form
fields also any other character that no text may contain (bad_character).

The values of form fields are checked here only for invalid UTF-8 and NUL: Django would
turn the first silently into U+FFFD and PostgreSQL cannot store or even look up the second
(a 500 in any lookup that is not a validated text field). Their other bad characters are
refused by the forms' own fields (GuardedTextFieldsMixin), next to the field, in the form.
JSON bodies are checked by the API's parser (portal.parsers)."""

from io import BytesIO
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.files.uploadhandler import load_handler
from django.http import HttpResponseBadRequest
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.validators import describe_character, first_bad_character

from .problems import problem_response


class BadInput(Exception):
    pass


def _text(raw: bytes, encoding: str, name: str) -> str:
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise BadInput(
            _("%(name)s is not valid %(encoding)s text.")
            % {"name": name, "encoding": encoding.upper()}
        ) from None


def _check(text: str, name: str, *, strict: bool) -> None:
    """Refuse NUL always and, when `strict`, every bad character."""
    char = first_bad_character(text) if strict else ("\x00" if "\x00" in text else None)
    if char is not None:
        raise BadInput(
            _(
                "%(name)s contains a character that is not allowed (%(character)s). "
                "Remove it and try again."
            )
            % {"name": name, "character": describe_character(char)}
        )


def _label(key: str) -> str:
    return _("The field “%(field)s”") % {"field": key}


def _check_pairs(pairs, encoding: str, *, strict_values: bool) -> None:
    """`pairs` of raw (bytes) names and values."""
    for raw_key, raw_value in pairs:
        key = _text(raw_key, encoding, _("A field name"))
        _check(key, _("A field name"), strict=True)
        value = _text(raw_value, encoding, _label(key))
        _check(value, _label(key), strict=strict_values)


def _urlencoded_pairs(raw: bytes):
    for part in raw.split(b"&"):
        if not part:
            continue
        key, _sep, value = part.partition(b"=")
        yield unquote_to_bytes(key.replace(b"+", b" ")), unquote_to_bytes(value.replace(b"+", b" "))


def _multipart_pairs(request):
    # Parsed as Latin-1, which decodes any byte, to get the bytes that were sent back:
    # Django's own parsing replaces invalid UTF-8 with U+FFFD without a word.
    handlers = [load_handler(path, request) for path in settings.FILE_UPLOAD_HANDLERS]
    parser = MultiPartParser(request.META, BytesIO(request.body), handlers, "latin-1")
    data, files = parser.parse()
    for key, values in data.lists():
        for value in values:
            yield key.encode("latin-1"), value.encode("latin-1")
    for key in files:
        yield key.encode("latin-1"), b""


def _latin1(value: str) -> bytes:
    # WSGI passes the query string as Latin-1 decoded bytes.
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass")


def check_request(request) -> None:
    """Raise BadInput for the first part of the request that is not acceptable text."""
    address = _("The address")
    # Django has put the bytes of the address that are not UTF-8 back as %XX escapes.
    _text(unquote_to_bytes(request.path_info), "utf-8", address)
    _check(request.path_info, address, strict=True)
    query = _latin1(request.META.get("QUERY_STRING", ""))
    _check_pairs(_urlencoded_pairs(query), "utf-8", strict_values=True)
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    encoding = request.encoding or settings.DEFAULT_CHARSET
    if request.content_type == "application/x-www-form-urlencoded":
        _check_pairs(_urlencoded_pairs(request.body), encoding, strict_values=False)
    elif request.content_type == "multipart/form-data":
        try:
            pairs = list(_multipart_pairs(request))
        except MultiPartParserError:
            raise BadInput(_("The form data could not be read.")) from None
        _check_pairs(pairs, encoding, strict_values=False)


class BadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_request(request)
        except BadInput as error:
            return bad_input_response(request, str(error))
        return self.get_response(request)


def bad_input_response(request, message: str):
    if request.path_info.startswith("/api/"):
        return problem_response(request, 400, message)
    # A page of its own: the request never reaches a view, and its data cannot be shown.
    return HttpResponseBadRequest(
        format_html(
            '<!DOCTYPE html><html lang="{}"><head><meta charset="utf-8"><title>{}</title>'
            "</head><body><main><h1>{}</h1><p>{}</p></main></body></html>",
            request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else "nl",
            _("Bad request"),
            _("Bad request"),
            message,
        )
    )
