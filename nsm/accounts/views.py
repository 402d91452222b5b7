"""The public list of institutions, shown among the reference data."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nsm.accounts.models import Institution

KIND_ORDER = {kind: position for position, kind in enumerate(Institution.Kind.values)}


def institutions(request: HttpRequest) -> HttpResponse:
    """Every institution, grouped by kind (in the order of `Institution.Kind`), bodies that are gone last."""
    rows = sorted(Institution.objects.all(), key=lambda i: (KIND_ORDER.get(i.kind, 99), not i.is_active, i.code))
    return render(request, "accounts/institutions.html", {"page": "institutions", "institutions": rows})
