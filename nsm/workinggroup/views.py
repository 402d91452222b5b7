"""Working-group pages: meetings per strategy, a meeting with its attendance, decisions and action points, the
action point list, and the forms that record them.

Objects are reached through `access.get_for_user` on the scoped querysets: a meeting the user may not see, or an
action point the user may not update, answers 404 as a missing one does. Writes are POSTs that redirect back;
removing a participant first asks on a confirmation page (nsm.core.confirm).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nsm.accounts import access
from nsm.accounts.models import Institution
from nsm.core.confirm import Confirmation, ask, confirmed
from nsm.core.forms import add_errors
from nsm.core.stale import StaleVersion
from nsm.strategy.models import Strategy
from nsm.workinggroup import selectors, services
from nsm.workinggroup.forms import (
    ActionPointFilter,
    ActionPointForm,
    ActionPointStatusForm,
    DecisionForm,
    MeetingForm,
    ParticipantForm,
)
from nsm.workinggroup.models import ActionPoint, ActionPointQuerySet, Meeting, MeetingParticipant

# --- Helpers ---


def _strategies(user: Any) -> QuerySet[Strategy]:
    """Strategies whose working group the user may follow: those of its country, for internal users."""
    return Strategy.objects.visible_to(user)


def _strategy(request: HttpRequest, code: str) -> Strategy:
    return access.get_for_user(_strategies(request.user), request.user, code, field="code")


def _meeting(request: HttpRequest, pk: int, *, write: bool = False) -> Meeting:
    return access.get_for_user(Meeting.objects.select_related("strategy"), request.user, pk, write=write)


def _may_manage(request: HttpRequest, strategy: Strategy) -> bool:
    return access.may_manage(request.user, strategy.country)


def _saved(form: Form, run: Any) -> Any:
    """Call the service with the valid form; None with its errors on the form."""
    if not form.is_valid():
        return None
    try:
        return run()
    except StaleVersion as error:
        form.add_error(None, error)
        form.renew_version(error.current_version)  # type: ignore[attr-defined]
    except ValidationError as error:
        add_errors(form, error)
    return None


def meeting_url(meeting: Meeting, anchor: str = "") -> str:
    return reverse("workinggroup:meeting", args=[meeting.pk]) + (f"#{anchor}" if anchor else "")


# --- Lists ---


@login_required
@access.internal_page
def index(request: HttpRequest) -> HttpResponse:
    strategies = _strategies(request.user).order_by("code")
    return render(request, "workinggroup/index.html", {"strategies": strategies})


@login_required
def meeting_list(request: HttpRequest, code: str) -> HttpResponse:
    strategy = _strategy(request, code)
    context = {
        "strategy": strategy,
        "meetings": selectors.meetings_of(strategy, request.user),
        "may_manage": _may_manage(request, strategy),
    }
    return render(request, "workinggroup/meeting_list.html", context)


@login_required
def action_point_list(request: HttpRequest, code: str) -> HttpResponse:
    strategy = _strategy(request, code)
    owners = Institution.objects.filter(action_points__meeting__strategy=strategy).distinct().order_by("code")
    form = ActionPointFilter(request.GET or None, owners=owners)
    filters = form.cleaned_data if form.is_valid() else {}
    owner = filters.get("owner")
    points = selectors.action_points(
        request.user,
        strategy=strategy,
        owner_id=owner.pk if owner else None,
        status=filters.get("status", ""),
        overdue=bool(filters.get("overdue")),
    )
    context = {"strategy": strategy, "form": form, "points": points, "today": timezone.localdate()}
    return render(request, "workinggroup/action_point_list.html", context)


# --- Meetings ---


@login_required
def meeting_create(request: HttpRequest, code: str) -> HttpResponse:
    strategy = access.get_for_user(Strategy.objects.all(), request.user, code, field="code", write=True)
    form = MeetingForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        run = lambda: services.create_meeting(strategy, by=request.user, **form.content())  # noqa: E731
        if meeting := _saved(form, run):
            messages.success(request, _("The meeting was recorded."))
            return redirect(meeting_url(meeting))
    return render(request, "workinggroup/meeting_form.html", {"strategy": strategy, "form": form, "meeting": None})


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, write=True)
    form = MeetingForm(request.POST or None, request.FILES or None, meeting=meeting)

    def run() -> Meeting:
        return services.update_meeting(meeting, by=request.user, version=form.edited_version, **form.content())

    if request.method == "POST" and _saved(form, run):
        messages.success(request, _("The meeting was saved."))
        return redirect(meeting_url(meeting))
    context = {"strategy": meeting.strategy, "form": form, "meeting": meeting}
    return render(request, "workinggroup/meeting_form.html", context)


def _meeting_page(request: HttpRequest, meeting: Meeting, **forms: Form) -> HttpResponse:
    may_manage = _may_manage(request, meeting.strategy)
    if may_manage:
        forms.setdefault("participant_form", ParticipantForm(strategy=meeting.strategy))
        forms.setdefault("decision_form", DecisionForm())
        forms.setdefault("action_point_form", ActionPointForm(meeting=meeting))
    points = list(selectors.action_points(request.user, meeting=meeting))
    updatable = set(ActionPoint.objects.updatable_by(request.user).filter(meeting=meeting).values_list("pk", flat=True))
    context = {
        "meeting": meeting, "strategy": meeting.strategy, "attendance": selectors.attendance(meeting),
        "decisions": meeting.decisions.all(), "points": points, "updatable": updatable, "may_manage": may_manage,
        "today": timezone.localdate(), **forms,
    }  # fmt: skip
    status = 400 if forms and request.method == "POST" else 200
    return render(request, "workinggroup/meeting.html", context, status=status)


@login_required
def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, _meeting(request, pk))


@login_required
def minutes_download(request: HttpRequest, pk: int) -> FileResponse:
    meeting = _meeting(request, pk)
    if not meeting.minutes:
        raise Http404
    try:
        handle = meeting.minutes.open("rb")
    except OSError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=meeting.minutes_name, content_type=meeting.minutes_type)


@login_required
@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, write=True)
    form = ParticipantForm(request.POST, strategy=meeting.strategy)
    if _saved(form, lambda: services.add_participant(meeting, by=request.user, **form.cleaned_data)):
        messages.success(request, _("%(name)s was added.") % {"name": form.cleaned_data["name"]})
        return redirect(meeting_url(meeting, "participants"))
    return _meeting_page(request, meeting, participant_form=form)


def _remove_confirmation(participant: MeetingParticipant) -> Confirmation:
    meeting = participant.meeting
    who = {"name": participant.name, "institution": participant.institution.code}
    return Confirmation(
        heading=_("Remove %(name)s (%(institution)s) from the participants?") % who,
        consequences=(
            _(
                "%(name)s no longer counts as attending the meeting of %(date)s: the attendance figures (participants "
                "by sex and by institution) change with it. The removal is kept in the meeting's history."
            )
            % {**who, "date": date_format(meeting.held_on, "DATE_FORMAT")},
        ),
        button=_("Remove the participant"),
        style="danger",
        cancel_url=meeting_url(meeting, "participants"),
        breadcrumbs="workinggroup/_breadcrumbs.html",
    )


@login_required
def participant_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, naming who and what changes; then remove the participant."""
    participants = MeetingParticipant.objects.filter(meeting__in=Meeting.objects.editable_by(request.user))
    participant = get_object_or_404(participants.select_related("meeting__strategy", "institution"), pk=pk)
    if not confirmed(request):
        context = {"meeting": participant.meeting, "strategy": participant.meeting.strategy}
        return ask(request, _remove_confirmation(participant), context)
    services.remove_participant(participant, by=request.user)
    messages.success(request, _("%(name)s was removed.") % {"name": participant.name})
    return redirect(meeting_url(participant.meeting, "participants"))


@login_required
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, write=True)
    form = DecisionForm(request.POST)
    if decision := _saved(form, lambda: services.add_decision(meeting, by=request.user, **form.cleaned_data)):
        messages.success(request, _("Decision %(number)s was recorded.") % {"number": decision.number})
        return redirect(meeting_url(meeting, "decisions"))
    return _meeting_page(request, meeting, decision_form=form)


@login_required
@require_POST
def action_point_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, write=True)
    form = ActionPointForm(request.POST, meeting=meeting)
    if _saved(form, lambda: services.add_action_point(meeting, by=request.user, **form.content())):
        messages.success(request, _("The action point was recorded."))
        return redirect(meeting_url(meeting, "action-points"))
    return _meeting_page(request, meeting, action_point_form=form)


# --- An action point ---


def _points() -> ActionPointQuerySet:
    return ActionPoint.objects.select_related("meeting__strategy", "owner", "decision")


@login_required
def action_point_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Update an action point: its status and note (the owner's focal points), or all of it (the managers)."""
    point = access.get_for_user(_points().updatable_by(request.user), request.user, pk)
    may_edit = ActionPoint.objects.editable_by(request.user).filter(pk=point.pk).exists()
    posted = request.POST.get("form") if request.method == "POST" else None
    if posted == "edit" and not may_edit:
        raise Http404
    status_form = ActionPointStatusForm(request.POST if posted == "status" else None, point=point)
    # Shown to the managers only (may_edit); posted == "edit" only when may_edit.
    edit_form = ActionPointForm(request.POST if posted == "edit" else None, meeting=point.meeting, point=point)

    def report() -> ActionPoint:
        version = status_form.edited_version
        return services.report_action_point(point, by=request.user, version=version, **status_form.content())

    def edit() -> ActionPoint:
        version = edit_form.edited_version
        return services.edit_action_point(point, by=request.user, version=version, **edit_form.content())

    if posted == "status" and _saved(status_form, report) or posted == "edit" and _saved(edit_form, edit):
        messages.success(request, _("The action point was saved."))
        return redirect(meeting_url(point.meeting, f"action-point-{point.pk}"))
    context = {
        "point": point, "meeting": point.meeting, "strategy": point.meeting.strategy, "status_form": status_form,
        "edit_form": edit_form if may_edit else None, "today": timezone.localdate(),
    }  # fmt: skip
    return render(request, "workinggroup/action_point.html", context, status=400 if posted else 200)
