import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .enums import Country

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
