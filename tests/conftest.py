"""Personas: one fixture per kind of user the platform serves."""

import os
import tempfile
import time
from pathlib import Path

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from nsm.accounts import twofactor
from nsm.accounts.models import Membership
from tests.factories import InstitutionFactory, MembershipFactory, StrategyFactory, UserFactory


@pytest.fixture(autouse=True)
def english_by_default(settings):
    """Tests read English text unless they choose Albanian (`translation.override("sq")` or Accept-Language)."""
    settings.LANGUAGE_CODE = "en"


DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}
MEMORY_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "nsm-tests"}}


@pytest.fixture(scope="session", autouse=True)
def configured_caches():
    """The cache of settings.CACHES (a table of the database) for the tests that use the database; the memory for
    the others, and for fixtures shared by a module or the session, which have no database."""
    from django.conf import settings
    from django.test import override_settings

    configured = settings.CACHES
    with override_settings(CACHES=MEMORY_CACHE):
        yield configured


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, configured_caches):
    """The test database, with the table of the database cache: it was made while the tests had the memory cache
    (`configured_caches`), so neither `migrate` nor the test runner made that table."""
    from django.core.management import call_command
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(CACHES=configured_caches):
        call_command("createcachetable", verbosity=0)


@pytest.fixture(autouse=True)
def empty_cache(request, configured_caches, django_db_blocker):
    """Each test starts with an empty cache: the analysis pages and charts are cached by the data they show, and
    test data made with factories (not through the services) bumps no version. With the database's cache, a test in
    a transaction leaves nothing in it (rolled back) and a test that commits empties it afterwards."""
    from django.core.cache import cache
    from django.test import override_settings

    marker = request.node.get_closest_marker("django_db")
    if marker is None and not DATABASE_FIXTURES & set(request.fixturenames):
        cache.clear()
        yield
        return
    with override_settings(CACHES=configured_caches):
        yield
        if {"transactional_db", "live_server"} & set(request.fixturenames) or (
            marker and marker.kwargs.get("transaction")
        ):
            with django_db_blocker.unblock():
                cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Personas sign in with real passwords; a fast hasher keeps the suite quick (production keeps the default)."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",  # to check hashes made before the fixture (the demo's)
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


def _member(username: str, institution_code: str, role: str):
    institution = InstitutionFactory(code=institution_code)
    user = UserFactory(username=username)
    MembershipFactory(user=user, institution=institution, role=role)
    return user


@pytest.fixture
def focal_point(db):
    """The focal point of the Ministry of Health and Social Protection."""
    return _member("focal", "MSHMS", Membership.Role.FOCAL_POINT)


@pytest.fixture
def other_focal_point(db):
    """The focal point of another institution, the National Agency for Employment and Skills."""
    return _member("focal2", "AKPA", Membership.Role.FOCAL_POINT)


@pytest.fixture
def secretariat(db):
    """A member of the technical secretariat at the Ministry of Internal Affairs."""
    return _member("secretariat", "MPB", Membership.Role.SECRETARIAT)


@pytest.fixture
def coordinator(db):
    """The coordinator of the strategy at the Ministry of Internal Affairs."""
    return _member("coordinator", "MPB", Membership.Role.COORDINATOR)


@pytest.fixture
def viewer(db):
    """A reader at the Institute of Statistics."""
    return _member("viewer", "INSTAT", Membership.Role.VIEWER)


@pytest.fixture
def public(db) -> Client:
    """Someone who has not signed in."""
    return Client()


def sign_in(client: Client, user) -> Client:
    """Sign `client` in as `user`, past both steps: a user who needs two-factor sign-in (coordinator, secretariat,
    superuser, staff) gets a confirmed device if they have none, and the session is marked verified with it, as
    django_otp.login does after a right code."""
    client.force_login(user, backend="nsm.accounts.backends.ModelBackend")
    if twofactor.holds_two_factor_role(user):
        device = twofactor.confirmed_device(user) or twofactor.add_confirmed_device(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def next_totp_code(device) -> str:
    """A code `device` accepts now: the current one, or the next step's when the current one was used already
    (a code is accepted once); waits when even that was used."""
    while True:
        device.refresh_from_db()
        now = twofactor.current_step(device)
        step = max(now, device.last_t + 1)
        if step <= now + device.tolerance:
            return twofactor.code_at(device, step)
        time.sleep(1)


@pytest.fixture
def client_for():
    """`client_for(user)`: a test client signed in as that user (with the second step done, see `sign_in`)."""

    def make(user) -> Client:
        return sign_in(Client(), user)

    return make


@pytest.fixture
def admin_client(db, admin_user) -> Client:
    """pytest-django's superuser client, past the second sign-in step that superusers need."""
    return sign_in(Client(), admin_user)


@pytest.fixture
def strategy(db):
    return StrategyFactory(code="AL-NSM-TEST")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """No persistent connections in tests: the live server's thread must not keep the test database open."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        # A file, not SQLite's shared in-memory database: threads then lock and wait as they do in production
        # (the concurrency tests), instead of failing at once with "database table is locked".
        name = Path(tempfile.gettempdir()) / f"nsm-test-{os.getpid()}.sqlite3"
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(name)
        # Writers queue for SQLite's one write lock; on a loaded machine 16 threads may wait longer than in production.
        settings.DATABASES["default"]["OPTIONS"]["timeout"] = 120
