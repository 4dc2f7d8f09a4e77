"""Municipality.province_code: the ISO 3166-2 code that tells provinces apart by country
(two are called Limburg). Existing rows get it from their country and province name; the
reference-data loader sets it from the CBS and Statbel province codes from now on."""

from django.db import migrations, models

# A copy, not an import: a migration must not change when the app's code does.
CODES = {
    ("NL", "Drenthe"): "NL-DR",
    ("NL", "Flevoland"): "NL-FL",
    ("NL", "Fryslân"): "NL-FR",
    ("NL", "Friesland"): "NL-FR",
    ("NL", "Gelderland"): "NL-GE",
    ("NL", "Groningen"): "NL-GR",
    ("NL", "Limburg"): "NL-LI",
    ("NL", "Noord-Brabant"): "NL-NB",
    ("NL", "Noord-Holland"): "NL-NH",
    ("NL", "Overijssel"): "NL-OV",
    ("NL", "Utrecht"): "NL-UT",
    ("NL", "Zeeland"): "NL-ZE",
    ("NL", "Zuid-Holland"): "NL-ZH",
    ("BE", "Antwerpen"): "BE-VAN",
    ("BE", "Vlaams-Brabant"): "BE-VBR",
    ("BE", "Limburg"): "BE-VLI",
    ("BE", "Oost-Vlaanderen"): "BE-VOV",
    ("BE", "West-Vlaanderen"): "BE-VWV",
}


def fill_province_codes(apps, schema_editor):
    Municipality = apps.get_model("municipalities", "Municipality")
    for (country, name), code in CODES.items():
        Municipality.objects.filter(country=country, province=name).update(province_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("municipalities", "0003_adoption_queue_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="municipality",
            name="province_code",
            field=models.CharField(
                choices=[
                    ("NL-DR", "Drenthe"),
                    ("NL-FL", "Flevoland"),
                    ("NL-FR", "Fryslân"),
                    ("NL-GE", "Gelderland"),
                    ("NL-GR", "Groningen"),
                    ("NL-LI", "Limburg"),
                    ("NL-NB", "Noord-Brabant"),
                    ("NL-NH", "Noord-Holland"),
                    ("NL-OV", "Overijssel"),
                    ("NL-UT", "Utrecht"),
                    ("NL-ZE", "Zeeland"),
                    ("NL-ZH", "Zuid-Holland"),
                    ("BE-VAN", "Antwerpen"),
                    ("BE-VBR", "Vlaams-Brabant"),
                    ("BE-VLI", "Limburg"),
                    ("BE-VOV", "Oost-Vlaanderen"),
                    ("BE-VWV", "West-Vlaanderen"),
                ],
                db_index=True,
                default="",
                max_length=6,
                verbose_name="province code",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_province_codes, migrations.RunPython.noop),
    ]
