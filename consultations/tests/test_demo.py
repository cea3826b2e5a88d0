# ruff: noqa: RUF001 - the tests name letters of other scripts on purpose.
"""`manage.py generate_demo`: varied, marked, reproducible demo data beside the seed hearing."""

import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from consultations.demo import PHASES, fast_fingerprint
from consultations.enums import ContributionStatus, RegistrationStatus
from consultations.models import (
    Contribution,
    Hearing,
    Intervention,
    KeyMessage,
    Outcome,
    Participation,
    Process,
    Registration,
    Segment,
    SubDiscussion,
)
from consultations.models.submissions import body_fingerprint, plain_excerpt
from consultations.rules import current_phase
from consultations.tests.factories import ContributionFactory
from stakeholders.enums import Region, StakeholderCategory
from stakeholders.models import Organization, Person

pytestmark = pytest.mark.django_db

SEED_SLUG = "gcm-second-multi-stakeholder-hearing-2017"
SMALL = {
    "hearings": 5,
    "organizations": 40,
    "people": 30,
    "contributions": 120,
    "registrations": 60,
    "verbosity": 0,
}


def generate(**options):
    call_command("generate_demo", **(SMALL | options))


def snapshot():
    """Everything a visitor could tell apart, without the database's own ids and timestamps
    that depend on the day it runs."""
    return {
        "organizations": list(
            Organization.objects.filter(slug__startswith="demo-")
            .order_by("slug")
            .values_list("slug", "name", "category", "country")
        ),
        "people": list(
            Person.objects.filter(slug__startswith="demo-")
            .order_by("slug")
            .values_list("slug", "name", "organization__slug", "position")
        ),
        "hearings": list(
            Hearing.objects.filter(process__code="DEMO")
            .order_by("slug")
            .values_list("slug", "title", "venue", "time_zone")
        ),
        "contributions": list(
            Contribution.objects.order_by("reference").values_list(
                "reference",
                "hearing__slug",
                "organization__slug",
                "title",
                "body",
                "language",
                "status",
                "consent",
            )
        ),
        "registrations": list(
            Registration.objects.order_by("email").values_list("email", "name", "status")
        ),
    }


def seed_hearing_state():
    hearing = Hearing.objects.get(slug=SEED_SLUG)
    return {
        "hearing": Hearing.objects.filter(pk=hearing.pk).values().get(),
        "segments": list(Segment.objects.filter(hearing=hearing).values()),
        "participations": list(
            Participation.objects.filter(segment__hearing=hearing).order_by("pk").values()
        ),
        "organizations": list(
            Organization.objects.exclude(slug__startswith="demo-").order_by("pk").values()
        ),
        "people": list(Person.objects.exclude(slug__startswith="demo-").order_by("pk").values()),
    }


@pytest.fixture
def seed_hearing():
    call_command("loaddata", "gcm_hearing_2017", verbosity=0)
    return Hearing.objects.get(slug=SEED_SLUG)


def test_generates_the_numbers_asked_for_beside_the_seed_hearing(seed_hearing):
    before = seed_hearing_state()
    generate()
    assert Hearing.objects.filter(process__code="DEMO").count() == 5
    assert Organization.objects.filter(slug__startswith="demo-").count() == 40
    assert Person.objects.filter(slug__startswith="demo-").count() == 30
    assert Contribution.objects.count() == 120
    assert Registration.objects.count() == 60
    assert seed_hearing_state() == before


def test_data_is_varied(seed_hearing):
    generate()
    organizations = Organization.objects.filter(slug__startswith="demo-")
    assert set(organizations.values_list("category", flat=True)) == set(StakeholderCategory)
    assert set(organizations.values_list("region", flat=True)) >= set(Region)
    names = " ".join(Person.objects.values_list("name", flat=True)) + " ".join(
        Contribution.objects.values_list("author_name", flat=True)
    )
    scripts = {
        "Latin": "a",
        "Cyrillic": "а",
        "Arabic": "ا",
        "Han": "王",
    }
    ranges = {
        "Latin": range(0x41, 0x250),
        "Cyrillic": range(0x400, 0x500),
        "Arabic": range(0x600, 0x700),
        "Han": range(0x4E00, 0xA000),
    }
    assert {script for script in scripts if any(ord(c) in ranges[script] for c in names)} == set(
        scripts
    )
    assert Contribution.objects.values("language").distinct().count() >= 5
    assert set(Contribution.objects.values_list("status", flat=True)) >= {
        ContributionStatus.PUBLISHED,
        ContributionStatus.SUBMITTED,
        ContributionStatus.REJECTED,
    }
    assert len(set(Registration.objects.values_list("status", flat=True))) >= 3
    lengths = [len(body) for body in Contribution.objects.values_list("body", flat=True)]
    assert min(lengths) >= 500
    assert max(lengths) <= 5000
    today = timezone.localdate()
    demo = Hearing.objects.filter(process__code="DEMO")
    assert demo.filter(date__gt=today).count() == 1
    assert demo.filter(date__lt=today).count() == 4
    open_hearing = demo.get(date__gt=today)
    assert open_hearing.contribution_window.is_open()
    assert open_hearing.registration_window.is_open()


def test_hearings_have_full_programmes(seed_hearing):
    generate()
    for hearing in Hearing.objects.filter(process__code="DEMO"):
        kinds = list(hearing.segments.order_by("order").values_list("kind", flat=True))
        assert kinds[0] == "opening"
        assert kinds[-2:] == ["interactive", "closing"]
        assert 2 <= kinds.count("panel") <= 3
        assert Participation.objects.filter(segment__hearing=hearing).count() >= 6
        assert SubDiscussion.objects.filter(segment__hearing=hearing).count() == 3
        assert Intervention.objects.filter(segment__hearing=hearing).count() >= 3
        past = hearing.date < timezone.localdate()
        assert Outcome.objects.filter(hearing=hearing).exists() == past
        assert KeyMessage.objects.filter(segment__hearing=hearing).exists() == past


def test_the_demo_process_has_a_full_trail(seed_hearing, client):
    generate()
    process = Process.objects.get(code="DEMO")
    phases = list(process.phases.all())
    assert [phase.title for phase in phases] == [title for title, _text in PHASES]
    dates = sorted(process.hearings.values_list("date", flat=True))
    assert phases[0].starts_on < dates[0] and dates[-1] < phases[-1].ends_on
    assert all(a.ends_on < b.starts_on for a, b in itertools.pairwise(phases))
    assert current_phase(phases) is not None
    assert process.documents.count() == len(phases)
    assert client.get("/processes/DEMO/").content.decode().count('aria-current="step"') == 1


def test_contributions_carry_what_save_would_compute(seed_hearing):
    generate()
    for contribution in Contribution.objects.all():
        assert contribution.excerpt == plain_excerpt(contribution.body)
        assert contribution.fingerprint == body_fingerprint(contribution.body)
        assert contribution.reference.startswith(f"DEMO-{contribution.hearing.date.year}-")
        assert contribution.submitted_at <= timezone.now()
        if contribution.status == ContributionStatus.PUBLISHED:
            assert contribution.published_at >= contribution.submitted_at
    campaigns = Contribution.objects.values("fingerprint").distinct().count()
    assert campaigns <= Contribution.objects.count()
    decided = Registration.objects.filter(status__in=RegistrationStatus.decided())
    assert not decided.filter(decided_at__isnull=True).exists()


def test_submission_after_the_demo_data_takes_the_next_reference(seed_hearing):
    generate()
    hearing = Hearing.objects.filter(process__code="DEMO").order_by("-date").first()
    prefix = f"DEMO-{hearing.date.year}-"
    last = max(
        int(r.removeprefix(prefix))
        for r in Contribution.objects.filter(reference__startswith=prefix).values_list(
            "reference", flat=True
        )
    )
    first = ContributionFactory(hearing=hearing)
    second = ContributionFactory(hearing=hearing)
    assert first.reference == f"{prefix}{last + 1:04d}"
    assert second.reference == f"{prefix}{last + 2:04d}"


def test_same_seed_gives_the_same_data(seed_hearing):
    generate(seed=11)
    first = snapshot()
    generate(seed=11)
    assert snapshot() == first
    generate(seed=12)
    assert snapshot() != first


def test_clear_removes_the_demo_data_only(seed_hearing):
    before = seed_hearing_state()
    generate()
    call_command("generate_demo", clear=True, verbosity=0)
    assert not Process.objects.filter(code="DEMO").exists()
    assert Contribution.objects.count() == 0
    assert Registration.objects.count() == 0
    assert not Organization.objects.filter(slug__startswith="demo-").exists()
    assert not Person.objects.filter(slug__startswith="demo-").exists()
    assert seed_hearing_state() == before


def test_refuses_a_database_with_contributions_of_its_own(seed_hearing):
    own = ContributionFactory(hearing=seed_hearing)
    with pytest.raises(CommandError) as refused:
        generate()
    assert str(refused.value) == (
        "This database holds contributions that generate_demo did not make: it may be a real "
        "one. Run it on another database, or add --force."
    )
    assert not Process.objects.filter(code="DEMO").exists()
    generate(force=True)
    assert Contribution.objects.count() == 121
    call_command("generate_demo", clear=True, verbosity=0)
    assert list(Contribution.objects.values_list("pk", flat=True)) == [own.pk]


def test_clear_refuses_when_real_records_point_to_demo_ones(seed_hearing):
    generate()
    organization = Organization.objects.filter(slug__startswith="demo-").first()
    ContributionFactory(hearing=seed_hearing, organization=organization)
    with pytest.raises(CommandError) as refused:
        call_command("generate_demo", clear=True, verbosity=0)
    assert str(refused.value).startswith(
        "Records outside the demo data point to demo organizations, people or hearings"
    )
    assert Contribution.objects.count() == 121


def test_bad_numbers_are_refused():
    with pytest.raises(CommandError) as refused:
        generate(hearings=0)
    assert str(refused.value) == "--hearings must be at least 1."


@pytest.mark.parametrize(
    "text",
    [
        "Plain English text, with punctuation!",
        "Élodie et François: « les migrants » — déjà vu.",
        "ﬁne ligatures and Ｆｕｌｌｗｉｄｔｈ letters",
        "محمد فاطمة، ليلى",
        "我们欢迎有机会为本次听证会作出贡献。",
        "Мы приветствуем возможность, Ёлка",
        "Nguyễn Trần ḍ ǅ",
    ],
)
def test_fast_fingerprint_matches_the_model(text):
    assert fast_fingerprint(text) == body_fingerprint(text)
