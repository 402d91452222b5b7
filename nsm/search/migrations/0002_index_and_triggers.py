"""The engine's index (SQLite FTS5, PostgreSQL tsvector and GIN), the triggers that keep it, and the entries of
the data already there (nsm.search.index)."""

from django.db import migrations


def _kinds():
    """The kinds as they were when this migration was written (0003 added the English narrative and decision)."""
    from nsm.search.index import Kind

    return (
        Kind("result", 1, "strategy_result", ("code", "reference", "title_sq", "title_en")),
        Kind("activity", 2, "strategy_activity", ("code", "reference", "title_sq", "title_en")),
        Kind("indicator", 3, "strategy_indicator", ("code", "name_sq", "name_en")),
        Kind("institution", 4, "accounts_institution", ("code", "name_sq", "name_en")),
        Kind("narrative", 5, "monitoring_activityprogress", ("narrative",)),
        Kind("comment", 6, "consultation_consultationcomment", ("text", "answer_reason")),
        Kind("meeting", 7, "workinggroup_meeting", ("title", "agenda", "location")),
        Kind("decision", 8, "workinggroup_decision", ("text",)),
    )


def install(apps, schema_editor):
    from nsm.search import index

    index.install(schema_editor.connection, _kinds())
    index.rebuild(schema_editor.connection, _kinds())


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
