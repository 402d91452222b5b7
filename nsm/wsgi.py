"""WSGI entry point for gunicorn: `gunicorn nsm.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nsm.settings")
application = get_wsgi_application()
