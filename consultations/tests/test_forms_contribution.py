"""The public contribution form, from the first page to publication, through the test client with
the real database, outbox and uploads."""

import datetime
import re
import resource
import time
import tracemalloc

import pytest
from django.conf import settings
from django.core import mail, signing
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from consultations import ratelimit
from consultations.enums import ContributionStatus, PublicationConsent
from consultations.models import Contribution, OutgoingEmail, StatusChange
from consultations.services import moderate_contribution
from consultations.submission_views import CONTRIBUTION_SALT, contribution_status_path
from consultations.tests.factories import ContributionFactory, SegmentFactory
from consultations.tests.forms_support import (
    EXE_BYTES,
    MEBIBYTE,
    big_pdf,
    bomb_bytes,
    docx_bytes,
    long_docx_bytes,
    odt_bytes,
    open_hearing,
    pdf_bytes,
    plain_zip_bytes,
    upload,
)
from consultations.validators import CONTENT_TYPES, DOCX
from stakeholders.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

BODY = (
    "We recommend **regular pathways** for migrant workers.\n\n"
    "- Recognise skills\n- Protect wages\n"
)


@pytest.fixture(autouse=True)
def fresh_cache_and_media(settings, tmp_path):
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    cache.clear()


@pytest.fixture
def hearing():
    return open_hearing(title="Hearing on migration", slug="migration-hearing")


@pytest.fixture
def icmc():
    return OrganizationFactory(name="International Catholic Migration Commission", acronym="ICMC")


def contribute_url(hearing):
    return reverse("consultations:contribute", args=[hearing.slug])


def valid_data(**changes):
    data = {
        "author_name": "Ana Gómez",
        "author_email": "ana@example.org",
        "organization_text": "ICMC",
        "category": "civil_society",
        "country": "MX",
        "language": "es",
        "title": "Regular pathways",
        "segment": "",
        "body": BODY,
        "consent": PublicationConsent.ORGANIZATION,
        "website": "",
    }
    data.update(changes)
    return data


def form_errors(response):
    return {field: list(errors) for field, errors in response.context["form"].errors.items()}


def status_path_in(text):
    site = re.escape(settings.SITE_URL.rstrip("/"))
    return re.search(site + r"(/contributions/status/\S+/)", text)[1]


def assert_nothing_stored():
    assert Contribution.objects.count() == 0
    assert OutgoingEmail.objects.count() == 0
    assert StatusChange.objects.count() == 0


def test_contribution_from_form_to_publication(
    client, hearing, icmc, editor, django_capture_on_commit_callbacks
):
    segment = SegmentFactory(hearing=hearing, title="Labour migration")
    page = client.get(contribute_url(hearing)).content.decode()
    consent_inputs = re.findall(r'<input type="radio" name="consent"[^>]*>', page)
    assert len(consent_inputs) == 3
    assert [tag for tag in consent_inputs if "checked" in tag] == []
    assert 'name="csrfmiddlewaretoken"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            contribute_url(hearing),
            valid_data(segment=segment.pk, attachment=upload("brief.pdf", pdf_bytes())),
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    contribution = Contribution.objects.get()
    assert response.status_code == 302
    # The token as the view signed it: signing again here could fall in the next second.
    token = re.fullmatch(r"/contributions/status/([^/]+)/\?submitted=1", response["Location"])[1]
    assert signing.TimestampSigner(salt=CONTRIBUTION_SALT).unsign(token) == str(contribution.pk)
    assert contribution.status == ContributionStatus.SUBMITTED
    assert contribution.reference == f"{hearing.process.code}-2030-0001"
    assert contribution.organization == icmc
    assert contribution.segment == segment
    assert contribution.consent == PublicationConsent.ORGANIZATION
    assert contribution.correspondence_language == "fr"
    assert contribution.language == "es"
    assert contribution.body == BODY
    assert re.fullmatch(r"contributions/[0-9a-f]{32}\.pdf", contribution.attachment.name)

    confirmation = client.get(response["Location"]).content.decode()
    assert contribution.reference in confirmation
    assert "Withdraw my contribution" in confirmation

    assert len(mail.outbox) == 1
    received = mail.outbox[0]
    assert received.to == ["ana@example.org"]
    assert contribution.reference in received.subject
    assert contribution.reference in received.body
    assert '<html lang="fr">' in received.alternatives[0].content
    link = status_path_in(received.body)

    public_url = reverse("consultations:contribution", args=[contribution.reference])
    assert client.get(public_url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        moderate_contribution(contribution, ContributionStatus.PUBLISHED, by=editor)
    assert len(mail.outbox) == 2
    assert contribution.reference in mail.outbox[1].subject
    assert public_url in mail.outbox[1].body

    public = client.get(public_url).content.decode()
    assert "<strong>regular pathways</strong>" in public
    assert "International Catholic Migration Commission" in public
    assert "Ana Gómez" not in public  # the author chose: organization only
    status_page = client.get(link).content.decode()
    assert "Published" in status_page
    assert "Withdraw my contribution" not in status_page


def test_rejection_emails_the_reason_and_never_publishes(
    client, hearing, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(contribute_url(hearing), valid_data())
    contribution = Contribution.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        moderate_contribution(
            contribution, ContributionStatus.REJECTED, by=editor, reason="Off topic."
        )
    assert "Off topic." in mail.outbox[1].body
    assert client.get(contribution.get_absolute_url()).status_code == 404


def test_new_organization_name_is_kept_for_staff_to_match(client, hearing):
    client.post(contribute_url(hearing), valid_data(organization_text="Red Sea Migrant Network"))
    contribution = Contribution.objects.get()
    assert contribution.organization is None
    assert contribution.organization_name == "Red Sea Migrant Network"


def test_double_click_stores_one_contribution(client, hearing, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(contribute_url(hearing), valid_data())
        second = client.post(contribute_url(hearing), valid_data())
    contribution = Contribution.objects.get()
    signer = signing.TimestampSigner(salt=CONTRIBUTION_SALT)
    assert signer.unsign(first["Location"].split("/")[3]) == str(contribution.pk)
    # The second send learns it arrived, but not the status link, which only the author's
    # email holds (whoever sends the same text again must not be able to withdraw it).
    assert second.status_code == 200
    assert "Contribution already received" in second.content.decode()
    assert "/contributions/status/" not in second.content.decode()
    assert len(mail.outbox) == 1
    # A different text from the same person is a new contribution.
    client.post(contribute_url(hearing), valid_data(body=BODY + "\nOne more point."))
    assert Contribution.objects.count() == 2


# Preview ----------------------------------------------------------------------------------------


def test_preview_without_javascript_keeps_the_form_and_stores_nothing(client, hearing):
    response = client.post(
        contribute_url(hearing),
        {"preview": "1", "title": "Draft", "body": "Some **bold** idea <script>x</script>"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["preview"] == (
        "<p>Some <strong>bold</strong> idea &lt;script&gt;x&lt;/script&gt;</p>"
    )
    assert 'value="Draft"' in html
    assert "Some **bold** idea &lt;script&gt;x&lt;/script&gt;</textarea>" in html
    assert response.context["form"].errors == {}
    assert_nothing_stored()


def test_live_preview_endpoint_renders_safe_html(client, hearing):
    url = reverse("consultations:markdown_preview", args=[hearing.slug])
    response = client.post(url, {"body": "*hi* <img src=x onerror=alert(1)>"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.content.decode() == "<p><em>hi</em> &lt;img src=x onerror=alert(1)&gt;</p>"
    assert client.get(url).status_code == 405
    assert Client(enforce_csrf_checks=True).post(url, {"body": "x"}).status_code == 403


# Bad input --------------------------------------------------------------------------------------


def test_empty_required_fields(client, hearing):
    response = client.post(contribute_url(hearing), {"title": "Only a title"})
    required = ["This field is required."]
    assert form_errors(response) == {
        "author_name": required,
        "author_email": required,
        "organization_text": required,
        "category": required,
        "country": required,
        "language": required,
        "body": required,
        "consent": ["Choose what may be published with your contribution."],
    }
    assert response.context["form"]["title"].value() == "Only a title"
    assert 'value="Only a title"' in response.content.decode()
    assert_nothing_stored()


def test_invalid_email_and_overlong_name(client, hearing):
    response = client.post(
        contribute_url(hearing), valid_data(author_email="ana.example.org", author_name="N" * 300)
    )
    assert form_errors(response) == {
        "author_email": ["Enter a valid email address."],
        "author_name": ["Ensure this value has at most 200 characters (it has 300)."],
    }
    assert response.context["form"]["body"].value() == BODY
    assert_nothing_stored()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Too short.", "Write at least 50 characters (you wrote 10)."),
        ("x" * 20_001, "Keep it to 20000 characters at most (you wrote 20001)."),
    ],
)
def test_body_outside_the_limits(client, hearing, body, message):
    response = client.post(contribute_url(hearing), valid_data(body=body))
    assert form_errors(response) == {"body": [message]}
    assert response.context["form"]["title"].value() == "Regular pathways"
    assert_nothing_stored()


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            upload("report.pdf", EXE_BYTES),
            "This file is not a PDF, Word (DOCX) or OpenDocument (ODT) document.",
        ),
        (
            upload("report.docx", plain_zip_bytes(), "application/zip"),
            "This file is not a PDF, Word (DOCX) or OpenDocument (ODT) document.",
        ),
        (
            big_pdf(12),
            "The file is larger than 10.0\xa0MB, the most a document may be. Send a smaller file.",
        ),
    ],
    ids=["exe-renamed-pdf", "zip-renamed-docx", "12-megabytes"],
)
def test_attachment_refused(client, hearing, file, message):
    response = client.post(contribute_url(hearing), valid_data(attachment=file))
    assert form_errors(response) == {"attachment": [message]}
    assert response.context["form"]["author_name"].value() == "Ana Gómez"
    assert_nothing_stored()


ARCHIVE_REFUSED = (
    "This file would unpack to far more than a document of its size holds, so it was refused. "
    "Save it again from your word processor, or send it as a PDF."
)


@pytest.fixture(scope="module", params=["mimetype", "word/document.xml"])
def zip_bomb(request):
    """A 260 KB "DOCX" that inflates to 256 MiB, in the entry the type check reads (an ODT's
    `mimetype`) or in one it never needs to read."""
    return bomb_bytes(request.param, mebibytes=256)


def test_zip_bomb_is_refused_at_once_without_being_inflated(client, hearing, zip_bomb):
    file = upload("report.docx", zip_bomb, CONTENT_TYPES[DOCX])
    peak_rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    try:
        response = client.post(contribute_url(hearing), valid_data(attachment=file))
        seconds = time.perf_counter() - started
        _current, peak_allocated = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    peak_rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_rss_before

    assert form_errors(response) == {"attachment": [ARCHIVE_REFUSED]}
    # Inflating it would hold 256 MiB (the memory bounds below); the time bound leaves room for a
    # busy machine running the suite in two workers, with tracemalloc slowing every allocation.
    assert seconds < 3
    assert peak_allocated < 20 * MEBIBYTE
    assert peak_rss_growth * 1024 < 20 * MEBIBYTE  # ru_maxrss counts KiB on Linux
    assert_nothing_stored()


@pytest.mark.parametrize(
    ("content", "suffix"),
    [(docx_bytes(), ".docx"), (long_docx_bytes(), ".docx"), (odt_bytes(), ".odt")],
    ids=["docx", "docx-4-mebibytes-unpacked", "odt"],
)
def test_word_and_opendocument_files_are_accepted(client, hearing, content, suffix):
    response = client.post(
        contribute_url(hearing), valid_data(attachment=upload(f"brief{suffix}", content))
    )
    assert response.status_code == 302
    assert Contribution.objects.get().attachment.name.endswith(suffix)


def test_odt_sent_with_a_wrong_extension_is_stored_as_odt(client, hearing):
    client.post(contribute_url(hearing), valid_data(attachment=upload("notes.exe", odt_bytes())))
    assert Contribution.objects.get().attachment.name.endswith(".odt")


def test_segment_of_another_hearing_is_refused(client, hearing):
    elsewhere = SegmentFactory()
    response = client.post(contribute_url(hearing), valid_data(segment=elsewhere.pk))
    assert form_errors(response) == {
        "segment": ["Select a valid choice. That choice is not one of the available choices."]
    }
    assert_nothing_stored()


def test_html_and_script_are_text_everywhere(
    client, hearing, editor, django_capture_on_commit_callbacks
):
    script = "<script>alert(1)</script>"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            contribute_url(hearing),
            valid_data(
                author_name="Ana " + script,
                title="Title " + script,
                body=BODY + script,
                organization_text=script,
                consent=PublicationConsent.NAMED,
            ),
        )
    contribution = Contribution.objects.get()
    assert contribution.title == "Title " + script
    assert contribution.body == BODY + script
    assert contribution.organization_name == script
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    status_page = client.get(response["Location"]).content.decode()
    assert "<script>alert" not in status_page
    assert "Title " + escaped in status_page
    assert "<script>" not in mail.outbox[0].alternatives[0].content
    assert "Ana " + escaped in mail.outbox[0].alternatives[0].content
    moderate_contribution(contribution, ContributionStatus.PUBLISHED, by=editor)
    public = client.get(contribution.get_absolute_url()).content.decode()
    assert "<script>alert" not in public
    assert escaped in public
    client.force_login(editor)
    admin_page = client.get(
        reverse("admin:consultations_contribution_change", args=[contribution.pk])
    ).content.decode()
    assert "<script>alert" not in admin_page


@pytest.mark.parametrize("name", ["عائشة الحربي", "王小明", "José Núñez-Ångström", "Zoë 🌍 Okafor"])
def test_names_and_titles_in_any_script_are_kept_exactly(client, hearing, name):
    client.post(
        contribute_url(hearing), valid_data(author_name=name, title=name, organization_text=name)
    )
    contribution = Contribution.objects.get()
    assert (contribution.author_name, contribution.title, contribution.organization_name) == (
        name,
        name,
        name,
    )


def test_honeypot_filled_stores_nothing(client, hearing):
    response = client.post(contribute_url(hearing), valid_data(website="x"))
    assert response.status_code == 400
    assert_nothing_stored()


def test_the_sixth_accepted_contribution_of_one_email_gets_429_with_the_form_kept(client, hearing):
    for number in range(ratelimit.SUBMISSIONS_PER_EMAIL):
        response = client.post(
            contribute_url(hearing),
            valid_data(title=f"Paper {number}", author_email="p@example.org"),
            REMOTE_ADDR=f"10.0.3.{number}",
        )
        assert response.status_code == 302
    response = client.post(
        contribute_url(hearing), valid_data(title="Paper six", author_email="P@example.org")
    )
    assert response.status_code == 429
    page = response.content.decode()
    assert "please wait ten minutes and send it again" in page
    assert 'value="Paper six"' in page
    assert Contribution.objects.count() == ratelimit.SUBMISSIONS_PER_EMAIL


def test_form_refuses_posts_without_csrf_token(hearing):
    response = Client(enforce_csrf_checks=True).post(contribute_url(hearing), valid_data())
    assert response.status_code == 403
    assert_nothing_stored()


# Window -----------------------------------------------------------------------------------------


def test_window_messages_and_refused_posts(client, hearing):
    hearing.contributions_open = datetime.datetime(2030, 1, 15, 8, 0, tzinfo=datetime.UTC)
    hearing.contributions_close = datetime.datetime(2030, 2, 15, 8, 0, tzinfo=datetime.UTC)
    hearing.save()
    message = "The call for contributions opens on 15 January 2030, 09:00 (Europe/Zurich)."
    assert message in client.get(contribute_url(hearing)).content.decode()
    refused = client.post(contribute_url(hearing), valid_data())
    assert refused.status_code == 403
    assert message in refused.content.decode()
    hearing.contributions_open = datetime.datetime(2020, 1, 15, 8, 0, tzinfo=datetime.UTC)
    hearing.contributions_close = datetime.datetime(2020, 7, 15, 8, 0, tzinfo=datetime.UTC)
    hearing.save()
    closed = "The call for contributions closed on 15 July 2020, 10:00 (Europe/Zurich)."
    assert closed in client.post(contribute_url(hearing), valid_data()).content.decode()
    assert_nothing_stored()


def test_form_opened_while_open_and_posted_after_the_close_is_refused(client, hearing):
    assert client.get(contribute_url(hearing)).status_code == 200
    hearing.contributions_close = datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)
    hearing.contributions_open = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    hearing.save()
    assert client.post(contribute_url(hearing), valid_data()).status_code == 403
    assert_nothing_stored()


# Status link and withdrawal ---------------------------------------------------------------------


class OldSigner(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 91 * 24 * 60 * 60)


def test_author_withdraws_before_publication(client, hearing):
    contribution = ContributionFactory(hearing=hearing)
    path = contribution_status_path(contribution)
    response = client.post(path, {"action": "withdraw"})
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.WITHDRAWN
    assert StatusChange.objects.get(contribution=contribution).changed_by is None
    assert "Your contribution is withdrawn" in client.get(response["Location"]).content.decode()
    assert client.get(contribution.get_absolute_url()).status_code == 404


def test_published_contribution_cannot_be_withdrawn(client, hearing, editor):
    contribution = ContributionFactory(hearing=hearing)
    moderate_contribution(contribution, ContributionStatus.PUBLISHED, by=editor)
    response = client.post(contribution_status_path(contribution), {"action": "withdraw"})
    assert response.status_code == 200
    assert (
        "This contribution is published: it cannot become withdrawn." in response.content.decode()
    )
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.PUBLISHED


def test_tampered_and_expired_links_change_nothing(client, hearing):
    contribution = ContributionFactory(hearing=hearing)
    token = signing.TimestampSigner(salt=CONTRIBUTION_SALT).sign(str(contribution.pk))
    tampered = reverse("consultations:contribution_status", args=[token[:-2] + "xx"])
    assert client.get(tampered).status_code == 404
    assert client.post(tampered, {"action": "withdraw"}).status_code == 404
    expired = reverse(
        "consultations:contribution_status",
        args=[OldSigner(salt=CONTRIBUTION_SALT).sign(str(contribution.pk))],
    )
    page = client.post(expired, {"action": "withdraw"})
    assert page.status_code == 410
    assert "This link has expired" in page.content.decode()
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.SUBMITTED


# Attachment download ----------------------------------------------------------------------------


@pytest.fixture
def with_attachment(hearing):
    contribution = ContributionFactory(hearing=hearing)
    contribution.attachment.save("x.pdf", upload("x.pdf", pdf_bytes()))
    return contribution


def attachment_url(contribution):
    return reverse("consultations:attachment", args=[contribution.reference])


@pytest.mark.parametrize(
    ("persona", "status"), [(None, 404), ("stakeholder", 404), ("viewer", 200), ("editor", 200)]
)
def test_attachment_before_publication_is_for_staff_only(
    client, with_attachment, request, persona, status
):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    assert client.get(attachment_url(with_attachment)).status_code == status


def test_attachment_of_a_published_contribution_is_public_and_inert(
    client, with_attachment, editor
):
    moderate_contribution(with_attachment, ContributionStatus.PUBLISHED, by=editor)
    response = client.get(attachment_url(with_attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{with_attachment.reference}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_no_attachment_and_unknown_reference_are_404(client, hearing, editor):
    contribution = ContributionFactory(hearing=hearing)
    moderate_contribution(contribution, ContributionStatus.PUBLISHED, by=editor)
    assert client.get(attachment_url(contribution)).status_code == 404
    assert client.get("/contributions/NOPE-2030-0001/attachment/").status_code == 404


def test_form_query_count_does_not_grow_with_segments_and_organizations(
    client, hearing, django_assert_num_queries
):
    # Queries: the hearing with its process; the organizations' names for the picker; the
    # hearing's segments. (No request savepoint: the form views are non-atomic, their service
    # is the transaction.)
    SegmentFactory.create_batch(2, hearing=hearing)
    OrganizationFactory.create_batch(2)
    with django_assert_num_queries(3):
        small = client.get(contribute_url(hearing)).content.decode()
    SegmentFactory.create_batch(12, hearing=hearing)
    OrganizationFactory.create_batch(20)
    with django_assert_num_queries(3):
        large = client.get(contribute_url(hearing)).content.decode()
    assert small.count(">Panel ") == 2
    assert large.count(">Panel ") == 14
