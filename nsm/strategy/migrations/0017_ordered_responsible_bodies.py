"""Responsible bodies as an ordered list (issue 15, item 2).

The activity's plain list of supporting institutions (the auto-created table `strategy_activity_partners`) becomes
the table of a model of its own, `ActivityInstitution`, which keeps every row and adds each one's place in the
plan's order and whether it is responsible with the lead or supporting. The history of the list keeps its table and
gains the two columns. `Activity.lead_place` says where a lead marked by the plan stands among the responsible
institutions (empty: none is marked, the first named leads).

Existing rows are supporting institutions, placed in the order of their codes (the order the pages showed); a row
that named the activity's lead again as supporting is removed (the lead is named once).
"""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


def place_by_code(apps, schema_editor):
    """Number each activity's rows 1, 2, ... by institution code, sorted as the pages and the frozen versions sorted
    them (in Python, whatever the database's collation); a row naming the activity's own lead again goes (the lead
    is named once, as the lead; the history keeps the row)."""
    ActivityInstitution = apps.get_model("strategy", "ActivityInstitution")
    rows = ActivityInstitution.objects.select_related("activity", "institution")
    by_activity = {}
    for row in rows:
        by_activity.setdefault(row.activity_id, []).append(row)
    changed, lead_again = [], []
    for named in by_activity.values():
        kept = [row for row in named if row.institution_id != row.activity.lead_id]
        lead_again += [row.pk for row in named if row.institution_id == row.activity.lead_id]
        for place, row in enumerate(sorted(kept, key=lambda row: (row.institution.code, row.pk)), start=1):
            row.position = place
            changed.append(row)
    ActivityInstitution.objects.filter(pk__in=lead_again).delete()
    ActivityInstitution.objects.bulk_update(changed, ["position"], batch_size=500)


HELP = (
    "Where the institution marked lead stands among the responsible institutions (1: first). Empty: none is marked, "
    "and the first named receives the line."
)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_rate_counter"),
        ("strategy", "0016_indicator_aggregation_and_matrix_mapping"),
    ]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="lead_place",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text=HELP,
                null=True,
                validators=[django.core.validators.MinValueValidator(1)],
                verbose_name="place of the marked lead",
            ),
        ),
        migrations.AddField(
            model_name="historicalactivity",
            name="lead_place",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text=HELP,
                null=True,
                validators=[django.core.validators.MinValueValidator(1)],
                verbose_name="place of the marked lead",
            ),
        ),
        migrations.AddField(
            model_name="historicalactivity_partners",
            name="position",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="place"),
        ),
        migrations.AddField(
            model_name="historicalactivity_partners",
            name="responsible",
            field=models.BooleanField(default=False, verbose_name="responsible"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="historicalactivity_partners",
                    name="activity",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="strategy.activity",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalactivity_partners",
                    name="institution",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounts.institution",
                    ),
                ),
                migrations.CreateModel(
                    name="ActivityInstitution",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "activity",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="bodies",
                                to="strategy.activity",
                            ),
                        ),
                        (
                            "institution",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="accounts.institution",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "institution of an activity",
                        "verbose_name_plural": "institutions of an activity",
                        "db_table": "strategy_activity_partners",
                        "ordering": ["position"],
                        "unique_together": {("activity", "institution")},
                    },
                ),
                migrations.AlterField(
                    model_name="activity",
                    name="partners",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="supported_activities",
                        through="strategy.ActivityInstitution",
                        to="accounts.institution",
                        verbose_name="other responsible and supporting institutions",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="activityinstitution",
            name="position",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="place"),
        ),
        migrations.AddField(
            model_name="activityinstitution",
            name="responsible",
            field=models.BooleanField(default=False, verbose_name="responsible"),
        ),
        migrations.RunPython(place_by_code, migrations.RunPython.noop),
    ]
