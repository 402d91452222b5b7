"""The analytics tests' hand-counted plan (tests/analytics/conftest.py) serves the documents' tests too: every figure
a document prints can be checked against it and against the roll-ups."""

from tests.analytics.conftest import approved_plan  # noqa: F401 - a fixture, used by name
from tests.context.conftest import remittances  # noqa: F401 - a fixture, used by name
