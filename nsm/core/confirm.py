"""Asking before a change with consequences: a page that says in words what will happen, a primary button that does
it and a way back, server-rendered (no script, so it works under the Content-Security-Policy and by keyboard).

A view acts only on a POST that carries the confirmation; any other request (a GET, or the one-click POST of a page's
button) is answered with the confirmation page, which posts the same fields back with `confirm=yes`:

    if not confirmed(request):
        return ask(request, Confirmation(heading=..., consequences=(...), button=..., cancel_url=...), context)
    ...call the service...
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirm"
CONFIRMED = "yes"


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page says and carries.

    heading: the question ("Open the cycle 2025-H1?"); button: what the primary button does ("Open the cycle");
    cancel_url: back to where the user came from; consequences: what will happen, one paragraph each; warning: what
    the user may not expect, shown apart; items (under items_label): a list that goes with the consequences;
    hidden: the fields carried to the confirmed POST (the version the user saw, a `next` address);
    reason_label: when given, a reason to type (or check) before confirming, prefilled with `reason`;
    style: the button's colour (primary, success, warning, danger); breadcrumbs: the app's breadcrumbs template,
    included with the page's context and `current` set to the button's words."""

    heading: str
    button: str
    cancel_url: str
    consequences: tuple[str, ...] = ()
    warning: str = ""
    items: tuple[str, ...] = ()
    items_label: str = ""
    hidden: tuple[tuple[str, str], ...] = ()
    reason_label: str = ""
    reason: str = ""
    style: str = "primary"
    breadcrumbs: str = ""


def confirmed(request: HttpRequest) -> bool:
    """True for a POST sent from a confirmation page; False for a GET and for a POST without the confirmation."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == CONFIRMED


def posted_or(request: HttpRequest, name: str, default: Any) -> str:
    """The POSTed value of `name` to carry on to the confirmation, else `default` (what a GET shows)."""
    value = request.POST.get(name, "") if request.method == "POST" else ""
    return value or str(default)


def ask(request: HttpRequest, confirmation: Confirmation, context: Mapping[str, Any] | None = None) -> HttpResponse:
    """The confirmation page: nothing has been changed."""
    return render(request, "confirm.html", {**(context or {}), "confirm": confirmation})
