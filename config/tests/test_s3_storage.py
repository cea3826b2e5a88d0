"""Uploads in S3-compatible storage (DJANGO_S3_BUCKET): a contribution's attachment sent through
the public form lands in a real S3-compatible server (moto's, on a free local port) under its
random name, private, and comes back byte for byte through the staff download. A request that
fails deletes what it put there, as it does in MEDIA_ROOT."""

import boto3
import pytest
from django.core.files.storage import default_storage
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from moto.server import ThreadedMotoServer

from config.s3storage import RequestS3Storage
from config.tests.servers_support import free_port
from config.tests.test_faults import fail_on
from config.tests.test_settings import start_django
from consultations.models import Contribution
from consultations.tests.forms_support import open_hearing, pdf_bytes, upload

BUCKET = "hearings-uploads"
CREDENTIALS = {"access_key": "test-access-key", "secret_key": "test-secret-key"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    )
    client.create_bucket(Bucket=BUCKET)
    # The options config/settings.py gives when DJANGO_S3_BUCKET is set (checked below).
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "config.s3storage.RequestS3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                **CREDENTIALS,
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client):
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def contribution_data(**changes):
    return {
        "author_name": "Ana Gómez",
        "author_email": "ana@example.org",
        "organization_text": "ICMC",
        "category": "civil_society",
        "country": "MX",
        "language": "es",
        "title": "Regular pathways",
        "segment": "",
        "body": "We recommend regular pathways for migrant workers, with wages protected.",
        "consent": "organization",
        "website": "",
        **changes,
    }


def test_settings_choose_private_s3_storage_from_the_environment():
    result = start_django(
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.region_name, s.access_key, "
        "s.secret_key, s.default_acl, s.querystring_auth, s.file_overwrite)",
        DJANGO_DEBUG="on",
        DJANGO_S3_BUCKET="uploads",
        DJANGO_S3_ENDPOINT_URL="https://s3.example.org",
        DJANGO_S3_REGION="eu-west-3",
        AWS_ACCESS_KEY_ID="key-id",
        AWS_SECRET_ACCESS_KEY="secret",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "RequestS3Storage",
        "uploads",
        "https://s3.example.org",
        "eu-west-3",
        "key-id",
        "secret",
        "None",
        "True",
        "False",
    ]


def test_without_a_bucket_uploads_stay_in_media_root():
    result = start_django(
        "from django.core.files.storage import storages; print(type(storages['default']).__name__)",
        DJANGO_DEBUG="on",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["RequestFileSystemStorage"]


@pytest.mark.django_db
def test_attachment_sent_through_the_form_is_stored_in_the_bucket_and_downloaded_by_staff(
    bucket, editor
):
    hearing = open_hearing(slug="s3-hearing")
    document = pdf_bytes() + b"% S3 round trip \x00\xff\n" * 50
    response = Client().post(
        reverse("consultations:contribute", args=[hearing.slug]),
        contribution_data(attachment=upload("brief.pdf", document)),
    )
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert isinstance(default_storage._wrapped, RequestS3Storage)
    name = contribution.attachment.name
    assert keys(bucket) == [name]
    assert name.startswith("contributions/") and name.endswith(".pdf")
    assert len(name) == len("contributions/") + 32 + len(".pdf")
    stored = bucket.get_object(Bucket=BUCKET, Key=name)
    assert stored["Body"].read() == document
    # Private: no grant to everyone, and anonymous reads of the object are refused.
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=name)["Grants"]
    assert [g for g in grants if g["Grantee"].get("URI", "").endswith("AllUsers")] == []

    anonymous = Client().get(f"/contributions/{contribution.reference}/attachment/")
    assert anonymous.status_code == 404
    staff = Client()
    staff.force_login(editor)
    download = staff.get(f"/contributions/{contribution.reference}/attachment/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == document
    assert download["Content-Disposition"] == (
        f'attachment; filename="{contribution.reference}.pdf"'
    )
    assert download["Content-Type"] == "application/pdf"


def test_a_name_already_in_the_bucket_is_never_overwritten(bucket):
    first = default_storage.save("contributions/same.pdf", upload("a.pdf", b"first"))
    second = default_storage.save("contributions/same.pdf", upload("b.pdf", b"second"))
    assert first == "contributions/same.pdf"
    assert second != first
    assert sorted(keys(bucket)) == sorted([first, second])
    assert bucket.get_object(Bucket=BUCKET, Key=first)["Body"].read() == b"first"


@pytest.mark.django_db
def test_a_submission_the_database_refuses_leaves_no_object_in_the_bucket(bucket):
    hearing = open_hearing(slug="s3-fault")
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(
        fail_on("consultations_statuschange", OperationalError("server closed the connection"))
    ):
        response = client.post(
            reverse("consultations:contribute", args=[hearing.slug]),
            contribution_data(attachment=upload("brief.pdf", pdf_bytes())),
        )
    assert response.status_code == 503
    assert Contribution.objects.count() == 0
    assert keys(bucket) == []
