"""The demo's draft GCM review of 2024: the chapter on context and method and two objectives written by the
secretariat, the other objectives left to their data-drafted summary; the page opens on it; a second load writes
nothing."""

from django.urls import reverse
from django.utils import translation

from nsm.accounts.models import User
from nsm.analytics.periods import Period
from nsm.demo import content
from nsm.demo.loader import load_demo
from nsm.reports.gcm_review import build_gcm_review
from nsm.reports.models import GcmReview
from nsm.strategy.models import Strategy
from tests.conftest import sign_in

CODE = content.STRATEGY["code"]


def test_the_demo_has_a_draft_review_of_2024_with_two_objectives_written(demo):
    review = GcmReview.objects.get(strategy__code=CODE)
    assert review.period == "2024" and review.context_en and review.context_sq
    assert sorted(review.objectives.values_list("number", flat=True)) == [18, 21]
    assert review.history.first().history_user.username == "secretariat"


def test_the_demo_review_prints_the_written_objectives_and_the_others_from_the_data(demo):
    strategy = Strategy.objects.get(code=CODE)
    with translation.override("sq"):
        document = build_gcm_review(strategy, Period.year(2024))
    objectives = document.sections[1].subsections
    assert len(objectives) == 23
    assert objectives[17].blocks[0].text.startswith("Shqipëria ka zgjeruar njohjen")
    with translation.override("sq"):
        untouched = translation.gettext("Not addressed by the plan in the period.")
    for number in content.GCM_LEFT_OUT:  # left untagged on purpose: listed, and said so
        assert objectives[number - 1].blocks[-1].text == untouched


def test_the_review_page_opens_on_the_demo_draft(demo, client):
    sign_in(client, User.objects.get(username="coordinator"))
    response = client.get(reverse("reports:gcm-review", args=[CODE]))
    assert response.status_code == 200
    assert "Albania has widened the recognition" in response.content.decode()


def test_loading_again_writes_no_review(demo):
    again = load_demo()
    assert again.unchanged["gcmreview"] == 1 and not again.created["gcmreview"]
