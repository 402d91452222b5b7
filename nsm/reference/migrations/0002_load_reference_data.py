"""Load the code lists from `nsm/reference/data/*.csv` (see data/README.md for where each file comes from).

Rows are upserted by their natural key, so a later migration can refresh the data by running the same
loaders again after the CSV files change. The reverse deletes the rows the files name.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def read(name):
    """The rows of a data file as dictionaries, keyed by the header."""
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def sdg_sort_key(code):
    """Same rule as nsm.reference.models.sdg_sort_key (copied: migrations must not import model code)."""
    return ".".join(part.zfill(4) for part in code.split("."))


def sourced(row):
    return {"source": row["source"].strip(), "verified": row["verified"].strip()}


def municipality_code(name_ascii):
    """Category code of a municipality: `Malesi e Madhe` -> `malesi_e_madhe`."""
    return name_ascii.strip().lower().replace(" ", "_")


def load_gcm(apps):
    GcmObjective = apps.get_model("reference", "GcmObjective")
    for row in read("gcm_objectives.csv"):
        GcmObjective.objects.update_or_create(
            number=int(row["number"]),
            defaults={
                "title_en": row["title"],
                "title_sq": row["title_sq"],
                "short_label_en": row["short_label"],
                "short_label_sq": row["short_label_sq"],
                **sourced(row),
            },
        )
    GcmPrinciple = apps.get_model("reference", "GcmPrinciple")
    for row in read("gcm_principles.csv"):
        GcmPrinciple.objects.update_or_create(
            letter=row["letter"],
            defaults={
                "title_en": row["principle"],
                "title_sq": row["title_sq"],
                "summary_en": row["summary"],
                "summary_sq": row["summary_sq"],
                **sourced(row),
            },
        )


def load_sdg(apps):
    """Targets first, then the indicators under them."""
    SdgTarget = apps.get_model("reference", "SdgTarget")
    SdgIndicator = apps.get_model("reference", "SdgIndicator")
    rows = read("sdg_indicators.csv")
    targets = {}
    for row in (row for row in rows if row["type"] == "target"):
        targets[row["code"]], _ = SdgTarget.objects.update_or_create(
            code=row["code"],
            defaults={
                "sort_key": sdg_sort_key(row["code"]),
                "title_en": row["title"],
                "title_sq": row["title_sq"],
                **sourced(row),
            },
        )
    for row in (row for row in rows if row["type"] == "indicator"):
        SdgIndicator.objects.update_or_create(
            code=row["code"],
            defaults={
                "sort_key": sdg_sort_key(row["code"]),
                "target": targets[row["target"]],
                "title_en": row["title"],
                "title_sq": row["title_sq"],
                "custodian": row["custodian"],
                "relevance": row["relevance"],
                **sourced(row),
            },
        )


def load_mgi(apps):
    MgiDomain = apps.get_model("reference", "MgiDomain")
    for row in read("mgi_domains.csv"):
        MgiDomain.objects.update_or_create(
            number=int(row["number"]),
            defaults={
                "name_en": row["domain"],
                "name_sq": row["name_sq"],
                "focus_areas_en": row["focus_areas"],
                "focus_areas_sq": row["focus_areas_sq"],
                **sourced(row),
            },
        )


def load_target_groups(apps):
    TargetGroup = apps.get_model("reference", "TargetGroup")
    for position, row in enumerate(read("target_groups.csv"), start=1):
        TargetGroup.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_en": row["name_en"],
                "name_sq": row["name_sq"],
                "position": position,
                **sourced(row),
            },
        )


def load_territory(apps):
    """The 12 counties (by ISO code) and the 61 municipalities (by Albanian name) under them."""
    County = apps.get_model("reference", "County")
    Municipality = apps.get_model("reference", "Municipality")
    counties = {}
    for row in read("albania_counties.csv"):
        counties[row["name_sq"]], _ = County.objects.update_or_create(
            code=row["iso_3166_2"],
            defaults={"name_sq": row["name_sq"], "name_en": row["name_en"], **sourced(row)},
        )
    for row in read("albania_municipalities.csv"):
        Municipality.objects.update_or_create(
            name_sq=row["name"],
            defaults={
                "name_en": row["name_en"],
                "name_ascii": row["name_ascii"],
                "county": counties[row["county"]],
                **sourced(row),
            },
        )


def territory_categories():
    """Categories of the county and municipality dimensions, from the territory files."""
    counties = sorted(read("albania_counties.csv"), key=lambda row: row["iso_3166_2"])
    return {
        "county": [(row["iso_3166_2"], row["name_en"], row["name_sq"]) for row in counties],
        "municipality": [
            (municipality_code(row["name_ascii"]), row["name_en"], row["name"])
            for row in read("albania_municipalities.csv")
        ],
    }


def load_disaggregation(apps):
    """Dimensions (rows without a category) and their categories, in file order."""
    Dimension = apps.get_model("reference", "DisaggregationDimension")
    Category = apps.get_model("reference", "DisaggregationCategory")
    rows = read("disaggregation.csv")
    dimensions = {}
    for position, row in enumerate((row for row in rows if not row["category"]), start=1):
        dimensions[row["dimension"]], _ = Dimension.objects.update_or_create(
            code=row["dimension"],
            defaults={
                "name_en": row["name_en"],
                "name_sq": row["name_sq"],
                "position": position,
                **sourced(row),
            },
        )
    categories = {code: [] for code in dimensions}
    for row in (row for row in rows if row["category"]):
        categories[row["dimension"]].append((row["category"], row["name_en"], row["name_sq"]))
    for code, items in territory_categories().items():
        categories[code].extend(items)
    for code, items in categories.items():
        for position, (category, name_en, name_sq) in enumerate(items, start=1):
            Category.objects.update_or_create(
                dimension=dimensions[code],
                code=category,
                defaults={"name_en": name_en, "name_sq": name_sq, "position": position},
            )


def load(apps, schema_editor):
    load_gcm(apps)
    load_sdg(apps)
    load_mgi(apps)
    load_target_groups(apps)
    load_territory(apps)
    load_disaggregation(apps)


def keys(name, column, cast=str, **where):
    """The natural keys a data file names, e.g. every `code` of the rows whose `type` is `target`."""
    rows = read(name)
    return [cast(row[column]) for row in rows if all(row[key] == value for key, value in where.items())]


def unload(apps, schema_editor):
    """Delete what `load` wrote, children before parents (categories go with their dimension)."""

    def delete(model, **lookup):
        apps.get_model("reference", model).objects.filter(**lookup).delete()

    delete("SdgIndicator", code__in=keys("sdg_indicators.csv", "code", type="indicator"))
    delete("SdgTarget", code__in=keys("sdg_indicators.csv", "code", type="target"))
    delete("GcmObjective", number__in=keys("gcm_objectives.csv", "number", int))
    delete("GcmPrinciple", letter__in=keys("gcm_principles.csv", "letter"))
    delete("MgiDomain", number__in=keys("mgi_domains.csv", "number", int))
    delete("TargetGroup", code__in=keys("target_groups.csv", "code"))
    delete("DisaggregationDimension", code__in=keys("disaggregation.csv", "dimension"))
    delete("Municipality", name_sq__in=keys("albania_municipalities.csv", "name"))
    delete("County", code__in=keys("albania_counties.csv", "iso_3166_2"))


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
