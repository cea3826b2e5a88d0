"""The door's camera, for real: Chromium's fake camera plays a video of a badge's QR code (made as
the badge makes it, with segno), and the check-in page, with its vendored html5-qrcode under the
site's Content-Security-Policy, reads it and admits the holder. No CSP refusal and no script
error on the way."""

import pytest
import segno
from django.utils import timezone

from conftest import CHROMIUM, CHROMIUM_ARGUMENTS
from consultations.badges import badge_token
from consultations.enums import RegistrationStatus
from consultations.tests.factories import HearingFactory, RegistrationFactory
from consultations.tests.test_check_in_page import PHONE, signed_in_phone
from stakeholders.tests.factories import OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 640, 480


def badge_video(token, path):
    """One frame of YUV4MPEG2 (what Chromium's fake camera plays, in a loop): the badge's QR
    code in black on white, centred, each module 6 pixels with the badge's quiet zone."""
    code = segno.make(token, error="m")
    modules = 6
    size = code.symbol_size(border=2, scale=modules)[0]
    top, left = (HEIGHT - size) // 2, (WIDTH - size) // 2
    luma = bytearray(b"\xeb" * WIDTH * HEIGHT)
    for row_number, row in enumerate(code.matrix_iter(border=2, scale=modules)):
        start = (top + row_number) * WIDTH + left
        luma[start : start + size] = bytes(0x10 if dark else 0xEB for dark in row)
    chroma = b"\x80" * (WIDTH // 2) * (HEIGHT // 2)
    header = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + b"FRAME\n" + bytes(luma) + chroma + chroma)
    return path


@pytest.fixture
def camera_browser(browser, tmp_path_factory, door, live_server):
    """A Chromium of its own, launched by the suite's Playwright, whose camera films `ada`'s
    badge."""
    hearing = HearingFactory(title="Hearing on migration", slug="migration")
    ada = RegistrationFactory(
        hearing=hearing,
        name="Ada Lovelace",
        organization=OrganizationFactory(name="Analytical Society"),
        status=RegistrationStatus.APPROVED,
        decided_at=timezone.now(),
    )
    video = badge_video(badge_token(ada), tmp_path_factory.mktemp("camera") / "badge.y4m")
    chromium = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        args=[
            *CHROMIUM_ARGUMENTS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        yield chromium, live_server.url, hearing, ada
    finally:
        chromium.close()


def test_the_phone_camera_reads_a_badge_and_checks_its_holder_in(camera_browser):
    chromium, url, hearing, ada = camera_browser
    context, page = signed_in_phone(chromium, url)
    context.grant_permissions(["camera"], origin=url)
    page.goto(f"{url}/hearings/{hearing.slug}/check-in/")
    page.get_by_role("button", name="Scan badges with the camera").click()
    # Decoding the fake camera's frames takes seconds when both test workers keep the 2 cores
    # busy (it once took over 20 s on PostgreSQL); a phone does it in a fraction of one.
    page.wait_for_selector(".answer-green", timeout=60_000)
    assert page.inner_text(".answer-headline") == "Checked in"
    assert page.inner_text(".answer-name") == "Ada Lovelace"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.problems == []
    context.close()
    ada.refresh_from_db()
    assert ada.checked_in_at is not None
    assert ada.checked_in_by.username == "door"
