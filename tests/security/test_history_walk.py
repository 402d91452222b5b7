"""Every write path leaves exactly one history row per changed object, naming the user who acted.

Each case performs one change through one path (a page's form, the API, an import, the admin, a bulk action, a
service that pages call) on the scenario of conftest.py, then compares the history tables before and after: the
objects that got new rows must be exactly the ones the change is about, each with one new row, whose `history_user`
is the acting user. The demo loader and `nsm generate` are not users' write paths and are not walked.
"""

import csv
import dataclasses
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from unittest import mock

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from simple_history.models import registered_models

from nsm.accounts.models import ApiToken
from nsm.analytics import services as analytics_services
from nsm.analytics.periods import Period
from nsm.assessment import services as assessment_services
from nsm.assessment.models import Assessment
from nsm.capacity import services as capacity_services
from nsm.consultation import rounds as consultation_rounds
from nsm.context import importer as context_importer
from nsm.context import services as context_services
from nsm.monitoring import services as monitoring_services
from nsm.reports import generate, remarks
from nsm.reports import services as report_services
from nsm.reports.models import AnnualNarrative, GcmReview, GcmReviewObjective, IssuedAnnualReport, Remark
from nsm.strategy import workbook as plan_workbook
from nsm.strategy.models import Chapter
from nsm.strategy.services import save_chapter
from tests.api.conftest import lines_payload
from tests.monitoring.conftest import complete_inputs

Key = tuple[str, int]  # (model label, object pk)


def _label(model: Any) -> str:
    return model._meta.label


def history_marks() -> dict[Any, int]:
    return {
        model: model.history.aggregate(m=Max("history_id"))["m"] or 0
        for model in registered_models.values()
        if hasattr(model, "history")
    }


def new_rows(marks: dict[Any, int]) -> list[tuple[Key, Any, str]]:
    """((model, pk), history user id, type) of every history row written since `marks`."""
    rows = []
    for model, mark in marks.items():
        pk = model._meta.pk.attname
        for obj_pk, user_id, kind in model.history.filter(history_id__gt=mark).values_list(
            pk, "history_user_id", "history_type"
        ):
            rows.append(((_label(model), obj_pk), user_id, kind))
    return rows


def key(obj: Any) -> Key:
    return (_label(type(obj)), obj.pk)


def form_data(form: Any) -> dict[str, Any]:
    """What the browser would post back for an unchanged form (its current values, by their HTML names)."""
    data: dict[str, Any] = {}
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple):
            data[field.html_name] = [str(v) for v in value]
        else:
            data[field.html_name] = "on" if value is True else str(value)
    return data


def formset_data(formset: Any) -> dict[str, Any]:
    data = form_data(formset.management_form)
    for form in formset.forms:
        data.update(form_data(form))
    return data


@dataclass
class Change:
    actor: Any
    changed: set[Key]  # the objects whose history must get exactly one row


# --- The write paths ---------------------------------------------------------------------------------------------
# Each takes the scenario and a `client_for`, performs one change and returns the actor and the changed objects.


def plan_activity_form(s, client_for) -> Change:
    client, activity = client_for(s.users["secretariat"]), s.activity
    url = reverse("strategy:activity_edit", args=[s.strategy.code, activity.pk])
    data = form_data(client.get(url).context["form"])
    data["title_en"] = "Activity renamed through its form"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    return Change(s.users["secretariat"], {key(activity)})


def plan_indicator_form(s, client_for) -> Change:
    client, indicator = client_for(s.users["coordinator"]), s.indicator
    url = reverse("strategy:indicator_edit", args=[s.strategy.code, indicator.pk])
    data = form_data(client.get(url).context["form"])
    data["name_en"] = "Indicator renamed through its form"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    return Change(s.users["coordinator"], {key(indicator)})


def plan_budget_form(s, client_for) -> Change:
    client, activity = client_for(s.users["secretariat"]), s.activity
    url = reverse("strategy:activity_budget", args=[s.strategy.code, activity.pk])
    page = client.get(url)
    data = {**form_data(page.context["grid"]), **formset_data(page.context["donors"])}
    data["y2024_state_budget"] = "2500"  # the grid's cell of the scenario's line (1000)
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    line = activity.budget_lines.get()
    assert line.amount == 2500
    return Change(s.users["secretariat"], {key(line), key(activity)})  # the activity's version goes up


def plan_workbook_import(s, client_for) -> Change:
    """The plan's workbook, exported, with one activity's English title changed, imported back (the service the
    import page calls after its preview)."""
    user, activity = s.users["secretariat"], s.activity
    buffer = io.BytesIO()
    plan_workbook.write_workbook(s.strategy, buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    cell = next(c for sheet in book for row in sheet.iter_rows() for c in row if c.value == activity.title_en)
    cell.value = "Activity renamed in the workbook"
    out = io.BytesIO()
    book.save(out)
    parsed = plan_workbook.read_workbook(io.BytesIO(out.getvalue()), name="plan.xlsx")
    assert not getattr(parsed, "errors", None), parsed.errors
    plan_workbook.apply_plan(parsed, by=user)
    return Change(user, {key(activity)})


def _report_page_post(s, client_for, name: str, role: str, **data: Any) -> Change:
    report = s.report
    report.refresh_from_db()
    data = {"version": report.version, "confirm": "yes", **data}  # as the confirmation page posts it
    response = client_for(s.users[role]).post(reverse(name, args=[report.pk]), data)
    assert response.status_code == 302
    report.refresh_from_db()
    return Change(s.users[role], {key(report)})


def _submitted(s) -> None:
    s.report.refresh_from_db()
    monitoring_services.submit_report(s.report, by=s.users["focal"], version=s.report.version)


def _approved(s) -> None:
    _submitted(s)
    s.report.refresh_from_db()
    monitoring_services.approve_report(s.report, by=s.users["secretariat"], version=s.report.version)


def report_submit_page(s, client_for) -> Change:
    change = _report_page_post(s, client_for, "monitoring:report-submit", "focal")
    assert s.report.status == "submitted"
    return change


def report_return_page(s, client_for) -> Change:
    change = _report_page_post(s, client_for, "monitoring:report-return", "secretariat", reason="Add the sources.")
    assert s.report.status == "returned"
    return change


def report_approve_page(s, client_for) -> Change:
    change = _report_page_post(s, client_for, "monitoring:report-approve", "secretariat")
    assert s.report.status == "approved"
    return change


def report_reopen_page(s, client_for) -> Change:
    return _report_page_post(s, client_for, "monitoring:report-reopen", "secretariat", reason="A figure is wrong.")


def cycle_close_page(s, client_for) -> Change:
    cycle = s.cycle
    cycle.refresh_from_db()
    response = client_for(s.users["secretariat"]).post(
        reverse("monitoring:cycle-close", args=[cycle.pk]), {"version": cycle.version, "confirm": "yes"}
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == "closed"
    return Change(s.users["secretariat"], {key(cycle), *map(key, cycle.reports.all())})  # its reports lock


def _api(s, role: str):
    from django.test import Client

    return Client(headers={"authorization": f"Bearer {s.keys[role]}"})


def api_save_lines(s, client_for) -> Change:
    report = s.report
    report.refresh_from_db()
    payload = lines_payload(report)
    payload["activities"][0]["narrative"] = "Changed through the API."
    response = _api(s, "focal").put(f"/api/v1/reports/{report.pk}/lines", payload, content_type="application/json")
    assert response.status_code == 200, response.content
    line = report.activity_lines.get(activity_id=payload["activities"][0]["activity_id"])
    return Change(s.users["focal"], {key(line), key(report)})  # the report's version goes up


def api_submit(s, client_for) -> Change:
    report = s.report
    report.refresh_from_db()
    response = _api(s, "focal").post(
        f"/api/v1/reports/{report.pk}/submit", {"version": report.version}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return Change(s.users["focal"], {key(report)})


def api_return(s, client_for) -> Change:
    s.report.refresh_from_db()
    response = _api(s, "secretariat").post(
        f"/api/v1/reports/{s.report.pk}/return", {"reason": "Add the sources.", "version": s.report.version},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    return Change(s.users["secretariat"], {key(s.report)})


def api_approve(s, client_for) -> Change:
    s.report.refresh_from_db()
    response = _api(s, "secretariat").post(
        f"/api/v1/reports/{s.report.pk}/approve", {}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return Change(s.users["secretariat"], {key(s.report)})


def api_reopen(s, client_for) -> Change:
    response = _api(s, "secretariat").post(
        f"/api/v1/reports/{s.report.pk}/reopen", {"reason": "A figure is wrong."}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return Change(s.users["secretariat"], {key(s.report)})


def api_close_cycle(s, client_for) -> Change:
    response = _api(s, "secretariat").post(f"/api/v1/cycles/{s.cycle.pk}/close", {}, content_type="application/json")
    assert response.status_code == 200, response.content
    return Change(s.users["secretariat"], {key(s.cycle), *map(key, s.cycle.reports.all())})  # reports lock


def report_workbook_upload(s, client_for) -> Change:
    """The report's workbook, downloaded, with one narrative changed, uploaded through the page."""
    report = s.report
    report.refresh_from_db()
    client = client_for(s.users["focal"])
    data = b"".join(client.get(reverse("monitoring:report-workbook", args=[report.pk])).streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(data))
    cell = next(c for sheet in book for row in sheet.iter_rows() for c in row if c.value == "Going well.")
    cell.value = "Changed in the workbook."
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("report.xlsx", out.getvalue())
    response = client.post(reverse("monitoring:report-upload", args=[report.pk]), {"file": upload})
    assert response.status_code == 302, response.content[:3000]
    line = report.activity_lines.get(narrative_sq="Changed in the workbook.")
    return Change(s.users["focal"], {key(line), key(report)})  # the report's version goes up


def admin_change_activity(s, client_for) -> Change:
    su, activity = s.users["superuser"], s.activity
    client = client_for(su)
    url = reverse("admin:strategy_activity_change", args=[activity.pk])
    page = client.get(url)
    data = form_data(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        data.update(formset_data(inline.formset))
    data["title_en"] = "Activity renamed in the admin"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    return Change(su, {key(activity)})


def admin_bulk_delete(s, client_for) -> Change:
    """Django's bulk action `delete_selected` on two values of the evidence base."""
    su = s.users["superuser"]
    values = list(s.context_indicator.values.all())
    assert len(values) == 2
    client = client_for(su)
    response = client.post(
        reverse("admin:context_contextvalue_changelist"),
        {"action": "delete_selected", "_selected_action": [v.pk for v in values], "post": "yes"},
    )
    assert response.status_code == 302
    return Change(su, {key(v) for v in values})


def consultation_answer(s, client_for) -> Change:
    comment = s.comment
    prefix = f"c{comment.pk}"
    response = client_for(s.users["secretariat"]).post(
        reverse("consultation:comment-answer", args=[comment.pk]),
        {f"{prefix}-answer": "accepted", f"{prefix}-reason": ""},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.answer == "accepted"
    return Change(s.users["secretariat"], {key(comment)})


def consultation_report_issue(s, client_for) -> Change:
    round_ = s.round
    response = client_for(s.users["secretariat"]).post(
        reverse("consultation:round-issue", args=[round_.pk]), {"confirm": "yes"}
    )
    assert response.status_code == 302
    return Change(s.users["secretariat"], {key(round_.reports.get())})


def annual_narrative_page(s, client_for) -> Change:
    user = s.users["secretariat"]
    response = client_for(user).post(
        reverse("reports:annual", args=[s.strategy.code, "2024"]), {"analysis_en": "What the year shows.", "version": 0}
    )
    assert response.status_code == 302
    return Change(user, {key(AnnualNarrative.objects.get(strategy=s.strategy, period="2024"))})


def chapter_page(s, client_for) -> Change:
    """A narrative chapter written (or changed) on its page: the chapter alone gets a row, not the strategy it locks."""
    user = s.users["secretariat"]
    current = Chapter.objects.filter(strategy=s.strategy, kind="vision").first()
    response = client_for(user).post(
        reverse("chapters:edit", args=[s.strategy.code, "vision"]),
        {
            "body_sq": "Vizioni",
            "body_en": "The vision, written on its page",
            "version": current.version if current else 0,
        },
    )
    assert response.status_code == 302
    return Change(user, {key(Chapter.objects.get(strategy=s.strategy, kind="vision"))})


def remark_page(s, client_for) -> Change:
    """The coordinator's remark on a chapter, posted on its page."""
    user = s.users["coordinator"]
    response = client_for(user).post(
        reverse("reports:remarks", args=[s.strategy.code, "chapter-vision"]), {"text": "Say more.", "back": ""}
    )
    assert response.status_code == 302
    return Change(user, {key(Remark.objects.get(strategy=s.strategy, subject="chapter-vision"))})


def remark_answer_page(s, client_for) -> Change:
    """The secretariat's answer to a remark, which resolves it."""
    remark = Remark.objects.get(strategy=s.strategy, subject="chapter-vision")
    user = s.users["secretariat"]
    response = client_for(user).post(reverse("reports:remark-answer", args=[remark.pk]), {"answer": "Done."})
    assert response.status_code == 302
    return Change(user, {key(remark)})


def _remark_posted(s) -> None:
    remarks.post(s.strategy, "chapter-vision", by=s.users["coordinator"], text="Say more.")


def _chapter_written(s) -> None:
    save_chapter(s.strategy, "vision", by=s.users["secretariat"], body_sq="", body_en="First", version=0)


def annual_report_issue(s, client_for) -> Change:
    """Issuing through its page (the files rendered by a stand-in: what is walked is the history)."""
    user = s.users["secretariat"]
    with mock.patch.object(generate, "render", lambda document, fmt: b"file"):
        response = client_for(user).post(
            reverse("reports:annual-issue", args=[s.strategy.code, "2024"]), {"confirm": "yes"}
        )
    assert response.status_code == 302
    return Change(user, {key(IssuedAnnualReport.objects.get(strategy=s.strategy, period="2024"))})


def _round_closed(s) -> None:
    today = timezone.localdate()
    consultation_rounds.update_round(
        s.round, by=s.users["secretariat"], opens_on=today - datetime.timedelta(days=40),
        closes_on=today - datetime.timedelta(days=1),
    )  # fmt: skip


def action_point_update(s, client_for) -> Change:
    point = s.action_point
    client = client_for(s.users["focal"])
    url = reverse("workinggroup:action-point", args=[point.pk])
    data = form_data(client.get(url).context["status_form"])
    data.update({"form": "status", "status": "in_progress", "note": "Costs collected from two directorates."})
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["status_form"].errors
    return Change(s.users["focal"], {key(point)})


def training_participants_import(s, client_for) -> Change:
    """A participants file with one new person, imported through the page."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Name", "Institution", "Sex", "Position", "Pre-test", "Post-test"])
    writer.writerow(["Teuta Duka", "AKPA", "female", "Expert", "50", "90"])
    upload = SimpleUploadedFile("participants.csv", buffer.getvalue().encode(), content_type="text/csv")
    response = client_for(s.users["secretariat"]).post(
        reverse("capacity:participants-import", args=[s.training.pk]), {"file": upload}
    )
    assert response.status_code == 302, response.content[:3000]
    created = s.training.participants.get(name="Teuta Duka")
    return Change(s.users["secretariat"], {key(created)})


def context_import(s, client_for) -> Change:
    """A CSV of the evidence base with one new year of an existing indicator (the service the import page calls)."""
    user = s.users["secretariat"]
    rows = "indicator,value,unit,year,source,source_url,verified,notes\nRemittances,1000,EUR million,2024,BoA,,yes,\n"
    context_importer.import_file(io.BytesIO(rows.encode()), country="AL", by=user, name="context.csv")
    value = s.context_indicator.values.get(year=2024)
    return Change(user, {key(value)})


def token_create_page(s, client_for) -> Change:
    user = s.users["viewer"]
    before = set(ApiToken.objects.filter(user=user).values_list("pk", flat=True))
    response = client_for(user).post(reverse("accounts:token-create"), {"name": "My script", "days": 30})
    assert response.status_code in (200, 302)
    (token,) = ApiToken.objects.filter(user=user).exclude(pk__in=before)
    return Change(user, {key(token)})


def token_revoke_page(s, client_for) -> Change:
    user, token = s.users["focal"], s.tokens["focal"]
    response = client_for(user).post(reverse("accounts:token-revoke", args=[token.pk]), {"confirm": "yes"})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    return Change(user, {key(token)})


def public_switch(s, client_for) -> Change:
    user = s.users["secretariat"]
    analytics_services.set_public(s.strategy, public=True, by=user)
    return Change(user, {key(s.strategy)})


def public_switch_page(s, client_for) -> Change:
    user = s.users["secretariat"]
    response = client_for(user).post(
        reverse("tracking:publish", args=[s.strategy.code]), {"public": "1", "confirm": "yes"}
    )
    assert response.status_code == 302
    s.strategy.refresh_from_db()
    assert s.strategy.is_public
    return Change(user, {key(s.strategy)})


def participant_add_service(s, client_for) -> Change:
    user = s.users["coordinator"]
    summary = capacity_services.save_participants(
        s.training, by=user, rows=[capacity_services.ParticipantInput("Arben Gashi", "MSHMS", "male")]
    )
    assert summary.created == 1
    return Change(user, {key(s.training.participants.get(name="Arben Gashi"))})


def report_lines_service(s, client_for) -> Change:
    """What the report page's form saves: one changed narrative among unchanged lines."""
    report, user = s.report, s.users["focal"]
    report.refresh_from_db()
    activities, indicators = complete_inputs(report)
    activities[0] = dataclasses.replace(activities[0], narrative_sq="Changed on the page.")
    monitoring_services.save_report(report, by=user, version=report.version, activities=activities, indicators=[])
    return Change(user, {key(report.activity_lines.get(activity_id=activities[0].activity_id)), key(report)})


def _assessment(s) -> Any:
    """The scenario's SDG 10.7.2 self-assessment, made by the path's preparation (`_assessment_made`)."""
    return Assessment.objects.get(strategy=s.strategy, year=2025)


def _assessment_made(s) -> None:
    assessment_services.create_assessment(s.strategy, year=2025, by=s.users["secretariat"])


def assessment_create(s, client_for) -> Change:
    user = s.users["secretariat"]
    response = client_for(user).post(reverse("assessment:create", args=[s.strategy.code]), {"year": "2024"})
    assert response.status_code == 302
    made = Assessment.objects.get(strategy=s.strategy, year=2024)
    return Change(user, {key(made), *(key(answer) for answer in made.answers.all())})


def assessment_answers_form(s, client_for) -> Change:
    """One answer changed on the answers form, with a measure and an activity: one row for it, one for the
    assessment (its version), none for the 29 answers left as they were."""
    user, assessment = s.users["secretariat"], _assessment(s)
    client = client_for(user)
    url = reverse("assessment:answers", args=[assessment.pk])
    data = form_data(client.get(url).context["form"])
    answer = assessment.answers.get(subcategory__number="6.3")
    data[f"level_{answer.subcategory_id}"] = "yes"
    data[f"measures_{answer.subcategory_id}"] = [str(s.activity.measure_id)]
    data[f"activities_{answer.subcategory_id}"] = [str(s.activity.pk)]
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    return Change(user, {key(answer), key(assessment)})


def assessment_status_form(s, client_for) -> Change:
    user, assessment = s.users["secretariat"], _assessment(s)
    response = client_for(user).post(
        reverse("assessment:status", args=[assessment.pk]), {"status": "final", "version": assessment.version}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.is_final
    return Change(user, {key(assessment)})


def _assessment_answered(s) -> None:
    _assessment_made(s)
    assessment = _assessment(s)
    given = {
        answer.subcategory_id: assessment_services.AnswerInput(level="no", evidence="")
        for answer in assessment.answers.all()
    }
    assessment_services.save_answers(assessment, by=s.users["secretariat"], version=None, answers=given)


def gcm_review_objective_page(s, client_for) -> Change:
    """The first text of the GCM review: the review of the period is made with it (one row each)."""
    user, year = s.users["secretariat"], s.strategy.plan_start_year
    data = {"part": "objective-2", "period": str(year), "objective-2-text_sq": "Teksti.",
            "objective-2-text_en": "Text.", "objective-2-version": "0"}  # fmt: skip
    response = client_for(user).post(reverse("reports:gcm-review-save", args=[s.strategy.code]), data)
    assert response.status_code == 302
    review = GcmReview.objects.get(strategy=s.strategy, period=str(year))
    return Change(user, {key(review), key(GcmReviewObjective.objects.get(review=review, number=2))})


def _gcm_review_written(s) -> None:
    report_services.write_review_chapter(
        s.strategy, Period.year(s.strategy.plan_start_year), chapter="context", text_sq="", text_en="First.",
        version=0, by=s.users["secretariat"],
    )  # fmt: skip


def gcm_review_chapter_page(s, client_for) -> Change:
    user, year = s.users["secretariat"], s.strategy.plan_start_year
    review = GcmReview.objects.get(strategy=s.strategy, period=str(year))
    data = {"part": "context", "period": str(year), "context-text_sq": "I dyti.", "context-text_en": "Second.",
            "context-version": str(review.version)}  # fmt: skip
    response = client_for(user).post(reverse("reports:gcm-review-save", args=[s.strategy.code]), data)
    assert response.status_code == 302
    return Change(user, {key(review)})


WRITE_PATHS: dict[str, Callable[..., Change]] = {
    "form: plan activity edit": plan_activity_form,
    "form: plan indicator edit": plan_indicator_form,
    "form: activity budget": plan_budget_form,
    "import: plan workbook": plan_workbook_import,
    "service: report lines": report_lines_service,
    "form: report submit": report_submit_page,
    "form: report return": report_return_page,
    "form: report approve": report_approve_page,
    "form: report reopen": report_reopen_page,
    "form: cycle close": cycle_close_page,
    "api: save lines": api_save_lines,
    "api: submit": api_submit,
    "api: return": api_return,
    "api: approve": api_approve,
    "api: reopen": api_reopen,
    "api: close cycle": api_close_cycle,
    "import: report workbook": report_workbook_upload,
    "admin: change activity": admin_change_activity,
    "bulk: admin delete_selected": admin_bulk_delete,
    "form: consultation answer": consultation_answer,
    "form: consultation report issue": consultation_report_issue,
    "form: annual report narrative": annual_narrative_page,
    "form: narrative chapter written": chapter_page,
    "form: narrative chapter changed": chapter_page,
    "form: remark on a draft": remark_page,
    "form: remark answered": remark_answer_page,
    "form: annual report issue": annual_report_issue,
    "form: action point status": action_point_update,
    "import: training participants": training_participants_import,
    "service: training participants": participant_add_service,
    "import: context values": context_import,
    "form: API token create": token_create_page,
    "form: API token revoke": token_revoke_page,
    "service: public switch": public_switch,
    "form: public switch": public_switch_page,
    "form: SDG 10.7.2 assessment create": assessment_create,
    "form: SDG 10.7.2 answers": assessment_answers_form,
    "form: SDG 10.7.2 final": assessment_status_form,
    "form: GCM review objective": gcm_review_objective_page,
    "form: GCM review chapter": gcm_review_chapter_page,
}


# What a path needs done before it (not counted): a report must be submitted before it is returned.
def _second_value(s) -> None:
    context_services.add_value(
        s.context_indicator, by=s.users["superuser"], year=2022, value=Decimal(800), source="BoA"
    )


PREPARE: dict[str, Callable[[Any], None]] = {
    "form: narrative chapter changed": _chapter_written,
    "form: remark answered": _remark_posted,
    "bulk: admin delete_selected": _second_value,
    "form: consultation report issue": _round_closed,
    "form: GCM review chapter": _gcm_review_written,
    "form: report return": _submitted,
    "form: report approve": _submitted,
    "form: report reopen": _approved,
    "api: return": _submitted,
    "api: approve": _submitted,
    "api: reopen": _approved,
    "form: SDG 10.7.2 answers": _assessment_made,
    "form: SDG 10.7.2 final": _assessment_answered,
}
KNOWN_GAPS: dict[str, str] = {}  # write path -> why it is xfail (strict): a real bug, reported


@pytest.mark.parametrize("path", [pytest.param(name, id=name) for name in WRITE_PATHS])
def test_one_history_row_per_changed_object(path, scenario, client_for, db, request):
    if path in KNOWN_GAPS:
        request.applymarker(pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[path]))
    if path in PREPARE:
        PREPARE[path](scenario)
    marks = history_marks()
    change = WRITE_PATHS[path](scenario, client_for)
    rows = new_rows(marks)
    counts: dict[Key, int] = {}
    for obj, _user, _kind in rows:
        counts[obj] = counts.get(obj, 0) + 1
    problems = []
    for obj in sorted(change.changed - counts.keys()):
        problems.append(f"{obj}: no history row")
    for obj, n in sorted(counts.items()):
        if obj not in change.changed:
            problems.append(f"{obj}: {n} row(s) for an object the change is not about")
        elif n != 1:
            problems.append(f"{obj}: {n} rows instead of one")
    for obj, user_id, kind in rows:
        if user_id != change.actor.pk:
            problems.append(f"{obj} ({kind}): history_user {user_id} instead of {change.actor.pk}")
    assert not problems, "\n".join(problems)
