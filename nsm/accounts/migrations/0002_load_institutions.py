"""Load the institutions from `nsm/accounts/data/institutions.csv` and one institution per municipality.

Municipalities come from the reference app (loaded by its 0002 migration), so that both lists stay one.
Rows are upserted by code and country (a code is unique within its country), so a later migration can refresh
them. History is not recorded here: simple-history's signals are not connected to the historical models a
migration sees.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
TRUE = {"yes", "true", "1"}


def read(name):
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def municipality_code(name_ascii):
    """`Malesi e Madhe` -> `BASHKIA-MALESI-E-MADHE`."""
    return "BASHKIA-" + name_ascii.strip().upper().replace(" ", "-")


def institution_rows(apps):
    """The rows of the CSV, then one row per municipality, as field dictionaries keyed by code."""
    rows = {}
    for row in read("institutions.csv"):
        rows[row["code"]] = {
            "name_sq": row["name_sq"],
            "name_en": row["name_en"],
            "kind": row["kind"],
            "country": row["country"] or "AL",
            "is_active": row["is_active"].strip().lower() in TRUE,
            "source": row["source"],
            "verified": row["verified"],
        }
    Municipality = apps.get_model("reference", "Municipality")
    for municipality in Municipality.objects.order_by("name_sq"):
        rows[municipality_code(municipality.name_ascii)] = {
            "name_sq": f"Bashkia {municipality.name_sq}",
            "name_en": f"{municipality.name_en} Municipality",
            "kind": "municipality",
            "country": "AL",
            "is_active": True,
            "source": municipality.source,
            "verified": municipality.verified,
        }
    return rows


def load(apps, schema_editor):
    Institution = apps.get_model("accounts", "Institution")
    for code, fields in institution_rows(apps).items():
        country = fields.pop("country")
        Institution.objects.update_or_create(code=code, country=country, defaults=fields)


def unload(apps, schema_editor):
    Institution = apps.get_model("accounts", "Institution")
    for code, fields in institution_rows(apps).items():
        Institution.objects.filter(code=code, country=fields["country"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("reference", "0002_load_reference_data"),
    ]

    operations = [migrations.RunPython(load, unload)]
