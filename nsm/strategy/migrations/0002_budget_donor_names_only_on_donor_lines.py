"""Data: clear the donor name of budget lines that are not donor lines, before the constraint forbids it.

Such lines (a state budget, other or unfunded line carrying a donor name, as an import could write) were shown
without their name and lost by the budget form, whose grid holds one cell per year and source. Each one loses
its name; where the activity already has a line without a name for that year and source, the amounts are added
up into that line and the named one is deleted, so that every total stays the same. Each change is recorded in
the history with its reason, since a migration's models write no history of their own.
"""

from django.db import migrations
from django.utils import timezone

REASON = "Only a donor line names a donor: name cleared by migration 0002"


def _record(history_model, line, history_type: str, when) -> None:
    history_model.objects.create(
        id=line.pk,
        activity_id=line.activity_id,
        year=line.year,
        source=line.source,
        donor=line.donor,
        amount=line.amount,
        history_date=when,
        history_type=history_type,
        history_change_reason=REASON,
        history_user=None,
    )


def clear_donor_names(apps, schema_editor) -> None:
    budget = apps.get_model("strategy", "ActivityBudget")
    history = apps.get_model("strategy", "HistoricalActivityBudget")
    when = timezone.now()
    for line in budget.objects.exclude(source="donor").exclude(donor="").order_by("pk"):
        unnamed = budget.objects.filter(
            activity_id=line.activity_id, year=line.year, source=line.source, donor=""
        ).first()
        if unnamed is None:
            line.donor = ""
            line.save()
            _record(history, line, "~", when)
            continue
        unnamed.amount += line.amount
        unnamed.save()
        _record(history, unnamed, "~", when)
        _record(history, line, "-", when)
        line.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(clear_donor_names, migrations.RunPython.noop),
    ]
