"""The form that makes an API token (what it is for, and how many days it is valid), the two-factor code,
Django's password forms with the site's styling, and the people pages' forms (an invitation, a membership)."""

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nsm.accounts.models import ApiToken, Institution, Invitation, Membership
from nsm.core import limits
from nsm.core.forms import BootstrapForm


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the program using it."),
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=ApiToken.MAX_DAYS,
        initial=ApiToken.DEFAULT_DAYS,
        help_text=_("From 1 to 365 days. Make a new token before it expires."),
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )


class TwoFactorCodeForm(forms.Form):
    """The 6-digit code of an authenticator app; spaces (as some apps show it: 123 456) are ignored."""

    code = forms.CharField(
        label=_("Six-digit code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg font-monospace",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "aria-describedby": "id_code_helptext",
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError(_("Enter the 6 digits your app shows, e.g. 123456."))
        return code


class _Styled(forms.Form):
    """Bootstrap's classes on every field, a field in error drawn as such and naming its message; the new password
    points to the rules listed once on the page (templates/accounts/_password_rules.html) instead of repeating them
    as its help text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control"
            if name == "new_password1":
                field.help_text = ""
                field.widget.attrs["aria-describedby"] = "password-rules"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            field = self.fields[name]
            attrs = field.widget.attrs
            described = attrs.get("aria-describedby") or (f"id_{name}_helptext" if field.help_text else "")
            attrs["aria-describedby"] = f"{described} id_{name}_error".strip()
            attrs["class"] = "form-control is-invalid"


class _EveryPasswordError(_Styled, auth_forms.SetPasswordForm):
    """Django checks the rules only once both new passwords match; when they do not, the first one is checked as
    well, so that every mistake is said at once."""

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if self.has_error("new_password2", "password_mismatch"):
            self.validate_password_for_user(self.user, "new_password1")
        return cleaned


class SetPasswordForm(_EveryPasswordError):
    pass


class PasswordChangeForm(_EveryPasswordError, auth_forms.PasswordChangeForm):
    pass


class PasswordResetForm(_Styled, auth_forms.PasswordResetForm):
    pass


# --- People (views_people) ---


def _institution_label(institution: Institution) -> str:
    return f"{institution.code} · {institution.name}"


class _InstitutionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Institution) -> str:
        return _institution_label(obj)


def _institutions(countries: list[str], current: Institution | None = None) -> Any:
    """The active institutions of the countries whose people the user manages (and the current one, if gone)."""
    wanted = Q(country__in=countries, is_active=True)
    if current is not None:
        wanted |= Q(pk=current.pk)
    return Institution.objects.filter(wanted).order_by("country", "code")


class InvitationForm(BootstrapForm, forms.Form):
    """Who to invite, to which institution (of a country whose people the user manages), in which role."""

    first_name = forms.CharField(label=_("First name"), max_length=150, validators=[limits.refuse_control_characters])
    last_name = forms.CharField(label=_("Last name"), max_length=150, validators=[limits.refuse_control_characters])
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=Invitation.EMAIL_CHARS,
        help_text=_("The invitation is sent here; it is also the person's user name."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    institution = _InstitutionChoice(label=_("Institution"), queryset=Institution.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    language = forms.ChoiceField(
        label=_("Language of the e-mail"),
        choices=Invitation.Language.choices,
        initial=Invitation.Language.ALBANIAN,
    )

    def __init__(self, *args: Any, countries: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = _institutions(countries)  # type: ignore[attr-defined]
        self.fields["role"].help_text = ROLE_HELP


class MembershipForm(BootstrapForm, forms.Form):
    """A membership's institution and role; `seen` is the membership as the page showed it."""

    institution = _InstitutionChoice(label=_("Institution"), queryset=Institution.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=60)

    def __init__(self, *args: Any, countries: list[str], membership: Membership, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "institution": membership.institution_id,
                "role": membership.role,
                "seen": f"{membership.institution_id}:{membership.role}",
            },
        )
        kwargs.setdefault("prefix", f"m{membership.pk}")
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.fields["institution"].queryset = _institutions(countries, membership.institution)  # type: ignore[attr-defined]
        self.fields["role"].widget.attrs["aria-describedby"] = "role-help"  # the roles told once, under the forms


ROLE_HELP = _(
    "Secretariat and coordinator change the plan, review reports and manage people; they sign in with a code from "
    "an authenticator app as well. Focal points fill in their institution's reports; viewers read; external "
    "stakeholders see only the consultations they are invited to."
)
