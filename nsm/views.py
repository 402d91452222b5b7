"""The home page: what waits for the signed-in user, by what they do (fill in reports, review them, answer comments,
read the analysis, comment as an external stakeholder), then the strategies they may see.

Each list is a selector of its app (two queries: the first rows and their number) scoped to the user's institutions
and countries by the querysets of `nsm.accounts.access`; a list the user has no part in is not shown at all, one they
have a part in says so in words when it is empty.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from nsm.accounts import access
from nsm.analytics.policy_gap import policy_gaps
from nsm.analytics.views_common import home_figures
from nsm.consultation import selectors as consultation
from nsm.monitoring import selectors as monitoring
from nsm.reports import remarks
from nsm.strategy.models import Strategy
from nsm.workinggroup import selectors as workinggroup


def _to_do(user: Any, today: Any) -> dict[str, Any]:
    """The lists of the home page the user has a part in (None for the others)."""
    fills_in = bool(access.institution_ids(user, access.FOCAL_POINTS))
    reviews = access.reviews_reports(user)
    overdue = workinggroup.overdue_for_home(user, today)
    return {
        "my_reports": monitoring.reports_to_fill_in(user) if fills_in else None,
        "my_points": workinggroup.open_points_of_mine(user) if fills_in else None,
        "to_review": monitoring.reports_to_review(user) if reviews else None,
        "overdue_reports": monitoring.reports_overdue(user, today) if reviews else None,
        "to_answer": consultation.comments_to_answer(user) if access.answers_comments(user) else None,
        "remarks_to_answer": remarks.to_answer(user) if access.answers_remarks(user) else None,
        "overdue_points": overdue if reviews or overdue else None,
        "invited_rounds": (
            consultation.rounds_invited_to(user, today) if access.institution_ids(user, access.STAKEHOLDERS) else None
        ),
        "figures": home_figures(user) if access.reads_analysis(user) else None,
    }


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    strategies = list(Strategy.objects.visible_to(user)) if user.is_authenticated else []
    context: dict[str, Any] = {"strategies": strategies, "policy_gaps": policy_gaps(strategies, today), "today": today}
    if user.is_authenticated:
        context |= _to_do(user, today)
    return render(request, "home.html", context)
