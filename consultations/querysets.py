"""One queryset method per public view of the data, so every page asks the same question the
same way."""

from django.apps import apps
from django.db import models
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Value,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from consultations.enums import (
    HearingStatus,
    OutcomeStatus,
    PublicationConsent,
    RegistrationStatus,
)
from consultations.rules import Window, status_condition
from stakeholders.models import Person


def outcome_public(hearing="hearing__"):
    """The condition under which a hearing's outcome texts (segment and sub-discussion summaries,
    key messages, the outcome document) are public, seen from a row `hearing` leads to: the
    hearing is published and so is its outcome."""
    return Q(**{f"{hearing}published": True, f"{hearing}outcome__status": OutcomeStatus.PUBLISHED})


class SlugQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class HearingQuerySet(SlugQuerySet):
    def published(self):
        return self.filter(published=True)

    def in_status(self, *statuses, now=None):
        """Hearings upcoming, today or past as judged at each venue (`rules.hearing_status`), as
        one condition in SQL (`rules.status_condition`)."""
        return self.filter(status_condition(statuses, now))

    def past(self):
        """Published hearings over at their venue, most recent first."""
        return self.published().in_status(HearingStatus.PAST).order_by("-date", "title")

    def current(self, now=None):
        """Published hearings not yet over at their venue, or whose registration or contribution
        window is open (contributions may be taken after the hearing), soonest first."""
        now = now or timezone.now()
        open_window = Window.open_condition(
            "registration_opens", "registration_closes", now
        ) | Window.open_condition("contributions_open", "contributions_close", now)
        not_over = status_condition([HearingStatus.UPCOMING, HearingStatus.ONGOING], now)
        return self.published().filter(not_over | open_window).order_by("date", "title")

    def for_cards(self):
        """What a hearing card shows (home page, hearing list): its process, its windows and
        whether its outcome is out, in the same query as the hearing."""
        return self.select_related("process", "outcome").only(
            "title",
            "slug",
            "date",
            "language",
            "venue",
            "city",
            "time_zone",
            "registration_opens",
            "registration_closes",
            "contributions_open",
            "contributions_close",
            "process__title",
            "process__code",
            "outcome__status",
            "outcome__hearing_id",
        )

    def with_published_outcome(self):
        """Hearings whose outcome texts the public may read."""
        return self.filter(outcome_public(hearing=""))


class ContributionQuerySet(models.QuerySet):
    def published(self):
        """What the public may read: published contributions to published hearings (the stored
        `public` flag, which the services keep)."""
        return self.filter(public=True)

    def credited(self):
        """Contributions whose author agreed to show their organization: the only ones that may
        be found through it (an anonymous author's organization stays private)."""
        return self.exclude(consent=PublicationConsent.ANONYMOUS)

    def get_by_natural_key(self, reference):
        return self.get(reference=reference)

    def cited(self):
        """Published contributions as a key message cites them: a linked title."""
        return self.published().only("reference", "title", "language").order_by("reference")

    def for_list(self):
        """Published contributions as the public list shows them, newest first; the id breaks
        ties so that pages never repeat or skip a row (index contribution_pub_recent)."""
        return (
            self.published()
            .select_related("hearing", "organization")
            .only(
                "reference",
                "title",
                "excerpt",
                "language",
                "category",
                "consent",
                "author_name",
                "organization_name",
                "published_at",
                "campaign",
                "hearing__title",
                "hearing__slug",
                "hearing__language",
                "organization__name",
                "organization__slug",
            )
            .order_by("-published_at", "-id")
        )

    def one_per_campaign(self):
        """Each campaign group among these (published) contributions once: its lead, the
        earliest published member (`consultations.campaigns`); the others come from
        `campaign_members`."""
        return self.filter(leads_campaign=True)

    def in_campaign_groups(self, groups):
        """These contributions in the campaign groups ((hearing id, campaign) pairs), through the
        index contribution_campaign: two IN lists, which may also keep another pairing of the
        same hearings and campaigns, whose rows the callers key by their own group and ignore."""
        return self.filter(
            hearing_id__in={hearing for hearing, _campaign in groups},
            campaign__in={campaign for _hearing, campaign in groups},
        )

    def campaign_members(self, groups, shown):
        """The members of these campaign groups ((hearing id, campaign) pairs) after their
        lead (`one_per_campaign`), at most `shown` of each in publication order, each with
        `group_size`, how many of these its group holds: one query for a page of groups, its
        cost bounded by their size (a count per row of the page would be evaluated by PostgreSQL
        for every row an OFFSET skips too). A group of one has no row here."""
        if not groups:
            return self.none()
        partition = [F("hearing_id"), F("campaign")]
        return (
            self.in_campaign_groups(groups)
            .annotate(
                place=models.Window(
                    RowNumber(),
                    partition_by=partition,
                    order_by=[F("published_at").asc(), F("pk").asc()],
                ),
                group_size=models.Window(Count("pk"), partition_by=partition),
            )
            .filter(place__gt=1, place__lte=shown + 1)
            .order_by("hearing_id", "campaign", "place")
        )

    def campaign_sizes(self, groups):
        """How many of these contributions each campaign group ((hearing id, campaign) pairs)
        holds, in one grouped count through the index contribution_campaign, for a page of
        rows (not a subquery per row, which PostgreSQL would evaluate for every row an OFFSET
        skips too: seconds on a deep page of the API)."""
        rows = (
            self.in_campaign_groups(groups)
            .order_by()
            .values_list("hearing_id", "campaign")
            .annotate(size=Count("pk"))
        )
        return {(hearing, campaign): size for hearing, campaign, size in rows}


class RegistrationQuerySet(models.QuerySet):
    def listed(self, public=True):
        """Registrants on a hearing's public list of participants: approved, and they agreed to
        be listed when they registered. The list is published with the hearing's outcome, so for
        the public only once that outcome is published; staff (`public=False`) preview it
        before."""
        listed = self.filter(status=RegistrationStatus.APPROVED, listed_publicly=True)
        return listed.filter(outcome_public()) if public else listed


class PlacedQuerySet(models.QuerySet):
    def public(self):
        """Programme roles and floor interventions the public may see: those at published
        hearings, whether in a segment or in one of its sub-discussions."""
        return self.filter(
            Q(segment__hearing__published=True)
            | Q(sub_discussion__segment__hearing__published=True)
        )

    def with_texts_shown(self):
        """Each row with `texts_public`: whether its summary (a floor intervention's) may be
        shown, once its hearing's outcome is published."""
        shown = outcome_public("segment__hearing__") | outcome_public(
            "sub_discussion__segment__hearing__"
        )
        return self.annotate(texts_public=ExpressionWrapper(shown, BooleanField()))


def public_people(people=None):
    """People the public may see: those with a public role (`PlacedQuerySet.public`).
    Someone named only in a draft programme, or only in the register, stays private until a
    hearing naming them is published. Every public surface that lists or shows people (pages,
    API, sitemap, open data) asks here; `people` narrows a Person queryset, all people by
    default. An EXISTS rather than a join, so a person with many roles comes once without
    DISTINCT."""
    roles = apps.get_model("consultations", "Participation").objects.public()
    if people is None:
        people = Person.objects.all()
    return people.filter(Exists(roles.filter(person=OuterRef("pk"))))


class SegmentQuerySet(models.QuerySet):
    def public(self):
        """Segments of published hearings: the programme, without deciding on its texts."""
        return self.filter(hearing__published=True)

    def with_texts_shown(self, public=True):
        """Each segment with `texts_public`: whether its summary, its sub-discussions' summaries
        and its key messages may be shown. For the public, once the hearing's outcome is
        published; staff (`public=False`) also read the drafts."""
        shown = ExpressionWrapper(outcome_public(), BooleanField()) if public else Value(True)
        return self.annotate(texts_public=shown)

    def with_programme(self, language=None, public=True):
        """Segments with everything shown under them, in one query per kind of row whatever the
        programme's size: roles with people and organizations, floor interventions,
        sub-discussions with theirs, key messages. With a `language`, also the published
        contributions each key message cites (the public pages, which add the translations with
        `texts.with_translations`); without, the texts as written (the API). For the `public`, key messages only once the outcome is
        published, and `texts_public` on each segment (see `with_texts_shown`)."""
        model = apps.get_model
        roles = model("consultations", "Participation").objects.select_related(
            "person", "organization"
        )
        floor = model("consultations", "Intervention").objects.select_related("organization")
        sub_discussion, key_message = (
            model("consultations", "SubDiscussion"),
            model("consultations", "KeyMessage"),
        )
        sub_discussions = sub_discussion.objects.prefetch_related(
            Prefetch("participations", queryset=roles), Prefetch("interventions", queryset=floor)
        )
        key_messages = key_message.objects.public() if public else key_message.objects.all()
        segments = self.with_texts_shown(public).prefetch_related(
            Prefetch("participations", queryset=roles), Prefetch("interventions", queryset=floor)
        )
        if language is not None:
            cited = model("consultations", "Contribution").objects.cited()
            key_messages = key_messages.prefetch_related(
                Prefetch("contributions", queryset=cited, to_attr="cited")
            )
        return segments.prefetch_related(
            Prefetch("sub_discussions", queryset=sub_discussions),
            Prefetch("key_messages", queryset=key_messages),
        )


class KeyMessageQuerySet(models.QuerySet):
    def public(self):
        """Key messages are outcome text: public once the hearing's outcome is published."""
        return self.filter(outcome_public("segment__hearing__"))

    def you_said(self, process, language):
        """A process's "You said": the public key messages of all its hearings, in the order of
        the hearings and their programmes, each in the interface `language` where translated,
        with the published contributions it cites (`cited`)."""
        contribution = apps.get_model("consultations", "Contribution")
        return (
            self.public()
            .filter(segment__hearing__process=process)
            .select_related("segment__hearing")
            .only(
                "text",
                "language",
                "segment__hearing__title",
                "segment__hearing__slug",
                "segment__hearing__language",
                "segment__hearing__date",
            )
            .prefetch_related(
                self.model.translations_prefetch(language),
                Prefetch("contributions", queryset=contribution.objects.cited(), to_attr="cited"),
            )
            .order_by("segment__hearing__date", "segment__hearing_id", "segment__order", "order")
        )


class SubDiscussionQuerySet(models.QuerySet):
    def public(self):
        """Sub-discussions of published hearings; their summaries follow the outcome
        (`SegmentQuerySet.with_texts_shown`)."""
        return self.filter(segment__hearing__published=True)

    def with_texts_shown(self):
        return self.annotate(
            texts_public=ExpressionWrapper(outcome_public("segment__hearing__"), BooleanField())
        )


class OutgoingEmailQuerySet(models.QuerySet):
    def unsent(self):
        """Neither sent nor cancelled: what taking a decision back may still cancel."""
        return self.filter(sent_at__isnull=True, cancelled_at__isnull=True)

    def to_send(self):
        """Not sent yet, not cancelled, no longer held and not failed for good: what a sender
        may try (again)."""
        return self.unsent().filter(
            Q(held_until__isnull=True) | Q(held_until__lte=timezone.now()),
            attempts__lt=self.model.MAX_ATTEMPTS,
        )

    def held(self):
        """Decision emails still within their delay (`DJANGO_DECISION_EMAIL_DELAY`)."""
        return self.unsent().filter(held_until__gt=timezone.now())

    def failed(self):
        """Refused by the mail server `MAX_ATTEMPTS` times: no longer tried, shown as failed."""
        return self.unsent().filter(attempts__gte=self.model.MAX_ATTEMPTS)

    def cancelled(self):
        return self.filter(cancelled_at__isnull=False)

    def sent(self):
        return self.filter(sent_at__isnull=False)
