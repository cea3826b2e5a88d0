"""The Content-Security-Policy in real Chromium: the public pages, the back office and the API's
docs page work under it, with no inline script or style blocked."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def visit(browser, live_server, editor):
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    def go(path):
        response = page.goto(live_server.url + path)
        return response, page, violations

    yield go
    context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/hearings/gcm-second-multi-stakeholder-hearing-2017/",
        "/contributions/",
        "/admin/login/",
    ],
)
def test_pages_run_under_the_policy_without_violations(visit, path):
    response, page, violations = visit(path)
    assert response.status == 200
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert violations == []


def test_back_office_works_under_the_policy(visit):
    _response, page, violations = visit("/admin/login/?next=/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "pw-editor-1")
    page.click("input[type=submit]")
    page.goto(page.url.split("/admin/")[0] + "/admin/consultations/hearing/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#result_list").count() == 1
    assert violations == []


def test_api_docs_render_under_the_policy(visit):
    response, page, violations = visit("/api/v1/docs/")
    assert response.status == 200
    page.wait_for_selector(".swagger-ui .info", timeout=15000)
    assert violations == []
