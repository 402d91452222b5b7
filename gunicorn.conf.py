"""gunicorn's settings that go with the application (read from the working directory, or `--config`).

The command line of the systemd unit (docs/deployment.md) and of the benchmarks sets the workers, threads, timeouts
and address; what is here holds for every one of them.
"""

# The application is loaded once, in the master, before the workers are forked: they share its code (less memory)
# and none pays the second or so of importing Django, the apps and the URL tree on its first request. With it, a
# `systemctl reload` (HUP) starts new workers from the code already loaded: after an upgrade, restart instead.
preload_app = True


def when_ready(server: object) -> None:
    """In the master, the application loaded: load what Django otherwise loads at a worker's first request (the URL
    tree with every view module, the translation catalogues, the base templates), then close any database
    connection opened meanwhile, which the workers must not share."""
    from django.conf import settings
    from django.db import connections
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Analysis")
    get_template("base.html")
    connections.close_all()
