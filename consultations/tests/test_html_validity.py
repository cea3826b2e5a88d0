"""The Nu HTML checker (vnu.jar, from the vnu-jar npm package, run by Java) finds no error on any
public page, in English and in French, the forms and a form sent back with errors included.
Skipped where Java or vnu.jar is missing, unless REQUIRE_BROWSER is set (as in CI)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from consultations.enums import ContributionStatus
from consultations.models import Hearing
from consultations.tests.factories import ContributionFactory
from consultations.tests.forms_support import open_hearing

pytestmark = pytest.mark.django_db

SEED = "/hearings/gcm-second-multi-stakeholder-hearing-2017/"
VNU_JAR = Path(
    os.environ.get("VNU_JAR", Path(settings.BASE_DIR) / "node_modules/vnu-jar/build/dist/vnu.jar")
)


def nu_checker():
    java = shutil.which("java")
    if java and VNU_JAR.is_file():
        return [java, "-jar", str(VNU_JAR)]
    reason = f"the Nu HTML checker needs Java and {VNU_JAR} (npm install vnu-jar)"
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def pages(client, settings, tmp_path):
    """Every public page as HTML files, by name."""
    checker = nu_checker()
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    contribution = ContributionFactory(
        hearing=Hearing.objects.get(slug=SEED.split("/")[2]),
        title="Decent work",
        body="## Recommendations\n\n- fair recruitment\n- [ILO](https://www.ilo.org)",
        status=ContributionStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    hearing = open_hearing(slug="open-hearing")
    register = reverse("consultations:register", args=[hearing.slug])
    contribute = reverse("consultations:contribute", args=[hearing.slug])
    paths = [
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
        contribution.get_absolute_url(),
        "/stakeholders/",
        "/stakeholders/iom/",
        "/people/colin-rajah/",
        "/no-such-page/",
        register,
        contribute,
    ]
    files = {}
    for language in ["en", "fr"]:
        for path in paths:
            response = client.get(path, headers={"accept-language": language})
            assert response.status_code in (200, 404), path
            files[f"{language} {path}"] = response.content
        sent_back = client.post(
            register, {"name": "Amina Diallo"}, headers={"accept-language": language}
        )
        files[f"{language} {register} with errors"] = sent_back.content
    written = {}
    for number, (name, content) in enumerate(files.items()):
        path = tmp_path / f"page-{number}.html"
        path.write_bytes(content)
        written[str(path)] = name
    return checker, written


def test_nu_checker_finds_no_error_on_any_public_page(pages):
    checker, files = pages
    result = subprocess.run(
        [*checker, "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        (
            files.get(message.get("url", "").removeprefix("file:"), message.get("url")),
            message["message"],
        )
        for message in messages
        if message["type"] == "error" or message.get("subType") == "fatal"
    ]
    assert errors == []
    assert len(files) == 38
