"""Albania's context statistics for the demo: `nsm/context/data/albania_context_stats.csv`, with its sources.

Loaded through the context import (the same rules as `nsm import-context`), as the demo admin: a second run finds
every value unchanged and writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from nsm.context.importer import ImportSummary, import_file

if TYPE_CHECKING:
    from nsm.demo.loader import LoadSummary

CONTEXT_FILE = Path(__file__).resolve().parent.parent / "context" / "data" / "albania_context_stats.csv"


def load_context(*, admin: Any, summary: LoadSummary, country: str = "AL") -> ImportSummary:
    """Import the demo's context statistics; count what changed in the demo's summary."""
    result = import_file(CONTEXT_FILE, country=country, by=admin)
    counts = (
        (summary.created, "context indicator", result.indicators_created),
        (summary.created, "context value", result.created),
        (summary.updated, "context value", result.updated),
        (summary.unchanged, "context value", result.unchanged),
    )
    for counter, kind, count in counts:
        if count:  # a kind with nothing counted stays out of the summary
            counter[kind] += count
    return result
