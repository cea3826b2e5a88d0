"""Uploads saved by a request that then fails are deleted with it. The request's transaction is
rolled back (ATOMIC_REQUESTS), so without this a contribution refused by a database fault would
leave its attachment behind, an orphan file no record points to.

Uploads live in MEDIA_ROOT, or in an S3-compatible bucket when DJANGO_S3_BUCKET is set
(config.s3storage, imported only then); both record what a request saved through the mixin."""

from contextvars import ContextVar

from django.core.files.storage import FileSystemStorage

saved_during_request = ContextVar("saved_during_request", default=None)


class RequestTrackingMixin:
    def _save(self, name, content):
        name = super()._save(name, content)
        saved = saved_during_request.get()
        if saved is not None:
            saved.append((self, name))
        return name


class RequestFileSystemStorage(RequestTrackingMixin, FileSystemStorage):
    pass
