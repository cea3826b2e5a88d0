"""Fill the database with marked demonstration data, for trying the site out and for `make bench`.

Everything is written with `bulk_create` in batches. `bulk_create` skips `Model.save()`, so the
command fills what `Contribution.save` and its signals would (reference, excerpt, fingerprint,
`public`) and sets every
timestamp itself, and sends no signals (no history rows, no page cache invalidation per row: the
cache is cleared once at the end).
"""

import datetime
import queue
import random
import sys
import threading
import time
from contextlib import contextmanager
from itertools import islice

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, connections, models, router, transaction
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from consultations import demo
from consultations.cache import invalidate_pages
from consultations.campaigns import regroup
from consultations.enums import (
    ContributionStatus,
    OutcomeStatus,
    ParticipationRole,
    PublicationConsent,
    RegistrationStatus,
    SegmentKind,
)
from consultations.models import (
    Contribution,
    Hearing,
    HearingTranslation,
    Intervention,
    KeyMessage,
    KeyMessageTranslation,
    Outcome,
    Participation,
    Process,
    ProcessDocument,
    ProcessPhase,
    Registration,
    Segment,
    SegmentTranslation,
    SignatureBand,
    StatusChange,
    SubDiscussion,
    SubDiscussionTranslation,
    TextSignature,
)
from consultations.models.hearings import AccreditationRule
from consultations.models.submissions import plain_excerpt
from stakeholders.enums import StakeholderCategory
from stakeholders.models import Organization, Person

# Blocks of demo.GIVEN_NAMES / demo.FAMILY_NAMES written in one script or tradition, so that a
# generated name does not mix Arabic given names with Chinese family names.
NAME_BLOCKS = [
    (0, 8),
    (8, 16),
    (16, 24),
    (24, 28),
    (28, 32),
    (32, 36),
    (36, 38),
    (38, 40),
    (40, 44),
]
FAMILY_FIRST_BLOCKS = {(32, 36), (36, 38)}

CATEGORY_WEIGHTS = {
    StakeholderCategory.CIVIL_SOCIETY: 45,
    StakeholderCategory.ACADEMIA: 12,
    StakeholderCategory.PRIVATE_SECTOR: 8,
    StakeholderCategory.TRADE_UNION: 7,
    StakeholderCategory.INTERGOVERNMENTAL: 5,
    StakeholderCategory.UN_SYSTEM: 5,
    StakeholderCategory.MEMBER_STATE: 10,
    StakeholderCategory.OBSERVER_STATE: 1,
    StakeholderCategory.OTHER: 7,
}
OBSERVER_STATES = [("VA", "Holy See"), ("PS", "State of Palestine")]
LANGUAGE_WEIGHTS = {"en": 50, "fr": 15, "es": 15, "ar": 7, "zh": 6, "ru": 7}
CONSENT_WEIGHTS = {
    PublicationConsent.NAMED: 50,
    PublicationConsent.ORGANIZATION: 30,
    PublicationConsent.ANONYMOUS: 20,
}
PAST_CONTRIBUTION_STATUSES = {
    ContributionStatus.PUBLISHED: 80,
    ContributionStatus.REJECTED: 12,
    ContributionStatus.WITHDRAWN: 8,
}
OPEN_CONTRIBUTION_STATUSES = {
    ContributionStatus.PUBLISHED: 45,
    ContributionStatus.SUBMITTED: 30,
    ContributionStatus.UNDER_REVIEW: 15,
    ContributionStatus.REJECTED: 5,
    ContributionStatus.WITHDRAWN: 5,
}
PAST_REGISTRATION_STATUSES = {
    RegistrationStatus.APPROVED: 70,
    RegistrationStatus.REJECTED: 10,
    RegistrationStatus.WAITLISTED: 10,
    RegistrationStatus.CANCELLED: 10,
}
OPEN_REGISTRATION_STATUSES = {
    RegistrationStatus.PENDING: 50,
    RegistrationStatus.APPROVED: 30,
    RegistrationStatus.WAITLISTED: 10,
    RegistrationStatus.REJECTED: 10,
}
CAMPAIGN_SHARE = 0.03
BODY_MIN, BODY_MODE, BODY_MAX = 500, 900, 5000


def weighted(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def batched(iterable, size):
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def prepared_ahead(batches, depth=2):
    """Build the next batches in a thread while the database writes the current one: the
    generator only draws from the seeded random source and lists already in memory, so the
    data stays the same, and psycopg lets the thread run while it waits on PostgreSQL."""
    ready = queue.Queue(maxsize=depth)
    done = object()

    def produce():
        try:
            for batch in batches:
                ready.put(batch)
            ready.put(done)
        except BaseException as error:  # handed over to the consuming thread
            ready.put(error)

    threading.Thread(target=produce, daemon=True).start()
    while (item := ready.get()) is not done:
        if isinstance(item, BaseException):
            raise item
        yield item


@contextmanager
def timestamps_as_given(*model_classes):
    """`auto_now` and `auto_now_add` fields overwrite any value on insert; demo rows carry dates
    spread over years, so those fields take the values given for the duration of the block."""
    switched = []
    for model in model_classes:
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
                switched.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in switched:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


@contextmanager
def indexes_built_after(model):
    """On PostgreSQL, drop the table's secondary indexes for the load and build each once after
    it, inside the same transaction: updating the full-text GIN index row by row costs more than
    the rest of the load together. Indexes that back a constraint stay."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = %s AND i.schemaname = current_schema()
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            """,
            [model._meta.db_table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        # Long bodies are compressed on the way in; lz4 does it several times faster than the
        # default pglz (the setting ends with the transaction).
        cursor.execute("SET LOCAL default_toast_compression = 'lz4'")
    yield
    with connection.cursor() as cursor:
        # PostgreSQL builds no index on a table with foreign-key checks still pending: run them.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def demo_querysets():
    """Every demo row, children before parents, in the order they can be deleted."""
    hearings = Hearing.objects.filter(process__code=demo.DEMO_CODE)
    contributions = Contribution.objects.filter(hearing__in=hearings)
    registrations = Registration.objects.filter(hearing__in=hearings)
    segments = Segment.objects.filter(hearing__in=hearings)
    sub_discussions = SubDiscussion.objects.filter(segment__in=segments)
    key_messages = KeyMessage.objects.filter(segment__in=segments)
    in_programme = models.Q(segment__in=segments) | models.Q(sub_discussion__in=sub_discussions)
    return [
        SignatureBand.objects.filter(signature__contribution__in=contributions),
        TextSignature.objects.filter(contribution__in=contributions),
        StatusChange.objects.filter(contribution__in=contributions),
        StatusChange.objects.filter(registration__in=registrations),
        KeyMessage.contributions.through.objects.filter(
            models.Q(keymessage__in=key_messages) | models.Q(contribution__in=contributions)
        ),
        contributions,
        registrations,
        Participation.objects.filter(in_programme),
        Intervention.objects.filter(in_programme),
        KeyMessageTranslation.objects.filter(key_message__in=key_messages),
        key_messages,
        SubDiscussionTranslation.objects.filter(sub_discussion__in=sub_discussions),
        sub_discussions,
        SegmentTranslation.objects.filter(segment__in=segments),
        segments,
        Outcome.objects.filter(hearing__in=hearings),
        AccreditationRule.objects.filter(hearing__in=hearings),
        HearingTranslation.objects.filter(hearing__in=hearings),
        hearings,
        ProcessPhase.objects.filter(process__code=demo.DEMO_CODE),
        ProcessDocument.objects.filter(process__code=demo.DEMO_CODE),
        Process.objects.filter(code=demo.DEMO_CODE),
        Person.objects.filter(slug__startswith=demo.DEMO_SLUG_PREFIX),
        Organization.objects.filter(slug__startswith=demo.DEMO_SLUG_PREFIX),
    ]


class Command(BaseCommand):
    help = (
        "Add marked demonstration data (the DEMO process, slugs starting with demo-) beside what "
        "the database holds; --clear removes it. The same --seed gives the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hearings", type=int, default=50)
        parser.add_argument("--organizations", type=int, default=5000)
        parser.add_argument("--people", type=int, default=2000)
        parser.add_argument("--contributions", type=int, default=10000)
        parser.add_argument("--registrations", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=2017)
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--clear", action="store_true", help="Remove the demo data only.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though the database holds registrations or contributions of its own.",
        )

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        self.batch_size = max(1, options["batch_size"])
        started = time.monotonic()
        if options["clear"]:
            removed = self.clear()
            invalidate_pages()
            self.say(f"Removed {removed} demo rows in {time.monotonic() - started:.1f} s.")
            return
        for name in ("hearings", "organizations", "people"):
            if options[name] < 1:
                raise CommandError(f"--{name} must be at least 1.")
        for name in ("contributions", "registrations"):
            if options[name] < 0:
                raise CommandError(f"--{name} cannot be negative.")
        if not options["force"]:
            self.refuse_foreign_submissions()
        self.rng = random.Random(options["seed"])
        self.now = timezone.now().replace(minute=0, second=0, microsecond=0)
        self.counts = {}
        removed = self.clear()
        if removed:
            self.say(f"Replaced the previous demo data ({removed} rows).")
        with transaction.atomic(), timestamps_as_given(Contribution, Registration):
            process = Process.objects.create(
                code=demo.DEMO_CODE,
                slug=f"{demo.DEMO_SLUG_PREFIX}process",
                title="Demonstration process (generated data)",
                description="Generated by manage.py generate_demo; removed by --clear.",
            )
            organizations = self.make_organizations(options["organizations"])
            people = self.make_people(options["people"], organizations)
            hearings = self.make_hearings(process, options["hearings"])
            self.make_trail(process, hearings)
            self.make_programmes(hearings, people, organizations)
            self.make_contributions(hearings, organizations, options["contributions"])
            self.make_registrations(hearings, organizations, options["registrations"])
            regroup()
        self.vacuum()
        invalidate_pages()
        self.summary(time.monotonic() - started)

    def vacuum(self):
        """Set PostgreSQL's visibility map and statistics for the new rows: without it, counts
        are not index-only scans and read the table until autovacuum comes by. VACUUM cannot run
        inside a transaction, so it is skipped there (in tests)."""
        connection = connections[router.db_for_write(Contribution)]
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            for model in (Contribution, Registration, Organization, Person):
                cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')

    def say(self, text):
        if self.verbosity:
            self.stdout.write(text)

    def refuse_foreign_submissions(self):
        foreign = {
            "contributions": Contribution.objects.exclude(hearing__process__code=demo.DEMO_CODE),
            "registrations": Registration.objects.exclude(hearing__process__code=demo.DEMO_CODE),
        }
        held = [name for name, queryset in foreign.items() if queryset.exists()]
        if held:
            raise CommandError(
                f"This database holds {' and '.join(held)} that generate_demo did not make: "
                "it may be a real one. Run it on another database, or add --force."
            )

    def clear(self):
        """Raw deletes, in dependency order: the ORM's cascading delete would fetch every row to
        send its signals (and write a history row for each of 100,000 contributions)."""
        removed = 0
        try:
            with transaction.atomic():
                querysets = demo_querysets()
                for queryset in querysets:
                    removed += queryset._raw_delete(queryset.db)
                # Foreign keys are checked at commit; check them now, while the error can still
                # be reported and everything rolled back.
                connections[querysets[0].db].check_constraints(
                    table_names=[
                        model._meta.db_table
                        for model in apps.get_models(include_auto_created=True)
                        if model._meta.app_label in {"consultations", "stakeholders"}
                    ]
                )
        except IntegrityError as error:
            raise CommandError(
                "Records outside the demo data point to demo organizations, people or hearings, "
                f"so the demo data cannot be removed: {error}"
            ) from None
        return removed

    def progress(self, total, label):
        return tqdm(
            total=total,
            desc=label,
            unit=" rows",
            file=sys.stderr,
            disable=self.verbosity < 1,
            leave=self.verbosity > 1,
        )

    def insert(self, model, rows, total, label):
        """Insert rows from a generator in batches under a progress bar; returns the rows."""
        created = []
        with self.progress(total, label) as bar:
            for batch in prepared_ahead(batched(rows, self.batch_size)):
                created.extend(model.objects.bulk_create(batch))
                bar.update(len(batch))
        self.counts[label] = self.counts.get(label, 0) + len(created)
        return created

    # Stakeholders ------------------------------------------------------------------------------

    def person_name(self):
        block = self.rng.choice(NAME_BLOCKS)
        given = self.rng.choice(demo.GIVEN_NAMES[block[0] : block[1]])
        family = self.rng.choice(demo.FAMILY_NAMES[block[0] : block[1]])
        if block in FAMILY_FIRST_BLOCKS:
            return f"{family}{given}"
        return f"{given} {family}"

    def place(self):
        region = self.rng.choice(list(demo.COUNTRIES))
        return self.rng.choice(demo.COUNTRIES[region])

    def make_organizations(self, count):
        from django_countries import countries

        taken = {name.lower() for name in Organization.objects.values_list("name", flat=True)}
        rng = self.rng

        def unique(name):
            candidate, n = name, 1
            while candidate.lower() in taken:
                n += 1
                candidate = f"{name} ({n})"
            taken.add(candidate.lower())
            return candidate

        def rows():
            # Every category and every region appear, whatever the count: the first rows walk
            # through them before the weighted draw takes over.
            categories = list(CATEGORY_WEIGHTS)
            regions = list(demo.COUNTRIES)
            for n in range(1, count + 1):
                if n <= len(categories):
                    category = categories[n - 1]
                else:
                    category = weighted(rng, CATEGORY_WEIGHTS)
                if n <= len(regions):
                    code, city = rng.choice(demo.COUNTRIES[regions[n - 1]])
                else:
                    code, city = self.place()
                if category == StakeholderCategory.MEMBER_STATE:
                    name = f"Permanent Mission of {countries.name(code)}"
                elif category == StakeholderCategory.OBSERVER_STATE:
                    code, state = rng.choice(OBSERVER_STATES)
                    name = f"Permanent Observer Mission of the {state}"
                else:
                    pattern = rng.choice(demo.ORGANIZATION_PATTERNS[category])
                    name = pattern.format(place=city, theme=rng.choice(demo.THEMES))
                name = unique(name)[:300]
                yield Organization(
                    name=name,
                    acronym="",
                    slug=f"{demo.DEMO_SLUG_PREFIX}org-{n:05d}",
                    category=category,
                    country=code
                    if rng.random() > 0.05
                    or category
                    in {
                        StakeholderCategory.MEMBER_STATE,
                        StakeholderCategory.OBSERVER_STATE,
                    }
                    else "",
                    website=f"https://org-{n:05d}.{demo.DEMO_EMAIL_DOMAIN}/",
                )

        return self.insert(Organization, rows(), count, "organizations")

    def make_people(self, count, organizations):
        rng = self.rng

        def rows():
            for n in range(1, count + 1):
                organization = rng.choice(organizations)
                yield Person(
                    honorific=rng.choice(demo.HONORIFICS),
                    name=self.person_name(),
                    slug=f"{demo.DEMO_SLUG_PREFIX}person-{n:05d}",
                    organization=organization,
                    position=rng.choice(demo.POSITIONS),
                    email=f"person{n}@{demo.DEMO_EMAIL_DOMAIN}",
                )

        return self.insert(Person, rows(), count, "people")

    # Hearings and programmes -------------------------------------------------------------------

    def make_hearings(self, process, count):
        """About one in five hearings lies ahead with its forms open; the rest are spread over the
        past eight years. Dates are counted from the day the command runs."""
        rng = self.rng
        today = timezone.localdate()
        upcoming = max(1, count // 5) if count > 1 else 1
        rows = []
        for n in range(1, count + 1):
            if n <= upcoming:
                date = today + datetime.timedelta(days=14 + (n * 300) // upcoming)
            else:
                date = today - datetime.timedelta(days=30 + ((n - upcoming) * 2900) // count)
            venue, city, country, zone = rng.choice(demo.VENUES)
            theme = rng.choice(demo.THEMES)
            title = rng.choice(demo.HEARING_KINDS).format(theme=theme)
            at = datetime.datetime.combine(date, datetime.time(9), tzinfo=datetime.UTC)
            if date > today:
                windows = {
                    "registration_opens": self.now - datetime.timedelta(days=45),
                    "registration_closes": at - datetime.timedelta(days=7),
                    "contributions_open": self.now - datetime.timedelta(days=60),
                    "contributions_close": at - datetime.timedelta(days=3),
                }
            else:
                windows = {
                    "registration_opens": at - datetime.timedelta(days=75),
                    "registration_closes": at - datetime.timedelta(days=7),
                    "contributions_open": at - datetime.timedelta(days=90),
                    "contributions_close": at - datetime.timedelta(days=3),
                }
            rows.append(
                Hearing(
                    process=process,
                    title=f"{title} ({city}, {date.year})",
                    slug=f"{demo.DEMO_SLUG_PREFIX}{n:03d}-{slugify(title)[:80]}",
                    date=date,
                    start_time=datetime.time(10),
                    end_time=datetime.time(rng.choice([13, 17, 18])),
                    venue=venue,
                    city=city,
                    country=country,
                    time_zone=zone,
                    organizer="The President of the General Assembly",
                    mandate=f"General Assembly resolution {rng.randint(70, 79)}/{rng.randint(100, 320)}",
                    description=" ".join(rng.sample(demo.SENTENCES["en"], 4)),
                    capacity=rng.choice([150, 300, 500, None]),
                    published=True,
                    **windows,
                )
            )
        for hearing in rows:
            hearing.set_venue_day()  # bulk inserts send no pre_save
        self.hearings_today = today
        return self.insert(Hearing, iter(rows), count, "hearings")

    def make_trail(self, process, hearings):
        """The process's phases, one after another from before its first hearing to after its
        last (the current one among them), and a document opening each."""
        dates = sorted(hearing.date for hearing in hearings)
        start = dates[0] - datetime.timedelta(days=60)
        span = (dates[-1] + datetime.timedelta(days=90) - start) / len(demo.PHASES)
        for n, (title, description) in enumerate(demo.PHASES):
            starts_on = start + span * n
            ends_on = start + span * (n + 1) - datetime.timedelta(days=1)
            ProcessPhase.objects.create(
                process=process,
                title=title,
                description=description,
                starts_on=starts_on,
                ends_on=ends_on,
            )
            ProcessDocument.objects.create(
                process=process,
                title=f"{title}: roadmap (demonstration document)",
                url=f"https://example.org/demo/{slugify(title)}.pdf",
                symbol=f"DEMO/{n + 1}",
                issued_on=starts_on,
            )

    def make_programmes(self, hearings, people, organizations):
        """Opening, panels (one with regional discussions), an interactive discussion with
        interventions from the floor, closing; key messages and an outcome for past hearings."""
        rng = self.rng
        segments = []
        for hearing in hearings:
            theme = hearing.title.split(" on ", 1)[-1].rsplit(" (", 1)[0]
            plan = [(SegmentKind.OPENING, "Opening segment")]
            for n in range(1, rng.randint(2, 3) + 1):
                plan.append(
                    (SegmentKind.PANEL, rng.choice(demo.PANEL_TITLES).format(n=n, theme=theme))
                )
            plan += [
                (SegmentKind.INTERACTIVE, "Interactive discussion"),
                (SegmentKind.CLOSING, "Closing segment"),
            ]
            past = hearing.date < self.hearings_today
            for order, (kind, title) in enumerate(plan, start=1):
                segments.append(
                    Segment(
                        hearing=hearing,
                        order=order,
                        kind=kind,
                        title=title,
                        summary="\n\n".join(
                            " ".join(rng.sample(demo.SENTENCES["en"], 3)) for _ in range(2)
                        )
                        if past
                        else "",
                        start_time=datetime.time(10 + order // 2),
                    )
                )
        segments = self.insert(Segment, iter(segments), len(segments), "segments")

        sub_discussions = []
        for segment in segments:
            if segment.kind == SegmentKind.PANEL and segment.order == 2:
                chosen = rng.sample(demo.REGIONAL_DISCUSSIONS, 3)
                for order, (title, regions) in enumerate(chosen, start=1):
                    sub_discussions.append(
                        SubDiscussion(segment=segment, order=order, title=title, regions=regions)
                    )
        sub_discussions = self.insert(
            SubDiscussion, iter(sub_discussions), len(sub_discussions), "sub-discussions"
        )

        def role(person, order, role_name, segment=None, sub_discussion=None):
            return Participation(
                person=person,
                segment=segment,
                sub_discussion=sub_discussion,
                order=order,
                role=role_name,
                position=person.position,
                organization_id=person.organization_id,
            )

        participations, interventions, key_messages = [], [], []
        for segment in segments:
            if segment.kind in {SegmentKind.OPENING, SegmentKind.CLOSING}:
                cast = [ParticipationRole.CHAIR] + [ParticipationRole.SPEAKER] * rng.randint(1, 3)
            elif segment.kind == SegmentKind.PANEL:
                cast = [ParticipationRole.MODERATOR] + [ParticipationRole.PANELLIST] * rng.randint(
                    3, 4
                )
            else:
                cast = [ParticipationRole.MODERATOR]
            for order, role_name in enumerate(cast, start=1):
                participations.append(role(rng.choice(people), order, role_name, segment=segment))
            if segment.kind == SegmentKind.INTERACTIVE:
                for order in range(1, rng.randint(4, 9)):
                    interventions.append(
                        Intervention(
                            segment=segment,
                            order=order,
                            organization=rng.choice(organizations),
                            speaker_name=self.person_name(),
                            summary=rng.choice(demo.SENTENCES["en"]),
                        )
                    )
            if segment.kind == SegmentKind.PANEL and segment.summary:
                for order, text in enumerate(rng.sample(demo.KEY_MESSAGES, 2), start=1):
                    key_messages.append(KeyMessage(segment=segment, order=order, text=text))
        for sub_discussion in sub_discussions:
            for order in (1, 2):
                participations.append(
                    role(
                        rng.choice(people),
                        order,
                        ParticipationRole.PANELLIST,
                        sub_discussion=sub_discussion,
                    )
                )
        self.insert(Participation, iter(participations), len(participations), "participations")
        self.insert(Intervention, iter(interventions), len(interventions), "interventions")
        self.insert(KeyMessage, iter(key_messages), len(key_messages), "key messages")
        outcomes = [
            Outcome(
                hearing=hearing,
                title=f"Summary of the {hearing.title}",
                status=OutcomeStatus.PUBLISHED,
                published_on=hearing.date + datetime.timedelta(days=30),
            )
            for hearing in hearings
            if hearing.date < self.hearings_today
        ]
        self.insert(Outcome, iter(outcomes), len(outcomes), "outcomes")
        rules = [
            AccreditationRule(
                hearing=hearing,
                category=category,
                max_per_organization=2,
                letter_required=category == StakeholderCategory.MEMBER_STATE,
            )
            for hearing in hearings
            for category in (StakeholderCategory.CIVIL_SOCIETY, StakeholderCategory.MEMBER_STATE)
        ]
        self.insert(AccreditationRule, iter(rules), len(rules), "accreditation rules")
        self.segments_by_hearing = {}
        for segment in segments:
            if segment.kind == SegmentKind.PANEL:
                self.segments_by_hearing.setdefault(segment.hearing_id, []).append(segment)

    # Submissions -------------------------------------------------------------------------------

    def body(self, language):
        """A Markdown text of 500 to 5,000 characters, most of them short, in one language."""
        rng = self.rng

        def sentence():
            return demo.spliced_sentence(rng, language)

        target = int(rng.triangular(BODY_MIN, BODY_MAX, BODY_MODE))
        paragraphs, length = [], 0
        if rng.random() < 0.3:
            paragraphs.append("## " + rng.choice(demo.TITLES[language]).format(theme="")[:-1])
        while length < target:
            if rng.random() < 0.15:
                paragraph = "\n".join(f"- {sentence()}" for _ in range(3))
            else:
                paragraph = " ".join(sentence() for _ in range(rng.randint(3, 5)))
            paragraphs.append(paragraph)
            length += len(paragraph) + 2
        return "\n\n".join(paragraphs)[:BODY_MAX]

    def make_contributions(self, hearings, organizations, count):
        rng = self.rng
        non_states = [o for o in organizations if o.category not in StakeholderCategory.states()]
        # Each campaign targets one hearing, in English and in one other language; its senders
        # vary the text (`demo.campaign_variant`). The author's address names the campaign and
        # language, so that `bench/campaigns.py` can measure the grouping against it.
        campaigns = [
            (
                rng.randrange(len(hearings)),
                {"en": self.body("en"), other: self.body(other)},
            )
            for other in ["fr", "es", "fr", "ar", "es"]
        ]
        numbers = {}

        def rows():
            for n in range(count):
                hearing = hearings[(n * 7919 + rng.randrange(len(hearings))) % len(hearings)]
                past = hearing.date < self.hearings_today
                organization = rng.choice(organizations if rng.random() < 0.9 else non_states)
                if rng.random() < 0.08:
                    organization = None
                language = weighted(rng, LANGUAGE_WEIGHTS)
                email = f"author{n}@{demo.DEMO_EMAIL_DOMAIN}"
                if rng.random() < CAMPAIGN_SHARE:
                    which = rng.randrange(len(campaigns))
                    target, texts = campaigns[which]
                    hearing = hearings[target]
                    past = hearing.date < self.hearings_today
                    language = "en" if rng.random() < 0.8 else list(texts)[1]
                    body = demo.campaign_variant(
                        rng, texts[language], language, self.person_name(), self.place()[1]
                    )
                    email = f"campaign{which}.{language}.{email}"
                else:
                    body = self.body(language)
                fingerprint = demo.fast_fingerprint(body)
                status = weighted(
                    rng, PAST_CONTRIBUTION_STATUSES if past else OPEN_CONTRIBUTION_STATUSES
                )
                opens = hearing.contributions_open
                closes = min(hearing.contributions_close, self.now)
                submitted = opens + (closes - opens) * rng.random()
                decided = submitted + datetime.timedelta(hours=rng.randint(2, 240))
                decided = min(decided, self.now)
                moderated = status in {
                    ContributionStatus.PUBLISHED,
                    ContributionStatus.REJECTED,
                    ContributionStatus.UNDER_REVIEW,
                }
                year = hearing.date.year
                numbers[year] = numbers.get(year, 0) + 1
                code, _city = self.place()
                yield Contribution(
                    hearing=hearing,
                    segment=rng.choice(self.segments_by_hearing[hearing.pk])
                    if rng.random() < 0.5
                    else None,
                    # The model's own numbering (next_reference) continues these: same prefix,
                    # at least four digits.
                    reference=f"{demo.DEMO_CODE}-{year}-{numbers[year]:04d}",
                    organization=organization,
                    author_name=self.person_name(),
                    author_email=email,
                    category=organization.category if organization else StakeholderCategory.OTHER,
                    country=organization.country if organization and organization.country else code,
                    title=rng.choice(demo.TITLES[language]).format(theme=rng.choice(demo.THEMES)),
                    body=body,
                    excerpt=plain_excerpt(body),
                    fingerprint=fingerprint,
                    campaign=fingerprint,
                    language=language,
                    correspondence_language=language if language in {"en", "fr", "es"} else "en",
                    consent=weighted(rng, CONSENT_WEIGHTS),
                    status=status,
                    submitted_at=submitted,
                    updated_at=decided if moderated else submitted,
                    published_at=decided if status == ContributionStatus.PUBLISHED else None,
                    public=status == ContributionStatus.PUBLISHED and hearing.published,
                    moderated_at=decided if moderated else None,
                )

        with indexes_built_after(Contribution):
            self.insert(Contribution, rows(), count, "contributions")

    def make_registrations(self, hearings, organizations, count):
        rng = self.rng

        def rows():
            for n in range(count):
                hearing = hearings[rng.randrange(len(hearings))]
                past = hearing.date < self.hearings_today
                organization = rng.choice(organizations)
                status = weighted(
                    rng, PAST_REGISTRATION_STATUSES if past else OPEN_REGISTRATION_STATUSES
                )
                opens = hearing.registration_opens
                closes = min(hearing.registration_closes, self.now)
                created = opens + (closes - opens) * rng.random()
                decided = (
                    min(created + datetime.timedelta(days=rng.randint(1, 10)), self.now)
                    if status in RegistrationStatus.decided()
                    else None
                )
                yield Registration(
                    hearing=hearing,
                    honorific=rng.choice(demo.HONORIFICS),
                    name=self.person_name(),
                    email=f"registrant{n}@{demo.DEMO_EMAIL_DOMAIN}",
                    organization=organization,
                    organization_name=organization.name,
                    position=rng.choice(demo.POSITIONS),
                    category=organization.category,
                    country=organization.country,
                    privacy_consent_at=created,
                    listed_publicly=rng.random() < 0.6,
                    language=rng.choice(["en", "fr", "es"]),
                    status=status,
                    created_at=created,
                    updated_at=decided or created,
                    decided_at=decided,
                )

        self.insert(Registration, rows(), count, "registrations")

    def summary(self, seconds):
        if not self.verbosity:
            return
        published = Contribution.objects.filter(
            hearing__process__code=demo.DEMO_CODE, status=ContributionStatus.PUBLISHED
        ).count()
        width = max(len(label) for label in self.counts)
        self.stdout.write(self.style.SUCCESS(f"Demo data written in {seconds:.1f} s:"))
        for label, number in self.counts.items():
            self.stdout.write(f"  {label:<{width}}  {number:>8,}")
        self.stdout.write(f"  {'published':<{width}}  {published:>8,} of the contributions")
