"""A report line's narrative in two languages: the one text is kept as the Albanian one, in its column `narrative`;
the English one is new and empty."""

import django.core.validators
from django.db import migrations, models

import nsm.core.limits


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0007_kept_figures_protect_plan_items"),
    ]

    operations = [
        # The column keeps its name (db_column): only the model's field is renamed, so no data moves and the
        # search triggers and raw SQL that read the column stay valid. The history tables follow.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField(model_name="activityprogress", old_name="narrative", new_name="narrative_sq"),
                migrations.AlterField(
                    model_name="activityprogress",
                    name="narrative_sq",
                    field=models.TextField(
                        blank=True,
                        db_column="narrative",
                        max_length=10000,
                        validators=[
                            django.core.validators.MaxLengthValidator(10000),
                            nsm.core.limits.refuse_control_characters,
                        ],
                        verbose_name="narrative (Albanian)",
                    ),
                ),
                migrations.RenameField(
                    model_name="historicalactivityprogress", old_name="narrative", new_name="narrative_sq"
                ),
                migrations.AlterField(
                    model_name="historicalactivityprogress",
                    name="narrative_sq",
                    field=models.TextField(
                        blank=True,
                        db_column="narrative",
                        max_length=10000,
                        validators=[
                            django.core.validators.MaxLengthValidator(10000),
                            nsm.core.limits.refuse_control_characters,
                        ],
                        verbose_name="narrative (Albanian)",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="activityprogress",
            name="narrative_en",
            field=models.TextField(
                blank=True,
                max_length=10000,
                validators=[
                    django.core.validators.MaxLengthValidator(10000),
                    nsm.core.limits.refuse_control_characters,
                ],
                verbose_name="narrative (English)",
            ),
        ),
        migrations.AddField(
            model_name="historicalactivityprogress",
            name="narrative_en",
            field=models.TextField(
                blank=True,
                max_length=10000,
                validators=[
                    django.core.validators.MaxLengthValidator(10000),
                    nsm.core.limits.refuse_control_characters,
                ],
                verbose_name="narrative (English)",
            ),
        ),
    ]
