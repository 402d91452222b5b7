"""The monitoring scenario (tests/monitoring/conftest.py) and the consultation rounds' (round_fixtures.py), with the
people a notice may or may not reach: a second focal point of MSHMS (`colleague`), Kosovo's secretariat, an inactive
focal point of MSHMS. Workflow steps are taken inside `steps`, which runs what waits for the commit (the notices are
made once a step has committed)."""

import pytest

from nsm.accounts.models import Membership
from nsm.monitoring import services
from nsm.notifications.models import Notification
from tests.consultation.round_fixtures import (  # noqa: F401 - fixtures shared with the consultation tests
    ngo,
    open_round,
    other_stakeholder,
    stakeholder,
    version,
)
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory
from tests.monitoring.conftest import (  # noqa: F401 - fixtures shared with the monitoring tests
    build_plan,
    colleague,
    cycle,
    fill,
    other_report,
    report,
)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """The worker's tasks run as they are queued (NSM_TASKS_BACKEND=immediate), unless a test chooses the queue."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def steps(django_capture_on_commit_callbacks):
    """`with steps(): services.submit_report(...)`: the step, then what runs once it has committed."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def xk_secretariat(db):
    institution = InstitutionFactory(code="MPB", country="XK")
    user = UserFactory(username="secretariat-xk")
    MembershipFactory(user=user, institution=institution, role=Membership.Role.SECRETARIAT)
    return user


@pytest.fixture
def inactive_focal_point(db):
    user = UserFactory(username="gone", is_active=False)
    MembershipFactory(user=user, institution=InstitutionFactory(code="MSHMS"), role=Membership.Role.FOCAL_POINT)
    return user


def told(user) -> list[str]:
    """The keys of the notices `user` got, oldest first."""
    return list(Notification.objects.filter(recipient=user).order_by("created_at", "pk").values_list("key", flat=True))


def submitted(draft, user, steps):
    """`draft` filled in and submitted by `user`, with what follows the commit run; reloaded."""
    draft = fill(draft, user)
    with steps():
        services.submit_report(draft, by=user, version=draft.version)
    draft.refresh_from_db()
    return draft
