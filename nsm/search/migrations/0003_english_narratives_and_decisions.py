"""The English narrative of a report line and the English text of a decision join their entries: the two kinds'
triggers are written again with both columns, and every entry again from the tables."""

from django.db import migrations


def _kinds(narrative, decision):
    """The kinds as they were when this migration was written, with the narrative's and decision's columns given."""
    from nsm.search.index import Kind

    return (
        Kind("result", 1, "strategy_result", ("code", "reference", "title_sq", "title_en")),
        Kind("activity", 2, "strategy_activity", ("code", "reference", "title_sq", "title_en")),
        Kind("indicator", 3, "strategy_indicator", ("code", "name_sq", "name_en")),
        Kind("institution", 4, "accounts_institution", ("code", "name_sq", "name_en")),
        Kind("narrative", 5, "monitoring_activityprogress", narrative),
        Kind("comment", 6, "consultation_consultationcomment", ("text", "answer_reason")),
        Kind("meeting", 7, "workinggroup_meeting", ("title", "agenda", "location")),
        Kind("decision", 8, "workinggroup_decision", decision),
    )


def _write_again(schema_editor, kinds):
    from nsm.search import index

    connection = schema_editor.connection
    for kind in kinds:
        if kind.name in ("narrative", "decision"):
            index.drop_sqlite_triggers(connection, kind)
    index.install(connection, kinds)
    index.rebuild(connection, kinds)


def both_languages(apps, schema_editor):
    _write_again(schema_editor, _kinds(("narrative", "narrative_en"), ("text", "text_en")))


def albanian_only(apps, schema_editor):
    _write_again(schema_editor, _kinds(("narrative",), ("text",)))


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_index_and_triggers"),
        ("monitoring", "0008_bilingual_narratives"),
        ("workinggroup", "0003_bilingual_decisions_and_action_points"),
    ]

    operations = [migrations.RunPython(both_languages, albanian_only)]
