"""The public site: hearings, their outcomes and who was heard, published contributions, and the
small views search engines and the language switcher need.

Anonymous pages touch neither the session nor the CSRF token, so they set no cookie and send no
`Vary: Cookie`; each carries an ETag of its content (a staff edit changes the content, so it shows
at once) and answers a matching `If-None-Match` with 304."""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language, gettext_noop, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from consultations.access import hearing_for, outcome_texts_shown, staff_may_view_page
from consultations.cache import page_shows
from consultations.enums import HearingStatus, UNLanguage
from consultations.filters import ContributionFilterSet, HearingFilterSet
from consultations.models import (
    Contribution,
    Hearing,
    HearingTranslation,
    KeyMessageTranslation,
    Process,
    Segment,
    SegmentTranslation,
    SubDiscussionTranslation,
)
from consultations.models.texts import with_translations
from consultations.paging import DeepPaginator
from consultations.public_site import author_markup, formatted_date
from consultations.rules import Window, credit_of
from consultations.search import CappedPaginator, search_page
from consultations.statistics import who_was_heard
from consultations.views_support import (
    link_maker,
    public_page,
    query_without_page,
    select_field,
)
from stakeholders.enums import Region, StakeholderCategory
from stakeholders.filters import search_words

PAGE_SIZE = 25
# The other members of a campaign group listed under its card; the rest are one link away.
CAMPAIGN_MEMBERS_SHOWN = 20
HOME_CURRENT = 20
HOME_PAST = 10


def optional_url(name, *args):
    """A link to a page another part of the site provides, or None while it does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@public_page
def home(request):
    """Hearings to come or open for submissions, then the latest past ones: a page of the same
    size and cost however many hearings accumulate (the list pages hold them all)."""
    hearings = Hearing.objects.for_cards()
    current = hearing_cards(hearings.current()[: HOME_CURRENT + 1], windows=True)
    past = hearing_cards(hearings.past().exclude(pk__in=[h.pk for h in current])[: HOME_PAST + 1])
    return render(
        request,
        "consultations/home.html",
        {
            "upcoming": current[:HOME_CURRENT],
            "more_upcoming": len(current) > HOME_CURRENT,
            "past": past[:HOME_PAST],
            "more_past": len(past) > HOME_PAST,
        },
    )


# What a window says in each state, its moment at the venue and the venue's time zone filled in,
# and the label of the button to its form while it is open.
WINDOW_SENTENCES = {
    ("registration", "open"): gettext_noop("Registration is open until %(moment)s (%(zone)s)."),
    ("registration", "upcoming"): gettext_noop("Registration opens on %(moment)s (%(zone)s)."),
    ("registration", "closed"): gettext_noop("Registration closed on %(moment)s (%(zone)s)."),
    ("contribution", "open"): gettext_noop(
        "Contributions are accepted until %(moment)s (%(zone)s)."
    ),
    ("contribution", "upcoming"): gettext_noop(
        "Written contributions open on %(moment)s (%(zone)s)."
    ),
    ("contribution", "closed"): gettext_noop(
        "Written contributions closed on %(moment)s (%(zone)s)."
    ),
}
WINDOW_ACTIONS = {
    "registration": gettext_noop("Register to attend"),
    "contribution": gettext_noop("Send a written contribution"),
}


@dataclass
class WindowCall:
    """A registration or contribution window as a visitor sees it at this moment, its sentence
    written here rather than by a template macro per card (windows.html prints it)."""

    kind: str
    window: Window
    url: str
    zone: zoneinfo.ZoneInfo  # the venue's (`Hearing.zone`)

    @cached_property
    def state(self):
        return self.window.state()

    @cached_property
    def sentence(self):
        """The window's state in words, or "" when the hearing has no such window."""
        if self.state == "none":
            return ""
        moment = self.window.opens if self.state == "upcoming" else self.window.closes
        return _(WINDOW_SENTENCES[self.kind, self.state]) % {
            "moment": formatted_date(timezone.localtime(moment, self.zone), "DATETIME_FORMAT"),
            "zone": self.zone.key,
        }

    @property
    def action(self):
        """The label of the link to the form, while the window is open."""
        return _(WINDOW_ACTIONS[self.kind]) if self.state == "open" and self.url else ""


def windows_of(hearing, register_link=None, contribute_link=None):
    """The hearing's two windows with their forms' links; a list of cards passes the links'
    makers (`link_maker`), reversed once for the page."""
    register_link = register_link or link_maker("consultations:register")
    contribute_link = contribute_link or link_maker("consultations:contribute")
    return [
        WindowCall(
            "registration",
            hearing.registration_window,
            register_link(hearing.slug),
            hearing.zone,
        ),
        WindowCall(
            "contribution",
            hearing.contribution_window,
            contribute_link(hearing.slug),
            hearing.zone,
        ),
    ]


def hearing_cards(hearings, windows=False):
    """Hearings as their cards show them (hearing_list.html), with the links and the date made
    once per page rather than per card in the template; with their `windows` on request."""
    hearing_link = link_maker("consultations:hearing")
    outcomes_link = link_maker("consultations:outcomes")
    process_link = link_maker("consultations:process")
    register_link = link_maker("consultations:register")
    contribute_link = link_maker("consultations:contribute")
    hearings = list(hearings)
    for hearing in hearings:
        hearing.url = hearing_link(hearing.slug)
        outcome = getattr(hearing, "outcome", None)  # cards list published hearings only
        hearing.outcomes_url = (
            outcomes_link(hearing.slug) if outcome and outcome.is_published else None
        )
        hearing.date_label = formatted_date(hearing.date)
        hearing.process_url = process_link(hearing.process.code)
        if windows:
            hearing.windows = windows_of(hearing, register_link, contribute_link)
    return hearings


@public_page
def hearing_list(request):
    filterset = HearingFilterSet(request.GET, queryset=Hearing.objects.published().for_cards())
    page = Paginator(valid_results(filterset).order_by("-date", "title"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    processes = (
        Process.objects.filter(Exists(Hearing.objects.published().filter(process=OuterRef("pk"))))
        .only("title", "slug")
        .order_by("title")
    )
    years = Hearing.objects.published().dates("date", "year", order="DESC")
    count = page.paginator.count
    return render(
        request,
        "consultations/hearing_index.html",
        {
            "page": page,
            "result_count": ngettext("%(counter)s hearing", "%(counter)s hearings", count)
            % {"counter": count},
            "hearings": hearing_cards(page.object_list),
            "query": query_without_page(request),
            "fields": [
                select_field(
                    request,
                    "process",
                    _("Process"),
                    _("All processes"),
                    [(p.slug, p.title) for p in processes],
                ),
                select_field(
                    request, "year", _("Year"), _("All years"), [(d.year, d.year) for d in years]
                ),
                select_field(
                    request, "status", _("Status"), _("Any status"), HearingStatus.choices
                ),
            ],
        },
    )


def programme_queryset(request, language):
    """A hearing with its whole programme, in a fixed number of queries whatever its size (see
    `SegmentQuerySet.with_programme`): the outcome texts as the public may read them, or as staff
    previewing them do. `programme_in` adds their translations into `language`."""
    public = not staff_may_view_page(request, Hearing)
    return Hearing.objects.select_related(
        "process", "supporting_organization", "outcome"
    ).prefetch_related(
        Prefetch("segments", queryset=Segment.objects.with_programme(language, public=public)),
    )


def programme_in(hearing, language):
    """The hearing of `programme_queryset` with its texts' translations into `language` (one
    query per kind of text written in another language) and its programme's links."""
    segments = hearing.segments.all()
    sub_discussions = [sub for segment in segments for sub in segment.sub_discussions.all()]
    key_messages = [message for segment in segments for message in segment.key_messages.all()]
    with_translations([hearing, *segments, *sub_discussions, *key_messages], language)
    return with_programme_links(hearing)


def with_programme_links(hearing):
    """The programme's links to people, organizations and cited contributions, each made
    from a pattern reversed once per page rather than by `{% url %}` per row."""
    person = link_maker("consultations:person")
    organization = link_maker("consultations:organization")
    contribution = link_maker("consultations:contribution")
    for segment in hearing.segments.all():
        for place in (segment, *segment.sub_discussions.all()):
            for role in place.participations.all():
                role.person_url = person(role.person.slug)
                role.organization_url = role.organization and organization(role.organization.slug)
            for intervention in place.interventions.all():
                intervention.organization_url = organization(intervention.organization.slug)
        for message in segment.key_messages.all():
            for cited in getattr(message, "cited", ()):
                cited.url = contribution(cited.reference)
    return hearing


@public_page
def hearing_detail(request, slug):
    language = get_language()
    hearing = programme_in(
        hearing_for(request, slug, programme_queryset(request, language)), language
    )
    return render(
        request,
        "consultations/hearing_detail.html",
        {
            "hearing": hearing,
            "windows": windows_of(hearing),
            "outcome_published": outcome_texts_shown(request, hearing),
        },
    )


def stored_languages(hearing):
    """The UN languages the hearing's outcome texts exist in, originals and translations, in
    one query."""
    originals = Segment.objects.filter(hearing=hearing).values_list("language").order_by()
    queries = [
        HearingTranslation.objects.filter(hearing=hearing).values_list("language"),
        SegmentTranslation.objects.filter(segment__hearing=hearing).values_list("language"),
        SubDiscussionTranslation.objects.filter(sub_discussion__segment__hearing=hearing)
        .values_list("language"),
        KeyMessageTranslation.objects.filter(key_message__segment__hearing=hearing)
        .values_list("language"),
    ]  # fmt: skip
    queries = [query.order_by() for query in queries]
    found = {code for (code,) in originals.union(*queries)} | {hearing.language}
    return [(code, label) for code, label in UNLanguage.choices if code in found]


def outcome_context(request, slug):
    """What the outcomes page shows, and its PDF and Word documents too: the whole summary of a
    hearing in the language asked for (any of the six UN languages the texts are stored in),
    else the interface language. 404 unless the outcome is published or staff preview it."""
    asked = request.GET.get("language", "")
    language = asked if asked in UNLanguage.values else get_language()
    hearing = hearing_for(request, slug, programme_queryset(request, language))
    if not outcome_texts_shown(request, hearing):
        raise Http404("The outcome of this hearing is not published.")
    programme_in(hearing, language)
    return {
        "hearing": hearing,
        "outcome": hearing.outcome if hasattr(hearing, "outcome") else None,
        "text_language": language,
        "text_languages": stored_languages(hearing),
    }


@public_page
def hearing_outcomes(request, slug):
    return render(request, "consultations/hearing_outcomes.html", outcome_context(request, slug))


@public_page
def hearing_statistics(request, slug):
    hearing = hearing_for(
        request,
        slug,
        Hearing.objects.select_related("process").only(
            "title", "slug", "date", "process__title", "published", "language", "time_zone"
        ),
    )
    statistics = who_was_heard(hearing)
    heard_label = ngettext(
        "One person was heard.", "%(counter)s people were heard.", statistics.heard
    ) % {"counter": statistics.heard}
    return render(
        request,
        "consultations/hearing_statistics.html",
        {"hearing": hearing, "statistics": statistics, "heard_label": heard_label},
    )


def valid_results(filterset):
    """The filtered rows; a value the filter cannot read (`year=abc`) matches nothing, where
    django-filter would ignore it and list everything."""
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


@dataclass
class ContributionCard:
    """One row of the contribution list with its link, credit, labels and date made ready, so
    the template only prints them; for a campaign group's first member, the others
    (`with_campaign_members`)."""

    contribution: Contribution
    url: str
    author: str
    category: str
    published_iso: str
    published_label: str
    similar_count: int = 0
    similar: list = field(default_factory=list)
    campaign_url: str = ""
    similar_label: str = ""
    not_shown_label: str = ""

    @property
    def similar_not_shown(self):
        return self.similar_count - len(self.similar)


def contribution_cards(contributions):
    """The list's rows, each link reversed, label looked up and date formatted once per page."""
    link = link_maker("consultations:contribution")
    categories = dict(StakeholderCategory.choices)
    anonymous = _("Anonymous")

    # Rows share few days: each day's label is formatted once.
    cards = []
    for contribution in contributions:
        published = timezone.localtime(contribution.published_at)
        cards.append(
            ContributionCard(
                contribution=contribution,
                url=link(contribution.reference),
                author=author_markup(credit_of(contribution), anonymous),
                category=categories.get(contribution.category, contribution.category),
                published_iso=published.replace(microsecond=0).isoformat(),
                published_label=formatted_date(published.date()),
            )
        )
    return cards


def campaign_key(contribution):
    return (contribution.hearing_id, contribution.campaign)


def with_campaign_members(cards, contributions):
    """Each card of a campaign group's first member with the number of the group's other
    members among `contributions` (the list as filtered), the first CAMPAIGN_MEMBERS_SHOWN of
    them as cards, and a link to them all: one query for the page."""
    groups = {campaign_key(card.contribution) for card in cards}
    members = defaultdict(list)
    for member in contribution_cards(
        contributions.campaign_members(groups, CAMPAIGN_MEMBERS_SHOWN)
    ):
        members[campaign_key(member.contribution)].append(member)
    list_url = reverse("consultations:contributions")
    for card in cards:
        contribution = card.contribution
        card.similar = members[campaign_key(contribution)]
        if card.similar:
            card.similar_count = count = card.similar[0].contribution.group_size - 1
            card.similar_label = ngettext(
                "and %(counter)s similar contribution",
                "and %(counter)s similar contributions",
                count,
            ) % {"counter": count}
            if not_shown := card.similar_not_shown:
                card.not_shown_label = ngettext(
                    "%(counter)s more: see the whole campaign",
                    "%(counter)s more: see the whole campaign",
                    not_shown,
                ) % {"counter": not_shown}
            query = {"hearing": contribution.hearing.slug, "campaign": contribution.campaign}
            card.campaign_url = f"{list_url}?{urlencode(query)}"
    return cards


# Filters after which the list shows every match: all but the hearing's (one campaign's members,
# a search, or what a filter on the author or the text keeps, which may be members without their
# lead).
UNGROUPING_FILTERS = sorted(set(ContributionFilterSet.base_filters) - {"hearing"})


@public_page
def contribution_list(request):
    """Published contributions, newest first, each campaign group once: its lead, the earliest
    published member (`leads_campaign`), with the others under it. Any filter but the hearing's
    (a search, one campaign, an organization, a category…) lists every match on its own: a search
    ranks each text on its merits, and a filter may keep members without their lead."""
    filterset = ContributionFilterSet(request.GET, queryset=Contribution.objects.for_list())
    search = request.GET.get("q", "")
    searching = bool(search_words(search))
    grouped = not searching and not any(request.GET.get(name) for name in UNGROUPING_FILTERS)
    page_number = request.GET.get("page")
    if searching and filterset.is_valid():
        # The other filters narrow the rows; the search matches, ranks and counts them up to a
        # cap in one query (consultations/search.py).
        others = request.GET.copy()
        others.pop("q")
        contributions = ContributionFilterSet(others, queryset=filterset.queryset).qs
        page, rows = search_page(contributions, search, page_number, PAGE_SIZE)
    else:
        contributions = valid_results(filterset)
        listed = contributions.one_per_campaign() if grouped else contributions
        page = DeepPaginator(listed, PAGE_SIZE).get_page(page_number)
        rows = page.object_list
    cards = contribution_cards(rows)
    count = page.paginator.count
    if grouped:
        with_campaign_members(cards, contributions)
    hearings = Hearing.objects.published().only("title", "slug", "date").order_by("-date", "title")
    fields = [
        select_field(
            request,
            "hearing",
            _("Hearing"),
            _("All hearings"),
            [(h.slug, h.title) for h in hearings],
        )
    ]
    hearing_slug = request.GET.get("hearing", "")
    if hearing_slug:
        segments = Segment.objects.public().filter(hearing__slug=hearing_slug)
        fields.append(
            select_field(
                request,
                "segment",
                _("Segment"),
                _("All segments"),
                [(s.pk, s.title) for s in segments.only("title", "order")],
            )
        )
    fields += [
        select_field(
            request,
            "category",
            _("Stakeholder category"),
            _("All categories"),
            StakeholderCategory.choices,
        ),
        select_field(request, "region", _("Region"), _("All regions"), Region.choices),
        select_field(request, "language", _("Language"), _("All languages"), UNLanguage.choices),
    ]
    return render(
        request,
        "consultations/contribution_list.html",
        {
            "page": page,
            "cards": cards,
            "query": query_without_page(request),
            "fields": fields,
            "search": search,
            "searching": searching,
            "campaign": request.GET.get("campaign", ""),
            "result_cap": number_format(CappedPaginator.cap, force_grouping=True),
            "result_count": ngettext("%(counter)s contribution", "%(counter)s contributions", count)
            % {"counter": count},
        },
    )


@public_page
def contribution_detail(request, reference):
    """A published contribution; anything else is a 404, as if it did not exist."""
    contribution = get_object_or_404(
        Contribution.objects.published().select_related("hearing", "segment", "organization"),
        reference=reference,
    )
    page_shows(request, contribution)
    attachment_url = (
        optional_url("consultations:attachment", contribution.reference)
        if contribution.attachment
        else None
    )
    return render(
        request,
        "consultations/contribution_detail.html",
        {"contribution": contribution, "attachment_url": attachment_url},
    )


@never_cache
@require_safe
def set_language(request, code):
    """The language switcher's links land here: the choice is kept in the language cookie and the
    visitor goes back to the page they were reading. A GET link rather than Django's POST form,
    so that the pages themselves carry no CSRF token and set no cookie."""
    if code not in dict(settings.LANGUAGES):
        raise Http404("Unknown language.")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("consultations:home")
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /language/",
        f"Sitemap: {settings.SITE_URL.rstrip('/')}{reverse('sitemap')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
