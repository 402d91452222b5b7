"""A closed round with comments from an invited NGO, an internal user and the public, some answered: the round whose
consultation report is issued."""

import pytest

from nsm.consultation import rounds
from tests.consultation.round_fixtures import *  # noqa: F403 - the fixtures
from tests.consultation.round_fixtures import PUBLIC, days


@pytest.fixture
def closed_round(open_round, secretariat, stakeholder, focal_point, activity_code):
    """`open_round` with three comments (one public, whose author typed an e-mail address into the text), two answered,
    then closed: its dates moved into the past by the secretariat, as after the round had run."""
    ngo = rounds.post_comment(
        open_round, by=stakeholder, text="Name the lead institution.", target_kind="activity",
        target_code=activity_code, sex="female",
    )  # fmt: skip
    rounds.post_comment(open_round, by=focal_point, text="The costs look low.", sex="male")
    public = rounds.post_public_comment(
        open_round, address="203.0.113.9", **{**PUBLIC, "text": "Write to me at arta.private@example.org please."}
    )
    rounds.answer_comment(ngo, by=secretariat, answer="accepted")
    rounds.answer_comment(public, by=secretariat, answer="not_accepted", reason="Outside the plan's scope.")
    return rounds.update_round(open_round, by=secretariat, opens_on=days(-40), closes_on=days(-1))
