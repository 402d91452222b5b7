"""The people of a country, managed by its secretariat and coordinator without the administration: the list of its
users and pending invitations, inviting someone by e-mail, a person's page (their role and institution, deactivating
and reactivating them, resetting a lost second factor), and the invitation's link, where the invited person sets a
password.

The door is `access.people_page` (404 to anyone who manages no country's people); a person or an invitation of
another country is 404 (`selectors.person_for`, `selectors.invitation_for`), as a missing one is. The rules (not
one's own account, not an administrator's, only the own country's institutions) are the services'.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from nsm.accounts import access, forms, security, selectors, services
from nsm.accounts.models import Invitation, User, country_label
from nsm.core.confirm import Confirmation, ask, confirmed
from nsm.core.forms import add_errors

BREADCRUMBS = "accounts/_people_breadcrumbs.html"


def _not_sent(request: HttpRequest, invitation: Invitation) -> None:
    messages.warning(
        request,
        _("The e-mail to %(email)s could not be sent: check the mail settings, then send it again from the list.")
        % {"email": invitation.email},
    )


@login_required
@access.people_page
def people(request: HttpRequest) -> HttpResponse:
    """The users of the countries whose people the user manages, and the pending invitations."""
    countries = access.people_countries(request.user)
    rows = [(person, selectors.needs_two_factor(person)) for person in selectors.people(countries)]
    context = {
        "people": rows,
        "invitations": selectors.pending_invitations(countries),
        "countries": [country_label(country) for country in countries],
    }
    return render(request, "accounts/people.html", context)


@login_required
@access.people_page
def invite(request: HttpRequest) -> HttpResponse:
    countries = access.people_countries(request.user)
    form = forms.InvitationForm(request.POST or None, countries=countries)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, sent = services.invite_person(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            security.log_invitation(request, "sent", invitation.email)
            if sent:
                messages.success(request, _("The invitation was sent to %(email)s.") % {"email": invitation.email})
            else:
                _not_sent(request, invitation)
            return redirect("accounts:people")
    days = services.invitation_days()
    return render(request, "accounts/invite.html", {"form": form, "days": days, "breadcrumbs": BREADCRUMBS})


def _person_page(request: HttpRequest, person: User, bound: forms.MembershipForm | None = None) -> HttpResponse:
    countries = access.people_countries(request.user)
    membership_forms = [
        bound if bound is not None and bound.membership.pk == membership.pk else
        forms.MembershipForm(countries=countries, membership=membership)
        for membership in person.country_memberships  # type: ignore[attr-defined]
    ]  # fmt: skip
    is_self = person.pk == request.user.pk
    for form in membership_forms if is_self else ():
        for field in form.fields.values():
            field.disabled = True  # one's own membership is shown, not offered for change
    context = {
        "person": person,
        "needs_two_factor": selectors.needs_two_factor(person),
        "role_help": forms.ROLE_HELP,
        "membership_forms": membership_forms,
        "events": selectors.events_of(person),
        "is_self": is_self,
        "breadcrumbs": BREADCRUMBS,
    }
    return render(request, "accounts/person.html", context)


@login_required
@access.people_page
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """A person's memberships in the managed countries (each a form: institution and role), their account's events,
    and the buttons that deactivate or reactivate them and reset their second factor."""
    person = selectors.person_for(request.user, pk)
    if request.method != "POST":
        return _person_page(request, person)
    memberships = {str(m.pk): m for m in person.country_memberships}  # type: ignore[attr-defined]
    membership = memberships.get(request.POST.get("membership", ""))
    if membership is None:
        messages.error(request, _("This membership is no longer on the page: reload it and try again."))
        return redirect("accounts:person", person.pk)
    countries = access.people_countries(request.user)
    form = forms.MembershipForm(request.POST, countries=countries, membership=membership)
    if form.is_valid():
        try:
            values = {name: form.cleaned_data[name] for name in ("institution", "role", "seen")}
            services.change_membership(membership, by=request.user, **values)
        except ValidationError as error:
            add_errors(form, error)
        else:
            security.log_people(request, "membership-changed", person)
            messages.success(request, _("The role and institution of %(name)s were saved.") % {"name": person})
            return redirect("accounts:person", person.pk)
    return _person_page(request, person, bound=form)


def _act_on_person(
    request: HttpRequest, pk: int, asked: dict[str, str], act: Callable[[User], Any], event: str, done: str
) -> HttpResponse:
    """Ask (`asked`: heading, consequence, button and style, each naming the person as %(name)s), then
    `act(person)`; a refusal comes back in a sentence on the person's page."""
    person = selectors.person_for(request.user, pk)
    back = reverse("accounts:person", args=[person.pk])
    if not confirmed(request):
        name = {"name": person}
        confirmation = Confirmation(
            heading=asked["heading"] % name,
            consequences=(asked["consequence"] % name,),
            button=asked["button"],
            style=asked.get("style", "primary"),
            cancel_url=back,
            breadcrumbs=BREADCRUMBS,
        )
        return ask(request, confirmation, {"person": person})
    try:
        act(person)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        security.log_people(request, event, person)
        messages.success(request, done % {"name": person})
    return redirect(back)


@login_required
@access.people_page
def deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    asked = {
        "heading": _("Deactivate %(name)s?"),
        "consequence": _(
            "%(name)s can no longer sign in, and programs using their API keys are refused. Nothing they wrote is "
            "deleted: reports belong to their institutions, and the history keeps their name. Reactivate them at "
            "any time; to replace a focal point, invite the new one to the same institution."
        ),
        "button": _("Deactivate"),
        "style": "danger",
    }

    def act(person: User) -> None:
        services.set_active(person, by=request.user, active=False)

    return _act_on_person(request, pk, asked, act, "deactivated", _("%(name)s was deactivated."))


@login_required
@access.people_page
def reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    asked = {
        "heading": _("Reactivate %(name)s?"),
        "consequence": _("%(name)s can sign in again, with the role and institution they had."),
        "button": _("Reactivate"),
    }

    def act(person: User) -> None:
        services.set_active(person, by=request.user, active=True)

    return _act_on_person(request, pk, asked, act, "reactivated", _("%(name)s was reactivated."))


@login_required
@access.people_page
def reset_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    asked = {
        "heading": _("Reset the two-factor sign-in of %(name)s?"),
        "consequence": _(
            "Their authenticator app stops working for NSM, and every session it opened asks again. At their next "
            "sign-in, after their password, %(name)s sets up their app again. Do this only once you are sure who "
            "asks (a phone call to a number you know, not only an e-mail)."
        ),
        "button": _("Reset two-factor sign-in"),
        "style": "danger",
    }

    def act(person: User) -> None:
        services.reset_two_factor(person, by=request.user)

    done = _("The two-factor sign-in of %(name)s was reset: they set up their app at their next sign-in.")
    return _act_on_person(request, pk, asked, act, "two-factor-reset", done)


@login_required
@access.people_page
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_for(request.user, pk)
    try:
        invitation, sent = services.resend_invitation(invitation, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("accounts:people")
    security.log_invitation(request, "resent", invitation.email)
    if sent:
        days = services.invitation_days()
        sentence = ngettext(
            "The invitation was sent again to %(email)s; the new link works for %(days)s day, the old one no more.",
            "The invitation was sent again to %(email)s; the new link works for %(days)s days, the old one no more.",
            days,
        )
        messages.success(request, sentence % {"email": invitation.email, "days": days})
    else:
        _not_sent(request, invitation)
    return redirect("accounts:people")


@login_required
@access.people_page
def invitation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_for(request.user, pk)
    if not confirmed(request):
        confirmation = Confirmation(
            heading=_("Cancel the invitation of %(email)s?") % {"email": invitation.email},
            consequences=(_("The link sent by e-mail stops working. You can invite the same address again later."),),
            button=_("Cancel the invitation"),
            style="danger",
            cancel_url=reverse("accounts:people"),
            breadcrumbs=BREADCRUMBS,
        )
        return ask(request, confirmation)
    try:
        services.cancel_invitation(invitation, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        security.log_invitation(request, "cancelled", invitation.email)
        messages.success(request, _("The invitation of %(email)s was cancelled.") % {"email": invitation.email})
    return redirect("accounts:people")


# --- The invitation's link -----------------------------------------------------------------------------------------

SESSION_KEY = "_nsm_invitation_key"
SET_PASSWORD = "set-password"  # noqa: S105 - the address the link's key is moved away from, not a password


@never_cache
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the e-mail: its key goes into the session and out of the address (as Django's password reset
    does, so that it leaks neither through the Referer header nor the history); then a password twice, which makes
    the account. A used, cancelled or expired link, or one that never was, is refused in a sentence."""
    if token != SET_PASSWORD:
        request.session[SESSION_KEY] = token[:100]
        return redirect("accounts:invitation", SET_PASSWORD)
    invitation = services.invitation_for_key(request.session.get(SESSION_KEY, ""))
    refusal = (
        invitation.refusal()
        if invitation
        else _(
            "This link does not work. Check that you opened the whole "
            "link of the e-mail, or ask the secretariat to send it again."
        )
    )
    if invitation is None or refusal:
        return render(request, "accounts/invitation_refused.html", {"refusal": refusal})
    newcomer = User(
        username=invitation.email.lower(),
        email=invitation.email,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
    )
    form = forms.SetPasswordForm(newcomer, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invitation(invitation, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            return render(request, "accounts/invitation_refused.html", {"refusal": " ".join(error.messages)})
        del request.session[SESSION_KEY]
        security.log_invitation(request, "accepted", invitation.email)
        messages.success(
            request,
            _("Your account is ready. Sign in with your user name %(username)s and the password you chose.")
            % {"username": newcomer.username},
        )
        return redirect("accounts:login")
    context = {"form": form, "invitation": invitation, "username": newcomer.username}
    return render(
        request, "accounts/invitation_accept.html", {**context, "password_rules": password_validators_help_texts()}
    )
