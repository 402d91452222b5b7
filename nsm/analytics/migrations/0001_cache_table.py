"""The cache table (settings.CACHES, `nsm_cache` by default), made wherever `migrate` runs: the analysis pages and
their charts are kept there, where every process of every server reads them. Nothing is made when the cache is not
the database's (NSM_CACHE_URL=redis://...); `nsm createcachetable` makes it after switching back."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies: list = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False)]
