"""Load the SDG 10.7.2 domains, sub-categories and the GCM mapping from `nsm/assessment/data/*.csv` (see
data/README.md). Rows are upserted by their natural key, so a later migration can refresh them by running the same
loader after the files change; the reverse deletes the rows the files name."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def read(name):
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load(apps, schema_editor):
    Domain = apps.get_model("assessment", "Domain")
    SubCategory = apps.get_model("assessment", "SubCategory")
    GcmLink = apps.get_model("assessment", "GcmLink")
    GcmObjective = apps.get_model("reference", "GcmObjective")
    domains = {}
    for row in read("sdg_1072_domains.csv"):
        domains[row["number"]], _ = Domain.objects.update_or_create(
            number=int(row["number"]),
            defaults={
                "label_en": row["label_en"],
                "label_sq": row["label_sq"],
                "notes": row["notes"],
                "source": row["source"],
                "verified": row["verified"],
            },
        )
    subcategories = {}
    for row in read("sdg_1072_subcategories.csv"):
        subcategories[row["number"]], _ = SubCategory.objects.update_or_create(
            number=row["number"],
            defaults={
                "domain": domains[row["domain"]],
                "position": int(row["number"].split(".")[1]),
                "label_en": row["label_en"],
                "label_sq": row["label_sq"],
                "question": row["question"],
                "partial_answer_en": row["partial_answer_en"],
                "partial_answer_sq": row["partial_answer_sq"],
                "notes": row["notes"],
                "source": row["source"],
                "verified": row["verified"],
            },
        )
    objectives = {objective.number: objective for objective in GcmObjective.objects.all()}
    for row in read("sdg_1072_gcm_mapping.csv"):
        GcmLink.objects.update_or_create(
            gcm_objective=objectives[int(row["gcm_objective"])],
            subcategory=subcategories[row["subcategory"]],
            defaults={"basis": row["basis"], "source": row["source"]},
        )


def unload(apps, schema_editor):
    apps.get_model("assessment", "GcmLink").objects.all().delete()
    apps.get_model("assessment", "SubCategory").objects.filter(
        number__in=[row["number"] for row in read("sdg_1072_subcategories.csv")]
    ).delete()
    apps.get_model("assessment", "Domain").objects.filter(
        number__in=[int(row["number"]) for row in read("sdg_1072_domains.csv")]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0001_initial"),
        ("reference", "0002_load_reference_data"),
    ]

    operations = [migrations.RunPython(load, unload)]
