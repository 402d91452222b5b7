"""Decisions and action points in two languages: the one text is kept as the Albanian one, in its column `text`;
the English one is new and empty."""

import django.core.validators
from django.db import migrations, models

import nsm.core.limits


class Migration(migrations.Migration):
    dependencies = [
        ("workinggroup", "0002_text_lengths"),
    ]

    operations = [
        # The column keeps its name (db_column): only the model's field is renamed, so no data moves and the
        # search triggers and raw SQL that read the column stay valid. The history tables follow.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField(model_name="decision", old_name="text", new_name="text_sq"),
                migrations.AlterField(
                    model_name="decision",
                    name="text_sq",
                    field=models.TextField(
                        blank=True,
                        db_column="text",
                        max_length=10000,
                        validators=[
                            django.core.validators.MaxLengthValidator(10000),
                            nsm.core.limits.refuse_control_characters,
                        ],
                        verbose_name="decision (Albanian)",
                    ),
                ),
                migrations.RenameField(model_name="historicaldecision", old_name="text", new_name="text_sq"),
                migrations.AlterField(
                    model_name="historicaldecision",
                    name="text_sq",
                    field=models.TextField(
                        blank=True,
                        db_column="text",
                        max_length=10000,
                        validators=[
                            django.core.validators.MaxLengthValidator(10000),
                            nsm.core.limits.refuse_control_characters,
                        ],
                        verbose_name="decision (Albanian)",
                    ),
                ),
                migrations.RenameField(model_name="actionpoint", old_name="text", new_name="text_sq"),
                migrations.AlterField(
                    model_name="actionpoint",
                    name="text_sq",
                    field=models.TextField(
                        blank=True,
                        db_column="text",
                        max_length=10000,
                        validators=[
                            django.core.validators.MaxLengthValidator(10000),
                            nsm.core.limits.refuse_control_characters,
                        ],
                        verbose_name="action (Albanian)",
                    ),
                ),
                migrations.RenameField(model_name="historicalactionpoint", old_name="text", new_name="text_sq"),
                migrations.AlterField(
                    model_name="historicalactionpoint",
                    name="text_sq",
                    field=models.TextField(
                        blank=True,
                        db_column="text",
                        max_length=10000,
                        validators=[
                            django.core.validators.MaxLengthValidator(10000),
                            nsm.core.limits.refuse_control_characters,
                        ],
                        verbose_name="action (Albanian)",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="decision",
            name="text_en",
            field=models.TextField(
                blank=True,
                max_length=10000,
                validators=[
                    django.core.validators.MaxLengthValidator(10000),
                    nsm.core.limits.refuse_control_characters,
                ],
                verbose_name="decision (English)",
            ),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="text_en",
            field=models.TextField(
                blank=True,
                max_length=10000,
                validators=[
                    django.core.validators.MaxLengthValidator(10000),
                    nsm.core.limits.refuse_control_characters,
                ],
                verbose_name="decision (English)",
            ),
        ),
        migrations.AddField(
            model_name="actionpoint",
            name="text_en",
            field=models.TextField(
                blank=True,
                max_length=10000,
                validators=[
                    django.core.validators.MaxLengthValidator(10000),
                    nsm.core.limits.refuse_control_characters,
                ],
                verbose_name="action (English)",
            ),
        ),
        migrations.AddField(
            model_name="historicalactionpoint",
            name="text_en",
            field=models.TextField(
                blank=True,
                max_length=10000,
                validators=[
                    django.core.validators.MaxLengthValidator(10000),
                    nsm.core.limits.refuse_control_characters,
                ],
                verbose_name="action (English)",
            ),
        ),
    ]
