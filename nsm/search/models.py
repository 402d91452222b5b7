"""The search index: one row per indexed object (a plan item, an institution, a report line's narrative, a
consultation comment, a meeting, a decision), written by database triggers (nsm.search.index), never by hand."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Entry(models.Model):
    """An indexed object's words: `body` is its texts run together as stored (the engine folds case and accents,
    nsm.search.index). The id is `kind number * 2**40 + object id`, so the trigger of a change finds its row
    by primary key. PostgreSQL adds a `vector` column (tsvector, generated from `body`) with a GIN index; SQLite an
    FTS5 table `search_fts` over `body` (the migration 0002)."""

    id = models.BigIntegerField(primary_key=True)
    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.BigIntegerField(_("object"))
    body = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        indexes = [models.Index(fields=["kind", "object_id"], name="search_entry_kind_object")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
