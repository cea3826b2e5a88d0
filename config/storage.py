"""Uploads saved by a request that then fails are deleted with it. The request's transaction is
rolled back (ATOMIC_REQUESTS), so without this a contribution refused by a database fault would
leave its attachment behind, an orphan file no record points to."""

from contextvars import ContextVar

from django.core.files.storage import FileSystemStorage

saved_during_request = ContextVar("saved_during_request", default=None)


class RequestFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        name = super()._save(name, content)
        saved = saved_during_request.get()
        if saved is not None:
            saved.append((self, name))
        return name
