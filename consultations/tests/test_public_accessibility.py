"""axe-core (through axe-playwright-python) in Chromium on every public page: no serious or
critical violation of WCAG 2.2 A/AA, in English and in French."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.utils import timezone

from consultations.enums import ContributionStatus
from consultations.models import Hearing
from consultations.tests.factories import ContributionFactory
from consultations.tests.forms_support import open_hearing

SEED = "/hearings/gcm-second-multi-stakeholder-hearing-2017/"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server):
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    contribution = ContributionFactory(
        hearing=Hearing.objects.get(slug=SEED.split("/")[2]),
        title="Decent work",
        body="## Recommendations\n\n- fair recruitment\n- [ILO](https://www.ilo.org)",
        status=ContributionStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    open_hearing(slug="open-hearing")
    return live_server.url, contribution.get_absolute_url()


def serious_violations(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        (violation["id"], [node["target"] for node in violation["nodes"]][:3])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("language", ["en-GB", "fr-FR"])
def test_no_serious_accessibility_violation_on_any_public_page(site, browser, language):
    url, contribution = site
    context = browser.new_context(locale=language)
    page = context.new_page()
    found = {}
    for path in [
        "/",
        "/hearings/",
        SEED,
        SEED + "outcomes/",
        SEED + "statistics/",
        SEED + "participants/",
        SEED + "live/",
        SEED + "live/?display=1",
        "/processes/GCM/",
        "/contributions/",
        "/contributions/?category=astronaut&q=nothing",
        contribution,
        "/stakeholders/",
        "/stakeholders/iom/",
        "/people/colin-rajah/",
        "/no-such-page/",
        "/hearings/open-hearing/register/",
        "/hearings/open-hearing/contribute/",
    ]:
        page.goto(url + path)
        violations = serious_violations(page)
        if violations:
            found[path] = violations
    # A form sent back with errors, its summary focused.
    page.goto(url + "/hearings/open-hearing/register/")
    page.locator("form.public-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.id") == "form-errors"
    violations = serious_violations(page)
    if violations:
        found["registration form with errors"] = violations
    context.close()
    assert found == {}
