"""Badges: the registrant's PDF (its text read back by pdftotext, its QR code the token the door
accepts), its links in the approval email and on the status page, the link refusing once the
registration is cancelled, and the staff's A4 sheets in name order."""

import re
import subprocess

import pytest
import segno
from django.core import mail, signing
from django.template.loader import render_to_string
from django.utils import timezone

from consultations.badges import BADGE_LINK_SALT, badge_context, badge_path, badge_token
from consultations.enums import RegistrationStatus
from consultations.services import decide_registration
from consultations.submission_views import registration_status_path
from consultations.tests.documents_support import flowing, pdftotext
from consultations.tests.factories import HearingFactory, RegistrationFactory
from stakeholders.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

MM = 72 / 25.4


@pytest.fixture
def hearing():
    return HearingFactory(title="Hearing on migration", slug="migration", city="Geneva")


def approved(hearing, name, **fields):
    return RegistrationFactory(
        hearing=hearing,
        name=name,
        status=RegistrationStatus.APPROVED,
        decided_at=timezone.now(),
        **fields,
    )


def page_sizes(pdf, tmp_path):
    """Each page's width and height in millimetres, as poppler's pdfinfo reads them."""
    path = tmp_path / "sizes.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "1000", str(path)], capture_output=True, text=True, check=True
    ).stdout
    sizes = re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    return [(round(float(w) / MM), round(float(h) / MM)) for w, h in sizes]


def test_badge_pdf_shows_who_and_where(client, hearing, tmp_path):
    ada = approved(
        hearing,
        "Ada Lovelace",
        honorific="Ms.",
        organization=OrganizationFactory(name="Analytical Society"),
    )
    response = client.get(badge_path(ada))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    [page] = pdftotext(response.content, tmp_path)
    text = flowing(page)
    for shown in (
        "Ms. Ada Lovelace",
        "Analytical Society",
        "CIVIL SOCIETY ORGANIZATION",
        "Hearing on migration",
        "14 May 2030",
        ada.reference,
    ):
        assert shown in text
    assert ada.email not in text
    assert page_sizes(response.content, tmp_path) == [(76, 102)]


def test_badge_qr_code_is_the_token_the_door_accepts(client, hearing, door):
    ada = approved(hearing, "Ada Lovelace")
    token = badge_token(ada)
    html = render_to_string(
        "consultations/documents/badge.html", {"badges": [badge_context(ada)], "hearing": hearing}
    )
    drawn = re.search(r"<svg.*?</svg>", html, re.S)[0]
    assert drawn == segno.make(token, error="m").svg_inline(
        scale=4, border=2, dark="#000", omitsize=True
    )
    assert "data:" not in html
    client.force_login(door)
    response = client.post(
        f"/api/v1/hearings/{hearing.slug}/check-in/",
        {"code": token},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Ada Lovelace"


def test_approval_email_links_to_the_badge(
    client, hearing, editor, django_capture_on_commit_callbacks
):
    ada = RegistrationFactory(hearing=hearing, name="Ada Lovelace")
    with django_capture_on_commit_callbacks(execute=True):
        decide_registration(ada, RegistrationStatus.APPROVED, by=editor)
    [email] = mail.outbox
    link = re.search(r"https?://\S+/registrations/badge/[^/\s]+/", email.body)[0]
    assert link in email.alternatives[0][0]
    path = "/" + link.split("/", 3)[3]
    assert client.get(path).status_code == 200


def test_other_decisions_carry_no_badge(hearing, editor, django_capture_on_commit_callbacks):
    ada = RegistrationFactory(hearing=hearing, name="Ada Lovelace")
    with django_capture_on_commit_callbacks(execute=True):
        decide_registration(ada, RegistrationStatus.WAITLISTED, by=editor)
    [email] = mail.outbox
    assert "/registrations/badge/" not in email.body


def test_status_page_links_to_the_badge_once_approved(client, hearing):
    ada = RegistrationFactory(hearing=hearing, name="Ada Lovelace")
    assert "/registrations/badge/" not in client.get(registration_status_path(ada)).content.decode()
    ada.status, ada.decided_at = RegistrationStatus.APPROVED, timezone.now()
    ada.save()
    page = client.get(registration_status_path(ada)).content.decode()
    # The link as the page signed it: signing again here could fall in the next second.
    link = re.search(r'href="(/registrations/badge/([^/"]+)/)"', page)
    assert signing.TimestampSigner(salt=BADGE_LINK_SALT).unsign(link[2]) == str(ada.pk)
    assert client.get(link[1]).status_code == 200


def test_cancelled_registration_has_no_badge_and_is_refused_at_the_door(client, hearing, door):
    ada = approved(hearing, "Ada Lovelace")
    link = badge_path(ada)
    decide_registration(ada, RegistrationStatus.CANCELLED, through_status_link=True)
    assert client.get(link).status_code == 404
    client.force_login(door)
    response = client.post(
        f"/api/v1/hearings/{hearing.slug}/check-in/",
        {"code": badge_token(ada)},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (409, "cancelled")


def test_tampered_badge_link_is_404(client, hearing):
    ada = approved(hearing, "Ada Lovelace")
    assert client.get(badge_path(ada)[:-3] + "xx/").status_code == 404
    assert client.get(f"/registrations/badge/{badge_token(ada)}/").status_code == 404


def test_sheet_holds_every_approved_badge_in_name_order_four_per_a4_page(
    client, hearing, viewer, tmp_path
):
    names = ["Zoe Zed", "Ada Lovelace", "Maria Gomez", "Bob Brown", "Carla Diaz", "Yann Yves"]
    for name in names:
        approved(hearing, name)
    RegistrationFactory(hearing=hearing, name="Pending Person")
    approved(HearingFactory(), "Other Hearing Person")
    client.force_login(viewer)
    response = client.get(f"/hearings/{hearing.slug}/badges.pdf")
    assert response.status_code == 200
    pages = pdftotext(response.content, tmp_path)
    assert len(pages) == 2
    assert page_sizes(response.content, tmp_path) == [(210, 297), (210, 297)]
    order = sorted(names)
    text = flowing(" ".join(pages))
    positions = [text.index(name) for name in order]
    assert positions == sorted(positions)
    assert all(name in flowing(pages[0]) for name in order[:4])
    assert all(name in flowing(pages[1]) for name in order[4:])
    assert "Pending Person" not in text
    assert "Other Hearing Person" not in text


def test_sheet_draws_cut_marks_at_every_badge_corner(hearing):
    """Read in the HTML the PDF is made from: four corner marks per badge."""
    for name in ["Ada Lovelace", "Bob Brown", "Carla Diaz"]:
        approved(hearing, name)
    badges = [badge_context(r) for r in hearing.registrations.order_by("name")]
    html = render_to_string(
        "consultations/documents/badge_sheet.html", {"sheets": [badges], "hearing": hearing}
    )
    assert html.count('class="cut ') == 12


@pytest.mark.parametrize("persona", ["door", "stakeholder"])
def test_sheet_is_not_for_door_staff_or_outsiders(client, request, hearing, persona):
    approved(hearing, "Ada Lovelace")
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/hearings/{hearing.slug}/badges.pdf").status_code == 403


def test_sheet_sends_the_anonymous_to_sign_in(client, hearing):
    response = client.get(f"/hearings/{hearing.slug}/badges.pdf")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
