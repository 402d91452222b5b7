"""The engine's index (SQLite FTS5, PostgreSQL tsvector and GIN), the triggers that keep it, and the entries of
the data already there (nsm.search.index)."""

from django.db import migrations


def install(apps, schema_editor):
    from nsm.search import index

    index.install(schema_editor.connection)
    index.rebuild(schema_editor.connection)


def uninstall(apps, schema_editor):
    from nsm.search import index

    index.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_entry"),
        ("accounts", "0008_people_invitations_and_account_events"),
        ("strategy", "0018_indicator_milestones_and_text"),
        ("consultation", "0005_round_version"),
        ("workinggroup", "0002_text_lengths"),
        ("monitoring", "0007_kept_figures_protect_plan_items"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
