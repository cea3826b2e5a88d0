"""Uploads in an S3-compatible bucket (DJANGO_S3_BUCKET), recorded per request like those in
MEDIA_ROOT so a failed request deletes what it saved (config.storage)."""

from storages.backends.s3 import S3Storage

from config.storage import RequestTrackingMixin


class RequestS3Storage(RequestTrackingMixin, S3Storage):
    """Private objects: no public ACL, never overwritten; visitors get a file only through the
    app's attachment view, which reads and streams it."""
