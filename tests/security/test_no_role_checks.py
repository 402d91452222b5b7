"""No module outside `nsm/accounts` checks a role itself: pages, API handlers, selectors and services ask the verbs of
`nsm/accounts/access.py` (`may_manage`, `may_review`, `may_oversee`, ...), and the role sets are named there only.

The source of every module of `nsm` (but accounts, the demo data and the migrations) is read as text; a mention of
`Membership.Role`, a call of `acts_for_country` or of `access.countries(` fails this test unless it is listed below
with the reason it is allowed.
"""

import re
from pathlib import Path

import nsm

ROOT = Path(nsm.__file__).resolve().parent

FORBIDDEN = {
    "Membership.Role": re.compile(r"\bMembership\.Role\b"),
    "acts_for_country": re.compile(r"\bacts_for_country\b"),
    "access.countries(": re.compile(r"\baccess\.countries\("),
}

# (module, what it mentions): why it may. Each allowance must still be needed, so that the list does not rot.
ALLOWED = {
    ("monitoring/models.py", "access.countries("): "the querysets' visible_to, reviewable_by and overseen_by: a query "
    "of the countries where a role set acts, not a yes or no",
    ("workinggroup/models.py", "access.countries("): "the action points' updatable_by queryset filter",
    ("consultation/models.py", "access.countries("): "the rounds' visible_to, internal_to and editable_by querysets",
    ("workinggroup/selectors.py", "access.countries("): "the home page's overdue action points: a queryset filter by "
    "the secretariat's countries",
    ("monitoring/reminders.py", "Membership.Role"): "selects the focal points to e-mail, a query of people by role",
}

SKIPPED = ("accounts", "demo")


def _modules() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if path.relative_to(ROOT).parts[0] not in SKIPPED and "migrations" not in path.relative_to(ROOT).parts
    )


def _mentions() -> set[tuple[str, str]]:
    found = set()
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        for name, pattern in FORBIDDEN.items():
            if pattern.search(text):
                found.add((path.relative_to(ROOT).as_posix(), name))
    return found


def test_no_module_outside_accounts_checks_a_role_itself():
    unexpected = sorted(_mentions() - ALLOWED.keys())
    assert not unexpected, (
        "Ask a verb of nsm.accounts.access (may_manage, may_review, ...) instead of checking roles here, or add the "
        f"verb there: {unexpected}"
    )


def test_every_allowance_is_still_needed():
    stale = sorted(ALLOWED.keys() - _mentions())
    assert not stale, f"These modules no longer check roles themselves: take them off ALLOWED: {stale}"


def test_the_scan_sees_the_modules_it_guards():
    names = {path.relative_to(ROOT).as_posix() for path in _modules()}
    assert {"monitoring/views.py", "api/values.py", "consultation/rounds.py", "context/views.py"} <= names
    assert not any(name.startswith(("accounts/", "demo/")) or "/migrations/" in name for name in names)
