"""The moderation queue in real Chromium: an editor filters the queue, previews a contribution,
publishes it, and finds it on its public page."""

import pytest
from playwright.sync_api import expect

from consultations.tests.factories import ContributionFactory, HearingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser, live_server, settings):
    # The live server speaks plain HTTP.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    context = browser.new_context(locale="en-GB")
    yield context.new_page()
    context.close()


def test_editor_filters_previews_and_publishes_a_contribution(page, live_server, django_user_model):
    user = django_user_model.objects.create_user("amina", password="a long pass-phrase 42")
    user.is_staff = user.is_superuser = True
    user.save()
    geneva = HearingFactory(title="Geneva hearing")
    other = HearingFactory(title="New York hearing")
    contribution = ContributionFactory(
        hearing=geneva,
        title="Keep families together",
        body="Detention **separates** families.\n\n- Alternatives exist",
    )
    ContributionFactory(hearing=other, title="Elsewhere")

    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("amina")
    page.get_by_label("Password").fill("a long pass-phrase 42")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/admin/")
    page.goto(live_server.url + "/admin/consultations/contribution/")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)

    # Filter: one hearing's queue.
    page.locator("#changelist-filter").get_by_role("link", name="Geneva hearing").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    assert "Keep families together" in rows.first.inner_text()

    # Preview: the body as the public page will show it.
    rows.first.get_by_role("link", name=contribution.reference).click()
    preview = page.locator(".contribution-preview")
    assert preview.locator("strong").inner_text() == "separates"
    assert preview.locator("li").all_inner_texts() == ["Alternatives exist"]

    # Publish from the queue.
    page.go_back()
    page.locator("#result_list tbody tr").first.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("publish")
    page.get_by_role("button", name="Run").or_(page.get_by_role("button", name="Go")).click()
    expect(page.locator(".decision-records li")).to_have_text([str(contribution)])
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("ul.messagelist li")).to_have_text(["1 contribution published."])
    # Back on the same hearing's queue, now empty.
    assert "hearing__id__exact" in page.url
    expect(page.locator("#result_list")).to_have_count(0)

    page.goto(live_server.url + f"/contributions/{contribution.reference}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Keep families together"
    assert page.locator(".contribution-body strong").inner_text() == "separates"
