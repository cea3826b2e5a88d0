"""One page for a hearing's programme: segments, their people and sub-discussions with theirs,
put in order by buttons (no JavaScript needed) or by dragging, through the `reorder` services;
breadcrumbs from a segment or sub-discussion back to the hearing; the next number by default;
and a person's position and organization brought into their role."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.admin.programme import ParticipationForm
from consultations.enums import ParticipationRole
from consultations.models import Participation, Segment, SubDiscussion
from consultations.tests.factories import (
    HearingFactory,
    ParticipationFactory,
    SegmentFactory,
    SubDiscussionFactory,
)
from stakeholders.tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def programme_url(hearing):
    return reverse("admin:consultations_hearing_programme", args=[hearing.pk])


def orders(queryset):
    """The titles of `queryset` in their order (segments of the fixture's hearing only)."""
    return list(queryset.order_by("order").values_list("title", flat=True))


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def programme():
    hearing = HearingFactory(title="Second hearing")
    opening = SegmentFactory(hearing=hearing, order=1, title="Opening")
    panel = SegmentFactory(hearing=hearing, order=2, title="Panel")
    closing = SegmentFactory(hearing=hearing, order=3, title="Closing")
    ParticipationFactory(
        segment=opening, person__name="Miroslav Lajčák", role=ParticipationRole.CHAIR
    )
    africa = SubDiscussionFactory(segment=panel, order=1, title="Africa")
    SubDiscussionFactory(segment=panel, order=2, title="Americas")
    ParticipationFactory(
        segment=None,
        sub_discussion=africa,
        person__name="Ana Gómez",
        position="Researcher",
        person__organization__name="Red de Migración",
    )
    return {"hearing": hearing, "opening": opening, "panel": panel, "closing": closing}


@pytest.mark.parametrize("persona", ["editor", "viewer"])
def test_the_whole_programme_on_one_page(client, request, persona, programme):
    client.force_login(request.getfixturevalue(persona))
    content = client.get(programme_url(programme["hearing"])).content.decode()
    opening, panel = content.index(">Opening</a>"), content.index(">Panel</a>")
    africa, ana = content.index(">Africa</a>"), content.index("Ana Gómez")
    assert opening < content.index("Miroslav Lajčák") < panel < africa < ana
    assert "Researcher, Red de Migración" in content
    assert content.index(">Americas</a>") < content.index(">Closing</a>")
    may_change = persona == "editor"
    assert ('name="move" value="segment:' in content) is may_change
    assert ("js/admin-programme" in content) is may_change
    hearing_page = client.get(
        reverse("admin:consultations_hearing_change", args=[programme["hearing"].pk])
    )
    assert f'href="{programme_url(programme["hearing"])}"' in hearing_page.content.decode()


def test_viewer_and_outsiders_cannot_reorder(client, viewer, stakeholder, programme):
    url = programme_url(programme["hearing"])
    client.force_login(viewer)
    assert client.post(url, {"move": f"segment:{programme['panel'].pk}:up"}).status_code == 403
    client.force_login(stakeholder)
    assert client.get(url).status_code == 302
    assert orders(Segment.objects.all()) == ["Opening", "Panel", "Closing"]


def test_buttons_move_a_row_one_place_without_javascript(client, editor, programme):
    client.force_login(editor)
    url = programme_url(programme["hearing"])
    response = client.post(url, {"move": f"segment:{programme['closing'].pk}:up"})
    assert response.status_code == 302
    assert response["Location"] == url
    assert orders(Segment.objects.all()) == ["Opening", "Closing", "Panel"]
    assert list(Segment.objects.order_by("order").values_list("order", flat=True)) == [1, 2, 3]
    americas = SubDiscussion.objects.get(title="Americas")
    client.post(url, {"move": f"subdiscussion:{americas.pk}:up"})
    assert orders(SubDiscussion.objects.all()) == ["Americas", "Africa"]
    # At the top already: nothing moves, nothing breaks.
    client.post(url, {"move": f"segment:{programme['opening'].pk}:up"})
    assert orders(Segment.objects.all()) == ["Opening", "Closing", "Panel"]


def test_dragging_posts_the_whole_order(client, editor, programme):
    client.force_login(editor)
    new = [programme["panel"], programme["closing"], programme["opening"]]
    response = client.post(
        programme_url(programme["hearing"]),
        {"kind": "segment", "order": ",".join(str(s.pk) for s in new)},
    )
    assert messages_of(response) == ["The new order of the programme is saved."]
    assert orders(Segment.objects.all()) == ["Panel", "Closing", "Opening"]


def test_people_are_reordered_within_their_place(client, editor, programme):
    africa = SubDiscussion.objects.get(title="Africa")
    second = ParticipationFactory(segment=None, sub_discussion=africa, person__name="Second")
    first = Participation.objects.get(person__name="Ana Gómez")
    client.force_login(editor)
    client.post(programme_url(programme["hearing"]), {"move": f"participation:{second.pk}:up"})
    assert list(
        Participation.objects.filter(sub_discussion=africa)
        .order_by("order")
        .values_list("pk", flat=True)
    ) == [second.pk, first.pk]


@pytest.mark.parametrize(
    "data",
    [
        {"move": "segment:abc:up"},
        {"move": "nonsense"},
        {"move": "segment:{panel}:sideways"},
        {"move": "participation:{foreign}:up"},
        {"kind": "segment", "order": "{panel},{opening}"},
        {"kind": "segment", "order": "{panel},{panel},{opening},{closing}"},
        {"kind": "segment", "order": "x,y"},
        {"kind": "unknown", "order": "{panel}"},
        {},
    ],
)
def test_bad_or_stale_orders_move_nothing_and_say_why(client, editor, programme, data):
    foreign = ParticipationFactory()
    ids = {key: programme[key].pk for key in ("opening", "panel", "closing")}
    data = {key: value.format(foreign=foreign.pk, **ids) for key, value in data.items()}
    client.force_login(editor)
    response = client.post(programme_url(programme["hearing"]), data)
    assert response.status_code == 302
    assert len(messages_of(response)) == 1
    assert "nothing was moved" in messages_of(response)[0]
    assert orders(programme["hearing"].segments.all()) == ["Opening", "Panel", "Closing"]


def test_the_programme_page_costs_the_same_however_long(
    client, editor, programme, django_assert_num_queries
):
    client.force_login(editor)
    with CaptureQueriesContext(connection) as small:
        client.get(programme_url(programme["hearing"]))
    hearing = programme["hearing"]
    for order in range(4, 31):
        segment = SegmentFactory(hearing=hearing, order=order)
        ParticipationFactory(segment=segment)
        sub = SubDiscussionFactory(segment=segment, order=1)
        ParticipationFactory(segment=None, sub_discussion=sub)
    with django_assert_num_queries(len(small)):
        response = client.get(programme_url(hearing))
    assert response.content.decode().count('class="programme-item programme-segment"') == 30


def test_breadcrumbs_run_hearing_programme_segment_sub_discussion(client, viewer, programme):
    client.force_login(viewer)
    africa = SubDiscussion.objects.get(title="Africa")
    content = client.get(
        reverse("admin:consultations_subdiscussion_change", args=[africa.pk])
    ).content.decode()
    crumbs = content[content.index('<div class="breadcrumbs">') :]
    crumbs = crumbs[: crumbs.index("</div>")]
    hearing, panel = programme["hearing"], programme["panel"]
    assert crumbs.index(f">{hearing}</a>") < crumbs.index(">Programme</a>")
    assert crumbs.index(">Programme</a>") < crumbs.index(">Panel</a>") < crumbs.index("Africa")
    assert f"{programme_url(hearing)}#segment-{panel.pk}" in crumbs
    segment_page = client.get(reverse("admin:consultations_segment_change", args=[panel.pk]))
    assert ">Programme</a>" in segment_page.content.decode()


def test_a_new_segment_or_sub_discussion_takes_the_next_number(client, editor, programme):
    client.force_login(editor)
    add = client.get(
        reverse("admin:consultations_segment_add"), {"hearing": programme["hearing"].pk}
    )
    assert add.context["adminform"].form.initial["order"] == 4
    add_sub = client.get(
        reverse("admin:consultations_subdiscussion_add"), {"segment": programme["panel"].pk}
    )
    assert add_sub.context["adminform"].form.initial["order"] == 3
    assert (
        client.get(reverse("admin:consultations_segment_add"), {"hearing": "x"}).status_code == 200
    )


def test_a_role_takes_the_persons_position_and_organization_when_left_empty():
    person = PersonFactory(position="Special Rapporteur", organization__name="OHCHR")
    form_class = forms.modelform_factory(
        Participation,
        form=ParticipationForm,
        fields=["order", "person", "role", "position", "organization"],
    )
    segment = SegmentFactory()
    form = form_class(
        {
            "order": "1",
            "person": person.pk,
            "role": "panellist",
            "position": "",
            "organization": "",
        },
        instance=Participation(segment=segment),
    )
    assert form.is_valid(), form.errors
    saved = form.save()
    assert (saved.position, saved.organization.name) == ("Special Rapporteur", "OHCHR")
    other = OrganizationFactory(name="IOM")
    kept = form_class(
        {
            "order": "2",
            "person": person.pk,
            "role": "panellist",
            "position": "Chair of the panel",
            "organization": other.pk,
        },
        instance=Participation(segment=segment),
    )
    assert kept.is_valid(), kept.errors
    assert (kept.save().position, kept.instance.organization) == ("Chair of the panel", other)
