"""Capacity-building pages: a strategy's trainings, a training and its participants, the forms, the summary.

Every internal user of the strategy's country reads them; its secretariat and coordinator record trainings and
participants. Trainings are reached through `access.get_for_user` on their scoped querysets: what a user may not
see, or may not change, answers 404, as a missing training does.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from nsm.accounts import access
from nsm.capacity import selectors, services
from nsm.capacity.forms import FilterForm, ImportForm, ParticipantRows, TrainingForm
from nsm.capacity.models import Participant, Training
from nsm.core.confirm import Confirmation, ask, confirmed
from nsm.core.forms import add_errors
from nsm.core.spreadsheet import WorkbookError
from nsm.core.stale import StaleVersion
from nsm.strategy.models import Strategy


def _strategy(request: HttpRequest, code: str, *, write: bool = False) -> Strategy:
    return access.get_for_user(Strategy.objects, request.user, code, write=write, field="code")


def _training(request: HttpRequest, pk: int, *, write: bool = False) -> Training:
    return access.get_for_user(Training.objects.select_related("strategy", "organiser"), request.user, pk, write=write)


def _may_edit(request: HttpRequest, strategy: Strategy) -> bool:
    return access.may_manage(request.user, strategy.country)


def training_url(training: Training) -> str:
    return reverse("capacity:training", args=[training.pk])


@login_required
@access.internal_page
def index(request: HttpRequest) -> HttpResponse:
    strategies = list(Strategy.objects.visible_to(request.user).order_by("-start_year", "code"))
    if len(strategies) == 1:
        return redirect("capacity:trainings", strategies[0].code)
    return render(request, "capacity/index.html", {"strategies": strategies})


@login_required
def training_list(request: HttpRequest, code: str) -> HttpResponse:
    strategy = _strategy(request, code)
    filters = FilterForm(request.GET or None, years=selectors.years_of(strategy))
    year, topic = None, ""
    if filters.is_valid():
        year, topic = filters.cleaned_data["year"], filters.cleaned_data["topic"]
    trainings = selectors.trainings_list(
        Training.objects.visible_to(request.user).filter(strategy=strategy), year=year, topic=topic
    )
    context = {
        "strategy": strategy,
        "trainings": trainings,
        "filters": filters,
        "may_edit": _may_edit(request, strategy),
    }
    return render(request, "capacity/training_list.html", context)


@login_required
def summary(request: HttpRequest, code: str) -> HttpResponse:
    strategy = _strategy(request, code)
    context = {"strategy": strategy, "summary": selectors.summary(strategy), "sexes": Participant.Sex.choices}
    return render(request, "capacity/summary.html", context)


@login_required
def training_create(request: HttpRequest, code: str) -> HttpResponse:
    strategy = _strategy(request, code)
    if not _may_edit(request, strategy):
        raise Http404
    form = TrainingForm(request.POST or None, strategy=strategy)
    if request.method == "POST" and form.is_valid():
        try:
            training = services.create_training(strategy=strategy, by=request.user, **form.content())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The training was recorded. Add its participants."))
            return redirect(training_url(training))
    context = {"strategy": strategy, "form": form, "heading": _("New training")}
    context["cancel_url"] = reverse("capacity:trainings", args=[strategy.code])
    return render(request, "capacity/training_form.html", context)


@login_required
def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    training = _training(request, pk, write=True)
    strategy = training.strategy
    form = TrainingForm(request.POST or None, strategy=strategy, training=training)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_training(training, by=request.user, data=form.content(), version=form.edited_version)
        except StaleVersion as error:
            form.renew_version(error.current_version)
            add_errors(form, error)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The training was saved."))
            return redirect(training_url(training))
    context = {"strategy": strategy, "form": form, "training": training, "heading": _("Edit the training")}
    context["cancel_url"] = training_url(training)
    return render(request, "capacity/training_form.html", context)


@login_required
def training_page(request: HttpRequest, pk: int) -> HttpResponse:
    training = _training(request, pk)
    context = {
        "training": training, "strategy": training.strategy,
        "topics": [row.get_topic_display() for row in training.topics.all()],
        "participants": selectors.participants_of(training), "scores": selectors.scores_of(training),
        "may_edit": _may_edit(request, training.strategy),
    }  # fmt: skip
    return render(request, "capacity/training.html", context)


@login_required
def participants_add(request: HttpRequest, pk: int) -> HttpResponse:
    training = _training(request, pk, write=True)
    rows = ParticipantRows(request.POST or None, strategy=training.strategy, prefix="p")
    if request.method == "POST" and rows.is_valid():
        filled = rows.filled()
        if not filled:
            rows.forms[0].add_error(None, _("Fill in at least one row."))
        else:
            try:
                saved = services.save_participants(training, by=request.user, rows=[f.as_input() for _i, f in filled])
            except services.ParticipantsInvalid as error:
                rows.add_row_errors(filled, error.row_errors)
            else:
                messages.success(request, _saved_message(saved))
                return redirect(training_url(training))
    context = {"training": training, "strategy": training.strategy, "rows": rows}
    return render(request, "capacity/participants_form.html", context)


@login_required
def participants_import(request: HttpRequest, pk: int) -> HttpResponse:
    training = _training(request, pk, write=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.import_participants(training, by=request.user, file=form.cleaned_data["file"])
        except WorkbookError as error:
            problems = error.messages
        else:
            messages.success(request, _saved_message(saved))
            return redirect(training_url(training))
    context = {"training": training, "strategy": training.strategy, "form": form, "problems": problems}
    return render(request, "capacity/participants_import.html", context)


def _remove_confirmation(participant: Participant) -> Confirmation:
    who = {"name": participant.name, "institution": participant.institution.code, "title": participant.training.title}
    return Confirmation(
        heading=_("Remove %(name)s (%(institution)s) from the training?") % who,
        consequences=(
            _(
                "%(name)s no longer counts among the participants of %(title)s: the training's figures "
                "(participants by sex and institution, test scores) and the capacity summary change with it. The "
                "removal is kept in the history."
            )
            % who,
        ),
        button=_("Remove the participant"),
        style="danger",
        cancel_url=training_url(participant.training),
        breadcrumbs="capacity/_breadcrumbs.html",
    )


@login_required
def participant_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, naming who and what changes; then remove the participant."""
    participants = Participant.objects.editable_by(request.user).select_related("training__strategy", "institution")
    participant = get_object_or_404(participants, pk=pk)
    if not confirmed(request):
        context = {"training": participant.training, "strategy": participant.training.strategy}
        return ask(request, _remove_confirmation(participant), context)
    services.remove_participant(participant, by=request.user)
    messages.success(request, _("%(name)s was removed from the training.") % {"name": participant.name})
    return redirect(training_url(participant.training))


def _saved_message(saved: services.SaveSummary) -> str:
    return _("%(created)s participants added, %(updated)s updated, %(unchanged)s unchanged.") % {
        "created": saved.created,
        "updated": saved.updated,
        "unchanged": saved.unchanged,
    }
