"""The open-data zip built once and served as a file: `manage.py build_open_data` writes it into
the default storage (MEDIA_ROOT, or the S3 bucket) and every download reads that file. A request
never builds it, so a download starts at once and holds a worker no longer than sending takes.

The build is written aside and then put in place in one step (a rename on disk; one PUT in a
bucket), so a download always gets the last complete file, even while the next one is written.
The command is meant for cron, every minute: it rebuilds only when a public record changed since
the last build (the page cache's `any` tag says when) and at most once every
OPEN_DATA_BUILD_MINUTES, so a busy hearing day costs one build per period, on no request path.
"""

import datetime
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import FileResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _

from consultations.cache import ANY, tag_key
from consultations.opendata import record_zip

OPEN_DATA_NAME = "open-data/hearings-open-data.zip"
BUILD_LOCK_KEY = "open-data:building"
# Longer than any build: a build that died leaves the lock for at most this long.
BUILD_LOCK_SECONDS = 30 * 60
RETRY_AFTER_SECONDS = 60


def local_path():
    """The file's path when the storage is a disk, else None."""
    try:
        return Path(default_storage.path(OPEN_DATA_NAME))
    except NotImplementedError:
        return None


def last_built_at():
    """When the file in place was built (its modification time, set to the build's start), or
    None when none was ever built."""
    if not default_storage.exists(OPEN_DATA_NAME):
        return None
    return default_storage.get_modified_time(OPEN_DATA_NAME)


def build_due(now=None):
    """Why a build should run now, or None: never built; built before the last change of a
    public record and at least OPEN_DATA_BUILD_MINUTES ago."""
    now = now or timezone.now()
    built_at = last_built_at()
    if built_at is None:
        return "never built"
    changed = cache.get(tag_key(ANY))
    if changed is not None and changed < built_at.timestamp():
        return None
    if now - built_at < datetime.timedelta(minutes=settings.OPEN_DATA_BUILD_MINUTES):
        return None
    return "the published record changed"


def write_zip(handle, chunks):
    size = 0
    for chunk in chunks:
        handle.write(chunk)
        size += len(chunk)
    return size


def build(chunks=None):
    """Write the zip (`record_zip()` unless given) aside, then put it in place at once. Returns
    its size in bytes."""
    started = time.time()
    chunks = record_zip() if chunks is None else chunks
    path = local_path()
    if path is None:
        with tempfile.TemporaryFile(suffix=".zip") as handle:
            size = write_zip(handle, chunks)
            handle.seek(0)
            # One PUT replaces the object whole: readers get the old one or the new one. `_save`
            # is the storage's own write, without `save`'s search for a free name (the bucket
            # never overwrites uploads).
            default_storage._save(OPEN_DATA_NAME, File(handle))
        return size
    path.parent.mkdir(parents=True, exist_ok=True)
    # In the same folder, so the rename stays on one file system and is atomic.
    descriptor, building = tempfile.mkstemp(dir=path.parent, prefix=".building-", suffix=".zip")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            size = write_zip(handle, chunks)
            handle.flush()
            os.fsync(handle.fileno())
        os.utime(building, (started, started))
        os.replace(building, path)
    except BaseException:
        Path(building).unlink(missing_ok=True)
        raise
    return size


def build_once(force=False):
    """Build unless not due or another build runs. Returns (size or None, what happened)."""
    reason = "forced" if force else build_due()
    if reason is None:
        return None, "up to date"
    if not cache.add(BUILD_LOCK_KEY, os.getpid(), BUILD_LOCK_SECONDS):
        return None, "another build is running"
    try:
        return build(), reason
    finally:
        cache.delete(BUILD_LOCK_KEY)


def file_facts(opened):
    """Size and build moment of the opened file, read from the open file itself on disk so they
    match what is sent even if a new build is put in place meanwhile."""
    try:
        facts = os.fstat(opened.file.fileno())
    except (AttributeError, OSError):
        return opened.size, default_storage.get_modified_time(OPEN_DATA_NAME).timestamp()
    return facts.st_size, facts.st_mtime


def not_built_response():
    response = JsonResponse(
        {
            "detail": _(
                "The open data file is not ready yet. It is built every few minutes: "
                "please try again shortly."
            )
        },
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def open_data_response(request):
    """The last complete zip, with its size, build moment (Last-Modified) and an ETag; 304 to a
    client that holds it already; 503 with Retry-After when none was ever built."""
    # A bucket's file opens lazily, whether the object exists or not: ask first.
    if local_path() is None and not default_storage.exists(OPEN_DATA_NAME):
        return not_built_response()
    try:
        opened = default_storage.open(OPEN_DATA_NAME, "rb")
    except FileNotFoundError:
        return not_built_response()
    size, built = file_facts(opened)
    etag = f'"{int(built * 1_000_000):x}-{size:x}"'
    not_modified = get_conditional_response(request, etag=etag, last_modified=int(built))
    if not_modified is not None:
        opened.close()
        not_modified["ETag"] = etag
        not_modified["Last-Modified"] = http_date(built)
        return not_modified
    day = datetime.datetime.fromtimestamp(built, tz=datetime.UTC).date().isoformat()
    response = FileResponse(
        opened,
        content_type="application/zip",
        as_attachment=True,
        filename=f"hearings-open-data-{day}.zip",
    )
    response["Content-Length"] = str(size)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(built)
    return response
