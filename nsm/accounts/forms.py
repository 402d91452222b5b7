"""The form that makes an API token: what it is for, and how many days it is valid."""

from django import forms
from django.utils.translation import gettext_lazy as _

from nsm.accounts.models import ApiToken


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
