"""The sign-in lockout under parallel attempts, on whichever database the suite runs (SQLite and PostgreSQL).

django-axes counts failures in one row per user name and address (unique), locked with `select_for_update` and
incremented with `F()`, so parallel failures are each counted. Its check comes before the password is tried, though:
twenty attempts sent at once used to try 11 (PostgreSQL) to 14 (SQLite) passwords before the lockout, not 5. The
sign-in page now runs the attempts of one user name from one address one after another (`SignInView`)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client
from django.urls import reverse

from nsm.accounts.models import User
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ADDRESS = "203.0.113.60"
PASSWORD = "correct horse battery"


@pytest.fixture
def member(db, settings):
    """A focal point whose password is hashed with Argon2, as in production: each check takes a while."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = UserFactory(username="parallel")
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(user=user, institution=InstitutionFactory(code="MSHMS"), role="focal_point")
    return user


@pytest.fixture
def passwords_tried(monkeypatch) -> list[str]:
    """Every password actually checked against the stored hash, in whichever thread."""
    tried: list[str] = []
    check = User.check_password

    def counting(user: User, raw_password: str) -> bool:
        tried.append(raw_password)
        return check(user, raw_password)

    monkeypatch.setattr(User, "check_password", counting)
    return tried


def sign_in_all_at_once(passwords: list[str], address: str = ADDRESS) -> list[int]:
    barrier = threading.Barrier(len(passwords))

    def attempt(password: str) -> int:
        try:
            barrier.wait(timeout=30)
            response = Client().post(
                reverse("accounts:login"), {"username": "parallel", "password": password}, REMOTE_ADDR=address
            )
            return response.status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(len(passwords)) as pool:
        return list(pool.map(attempt, passwords))


def test_twenty_parallel_attempts_try_only_the_limits_passwords(member, passwords_tried, settings):
    statuses = sign_in_all_at_once([f"wrong {n}" for n in range(20)])
    limit = settings.AXES_FAILURE_LIMIT
    assert len(passwords_tried) == limit  # the others were refused by the lockout without a try
    assert sorted(statuses) == [200] * (limit - 1) + [429] * (21 - limit)  # the limit's failure answers the lockout
    attempt = AccessAttempt.objects.get(username="parallel", ip_address=ADDRESS)
    assert attempt.failures_since_start == 20  # one row, every failure counted
    right = Client().post(
        reverse("accounts:login"), {"username": "parallel", "password": PASSWORD}, REMOTE_ADDR=ADDRESS
    )
    assert right.status_code == 429  # locked out, even with the right password
    assert len(passwords_tried) == limit


def test_the_right_password_among_parallel_attempts_still_signs_in(member, passwords_tried):
    statuses = sign_in_all_at_once(["wrong 1", PASSWORD, "wrong 2"])
    assert statuses.count(302) == 1 and len(passwords_tried) == 3


def test_another_address_is_not_held_back(member, passwords_tried):
    sign_in_all_at_once([f"wrong {n}" for n in range(8)])
    statuses = sign_in_all_at_once([PASSWORD, PASSWORD], address="198.51.100.61")
    assert statuses == [302, 302]
