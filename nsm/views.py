"""The home page: the strategies the user may see."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nsm.strategy.models import Strategy
from nsm.workinggroup.selectors import overdue_for_home


def home(request: HttpRequest) -> HttpResponse:
    strategies = Strategy.objects.visible_to(request.user) if request.user.is_authenticated else Strategy.objects.none()
    context = {"strategies": strategies, "overdue_points": overdue_for_home(request.user)}
    return render(request, "home.html", context)
