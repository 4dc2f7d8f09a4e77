"""The two countries the portal serves and their provinces: reference data that every app
uses (suppliers, municipalities, procurement routes, the board's filters)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    NL = "NL", _("Netherlands")
    BE = "BE", _("Belgium")


class Province(models.TextChoices):
    """Provinces by their ISO 3166-2 code, which tells them apart across countries (the
    Dutch NL-LI and the Belgian BE-VLI are both "Limburg"). The code is the value in every
    filter, API value and facet; the label is the official name, shown beside it."""

    NL_DR = "NL-DR", "Drenthe"
    NL_FL = "NL-FL", "Flevoland"
    NL_FR = "NL-FR", "Fryslân"
    NL_GE = "NL-GE", "Gelderland"
    NL_GR = "NL-GR", "Groningen"
    NL_LI = "NL-LI", "Limburg"
    NL_NB = "NL-NB", "Noord-Brabant"
    NL_NH = "NL-NH", "Noord-Holland"
    NL_OV = "NL-OV", "Overijssel"
    NL_UT = "NL-UT", "Utrecht"
    NL_ZE = "NL-ZE", "Zeeland"
    NL_ZH = "NL-ZH", "Zuid-Holland"
    BE_VAN = "BE-VAN", "Antwerpen"
    BE_VBR = "BE-VBR", "Vlaams-Brabant"
    BE_VLI = "BE-VLI", "Limburg"
    BE_VOV = "BE-VOV", "Oost-Vlaanderen"
    BE_VWV = "BE-VWV", "West-Vlaanderen"

    @property
    def country(self) -> str:
        return self.value[:2]


def province_code_for(country: str, name: str) -> str:
    """The ISO 3166-2 code of the province called `name` in `country` ("" if none)."""
    for province in Province:
        if province.country == country and province.label == name:
            return province.value
    return ""


def province_choices() -> list[tuple[str, str]]:
    """Flat choices (code, "Limburg (NL)"): the country beside the name, as two are alike."""
    return [(p.value, f"{p.label} ({p.country})") for p in Province]


def provinces_by_country(country: str = "") -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a drop-down: each country's name with its provinces
    (code, name) by name; only `country`'s if given. A name found in two countries has the
    country beside it ("Limburg (NL)"): a closed drop-down shows the option, not its group."""
    names = [p.label for p in Province]

    def label(p: Province) -> str:
        return f"{p.label} ({p.country})" if names.count(p.label) > 1 else p.label

    return [
        (
            c.label,
            sorted(
                ((p.value, label(p)) for p in Province if p.country == c.value),
                key=lambda choice: choice[1],
            ),
        )
        for c in Country
        if not country or c.value == country
    ]


def province_mask(codes) -> int:
    """The provinces `codes` as bits: bit n for the n-th member of Province. New provinces
    are only ever appended, so stored masks keep their meaning."""
    order = {code: n for n, code in enumerate(Province.values)}
    return sum(1 << order[code] for code in set(codes) if code in order)
