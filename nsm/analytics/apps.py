import logging
import os
import sys
import threading
from collections.abc import Sequence

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# The commands that run the background worker (`nsm worker` and django-tasks' own `db_worker`).
WORKER_COMMANDS = ("worker", "db_worker")


def is_worker_process(argv: Sequence[str], environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """This process runs the background worker; with `--reload`, only its child that runs the tasks (RUN_MAIN, set by
    Django's autoreloader), not the parent that watches the files."""
    if len(argv) < 2 or argv[1] not in WORKER_COMMANDS:
        return False
    return "--reload" not in argv or environ.get("RUN_MAIN") == "true"


def warm_chart_renderer() -> None:
    from nsm.charts import warm_up

    try:
        warm_up()
    except Exception:  # the first chart will start it then
        logger.exception("The chart renderer could not be started ahead")


class AnalyticsConfig(AppConfig):
    name = "nsm.analytics"
    verbose_name = _("Analysis")

    def ready(self) -> None:
        from nsm.analytics.tasks import queue_drawing
        from nsm.monitoring.services import approved_data_changed

        approved_data_changed.connect(queue_drawing, dispatch_uid="nsm.analytics.draw_ahead")
        # The worker draws the charts ahead: it starts the renderer beside its first look at the queue, so that the
        # first chart of the process does not wait for it. Web processes and tests never start it here.
        if is_worker_process(sys.argv):
            threading.Thread(target=warm_chart_renderer, name="nsm-warm-charts", daemon=True).start()
