"""Campaign groups found by similarity: near copies join their group on arrival, a different
text on the same topic stays apart, and the regroup command rebuilds the same groups."""

import pytest

from consultations import similarity
from consultations.campaigns import join_campaign, regroup
from consultations.models import Contribution, SignatureBand, TextSignature
from consultations.services import moderate_campaign, submit_contribution
from consultations.tests.factories import ContributionFactory, HearingFactory
from stakeholders.tests.api_support import data_queries

pytestmark = pytest.mark.django_db

CAMPAIGN = (
    "We call on Member States to end the detention of migrant children. Detention is never in "
    "the best interests of the child. Community-based alternatives exist and cost less. "
    "Families must be kept together throughout migration procedures.\n\n"
    "Children must have access to education and health care whatever their status. Firewalls "
    "between public services and immigration enforcement protect them. We ask the co-facilitators "
    "to include these commitments in the zero draft of the compact."
)
SAME_TOPIC = (
    "Our organization works with unaccompanied children in transit countries. Many of them are "
    "held in police stations for weeks. Guardianship systems are overwhelmed and social workers "
    "are too few.\n\nThe compact should fund child protection services along migration routes "
    "and train border officials. Age assessment must respect the benefit of the doubt, and "
    "children should never be returned without a best interests determination."
)
VARIANTS = {
    "one added comma": CAMPAIGN.replace("We call on", "We call, on", 1),
    "a signature": CAMPAIGN + "\n\nSigned: María Fernanda Quispe, Red de Migrantes, Lima",
    "reordered sentences": (
        "Families must be kept together throughout migration procedures. Detention is never in "
        "the best interests of the child. We call on Member States to end the detention of "
        "migrant children. Community-based alternatives exist and cost less.\n\n"
        + CAMPAIGN.split("\n\n")[1]
    ),
}


def submit(hearing, body, editor, language="en"):
    """A contribution through the service, from its own author (a second identical text from
    one address is taken as a resubmission)."""
    contribution, _created = submit_contribution(
        Contribution(
            hearing=hearing,
            author_name="Author",
            author_email=f"author{Contribution.objects.count()}@example.org",
            title="Campaign",
            body=body,
            language=language,
            consent="named",
            category="civil_society",
        ),
        link=lambda c: "/status/",
        by=editor,
    )
    return contribution


@pytest.mark.parametrize("variation", VARIANTS)
def test_a_near_copy_is_similar_enough(variation):
    assert (
        similarity.similarity(
            similarity.signature(CAMPAIGN), similarity.signature(VARIANTS[variation])
        )
        >= similarity.THRESHOLD
    )


def test_a_different_text_on_the_same_topic_is_not():
    score = similarity.similarity(similarity.signature(CAMPAIGN), similarity.signature(SAME_TOPIC))
    assert score < 0.3


@pytest.mark.parametrize("variation", VARIANTS)
def test_a_near_copy_joins_the_campaign_on_arrival(editor, variation):
    hearing = HearingFactory()
    first = submit(hearing, CAMPAIGN, editor=editor)
    copy = submit(hearing, VARIANTS[variation], editor=editor)
    assert copy.fingerprint != first.fingerprint or variation == "one added comma"
    assert copy.campaign == first.campaign == first.fingerprint
    assert Contribution.objects.get(pk=copy.pk).campaign == first.campaign


def test_a_different_text_other_hearing_or_language_stays_apart(editor):
    hearing = HearingFactory()
    first = submit(hearing, CAMPAIGN, editor=editor)
    same_topic = submit(hearing, SAME_TOPIC, editor=editor)
    elsewhere = submit(HearingFactory(), VARIANTS["a signature"], editor=editor)
    translated = submit(
        hearing,
        "Nous appelons les États Membres à mettre fin à la détention des enfants migrants. "
        "La détention n'est jamais dans l'intérêt supérieur de l'enfant.",
        language="fr",
        editor=editor,
    )
    labelled_french = submit(hearing, VARIANTS["a signature"], language="fr", editor=editor)
    # A group is a hearing's: the same text at another hearing is another group.
    groups = {
        (c.hearing_id, c.campaign)
        for c in [first, same_topic, elsewhere, translated, labelled_french]
    }
    assert len(groups) == 5


def test_the_same_text_in_another_language_field_is_still_the_same_text(editor):
    hearing = HearingFactory()
    first = submit(hearing, CAMPAIGN, editor=editor)
    assert submit(hearing, CAMPAIGN, language="fr", editor=editor).campaign == first.campaign


def test_a_variant_of_a_variant_joins_the_first_group(editor):
    hearing = HearingFactory()
    first = submit(hearing, CAMPAIGN, editor=editor)
    signed = submit(hearing, VARIANTS["a signature"], editor=editor)
    signed_again = submit(hearing, VARIANTS["a signature"] + " and Amina Diallo", editor=editor)
    assert {signed.campaign, signed_again.campaign} == {first.campaign}
    # an exact copy adds no signature of its own
    assert TextSignature.objects.count() == 3
    submit(hearing, CAMPAIGN.upper(), editor=editor)
    assert TextSignature.objects.count() == 3


@pytest.mark.parametrize("members", [2, 40])
def test_arrival_costs_a_fixed_number_of_queries(members):
    hearing = HearingFactory()
    first = ContributionFactory(hearing=hearing, body=CAMPAIGN)
    join_campaign(first)
    for n in range(1, members):
        join_campaign(ContributionFactory(hearing=hearing, body=f"{CAMPAIGN}\n\nName {n}, Lima"))
    arriving = ContributionFactory(hearing=hearing, body=VARIANTS["a signature"])
    # 1 an exact copy, 2 the candidates' keys, 3 their signatures and groups, 4 its signature,
    # 5 its keys, 6 its group
    with data_queries(6):
        join_campaign(arriving)
    assert arriving.campaign == first.campaign


def test_one_action_decides_a_group_of_near_copies(editor):
    hearing = HearingFactory()
    group = [submit(hearing, body, editor=editor) for body in [CAMPAIGN, *VARIANTS.values()]]
    apart = submit(hearing, SAME_TOPIC, editor=editor)
    decided = moderate_campaign([group[1]], "published", by=editor)
    assert sorted(c.pk for c in decided) == sorted(c.pk for c in group)
    assert Contribution.objects.get(pk=apart.pk).status == "submitted"


def test_regroup_rebuilds_the_groups_and_the_index(editor):
    hearing = HearingFactory()
    group = [submit(hearing, body, editor=editor) for body in [CAMPAIGN, *VARIANTS.values()]]
    apart = submit(hearing, SAME_TOPIC, editor=editor)
    before = dict(Contribution.objects.values_list("pk", "campaign"))
    bands = SignatureBand.objects.count()
    Contribution.objects.update(campaign="stale")
    SignatureBand.objects.all().delete()

    assert regroup() == (len(group) + 1, 1)
    assert dict(Contribution.objects.values_list("pk", "campaign")) == before
    assert SignatureBand.objects.count() == bands == 4 * similarity.BANDS
    assert Contribution.objects.get(pk=apart.pk).campaign == apart.fingerprint


def test_staff_read_the_campaign_group_in_the_api(client, editor):
    hearing = HearingFactory()
    first = submit(hearing, CAMPAIGN, editor=editor)
    copy = submit(hearing, VARIANTS["a signature"], editor=editor)
    client.force_login(editor)
    rows = client.get(f"/api/v1/contributions/?hearing={hearing.slug}").json()["results"]
    assert {row["reference"]: row["campaign"] for row in rows} == {
        first.reference: first.campaign,
        copy.reference: first.campaign,
    }
