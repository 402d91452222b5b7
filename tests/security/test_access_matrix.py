"""The access matrix: every page and every API operation of the site, requested by every role, on the objects of
the user's own institution and country and on another's.

The tables below ARE the access rules, written down once:

Who is who (tests/security/conftest.py builds them): `anon` has not signed in; `stake` is an external stakeholder
(an NGO invited to the Albanian consultation round); `fp` is the focal point of MSHMS, `fp2` of AKPA; `sec` the
Albanian technical secretariat, `coord` the Albanian coordinator, `view` a reader at INSTAT; `xk` is Kosovo's
secretariat; `su` a superuser. Every object of the scenario belongs to Albania unless a case says `[XK]`.

The rules:
- Nobody reads anything without signing in, except the home page, the sign-in page, the reference pages (GCM, SDG,
  MGI, code lists: public knowledge), the public pages of strategies made public, the public consultation rounds
  and the API's OpenAPI document. Pages send the anonymous visitor to sign in; the API answers 401.
- The plan of a strategy (results, activities, indicators, versions, meetings, trainings, the evidence base of its
  country) is read by every internal user (focal point, secretariat, coordinator, viewer) of an institution of its
  country, and changed only by the plan editors: the secretariat and the coordinator (`access.PLAN_EDITORS`).
- A stakeholder sees no internal page: only the consultation rounds their institution is invited to (and may
  comment there), and the list of their rounds. The indexes of the internal pages (reports, trainings, meetings,
  the evidence base, analysis, documents) are 404 to them (`access.internal_page`), not an empty page.
- Monitoring: a focal point fills in and submits only their own institution's report; they never see another
  institution's report (404, as for a missing one). The secretariat and the coordinator oversee every report of
  their country (the cycle's board); only the secretariat returns, approves, reopens and closes. A viewer reads
  approved reports only (the scenario's reports are not approved).
- The analysis (dashboard, indicator tracking, GCM alignment, the API roll-ups) is for the secretariat, the
  coordinator and viewers of the country; not for focal points.
- Documents (the annual monitoring report, the plan as Word, PDF or Excel) are read and downloaded by whoever reads
  the analysis, and asked for only by the secretariat and the coordinator (a viewer's request is 404). The monitoring
  report's page (its narrative and issues) is read by the same readers; only the secretariat writes the narrative and
  issues the report. An issued report's files are anybody's when the strategy is public, else its readers'.
  The draft GCM review is the secretariat's to write and the coordinator's to read; viewers and focal points do not
  see it.
- Someone of another country (Kosovo's secretariat) is a stranger to Albania's objects: 404 everywhere, exactly as
  for objects that do not exist. Country-wide lists (the evidence base, the reports list) show them their own only.
- API tokens: everybody signed in manages their own; someone else's token is 404 (superusers see every token).
- People (users, their roles, invitations): managed by the secretariat and the coordinator of their country only;
  another country's person or invitation is 404 (Kosovo's secretariat sees the people page, with Kosovo's people).
  The invitation's link is anybody's: an unknown key is refused in a sentence.
- A superuser may do everything; /admin/ is for staff only.

Cells: A allowed (2xx, a redirect that is not to the sign-in page, or for a POST with empty data a 4xx other than
401/403/404 such as 400/409/422: the request reached the action), L sent to sign in (a redirect to the sign-in page;
401 in the API), D denied (403 or 404), E a server error (never expected). For the API the cells are the status
codes themselves. POST-only views (405 to GET) are POSTed with no data inside a rolled-back transaction.
"""

import re
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from nsm.accounts import services as account_services
from nsm.accounts.models import Institution
from nsm.assessment import services as assessment_services
from nsm.consultation import issue, report
from nsm.consultation.models import ConsultationReport
from nsm.notifications.models import Notification
from nsm.reports import remarks
from nsm.reports.models import GeneratedDocument, IssuedAnnualFile, IssuedAnnualReport
from tests.security.conftest import ROLES

SHORT = dict(zip(ROLES, ("anon", "stake", "fp", "fp2", "sec", "coord", "view", "xk", "su"), strict=True))

# --- The patterns not requested, and why ---------------------------------------------------------------------------

SKIPPED_NAMESPACES = {
    # Django's admin: its internals (changelists, change forms of every model) are Django's own and guarded by
    # `is_staff` as a whole; the matrix requests /admin/ itself (`admin:index`), the history walk changes an activity
    # through it.
    "admin",
}
SKIPPED_NAMES = {
    "set_language",  # Django's i18n view: switches the language of anyone's session, no data behind it
}
# The API's operations are requested through the OpenAPI document (test_api_matrix); these API addresses are pages.
API_PAGES = {"api:openapi-json", "api:openapi-view", "api:api-root"}


def walk(patterns: list, prefix: str = "", namespaces: tuple[str, ...] = ()) -> list[tuple[str, str, list[str]]]:
    """(name, route, parameter names) of every URL pattern of the site, recursively."""
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            found += walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = pattern.name or ("api-not-found" if route.startswith("^api/v1/") else "")
            params = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
            found.append((":".join((*namespaces, name)), route, [a or b for a, b in params]))
    return found


def site_patterns() -> list[tuple[str, str, list[str]]]:
    return [
        (name, route, params)
        for name, route, params in walk(get_resolver().url_patterns)
        if name.split(":")[0] not in SKIPPED_NAMESPACES or name == "admin:index"
        if name not in SKIPPED_NAMES
        if not name.startswith("api:") or name in API_PAGES
    ]


# --- Filling the patterns' parameters from the scenario ------------------------------------------------------------
# `code` is the Albanian strategy's everywhere; `pk`, `number` and `path` depend on the page: PK_OF names the scenario
# object behind each page's pk. A page with two entries is requested on the user's own institution's object and on
# another institution's. A page missing here fails test_every_pattern_is_filled.

PK_OF: dict[str, dict[str, str]] = {
    "accounts:token-revoke": {"": "token:focal"},  # the focal point's own token
    "accounts:person": {"": "user:focal"},  # MSHMS's focal point, one of Albania's people
    "accounts:person-deactivate": {"": "user:focal"},
    "accounts:person-reactivate": {"": "user:focal"},
    "accounts:person-reset-two-factor": {"": "user:focal"},
    "accounts:invitation-resend": {"": "invitation"},  # an invitation to MSHMS
    "accounts:invitation-cancel": {"": "invitation"},
    "strategy:result": {"": "measure"},
    "strategy:result_add": {"": "objective"},
    "strategy:result_edit": {"": "measure"},
    "strategy:result_move": {"": "measure"},
    "strategy:result_delete": {"": "measure"},
    "strategy:activity_add": {"": "measure"},
    "strategy:indicator_add": {"": "measure"},
    "strategy:activity": {"": "activity"},
    "strategy:activity_edit": {"": "activity"},
    "strategy:activity_move": {"": "activity"},
    "strategy:activity_delete": {"": "activity"},
    "strategy:activity_budget": {"": "activity"},
    "strategy:indicator": {"": "indicator"},
    "strategy:indicator_edit": {"": "indicator"},
    "strategy:indicator_move": {"": "indicator"},
    "strategy:indicator_delete": {"": "indicator"},
    "strategy:indicator_targets": {"": "indicator"},
    "strategy:result_withdraw": {"": "measure"},
    "strategy:result_restore": {"": "measure"},
    "strategy:activity_withdraw": {"": "activity"},
    "strategy:activity_restore": {"": "activity"},
    "strategy:indicator_withdraw": {"": "indicator"},
    "strategy:indicator_restore": {"": "indicator"},
    "strategy:action_plan_edit": {"": "action_plan"},
    "capacity:training": {"": "training"},
    "capacity:training-edit": {"": "training"},
    "capacity:participants-add": {"": "training"},
    "capacity:participants-import": {"": "training"},
    "capacity:participant-remove": {"": "training_participant"},
    "monitoring:cycle": {"": "cycle"},
    "monitoring:cycle-open": {"": "cycle"},
    "monitoring:cycle-remind": {"": "cycle"},
    "monitoring:cycle-workbook": {"": "cycle"},
    "monitoring:cycle-close": {"": "cycle"},
    "context:indicator": {"": "context_indicator"},
    "context:indicator-edit": {"": "context_indicator"},
    "context:value-add": {"": "context_indicator"},
    "context:value-edit": {"": "context_value"},
    "context:value-delete": {"": "context_value"},
    "workinggroup:meeting": {"": "meeting"},
    "workinggroup:meeting-edit": {"": "meeting"},
    "workinggroup:minutes": {"": "meeting"},
    "workinggroup:participant-add": {"": "meeting"},
    "workinggroup:decision-add": {"": "meeting"},
    "workinggroup:action-point-add": {"": "meeting"},
    "workinggroup:participant-remove": {"": "meeting_participant"},
    "workinggroup:action-point": {"MSHMS": "action_point", "AKPA": "other_action_point"},
    "consultation:round": {"": "round"},
    "consultation:round-edit": {"": "round"},
    "consultation:round-report": {"": "round"},
    "consultation:round-report-xlsx": {"": "round"},
    "consultation:comment-answer": {"": "comment"},
    "consultation:public": {"": "round"},
    "consultation:round-issue": {"": "round"},
    "reports:consultation": {"": "consultation_report"},
    "reports:annual-file": {"": "annual_issue"},
    "reports:remark-answer": {"": "remark"},
    "monitoring:evidence": {"": "evidence"},  # MSHMS's report's
    "monitoring:evidence-remove": {"": "evidence"},
    "reports:status": {"": "document"},
    "reports:download": {"": "document"},
    "notifications:open": {"": "notification"},  # the focal point's own notice
    "assessment:detail": {"": "assessment"},
    "assessment:answers": {"": "assessment"},
    "assessment:suggest": {"": "assessment"},
    "assessment:status": {"": "assessment"},
    "assessment:document": {"": "assessment"},
}
for _name in ("report", "report-submit", "report-return", "report-approve", "report-reopen", "report-comment",
              "report-history", "evidence-add", "report-workbook", "report-upload"):  # fmt: skip
    PK_OF[f"monitoring:{_name}"] = {"MSHMS": "report", "AKPA": "other_report"}
# The password reset link's parameters: a link that is not valid (the page says so, to anybody).
RESET_LINK = {"uidb64": "MQ", "token": "no-such-token"}
# Pages of a strategy requested on Kosovo's strategy too (besides Albania's): the stranger's door from the other side.
XK_TOO = {
    "tracking:public",
    "chapters:list",
    "strategy:detail",
    "analytics:dashboard",
    "monitoring:cycles",
    "capacity:trainings",
    "consultation:versions",
    "reports:documents",
    "reports:annual",
    "reports:published",
    "assessment:list",
    "reports:gcm-review",
    "reports:remark-list",
    "reports:remarks",
}


def with_invitation(scenario: Any, django_db_blocker: Any) -> Any:
    """The security scenario with a pending invitation to MSHMS, sent by Albania's secretariat."""
    with django_db_blocker.unblock():
        invitation, _sent = account_services.invite_person(
            by=scenario.users["secretariat"], email="invited@example.org", first_name="Invited", last_name="Person",
            institution=Institution.objects.get(code="MSHMS", country="AL"), role="focal_point", language="en",
        )  # fmt: skip
        scenario.objects["invitation"] = invitation
    return scenario


def with_document(scenario: Any, django_db_blocker: Any) -> Any:
    """The security scenario with a document made from Albania's plan, which the Documents pages need, and a pending
    invitation (`with_invitation`), which the people pages need."""
    with_invitation(scenario, django_db_blocker)
    with django_db_blocker.unblock():
        document = GeneratedDocument(
            strategy=scenario.strategy, kind="plan", language="en", fmt="xlsx", status="done", progress=100,
            requested_by=scenario.users["secretariat"], filename="AL-NSM-SEC_plan_en.xlsx", size=2,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )  # fmt: skip
        document.file.save(document.filename, ContentFile(b"PK"))
        scenario.objects["document"] = document
    return scenario


def with_notification(scenario: Any, django_db_blocker: Any) -> Any:
    """The security scenario with a notice to MSHMS's focal point, which only they may open."""
    with django_db_blocker.unblock():
        scenario.objects["notification"] = Notification.objects.create(
            recipient=scenario.users["focal"], kind="comment", key="matrix", text_sq="Koment", text_en="Comment",
            url=reverse("monitoring:report", kwargs={"pk": scenario.report.pk}),
        )  # fmt: skip
    return scenario


def with_consultation_report(scenario: Any, django_db_blocker: Any) -> Any:
    """The security scenario with a consultation report issued for its round (its content as issuing freezes it;
    made directly, since the scenario's round is still open)."""
    with django_db_blocker.unblock():
        round_ = scenario.round
        scenario.objects["consultation_report"] = ConsultationReport.objects.create(
            round=round_, number=1, issued_by=scenario.users["secretariat"],
            content=issue.content_of(round_, report.build(round_)),
        )  # fmt: skip
    return scenario


def with_annual_issue(scenario: Any, django_db_blocker: Any) -> Any:
    """The security scenario with Albania's 2024 monitoring report issued, with one file (made directly: the pages
    serve what was stored)."""
    with django_db_blocker.unblock():
        issue = IssuedAnnualReport.objects.create(
            strategy=scenario.strategy, period="2024", number=1, issued_by=scenario.users["secretariat"]
        )
        row = IssuedAnnualFile(
            issue=issue, language="en", fmt="xlsx", filename="AL-NSM-SEC_annual-2024-issue-1_en.xlsx", size=2,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )  # fmt: skip
        row.file.save(row.filename, ContentFile(b"PK"), save=False)
        row.save()
        scenario.objects["annual_issue"] = issue
    return scenario


def with_remark(scenario: Any, django_db_blocker: Any) -> Any:
    """The security scenario with the coordinator's remark on Albania's vision chapter, open."""
    with django_db_blocker.unblock():
        scenario.objects["remark"] = remarks.post(
            scenario.strategy, "chapter-vision", by=scenario.users["coordinator"], text="Say more."
        )
    return scenario


def with_assessment(scenario: Any, django_db_blocker: Any) -> Any:
    """The security scenario with an SDG 10.7.2 self-assessment of each country's strategy, made by its secretariat."""
    with django_db_blocker.unblock():
        scenario.objects["assessment"] = assessment_services.create_assessment(
            scenario.strategy, year=2025, by=scenario.users["secretariat"]
        )
        scenario.objects["xk_assessment"] = assessment_services.create_assessment(
            scenario.xk_strategy, year=2025, by=scenario.users["xk_secretariat"]
        )
    return scenario


@pytest.fixture(scope="module")
def scenario(scenario, django_db_blocker):
    with_assessment(scenario, django_db_blocker)
    with_consultation_report(scenario, django_db_blocker)
    with_annual_issue(scenario, django_db_blocker)
    with_remark(scenario, django_db_blocker)
    return with_notification(with_document(scenario, django_db_blocker), django_db_blocker)


def _object(scenario: Any, key: str) -> Any:
    if key.startswith("token:"):
        return scenario.tokens[key.partition(":")[2]]
    if key.startswith("user:"):
        return scenario.users[key.partition(":")[2]]
    return getattr(scenario, key)


def cases(scenario: Any) -> tuple[list[tuple[str, str]], list[str]]:
    """(case id, URL) for every page, and the patterns that could not be filled."""
    found, unfilled = [], []
    for name, _route, params in site_patterns():
        variants = PK_OF.get(name, {"": None})
        for variant, key in variants.items():
            kwargs: dict[str, Any] = {}
            for param in params:
                if param == "code":
                    kwargs["code"] = scenario.strategy.code
                elif param == "number":
                    kwargs["number"] = scenario.version.number
                elif param == "path":
                    kwargs["path"] = "no/such/address"
                elif param == "institution":  # an institution's scorecard: the institution that leads the activity
                    kwargs["institution"] = scenario.activity.lead.code
                elif param == "kind":  # a narrative chapter of the strategy
                    kwargs["kind"] = "vision"
                elif param == "language":  # an issued consultation report's file
                    kwargs["language"] = "en"
                elif param == "fmt":
                    kwargs["fmt"] = "xlsx"
                elif param == "subject":  # the draft remarks are about
                    kwargs["subject"] = "chapter-vision"
                elif param == "period":  # a monitoring report's year
                    kwargs["period"] = "2024"
                elif param in RESET_LINK:
                    kwargs[param] = RESET_LINK[param]
                elif param == "pk" and key:
                    kwargs["pk"] = _object(scenario, key).pk
                else:
                    unfilled.append(f"{name} ({param})")
                    break
            else:
                case = f"{name}[{variant}]" if variant else name
                url = "/api/v1/no/such/address" if name == "api-not-found" else reverse(name, kwargs=kwargs)
                found.append((case, url))
                if name in XK_TOO:
                    found.append((f"{name}[XK]", reverse(name, kwargs={**kwargs, "code": scenario.xk_strategy.code})))
    return found, unfilled


# --- The expected pages' matrix -------------------------------------------------------------------------------------

COLUMNS = "anon stake fp fp2 sec coord view xk su"
EXPECTED: dict[str, str] = {
    # fmt: off
    #                                  anon stake fp fp2 sec coord view xk su
    "home": "A A A A A A A A A",
    "accounts:login": "A A A A A A A A A",
    "accounts:logout": "A A A A A A A A A",
    "accounts:two-factor": "L A A A A A A A A",
    "accounts:two-factor-enroll": "L A A A A A A A A",
    "accounts:password-change": "L A A A A A A A A",
    "accounts:password-change-done": "L A A A A A A A A",
    "accounts:password-reset": "A A A A A A A A A",
    "accounts:password-reset-sent": "A A A A A A A A A",
    "accounts:password-reset-confirm": "A A A A A A A A A",
    "accounts:password-reset-complete": "A A A A A A A A A",
    "accounts:institutions": "A A A A A A A A A",
    "accounts:tokens": "L A A A A A A A A",
    "accounts:token-create": "L A A A A A A A A",
    "accounts:token-revoke": "L D A D D D D D A",
    "accounts:people": "L D D D A A D A A",
    "accounts:people-invite": "L D D D A A D A A",
    "accounts:person": "L D D D A A D D A",
    "accounts:person-deactivate": "L D D D A A D D A",
    "accounts:person-reactivate": "L D D D A A D D A",
    "accounts:person-reset-two-factor": "L D D D A A D D A",
    "accounts:invitation-resend": "L D D D A A D D A",
    "accounts:invitation-cancel": "L D D D A A D D A",
    "accounts:invitation": "A A A A A A A A A",
    "reference:index": "A A A A A A A A A",
    "reference:gcm": "A A A A A A A A A",
    "reference:sdg": "A A A A A A A A A",
    "reference:mgi": "A A A A A A A A A",
    "reference:code_lists": "A A A A A A A A A",
    "reference:territory": "A A A A A A A A A",
    "strategy:import": "L D D D A A D A A",
    "strategy:import_confirm": "L D D D A A D A A",
    "strategy:import_cancel": "L D D D A A D A A",
    "strategy:import_template": "L A A A A A A A A",
    "strategy:import_matrix": "L D D D A A D A A",
    "strategy:import_matrix_columns": "L D D D A A D A A",
    "strategy:import_matrix_confirm": "L D D D A A D A A",
    "strategy:import_matrix_cancel": "L D D D A A D A A",
    "strategy:export": "L D A A A A A D A",
    "strategy:detail": "L D A A A A A D A",
    "strategy:detail[XK]": "L D D D D D D A A",
    "strategy:goal_add": "L D D D A A D D A",
    "strategy:result": "L D A A A A A D A",
    "strategy:result_add": "L D D D A A D D A",
    "strategy:result_edit": "L D D D A A D D A",
    "strategy:result_move": "L D D D A A D D A",
    "strategy:result_delete": "L D D D A A D D A",
    "strategy:activity_add": "L D D D A A D D A",
    "strategy:indicator_add": "L D D D A A D D A",
    "strategy:activity": "L D A A A A A D A",
    "strategy:activity_edit": "L D D D A A D D A",
    "strategy:activity_move": "L D D D A A D D A",
    "strategy:activity_delete": "L D D D A A D D A",
    "strategy:activity_budget": "L D D D A A D D A",
    "strategy:indicators": "L D A A A A A D A",
    "strategy:amendments": "L D A A A A A D A",
    "strategy:action_plans": "L D A A A A A D A",
    "strategy:action_plan_edit": "L D D D A A D D A",
    "chapters:list": "L D A A A A A D A",
    "chapters:list[XK]": "L D D D D D D A A",
    "chapters:edit": "L D D D A D D D A",  # the secretariat writes the chapters; the coordinator remarks on them
    "chapters:preview": "L D D D A D D D A",
    "strategy:indicator": "L D A A A A A D A",
    "strategy:indicator_edit": "L D D D A A D D A",
    "strategy:indicator_move": "L D D D A A D D A",
    "strategy:indicator_delete": "L D D D A A D D A",
    "strategy:indicator_targets": "L D D D A A D D A",
    "strategy:result_withdraw": "L D D D A A D D A",
    "strategy:result_restore": "L D D D A A D D A",
    "strategy:activity_withdraw": "L D D D A A D D A",
    "strategy:activity_restore": "L D D D A A D D A",
    "strategy:indicator_withdraw": "L D D D A A D D A",
    "strategy:indicator_restore": "L D D D A A D D A",
    "capacity:index": "L D A A A A A A A",
    "capacity:trainings": "L D A A A A A D A",
    "capacity:trainings[XK]": "L D D D D D D A A",
    "capacity:training-create": "L D D D A A D D A",
    "capacity:summary": "L D A A A A A D A",
    "capacity:training": "L D A A A A A D A",
    "capacity:training-edit": "L D D D A A D D A",
    "capacity:participants-add": "L D D D A A D D A",
    "capacity:participants-import": "L D D D A A D D A",
    "capacity:participant-remove": "L D D D A A D D A",
    "monitoring:reports": "L D A A A A A A A",
    "notifications:inbox": "L A A A A A A A A",
    "notifications:open": "L D A D D D D D D",
    "notifications:read-all": "L A A A A A A A A",
    "notifications:settings": "L A A A A A A A A",
    "notifications:bell": "L A A A A A A A A",
    "monitoring:shared-lines": "L D A A A A A A A",
    "monitoring:cycles": "L D A A A A A D A",
    "monitoring:cycles[XK]": "L D D D D D D A A",
    "monitoring:cycle": "L D D D A A D D A",
    "monitoring:cycle-open": "L D D D A D D D A",
    "monitoring:cycle-close": "L D D D A D D D A",
    "monitoring:cycle-remind": "L D D D A D D D A",
    "monitoring:cycle-workbook": "L D D D A A D D A",
    "monitoring:report[MSHMS]": "L D A D A A D D A",
    "monitoring:report[AKPA]": "L D D A A A D D A",
    "monitoring:report-submit[MSHMS]": "L D A D D D D D A",
    "monitoring:report-submit[AKPA]": "L D D A D D D D A",
    "monitoring:report-return[MSHMS]": "L D D D A D D D A",
    "monitoring:report-return[AKPA]": "L D D D A D D D A",
    "monitoring:report-approve[MSHMS]": "L D D D A D D D A",
    "monitoring:report-approve[AKPA]": "L D D D A D D D A",
    "monitoring:report-reopen[MSHMS]": "L D D D A D D D A",
    "monitoring:report-reopen[AKPA]": "L D D D A D D D A",
    "monitoring:report-comment[MSHMS]": "L D D D A D D D A",
    "monitoring:report-comment[AKPA]": "L D D D A D D D A",
    "monitoring:report-history[MSHMS]": "L D A D A A D D A",
    "monitoring:report-history[AKPA]": "L D D A A A D D A",
    "monitoring:evidence-add[MSHMS]": "L D A D D D D D A",
    "monitoring:evidence-add[AKPA]": "L D D A D D D D A",
    "monitoring:evidence": "L D A D A A D D A",
    "monitoring:evidence-remove": "L D A D D D D D A",
    "monitoring:report-workbook[MSHMS]": "L D A D A A D D A",
    "monitoring:report-workbook[AKPA]": "L D D A A A D D A",
    "monitoring:report-upload[MSHMS]": "L D A D D D D D A",
    "monitoring:report-upload[AKPA]": "L D D A D D D D A",
    "context:list": "L D A A A A A A A",
    "context:indicator-add": "L D D D A A D A A",
    "context:indicator": "L D A A A A A D A",
    "context:indicator-edit": "L D D D A A D D A",
    "context:value-add": "L D D D A A D D A",
    "context:value-edit": "L D D D A A D D A",
    "context:value-delete": "L D D D A A D D A",
    "context:import": "L D D D A A D A A",
    "workinggroup:index": "L D A A A A A A A",
    "workinggroup:meetings": "L D A A A A A D A",
    "workinggroup:meeting-create": "L D D D A A D D A",
    "workinggroup:action-points": "L D A A A A A D A",
    "workinggroup:meeting": "L D A A A A A D A",
    "workinggroup:meeting-edit": "L D D D A A D D A",
    "workinggroup:minutes": "L D A A A A A D A",
    "workinggroup:participant-add": "L D D D A A D D A",
    "workinggroup:decision-add": "L D D D A A D D A",
    "workinggroup:action-point-add": "L D D D A A D D A",
    "workinggroup:participant-remove": "L D D D A A D D A",
    "workinggroup:action-point[MSHMS]": "L D A D A A D D A",
    "workinggroup:action-point[AKPA]": "L D D A A A D D A",
    "consultation:versions": "L D A A A A A D A",
    "consultation:versions[XK]": "L D D D D D D A A",
    "consultation:compare": "L D A A A A A D A",
    "consultation:version": "L D A A A A A D A",
    "consultation:version_adopt": "L D D D A A D D A",
    "consultation:quality": "L D A A A A A D A",
    "consultation:rounds": "L D A A A A A D A",
    "consultation:round": "L A A A A A A D A",
    "consultation:round-edit": "L D D D A A D D A",
    "consultation:round-report": "L D A A A A A D A",
    "consultation:round-report-xlsx": "L D A A A A A D A",
    "consultation:comment-answer": "L D D D A A D D A",
    "consultation:mine": "L A A A A A A A A",
    "consultation:public": "A A A A A A A A A",
    "consultation:round-issue": "L D D D A D D D A",  # the secretariat issues (the round is open: it is told so)
    "analytics:index": "L D A A A A A A A",
    "analytics:dashboard": "L D D D A A A D A",
    "analytics:dashboard[XK]": "L D D D D D D A A",
    "analytics:activities": "L D D D A A A D A",
    "analytics:scorecards": "L D D D A A A D A",
    "analytics:scorecard": "L D D D A A A D A",
    "tracking:iptt": "L D D D A A A D A",
    "tracking:iptt_export": "L D D D A A A D A",
    "tracking:gcm": "L D D D A A A D A",
    "tracking:publish": "L D D D A D D D A",
    # The SDG 10.7.2 self-assessment: read by whoever reads the analysis, made and answered by the secretariat only.
    "assessment:list": "L D D D A A A D A",
    "assessment:list[XK]": "L D D D D D D A A",
    "assessment:create": "L D D D A D D D A",
    "assessment:detail": "L D D D A A A D A",
    "assessment:answers": "L D D D A D D D A",
    "assessment:suggest": "L D D D A D D D A",
    "assessment:status": "L D D D A D D D A",
    "assessment:document": "L D D D A A A D A",
    "tracking:public_index": "A A A A A A A A A",
    "tracking:public": "D D D D D D D D D",  # not made public: nobody's, not even a superuser's
    "tracking:public[XK]": "A A A A A A A A A",  # made public: everybody's
    "reports:index": "L D A A A A A A A",
    "search:search": "L A A A A A A A A",
    "reports:documents": "L D D D A A A D A",
    "reports:documents[XK]": "L D D D D D D A A",
    "reports:request": "L D D D A A D D A",
    "reports:status": "L D D D A A A D A",
    "reports:download": "L D D D A A A D A",
    "reports:consultation": "A A A A A A A A A",  # an issued consultation report is published: anybody's
    "reports:annual": "L D D D A A A D A",  # read by the analysis' readers, written by the secretariat
    "reports:annual[XK]": "L D D D D D D A A",
    "reports:annual-preview": "L D D D A D D D A",
    "reports:annual-issue": "L D D D A D D D A",  # the secretariat issues (a GET or empty POST: asked first)
    "reports:annual-file": "L D D D A A A D A",  # the strategy is not public: the analysis' readers
    "reports:published": "D D D D D D D D D",  # not public: nobody's
    "reports:published[XK]": "A A A A A A A A A",  # public: everybody's
    "reports:gcm-review": "L D D D A A D D A",  # a draft: the secretariat writes, the coordinator reads
    "reports:gcm-review[XK]": "L D D D D D D A A",
    "reports:gcm-review-save": "L D D D A D D D A",
    "reports:gcm-review-preview": "L D D D A D D D A",
    "reports:gcm-review-file": "L D D D A A D D A",
    "reports:remark-list": "L D D D A A D D A",  # remarks on the drafts: the coordinator and the secretariat
    "reports:remark-list[XK]": "L D D D D D D A A",
    "reports:remarks": "L D D D A A D D A",
    "reports:remarks[XK]": "L D D D D D D A A",
    "reports:remark-answer": "L D D D A D D D A",  # the secretariat answers
    "api:openapi-json": "A A A A A A A A A",
    "api:openapi-view": "L A A A A A A A A",
    "api:api-root": "D D D D D D D D D",
    "api-not-found": "D D D D D D D D D",
    "admin:index": "L L L L L L L L A",
    # fmt: on
}


def parse(table: dict[str, str]) -> dict[str, dict[str, str]]:
    return {case: dict(zip(ROLES, row.split(), strict=True)) for case, row in table.items()}


# The pages a stranger to Albania's plan opens (lists, indexes) must not show any of it: its code must not appear.
STRANGERS = ("stakeholder", "xk_secretariat")
AL_CODE = b"AL-NSM-SEC"
MAY_NAME_IT = {  # the consultation the stakeholder is invited to names the strategy it is about
    ("consultation:round", "stakeholder"),
    ("consultation:mine", "stakeholder"),
    ("home", "stakeholder"),  # its to-do list: the rounds it is invited to, as on consultation:mine
    ("consultation:public", "stakeholder"),
    ("consultation:public", "xk_secretariat"),  # a public round: anybody's
    ("reports:consultation", "stakeholder"),  # an issued consultation report names its strategy: anybody's
    ("reports:consultation", "xk_secretariat"),
}


# --- Requesting ----------------------------------------------------------------------------------------------------


def _is_sign_in(location: str) -> bool:
    """The site's sign-in page, or the admin's (where /admin/ sends whoever is not staff)."""
    return location.split("?")[0] in (resolve_url(settings.LOGIN_URL), reverse("admin:login"))


def classify(response: Any, method: str) -> str:
    status = response.status_code
    if status == 401 or (300 <= status < 400 and _is_sign_in(response.get("Location", ""))):
        return "L"
    if status in (403, 404):
        return "D"
    if status < 400 or (method == "POST" and status < 500 and status != 405):
        return "A"
    return "E"


def request(client: Client, url: str) -> tuple[str, Any, str, bytes]:
    """GET the page (POST with no data when it answers 405 to GET), in a transaction rolled back after it, with the
    client's cookies restored (a sign-out must not sign out the next request). Returns (cell, status, method, body)."""
    cookies = SimpleCookie(client.cookies.output(header="", sep="\n"))
    try:
        with transaction.atomic():
            method = "GET"
            try:
                response = client.get(url)
                if response.status_code == 405:
                    method = "POST"
                    response = client.post(url, {})
                cell = classify(response, method)
                status = response.status_code
                body = b"".join(response.streaming_content) if response.streaming else response.content
            except Exception as error:  # noqa: BLE001 - a crash is a cell of the matrix, reported with the others
                cell, status, body = "E", f"{type(error).__name__}: {error}"[:60], b""
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return cell, status, method, body


@pytest.fixture
def clients(scenario, client_for) -> dict[str, Client]:
    """A client per role: signed in (through `client_for`, which makes the session fully verified) but anonymous."""
    made = {"anonymous": Client()}
    for role, user in scenario.users.items():
        made[role] = client_for(user)
    return made


def render_mismatches(mismatches: list[tuple[str, str, str, str, Any, str]]) -> str:
    lines = [f"{len(mismatches)} cell(s) differ from the access rules (expected -> actual):", ""]
    width = max(len(m[0]) for m in mismatches)
    for case, url, role, expected, status, method in mismatches:
        lines.append(f"  {case:<{width}}  {SHORT[role]:>5}: {expected} -> {status} ({method} {url})")
    return "\n".join(lines)


def render_matrix(results: dict[str, dict[str, str]]) -> str:
    width = max(len(case) for case in results)
    lines = [f"    {'':<{width + 3}}#  {COLUMNS}"]
    for case, row in results.items():
        cells = " ".join(row[role] for role in ROLES)
        lines.append(f'    {f"{case!r}:":<{width + 3}}"{cells}",')
    return "\n".join(lines)


# --- The tests -----------------------------------------------------------------------------------------------------


def test_every_pattern_is_filled_and_has_its_row(scenario, db):
    """A new page must be added to the parameter table and to the expected matrix: it can't be forgotten."""
    found, unfilled = cases(scenario)
    assert not unfilled, f"URL patterns whose parameters the scenario cannot fill (add them to PK_OF): {unfilled}"
    ids = {case for case, _url in found}
    missing = sorted(ids - EXPECTED.keys())
    stale = sorted(EXPECTED.keys() - ids)
    assert not missing, f"pages without a row in EXPECTED: {missing}"
    assert not stale, f"rows of EXPECTED for pages that no longer exist: {stale}"


def test_page_matrix(scenario, clients, db):
    expected = parse(EXPECTED)
    found, _unfilled = cases(scenario)
    results: dict[str, dict[str, str]] = {}
    mismatches = []
    for case, url in found:
        results[case] = {}
        for role in ROLES:
            cell, status, method, body = request(clients[role], url)
            results[case][role] = cell
            want = expected.get(case, {}).get(role)
            if want is not None and cell != want:
                mismatches.append((case, url, role, want, f"{cell} {status}", method))
            elif cell == "A" and role in STRANGERS and (case, role) not in MAY_NAME_IT and AL_CODE in body:
                mismatches.append((case, url, role, "no Albanian data", f"{AL_CODE.decode()} in the page", method))
    if not EXPECTED:
        pytest.fail("No EXPECTED table yet; the actual matrix:\n" + render_matrix(results))
    assert not mismatches, render_mismatches(mismatches)


# --- The API: every operation of the OpenAPI document, with each role's bearer token ------------------------------

API = "/api/v1"
# The scenario object behind each path parameter; two entries: the own institution's object and another's.
API_PARAMS: dict[str, dict[str, str]] = {
    "report_id": {"MSHMS": "report", "AKPA": "other_report"},
    "cycle_id": {"": "cycle"},
    "activity_id": {"": "activity"},
    "indicator_id": {"": "indicator"},
    "code": {"": "strategy", "XK": "xk_strategy"},
}
# The required query parameters, with a value each (the search's words).
API_QUERY: dict[str, str] = {"q": "plan"}


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def example(document: dict, schema: dict) -> Any:
    """A value of the schema, with only its required properties: a body that passes the API's validation, so that
    the answer is the access rule's and not a 422 for an empty body."""
    schema = _resolve(document, schema)
    for union in ("anyOf", "oneOf", "allOf"):
        if union in schema:
            options = [option for option in schema[union] if option.get("type") != "null"]
            return example(document, options[0])
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: example(document, properties[name]) for name in schema.get("required", [])}
    return {"string": "Checked.", "integer": 1, "number": 1, "boolean": False, "array": []}.get(kind)


def api_cases(scenario: Any, document: dict) -> tuple[list[tuple[str, str, str, Any]], list[str]]:
    """(case id, method, URL, JSON body) for every operation, and the parameters that could not be filled."""
    found, unfilled = [], []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            op_id = operation["operationId"]
            names = re.findall(r"{(\w+)}", path)
            missing = [name for name in names if name not in API_PARAMS]
            required_query = [
                p["name"] for p in operation.get("parameters", []) if p["in"] == "query" and p.get("required")
            ]
            missing += [name for name in required_query if name not in API_QUERY]
            if missing:
                unfilled.append(f"{method.upper()} {path} ({', '.join(missing)})")
                continue
            variants: list[tuple[str, dict[str, Any]]] = [("", {})]
            for name in names:
                variants = [
                    (f"{label}{variant}" if variant else label, {**values, name: _object(scenario, key)})
                    for label, values in variants
                    for variant, key in API_PARAMS[name].items()
                ]
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            for label, values in variants:
                url = API + path.replace("/api/v1", "", 1)
                for name, obj in values.items():
                    url = url.replace(f"{{{name}}}", str(obj.code if name == "code" else obj.pk))
                if required_query:
                    url += "?" + "&".join(f"{name}={API_QUERY[name]}" for name in required_query)
                body = example(document, content["schema"]) if content else None
                found.append((f"{op_id}[{label}]" if label else op_id, method, url, body))
    return found, unfilled


def classify_api(response: Any) -> str:
    """ok: the request passed the door (2xx, or a 400/409/422 about its content); else the refusal's status."""
    status = response.status_code
    if status < 300 or status in (400, 409, 422):
        return "ok"
    return str(status)


# The API's matrix. Same rules as the pages': a report seen by the caller but not theirs to act on is 403 (the
# secretariat saving a focal point's lines, a coordinator approving); one not seen at all is 404, as for a missing
# one; without a valid token, 401. The analysis is the secretariat's, the coordinator's and viewers'.
API_EXPECTED: dict[str, str] = {
    # fmt: off
    #                          anon stake fp fp2 sec coord view xk su
    "list_strategies": "401 ok ok ok ok ok ok ok ok",
    "get_strategy": "401 404 ok ok ok ok ok 404 ok",
    "get_strategy[XK]": "401 404 404 404 404 404 404 ok ok",
    "list_results": "401 404 ok ok ok ok ok 404 ok",
    "list_results[XK]": "401 404 404 404 404 404 404 ok ok",
    "list_activities": "401 404 ok ok ok ok ok 404 ok",
    "get_activity": "401 404 ok ok ok ok ok 404 ok",
    "get_indicator": "401 404 ok ok ok ok ok 404 ok",
    "list_activities[XK]": "401 404 404 404 404 404 404 ok ok",
    "list_indicators": "401 404 ok ok ok ok ok 404 ok",
    "list_indicators[XK]": "401 404 404 404 404 404 404 ok ok",
    "list_indicator_values": "401 404 ok ok ok ok ok 404 ok",
    "list_indicator_values[XK]": "401 404 404 404 404 404 404 ok ok",
    "list_reports": "401 ok ok ok ok ok ok ok ok",
    "get_report[MSHMS]": "401 404 ok 404 ok ok 404 404 ok",
    "get_report[AKPA]": "401 404 404 ok ok ok 404 404 ok",
    "save_lines[MSHMS]": "401 404 ok 404 403 403 404 404 ok",
    "save_lines[AKPA]": "401 404 404 ok 403 403 404 404 ok",
    "patch_lines[MSHMS]": "401 404 ok 404 403 403 404 404 ok",
    "patch_lines[AKPA]": "401 404 404 ok 403 403 404 404 ok",
    "submit[MSHMS]": "401 404 ok 404 403 403 404 404 ok",
    "submit[AKPA]": "401 404 404 ok 403 403 404 404 ok",
    "return_report[MSHMS]": "401 404 403 404 ok 403 404 404 ok",
    "return_report[AKPA]": "401 404 404 403 ok 403 404 404 ok",
    "approve[MSHMS]": "401 404 403 404 ok 403 404 404 ok",
    "approve[AKPA]": "401 404 404 403 ok 403 404 404 ok",
    "reopen[MSHMS]": "401 404 403 404 ok 403 404 404 ok",
    "reopen[AKPA]": "401 404 404 403 ok 403 404 404 ok",
    "comment[MSHMS]": "401 404 403 404 ok 403 404 404 ok",
    "comment[AKPA]": "401 404 404 403 ok 403 404 404 ok",
    "list_cycles": "401 ok ok ok ok ok ok ok ok",
    "get_cycle": "401 404 ok ok ok ok ok 404 ok",
    "close_cycle": "401 404 403 403 ok 403 403 404 ok",
    "get_implementation": "401 404 404 404 ok ok ok 404 ok",
    "get_implementation[XK]": "401 404 404 404 404 404 404 ok ok",
    "get_achievement": "401 404 404 404 ok ok ok 404 ok",
    "get_achievement[XK]": "401 404 404 404 404 404 404 ok ok",
    "get_budget": "401 404 404 404 ok ok ok 404 ok",
    "get_budget[XK]": "401 404 404 404 404 404 404 ok ok",
    "get_compliance": "401 404 404 404 ok ok ok 404 ok",
    "get_compliance[XK]": "401 404 404 404 404 404 404 ok ok",
    "get_alignment": "401 404 404 404 ok ok ok 404 ok",
    "get_alignment[XK]": "401 404 404 404 404 404 404 ok ok",
    "list_open_strategies": "ok ok ok ok ok ok ok ok ok",
    "open_indicators_json": "404 404 404 404 404 404 404 404 404",
    "open_indicators_json[XK]": "ok ok ok ok ok ok ok ok ok",
    "open_indicators_csv": "404 404 404 404 404 404 404 404 404",
    "open_indicators_csv[XK]": "ok ok ok ok ok ok ok ok ok",
    "open_activities_json": "404 404 404 404 404 404 404 404 404",
    "open_activities_json[XK]": "ok ok ok ok ok ok ok ok ok",
    "open_activities_csv": "404 404 404 404 404 404 404 404 404",
    "open_activities_csv[XK]": "ok ok ok ok ok ok ok ok ok",
    "search": "401 ok ok ok ok ok ok ok ok",
    # fmt: on
}


def test_api_operations_are_filled_and_have_their_row(scenario, client, db):
    document = client.get(f"{API}/openapi.json").json()
    found, unfilled = api_cases(scenario, document)
    assert not unfilled, (
        f"API operations whose parameters the scenario cannot fill (add them to API_PARAMS): {unfilled}"
    )
    ids = {case for case, *_rest in found}
    assert not sorted(ids - API_EXPECTED.keys()), (
        f"operations without a row in API_EXPECTED: {sorted(ids - API_EXPECTED.keys())}"
    )
    assert not sorted(API_EXPECTED.keys() - ids), (
        f"rows for operations that no longer exist: {sorted(API_EXPECTED.keys() - ids)}"
    )
    # Every address the API routes is in the document: no operation escapes the matrix.
    documented = set(document["paths"])
    routed = {
        "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        for name, route, _params in walk(get_resolver().url_patterns)
        if name.startswith("api:") and name not in API_PAGES
    }
    assert routed <= documented, f"API routes missing from the OpenAPI document: {sorted(routed - documented)}"


def test_api_matrix(scenario, client, db):
    document = client.get(f"{API}/openapi.json").json()
    expected = parse(API_EXPECTED)
    found, _unfilled = api_cases(scenario, document)
    clients = {"anonymous": Client()}
    clients.update({role: Client(headers={"authorization": f"Bearer {key}"}) for role, key in scenario.keys.items()})
    results: dict[str, dict[str, str]] = {}
    mismatches = []
    for case, method, url, body in found:
        results[case] = {}
        for role in ROLES:
            with transaction.atomic():
                kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
                try:
                    response = getattr(clients[role], method)(url, **kwargs)
                    cell, status = classify_api(response), response.status_code
                except Exception as error:  # noqa: BLE001 - reported in the matrix
                    cell = status = f"E {type(error).__name__}"
                transaction.set_rollback(True)
            results[case][role] = cell
            want = expected.get(case, {}).get(role)
            if want is not None and cell != want:
                mismatches.append((case, url, role, want, status, method.upper()))
    if not API_EXPECTED:
        pytest.fail("No API_EXPECTED table yet; the actual matrix:\n" + render_matrix(results))
    assert not mismatches, render_mismatches(mismatches)
