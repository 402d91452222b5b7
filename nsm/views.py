"""The home page: the strategies the user may see."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from nsm.analytics.policy_gap import policy_gaps
from nsm.strategy.models import Strategy
from nsm.workinggroup.selectors import overdue_for_home


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    strategies = list(Strategy.objects.visible_to(user)) if user.is_authenticated else []
    context = {
        "strategies": strategies,
        "overdue_points": overdue_for_home(user),
        "policy_gaps": policy_gaps(strategies, timezone.localdate()),
    }
    return render(request, "home.html", context)
