"""Consultation pages: a strategy's rounds, a round with its items and comments, answers, the report, the public
page, and an external stakeholder's own consultations.

Rounds are reached through `access.get_for_user`: a stakeholder whose institution is not invited, like anyone
outside the country, gets 404. Participants' email addresses are shown only to the secretariat and the coordinator
(`rounds.may_answer`); the public page is 404 unless its round is public and open today.
"""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nsm.accounts import access
from nsm.accounts.models import Institution
from nsm.consultation import issue, report, rounds
from nsm.consultation.models import (
    ConsultationComment,
    ConsultationRound,
    PlanVersion,
    Sex,
    StakeholderType,
)
from nsm.context import references
from nsm.core.confirm import Confirmation, ask, confirmed
from nsm.core.forms import BootstrapForm, VersionField, add_errors
from nsm.core.limits import LONG_TEXT_CHARS, PUBLIC_COMMENT_CHARS, TITLE_CHARS, refuse_control_characters
from nsm.core.stale import StaleVersion
from nsm.strategy.models import Strategy
from nsm.strategy.selectors import chapter_texts

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# --- Forms ---


class InvitedChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} — {obj.name}"


class RoundForm(BootstrapForm, forms.Form):
    version = forms.ModelChoiceField(label=gettext_lazy("Version"), queryset=PlanVersion.objects.none())
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, validators=[refuse_control_characters])
    opens_on = forms.DateField(label=gettext_lazy("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=gettext_lazy("Closes on"), widget=DATE)
    is_public = forms.BooleanField(
        label=gettext_lazy("Open to the public"), required=False,
        help_text=gettext_lazy("Anyone may comment without an account while the round is open."),
    )  # fmt: skip
    invited = InvitedChoice(
        label=gettext_lazy("Invited institutions"), queryset=Institution.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args: Any, strategy: Strategy, editing: ConsultationRound | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing is not None:
            del self.fields["version"]  # the plan version a round consults stays; its own revision is checked
            self.fields["revision"] = VersionField(initial=editing.revision, min_value=1)
        else:
            version = cast(forms.ModelChoiceField, self.fields["version"])
            version.queryset = PlanVersion.objects.filter(strategy=strategy).order_by("-number")
        invited = cast(InvitedChoice, self.fields["invited"])
        invited.queryset = Institution.objects.filter(is_active=True, country=strategy.country).order_by("code")


TARGET_FIELD_HELP = gettext_lazy("The item your comment is about, or the whole plan.")


def _target_choices(round_: ConsultationRound) -> list[tuple[str, str]]:
    choices = [("plan:", str(ConsultationComment.Target.PLAN.label))]
    for item in rounds.snapshot_items(round_.version.snapshot or {}):
        choices.append((item.key, f"{item.label}: {item.title}"[:160]))
    return choices


class CommentForm(BootstrapForm, forms.Form):
    target = forms.ChoiceField(label=gettext_lazy("Comment on"), help_text=TARGET_FIELD_HELP)
    text = forms.CharField(
        label=gettext_lazy("Your comment"), max_length=LONG_TEXT_CHARS, validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    stakeholder_type = forms.ChoiceField(label=gettext_lazy("Stakeholder type"), choices=StakeholderType.choices)
    sex = forms.ChoiceField(label=gettext_lazy("Sex"), choices=Sex.choices, initial=Sex.UNDISCLOSED)

    def __init__(self, *args: Any, round_: ConsultationRound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["target"]).choices = _target_choices(round_)

    def chosen_target(self) -> tuple[str, str]:
        kind, _sep, code = self.cleaned_data["target"].partition(":")
        return kind, code


class PublicCommentForm(CommentForm):
    text = forms.CharField(
        label=gettext_lazy("Your comment"), max_length=PUBLIC_COMMENT_CHARS, validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=200, validators=[refuse_control_characters])
    organisation = forms.CharField(
        label=gettext_lazy("Organisation"), max_length=200, required=False, validators=[refuse_control_characters]
    )
    email = forms.EmailField(
        label=gettext_lazy("Email"), max_length=254,
        help_text=gettext_lazy("Seen only by the secretariat; never published."),
    )  # fmt: skip
    consent = forms.BooleanField(
        label=gettext_lazy("I agree that my comment, name and organisation are published in the consultation report.")
    )
    # The honeypot: hidden from people (and from screen readers); robots fill it in.
    website = forms.CharField(required=False, max_length=TITLE_CHARS, label=gettext_lazy("Leave this field empty"))

    field_order = ["name", "organisation", "stakeholder_type", "sex", "email", "target", "text", "consent"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["stakeholder_type"]).choices = [("", "—"), *StakeholderType.choices]


class AnswerForm(BootstrapForm, forms.Form):
    answer = forms.ChoiceField(label=gettext_lazy("Answer"), choices=[("", "—"), *ConsultationComment.Answer.choices])
    reason = forms.CharField(
        label=gettext_lazy("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT_CHARS, validators=[refuse_control_characters],
        help_text=gettext_lazy("Required unless the comment is accepted."),
    )  # fmt: skip


# --- Helpers ---


def _rounds() -> Any:
    return ConsultationRound.objects.select_related("version__strategy")


def _round(request: HttpRequest, pk: int) -> ConsultationRound:
    return access.get_for_user(_rounds(), request.user, pk)


def _managed_round(request: HttpRequest, pk: int) -> ConsultationRound:
    return access.get_for_user(_rounds(), request.user, pk, write=True)


def _internal_round(request: HttpRequest, pk: int) -> ConsultationRound:
    rounds_ = _rounds().internal_to(request.user)
    try:
        return rounds_.get(pk=pk)
    except ConsultationRound.DoesNotExist as error:
        raise Http404 from error


def client_address(request: HttpRequest) -> str:
    """The visitor's address for the rate limit: behind a trusted proxy (NSM_BEHIND_PROXY), the last address in
    X-Forwarded-For, which that proxy appended; otherwise the connection's."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.BEHIND_PROXY and forwarded:
        return forwarded.rsplit(",", 1)[-1].strip() or "unknown"
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict") and "target" in error.error_dict:
        form.add_error("target", error.error_dict.pop("target"))
    add_errors(form, error)


# --- A strategy's rounds ---


@login_required
def round_list(request: HttpRequest, code: str) -> HttpResponse:
    strategy = access.get_for_user(Strategy.objects.all(), request.user, code, field="code")
    may_manage = access.may_manage(request.user, strategy.country)
    if request.method == "POST" and not may_manage:
        raise Http404
    number = request.GET.get("version", "")  # the version page's link chooses the version of a new round
    chosen = PlanVersion.objects.filter(strategy=strategy, number=number).first() if number.isdigit() else None
    initial = {"version": chosen} if chosen else {}
    form = RoundForm(request.POST or None, strategy=strategy, initial=initial) if may_manage else None
    if request.method == "POST" and form is not None and form.is_valid():  # a POST is refused above unless may_manage
        data = dict(form.cleaned_data)
        try:
            round_ = rounds.create_round(data.pop("version"), by=request.user, **data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The consultation round was created."))
            return redirect("consultation:round", round_.pk)
    items = (
        ConsultationRound.objects.visible_to(request.user)
        .filter(version__strategy=strategy)
        .select_related("version")
        .order_by("-opens_on", "-pk")
    )
    context = {"strategy": strategy, "rounds": items, "form": form, "may_manage": may_manage}
    return render(request, "consultation/round_list.html", context)


# --- A round ---


def _comments_by_item(request: HttpRequest, round_: ConsultationRound, may_answer: bool) -> dict[str, list]:
    comments = round_.comments.select_related("author", "institution", "answered_by").order_by("created_at", "pk")
    if not access.may_read_internal(request.user, round_.version.strategy.country):
        # An external stakeholder reads the comments of its own institution only.
        comments = comments.filter(institution__in=access.institution_ids(request.user, access.STAKEHOLDERS))
    grouped: dict[str, list] = defaultdict(list)
    for comment in comments:
        form = AnswerForm(
            prefix=f"c{comment.pk}",
            initial={"answer": comment.answer or None, "reason": comment.answer_reason},
        ) if may_answer else None  # fmt: skip
        grouped[f"{comment.target_kind}:{comment.target_code}"].append((comment, form))
    return grouped


def _render_round(request: HttpRequest, round_: ConsultationRound, comment_form: CommentForm | None) -> HttpResponse:
    may_manage = rounds.may_manage(request.user, round_)
    may_answer = rounds.may_answer(request.user, round_)
    grouped = _comments_by_item(request, round_, may_answer)
    snapshot = round_.version.snapshot or {}
    details = rounds.item_details(snapshot)
    items = [(None, grouped.get("plan:", []), None)] + [
        (item, grouped.get(item.key, []), details.get(item.key)) for item in rounds.snapshot_items(snapshot)
    ]
    context = {
        "round": round_, "strategy": round_.version.strategy, "folds": rounds.by_goal(items),
        "comment_form": comment_form,
        "may_manage": may_manage, "show_emails": may_answer,
        "internal": access.may_read_internal(request.user, round_.version.strategy.country),
        "public_url": request.build_absolute_uri(reverse("consultation:public", args=[round_.pk])),
        "may_issue": issue.may_issue(request.user, round_) and round_.status == ConsultationRound.Status.CLOSED,
        "issued": list(round_.reports.select_related("issued_by")),
    }  # fmt: skip
    return render(request, "consultation/round_page.html", context)


def _initial_comment(request: HttpRequest, round_: ConsultationRound) -> dict[str, str]:
    try:
        institution = rounds.commenting_institution(request.user, round_)
    except PermissionDenied:
        institution = None
    kind = rounds.KIND_TO_STAKEHOLDER.get(institution.kind) if institution else None
    return {"stakeholder_type": kind or StakeholderType.GOVERNMENT, "target": request.GET.get("on", "plan:")}


@login_required
def round_page(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    form = None
    if rounds.may_comment(request.user, round_):
        form = CommentForm(request.POST or None, round_=round_, initial=_initial_comment(request, round_))
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            kind, code = form.chosen_target()
            try:
                rounds.post_comment(
                    round_, by=request.user, text=form.cleaned_data["text"], target_kind=kind, target_code=code,
                    stakeholder_type=form.cleaned_data["stakeholder_type"], sex=form.cleaned_data["sex"],
                )  # fmt: skip
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("Your comment was added."))
                return redirect("consultation:round", round_.pk)
    return _render_round(request, round_, form)


@login_required
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _managed_round(request, pk)
    initial = {
        "title": round_.title, "opens_on": round_.opens_on, "closes_on": round_.closes_on,
        "is_public": round_.is_public, "invited": list(round_.invited.all()),
    }  # fmt: skip
    form = RoundForm(request.POST or None, strategy=round_.version.strategy, editing=round_, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        revision = values.pop("revision")
        try:
            rounds.update_round(round_, by=request.user, revision=revision, **values)
        except StaleVersion as error:
            add_errors(form, error)
            form.add_error(
                None, _("Your values are still in the form: save again to replace those changes, or cancel.")
            )
            form.data = request.POST.copy()
            form.data["revision"] = str(error.current_version)  # saving again replaces the other changes
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The consultation round was saved."))
            return redirect("consultation:round", round_.pk)
    context = {"round": round_, "strategy": round_.version.strategy, "form": form}
    return render(request, "consultation/round_edit.html", context)


@login_required
@require_POST
def comment_answer(request: HttpRequest, pk: int) -> HttpResponse:
    comments = ConsultationComment.objects.select_related("round__version__strategy")
    comment = comments.filter(round__in=ConsultationRound.objects.editable_by(request.user)).filter(pk=pk).first()
    if comment is None:
        raise Http404
    form = AnswerForm(request.POST, prefix=f"c{comment.pk}")
    back = reverse("consultation:round", args=[comment.round_id]) + f"#comment-{comment.pk}"
    if not form.is_valid():
        refusals = form.errors.get("reason")  # a reason too long or with a control character, said as it is
        messages.error(
            request,
            " ".join(str(refusal) for refusal in refusals) if refusals else _("Choose the answer to the comment."),
        )
        return redirect(back)
    try:
        rounds.answer_comment(
            comment, by=request.user, answer=form.cleaned_data["answer"], reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The answer was saved."))
    return redirect(back)


# --- The report ---


@login_required
def round_report(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _internal_round(request, pk)
    context = {
        "round": round_, "strategy": round_.version.strategy, "report": report.build(round_),
        "show_emails": rounds.may_answer(request.user, round_),
    }  # fmt: skip
    return render(request, "consultation/round_report.html", context)


@login_required
def round_report_xlsx(request: HttpRequest, pk: int) -> FileResponse:
    round_ = _internal_round(request, pk)
    data = report.workbook(report.build(round_), with_emails=rounds.may_answer(request.user, round_))
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=report.workbook_name(round_), content_type=report.XLSX
    )


def _issue_warning(unanswered: int, issued_before: int) -> str:
    """What the secretariat may not expect when issuing: comments without an answer, a report issued before."""
    parts = []
    if unanswered:
        parts.append(
            ngettext(
                "%(count)s comment has no answer yet: the report will say so.",
                "%(count)s comments have no answer yet: the report will say so.",
                unanswered,
            )
            % {"count": unanswered}
        )
    if issued_before:
        parts.append(
            _("A report was issued before: this one is issued as no. %(number)s and both stay listed.")
            % {"number": issued_before + 1}
        )
    return " ".join(parts)


@login_required
def round_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, saying that the report is frozen and published on the round's public page; then issue it."""
    round_ = _internal_round(request, pk)
    if not issue.may_issue(request.user, round_):
        raise Http404
    back = reverse("consultation:round", args=[round_.pk])
    if round_.status != ConsultationRound.Status.CLOSED:  # nothing to ask: the service would refuse it
        messages.error(request, _("The consultation report is issued once the round has closed."))
        return redirect(back)
    if not confirmed(request):
        built = report.build(round_)
        issued_before = round_.reports.count()
        confirmation = Confirmation(
            heading=_("Issue the consultation report of “%(title)s”?") % {"title": round_.title},
            consequences=(
                _(
                    "The report states the round, the version consulted, the institutions invited, the participants "
                    "by stakeholder type and sex, and every comment with its answer and reason, as they are now: "
                    "a later change of an answer does not change it."
                ),
                _(
                    "It is published at once on the round's public page, in Word and PDF, in Albanian and English, "
                    "with the answers beside the comments. E-mail addresses never appear in it."
                ),
            ),
            warning=_issue_warning(len(built.comments) - built.answered, issued_before),
            button=_("Issue the report"),
            cancel_url=back,
        )
        return ask(request, confirmation, {"round": round_, "strategy": round_.version.strategy})
    try:
        issued = issue.issue_report(round_, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Consultation report no. %(number)s was issued and published.") % {"number": issued.number}
        )
    return redirect(back)


# --- An external stakeholder's consultations ---


@login_required
def my_rounds(request: HttpRequest) -> HttpResponse:
    institutions = access.institution_ids(request.user, access.STAKEHOLDERS)
    invited = (
        ConsultationRound.objects.filter(invited__in=institutions)
        .distinct()
        .select_related("version__strategy")
        .order_by("-opens_on", "-pk")
    )
    open_rounds = [round_ for round_ in invited if round_.is_open]
    return render(request, "consultation/round_mine.html", {"rounds": open_rounds, "all_rounds": list(invited)})


# --- The public page ---


def public_round(request: HttpRequest, pk: int) -> HttpResponse:
    """Without signing in: a public round while it is open, its items and the comment form; and any round whose
    consultation report was issued, with the comments and their answers as the latest report issued states them
    (never the comments as they are now: only what was published)."""
    round_ = ConsultationRound.objects.published().select_related("version__strategy").filter(pk=pk).first()
    if round_ is None:
        raise Http404
    is_open = round_.is_public and round_.is_open
    if request.method == "POST" and not is_open:
        raise Http404
    form = PublicCommentForm(
        request.POST or None, round_=round_, initial={"target": request.GET.get("on", "plan:")}
    ) if is_open else None  # fmt: skip
    if request.method == "POST" and form is not None and form.is_valid():
        kind, code = form.chosen_target()
        data = form.cleaned_data
        try:
            rounds.post_public_comment(
                round_, address=client_address(request), name=data["name"], email=data["email"],
                organisation=data["organisation"], stakeholder_type=data["stakeholder_type"], sex=data["sex"],
                consent=data["consent"], text=data["text"], target_kind=kind, target_code=code,
                honeypot=data["website"],
            )  # fmt: skip
        except (rounds.RateLimited, rounds.SpamRefused) as error:
            form.add_error(None, error)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Thank you: your comment was received."))
            return redirect("consultation:public", round_.pk)
    items = rounds.snapshot_items(round_.version.snapshot or {})
    published = issue.latest(round_)
    context = {
        "round": round_, "strategy": round_.version.strategy, "items": items, "form": form, "published": published,
        "published_comments": issue.published_comments(published) if published else [],
        "doc_language": issue.document_language(),
        # The chapters are the consulted text: public when the round consults the public or the strategy is public;
        # an issued report of an invited-only round publishes its comments and answers, not the strategy's chapters.
        "chapters": (
            _published_chapters(round_.version) if round_.is_public or round_.version.strategy.is_public else []
        ),
    }  # fmt: skip
    return render(request, "consultation/public_round.html", context)


def _published_chapters(version: Any) -> list[references.ShownChapter]:
    """The narrative chapters the consulted version froze, as the public reads them: their text, not the charts of
    the evidence base they place (which the country does not publish)."""
    texts = [text for text in chapter_texts((version.snapshot or {}).get("chapters") or {}) if text.is_written]
    return references.chapters_html(
        version.strategy.country, texts, get_language()[:2], figures=False, heading_offset=2
    )
