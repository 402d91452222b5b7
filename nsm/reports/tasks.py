"""The background task that makes a document: queued by `services.request_document`, run by `nsm worker`."""

from django_tasks import task

from nsm.reports import services


@task()
def make_document(document_id: int, interface_language: str) -> None:
    """Make the file of GeneratedDocument `document_id`; the row records the outcome (services.run_document)."""
    services.run_document(document_id, interface_language=interface_language)
