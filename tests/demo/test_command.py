"""`nsm demo --logins`, and `nsm demo` without its reference data (on an empty plan: see test_demo.py)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from nsm.accounts.models import Institution, User
from nsm.demo import content
from nsm.strategy.models import Strategy


def _run(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_logins_prints_each_demo_login_with_its_role_and_institution(db):
    output = _run("--logins")
    for user in content.USERS:
        line = next(line for line in output.splitlines() if line.startswith(user.username + " "))
        assert content.PASSWORD in line
        assert (user.institution or "-") in line
    assert "illustrative, not the adopted text" in output
    assert "for the demo only" in output


def test_logins_loads_nothing(db):
    _run("--logins")
    assert not Strategy.objects.exists()
    assert not User.objects.exists()


def test_demo_command_names_the_missing_reference_data(reference_data):
    Institution.objects.filter(code__in=["MSHPV", "KTM"]).delete()
    with pytest.raises(CommandError, match="institutions: KTM, MSHPV"):
        _run()
    assert not Strategy.objects.exists()
