"""What stakeholders send in: registrations to attend a hearing and written contributions."""

import hashlib
import re
import unicodedata
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Length, Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from consultations.enums import (
    ContributionStatus,
    InterfaceLanguage,
    PublicationConsent,
    RegistrationStatus,
    UNLanguage,
)
from consultations.markdown import render_markdown
from consultations.models.constraints import choice_constraint, language_constraint
from consultations.querysets import ContributionQuerySet, RegistrationQuerySet
from stakeholders.enums import Region, StakeholderCategory
from stakeholders.m49 import region_expression

REFERENCE_ATTEMPTS = 5
EXCERPT_LENGTH = 280


def random_upload_name(folder, filename):
    """Uploads are stored under a random name in their folder, never under the name the sender
    gave (which could clash, mislead or carry markup); only the lower-cased extension is kept."""
    return f"{folder}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()[:8]}"


def nomination_letter_path(instance, filename):
    return random_upload_name("nominations", filename)


def contribution_attachment_path(instance, filename):
    return random_upload_name("contributions", filename)


def plain_excerpt(markdown_text, length=EXCERPT_LENGTH):
    """The first words of a Markdown text as plain text, for lists: stored once on save so that
    no list truncates whole bodies per row."""
    text = re.sub(r"[#>*_`~\[\]()!|-]+", " ", markdown_text)
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0] + "…"


def folded(text):
    """The words of `text`, with case, accents, punctuation and spacing ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", plain))


def body_fingerprint(text):
    """A hash of the folded text: the bodies of a mass campaign share it, so the moderation
    queue groups them through an index, without comparing every pair of contributions."""
    return hashlib.sha256(folded(text).encode()).hexdigest()[:32]


class Registration(models.Model):
    hearing = models.ForeignKey(
        "consultations.Hearing",
        verbose_name=_("hearing"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    honorific = models.CharField(_("honorific"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    organization = models.ForeignKey(
        "stakeholders.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        help_text=_("The organization in the register, once the secretariat has matched it."),
    )
    organization_name = models.CharField(
        _("organization as given"),
        max_length=300,
        blank=True,
        help_text=_("What the registrant typed, kept until it is matched to the register."),
    )
    position = models.CharField(_("position"), max_length=300, blank=True)
    category = models.CharField(
        _("stakeholder category"), max_length=20, choices=StakeholderCategory.choices
    )
    country = CountryField(_("country"), blank=True)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    nomination_letter = models.FileField(
        _("nomination letter"), upload_to=nomination_letter_path, blank=True
    )
    privacy_consent_at = models.DateTimeField(
        _("accepted the privacy notice"), null=True, blank=True
    )
    privacy_consent_entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "The staff member who recorded the registrant's consent when registering them."
        ),
    )
    letter_by_email_at = models.DateTimeField(
        _("nomination letter received by email"), null=True, blank=True
    )
    letter_by_email_noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("letter by email noted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    listed_publicly = models.BooleanField(
        _("on the public list of participants"),
        default=False,
        help_text=_("The registrant agreed to appear on the public list of participants."),
    )
    language = models.CharField(
        _("language of correspondence"),
        max_length=2,
        choices=InterfaceLanguage.choices,
        default=InterfaceLanguage.ENGLISH,
        help_text=_("Emails about this registration are written in it."),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    walk_in = models.BooleanField(
        _("walk-in"),
        default=False,
        editable=False,
        help_text=_("Registered at the door on the day of the hearing."),
    )
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True, editable=False)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = RegistrationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at"]
        permissions = [
            ("check_in_registration", _("Can check people in and register walk-ins")),
        ]
        constraints = [
            models.UniqueConstraint(
                F("hearing"),
                Lower("email"),
                name="registration_one_per_email_per_hearing",
                violation_error_message=_(
                    "This email address is already registered for this hearing."
                ),
            ),
            choice_constraint(
                "status",
                RegistrationStatus,
                "registration_status_valid",
                _("Choose a registration status from the list."),
            ),
            choice_constraint(
                "category",
                StakeholderCategory,
                "registration_category_valid",
                _("Choose a stakeholder category from the list."),
            ),
            choice_constraint(
                "language",
                InterfaceLanguage,
                "registration_language_valid",
                _("Choose English, French or Spanish."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=RegistrationStatus.decided()) | Q(decided_at__isnull=False),
                name="registration_decision_dated",
                violation_error_message=_(
                    "A decision on a registration records when it was taken."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(name="") & ~Q(email=""),
                name="registration_name_email_not_empty",
                violation_error_message=_("A registration needs a name and an email address."),
            ),
        ]
        indexes = [
            # The secretariat's vetting queue: a hearing's registrations by status, oldest first.
            models.Index(fields=["hearing", "status", "created_at"], name="registration_queue"),
            # Per-organization caps: approved registrations of one organization at a hearing.
            models.Index(
                fields=["hearing", "organization", "status"], name="registration_org_status"
            ),
            # Arrivals: the dashboard's count of a hearing's checked-in registrations and the
            # attendance statistics.
            models.Index(fields=["hearing", "checked_in_at"], name="registration_arrivals"),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"

    def save(self, *args, **kwargs):
        self.check_hearing_kept()
        super().save(*args, **kwargs)
        self._stored_hearing_id = self.hearing_id

    def clean(self):
        self.check_hearing_kept()

    @classmethod
    def from_db(cls, db, field_names, values):
        registration = super().from_db(db, field_names, values)
        registration._stored_hearing_id = registration.__dict__.get("hearing_id")
        return registration

    def check_hearing_kept(self):
        """A registration stays with the hearing it was made for: moving it would take a seat
        there without the capacity check, the waiting list or a status change."""
        stored = getattr(self, "_stored_hearing_id", None)
        if stored is not None and self.hearing_id != stored:
            raise ValidationError(
                {
                    "hearing": _(
                        "A registration stays with its hearing: cancel it and register again "
                        "for the other hearing."
                    )
                },
                code="registration_hearing_kept",
            )

    @property
    def has_letter(self):
        """Uploaded, or received by email and noted so by staff."""
        return bool(self.nomination_letter) or self.letter_by_email_at is not None

    @property
    def organization_shown(self):
        """The organization in the register once matched, else the name as typed."""
        return self.organization.name if self.organization_id else self.organization_name

    def same_organization(self, other):
        """Whether `other` represents the same organization, for the per-organization cap: the
        same register entry, or, where either is unmatched, the same name as typed (or as
        registered) with case, accents, punctuation and spacing aside."""
        if self.organization_id and other.organization_id:
            return self.organization_id == other.organization_id
        name = folded(self.organization_shown)
        return bool(name) and name == folded(other.organization_shown)

    @property
    def reference(self):
        """Quoted on the confirmation page and in emails, e.g. GCM-2017-R00042."""
        return f"{self.hearing.process.code}-{self.hearing.date.year}-R{self.pk:05d}"


class Contribution(models.Model):
    hearing = models.ForeignKey(
        "consultations.Hearing",
        verbose_name=_("hearing"),
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    segment = models.ForeignKey(
        "consultations.Segment",
        verbose_name=_("segment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
        help_text=_("The panel or discussion the contribution speaks to, if any."),
    )
    reference = models.CharField(
        _("reference"),
        max_length=30,
        unique=True,
        editable=False,
        help_text=_("Assigned on submission, e.g. GCM-2017-0042."),
    )
    organization = models.ForeignKey(
        "stakeholders.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
    )
    organization_name = models.CharField(
        _("organization as given"),
        max_length=300,
        blank=True,
        help_text=_("What the author typed, kept until it is matched to the register."),
    )
    author_name = models.CharField(_("author"), max_length=200)
    author_email = models.EmailField(_("author's email"), help_text=_("Never published."))
    category = models.CharField(
        _("stakeholder category"), max_length=20, choices=StakeholderCategory.choices
    )
    country = CountryField(_("country"), blank=True)
    region = models.GeneratedField(
        expression=region_expression("country"),
        output_field=models.CharField(max_length=10, choices=Region.choices),
        db_persist=True,
        verbose_name=_("region"),
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"))
    excerpt = models.CharField(
        _("excerpt"), max_length=EXCERPT_LENGTH + 10, blank=True, editable=False
    )
    fingerprint = models.CharField(
        _("text fingerprint"),
        max_length=32,
        blank=True,
        editable=False,
        help_text=_("Shared by contributions whose texts are the same but for case and spacing."),
    )
    campaign = models.CharField(
        _("campaign group"),
        max_length=32,
        blank=True,
        editable=False,
        help_text=_(
            "Shared by the contributions to one hearing whose texts are the same or nearly so: "
            "the fingerprint of the group's first text."
        ),
    )
    leads_campaign = models.BooleanField(
        _("leads its campaign group"),
        default=True,
        editable=False,
        help_text=_(
            "Whether this is the earliest published contribution of its campaign group, the one "
            "the public list shows for the whole group; kept by the services."
        ),
    )
    attachment = models.FileField(
        _("attachment"), upload_to=contribution_attachment_path, blank=True
    )
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=UNLanguage.choices,
        default=UNLanguage.ENGLISH,
    )
    correspondence_language = models.CharField(
        _("language of correspondence"),
        max_length=2,
        choices=InterfaceLanguage.choices,
        default=InterfaceLanguage.ENGLISH,
        help_text=_("Emails about this contribution are written in it."),
    )
    consent = models.CharField(
        _("publication consent"),
        max_length=12,
        choices=PublicationConsent.choices,
        help_text=_("What the author agreed may be published with the text."),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ContributionStatus.choices,
        default=ContributionStatus.SUBMITTED,
    )
    # Published, to a published hearing: what `ContributionQuerySet.published` asks, stored so
    # that the public lists and their counts read one partial index and never join the hearings.
    # Kept by `keep_public_flag` before a save that may change it (status or hearing) and, for
    # a hearing's contributions, by `follow_hearing_publication` after the hearing's publication
    # is saved (the service, a fixture, a whole-row save); a `QuerySet.update` of the status or
    # of a hearing's `published` must set it too.
    public = models.BooleanField(
        _("public"),
        default=False,
        editable=False,
        help_text=_("Published, to a published hearing; kept by the services."),
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ContributionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["excerpt", "fingerprint", "campaign", "public"])

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-submitted_at"]
        constraints = [
            choice_constraint(
                "status",
                ContributionStatus,
                "contribution_status_valid",
                _("Choose a contribution status from the list."),
            ),
            choice_constraint(
                "consent",
                PublicationConsent,
                "contribution_consent_valid",
                _("Choose what may be published from the list."),
            ),
            language_constraint("contribution"),
            choice_constraint(
                "category",
                StakeholderCategory,
                "contribution_category_valid",
                _("Choose a stakeholder category from the list."),
            ),
            choice_constraint(
                "correspondence_language",
                InterfaceLanguage,
                "contribution_correspondence_language_valid",
                _("Choose English, French or Spanish."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=ContributionStatus.public())
                | Q(published_at__isnull=False),
                name="contribution_publication_dated",
                violation_error_message=_(
                    "A published contribution records when it was published."
                ),
            ),
            models.CheckConstraint(
                condition=Q(public=False) | Q(status__in=ContributionStatus.public()),
                name="contribution_public_is_published",
                violation_error_message=_("Only a published contribution is public."),
            ),
            models.CheckConstraint(
                condition=~Q(reference="") & ~Q(title="") & ~Q(body="") & ~Q(author_name=""),
                name="contribution_required_text_not_empty",
                violation_error_message=_(
                    "A contribution needs a reference, a title, a text and an author."
                ),
            ),
        ]
        indexes = [
            # The public lists below are partial indexes of the public rows (`public`) and carry
            # the campaign lead (INCLUDE, PostgreSQL only) so that their counts, which keep each
            # campaign group once, stay index-only scans.
            # /contributions/ and the API list: published contributions, newest first, the id
            # breaking ties (ContributionQuerySet.for_list), so that a deep page walks the index
            # in order instead of sorting what it skips.
            models.Index(
                F("published_at").desc(),
                F("id").desc(),
                condition=Q(public=True),
                include=["leads_campaign"],
                name="contribution_pub_recent",
            ),
            # A hearing's published contributions and the moderation queue per hearing.
            models.Index(fields=["hearing", "status"], name="contribution_hearing_status"),
            # The moderation queue's default view: what awaits review (two statuses), oldest
            # first, ties by id as the admin orders them; the index walks in that order.
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(status__in=ContributionStatus.awaiting_review()),
                name="contribution_awaiting_review",
            ),
            # The queue filtered to one status, oldest first.
            models.Index(fields=["status", "submitted_at"], name="contribution_queue"),
            # Campaign groups in the moderation queue: contributions sharing one fingerprint.
            models.Index(fields=["fingerprint", "status"], name="contribution_fingerprint"),
            # Campaign groups in the moderation queue and the public list.
            models.Index(fields=["hearing", "campaign", "status"], name="contribution_campaign"),
            # /contributions/?category=…: published ones of a category, newest first, and their
            # count (an index-only scan of this partial index).
            models.Index(
                "category",
                F("published_at").desc(),
                F("id").desc(),
                condition=Q(public=True),
                include=["leads_campaign"],
                name="contribution_pub_category_id",
            ),
            # /contributions/?hearing=… and a hearing's page: its published ones, newest first.
            models.Index(
                "hearing",
                F("published_at").desc(),
                F("id").desc(),
                condition=Q(public=True),
                name="contribution_pub_hearing",
            ),
            # /contributions/?region=…: published ones from a region, newest first.
            models.Index(
                "region",
                F("published_at").desc(),
                F("id").desc(),
                condition=Q(public=True),
                include=["leads_campaign"],
                name="contribution_pub_region",
            ),
            # /contributions/?language=…: published ones in a language, newest first.
            models.Index(
                "language",
                F("published_at").desc(),
                F("id").desc(),
                condition=Q(public=True),
                include=["leads_campaign"],
                name="contribution_pub_language",
            ),
            # The lists' counts: small partial indexes of the public rows on few distinct keys,
            # which PostgreSQL deduplicates into a few pages, so that counting 30,000 rows reads
            # a tenth of what the ordered indexes above would (2.8 ms against 8 ms).
            models.Index(
                fields=["leads_campaign"], condition=Q(public=True), name="contribution_count"
            ),
            models.Index(
                fields=["hearing", "leads_campaign"],
                condition=Q(public=True),
                name="contribution_count_hearing",
            ),
            *(
                models.Index(
                    fields=[field], condition=Q(public=True), name=f"contribution_count_{field}"
                )
                for field in ("category", "region", "language")
            ),
            # The sitemap index's lastmod: the latest change of a public contribution, read from
            # the index's end instead of from every row (100 ms).
            models.Index(
                fields=["updated_at"], condition=Q(public=True), name="contribution_pub_updated"
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def save(self, *args, **kwargs):
        """A new contribution takes the next free reference. When a concurrent submission took
        the same number first, the unique constraint refuses this one and it takes the next.
        The excerpt and fingerprint follow the body."""
        self.excerpt = plain_excerpt(self.body)
        self.fingerprint = body_fingerprint(self.body)
        # Its own group until `campaigns.join_campaign` finds it a similar one.
        self.campaign = self.campaign or self.fingerprint
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            update_fields = kwargs["update_fields"] = {*update_fields, "excerpt", "fingerprint"}
        if update_fields is not None and {"status", "hearing"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "public"}
        if self.reference:
            return super().save(*args, **kwargs)
        for _attempt in range(REFERENCE_ATTEMPTS):
            self.reference = self.next_reference(self.hearing)
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                if not Contribution.objects.filter(reference=self.reference).exists():
                    raise
        raise IntegrityError(f"No free contribution reference after {REFERENCE_ATTEMPTS} tries.")

    def get_absolute_url(self):
        return reverse("consultations:contribution", args=[self.reference])

    def clean(self):
        if self.segment_id and self.hearing_id and self.segment.hearing_id != self.hearing_id:
            raise ValidationError(
                {"segment": _("Choose a segment of the same hearing.")},
                code="segment_of_another_hearing",
            )

    def natural_key(self):
        return (self.reference,)

    @property
    def rendered_body(self):
        return render_markdown(self.body)

    @classmethod
    def next_reference(cls, hearing):
        """The next reference of the hearing's process and year, e.g. GCM-2017-0042."""
        prefix = f"{hearing.process.code}-{hearing.date.year}-"
        last = (
            cls.objects.filter(reference__startswith=prefix)
            .order_by(Length("reference").desc(), "-reference")
            .values_list("reference", flat=True)
            .first()
        )
        number = int(last.removeprefix(prefix)) + 1 if last else 1
        return f"{prefix}{number:04d}"


def keep_public_flag(sender, instance, update_fields=None, **kwargs):
    """Before a save that may change it (fixtures and restores included): a contribution is
    public when it is published and its hearing is, as stored. Inside a transaction the hearing
    is read locked, as the hearing's publication locks it before its contributions: a whole-row
    save racing a withdrawal waits for it, then reads the hearing withdrawn."""
    if update_fields is not None and not {"status", "hearing", "public"} & set(update_fields):
        return
    if instance.status not in ContributionStatus.public():
        instance.public = False
        return
    hearings = sender._meta.get_field("hearing").related_model._base_manager
    hearing = hearings.filter(pk=instance.hearing_id)
    if transaction.get_connection().in_atomic_block:
        hearing = hearing.select_for_update()
    instance.public = hearing.filter(published=True).exists()


def follow_hearing_publication(
    sender, instance, created=False, raw=False, update_fields=None, **kwargs
):
    """After a hearing's publication is saved (the publication service, a fixture, a whole-row
    save): its published contributions are public exactly while it is. Inside a transaction
    the rows to change are locked in id order first, so that two transactions locking several
    of them (an erasure) never wait on each other in a circle."""
    if (created and not raw) or (update_fields is not None and "published" not in update_fields):
        return
    changing = Contribution._base_manager.filter(
        hearing_id=instance.pk, status__in=ContributionStatus.public()
    ).exclude(public=instance.published)
    if transaction.get_connection().in_atomic_block and not lock_in_order(changing):
        return
    changing.update(public=instance.published)


def lock_in_order(rows):
    """Lock these rows in id order; their ids."""
    return list(rows.select_for_update().order_by("pk").values_list("pk", flat=True))
