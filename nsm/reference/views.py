"""Public pages of the reference data: each code list with the source of its rows and whether it was checked.

The lists are public (no sign-in): they come from public documents. Each page runs a fixed number of
queries, whatever the number of rows, thanks to prefetching.
"""

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nsm.reference.models import (
    County,
    DisaggregationCategory,
    DisaggregationDimension,
    GcmObjective,
    GcmPrinciple,
    MgiDomain,
    Municipality,
    SdgIndicator,
    SdgTarget,
    TargetGroup,
)


def index(request: HttpRequest) -> HttpResponse:
    """The overview: what each list holds and where to find it."""
    return render(request, "reference/index.html", {"page": "index"})


def gcm(request: HttpRequest) -> HttpResponse:
    """The 23 objectives and the 10 guiding principles of the Global Compact for Migration."""
    context = {
        "page": "gcm",
        "objectives": GcmObjective.objects.all(),
        "principles": GcmPrinciple.objects.all(),
    }
    return render(request, "reference/gcm.html", context)


def sdg(request: HttpRequest) -> HttpResponse:
    """The migration-related SDG targets, each with its indicators."""
    indicators = Prefetch("indicators", queryset=SdgIndicator.objects.order_by("sort_key"))
    targets = SdgTarget.objects.prefetch_related(indicators)
    return render(request, "reference/sdg.html", {"page": "sdg", "targets": targets})


def mgi(request: HttpRequest) -> HttpResponse:
    """The six domains of IOM's Migration Governance Indicators."""
    return render(request, "reference/mgi.html", {"page": "mgi", "domains": MgiDomain.objects.all()})


def code_lists(request: HttpRequest) -> HttpResponse:
    """Target groups and disaggregation dimensions with their categories: the project's own code lists."""
    categories = Prefetch("categories", queryset=DisaggregationCategory.objects.order_by("position", "code"))
    context = {
        "page": "code_lists",
        "target_groups": TargetGroup.objects.all(),
        "dimensions": DisaggregationDimension.objects.prefetch_related(categories),
    }
    return render(request, "reference/code_lists.html", context)


def territory(request: HttpRequest) -> HttpResponse:
    """Albania's 12 counties and the 61 municipalities under them."""
    municipalities = Prefetch("municipalities", queryset=Municipality.objects.order_by("name_sq"))
    counties = County.objects.order_by("code").prefetch_related(municipalities)
    return render(request, "reference/territory.html", {"page": "territory", "counties": counties})
