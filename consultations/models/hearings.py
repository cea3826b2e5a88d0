import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from consultations.enums import HearingPublication, OutcomeStatus
from consultations.models.constraints import (
    choice_constraint,
    language_constraint,
    ordered_constraint,
)
from consultations.models.texts import HasOutcomeText
from consultations.querysets import HearingQuerySet, SlugQuerySet, outcome_public
from consultations.rules import Window, hearing_status, venue_day
from stakeholders.enums import StakeholderCategory

PROCESS_CODE = r"^[A-Za-z0-9]+\Z"


class Process(models.Model):
    """An intergovernmental process under which hearings are held, such as the preparation of the
    Global Compact for Migration."""

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        validators=[
            RegexValidator(
                PROCESS_CODE,
                _(
                    "A code holds letters and digits only, e.g. GCM: it starts every contribution "
                    "reference and the process's address."
                ),
                code="process_code",
            )
        ],
        help_text=_("Short code that starts contribution references, e.g. GCM in GCM-2017-0042."),
    )
    mandate_reference = models.CharField(
        _("mandate"),
        max_length=200,
        blank=True,
        help_text=_("e.g. General Assembly resolution 71/280"),
    )
    description = models.TextField(_("description"), blank=True)

    objects = SlugQuerySet.as_manager()

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title="") & ~Q(slug="") & ~Q(code=""),
                name="process_title_slug_code_not_empty",
                violation_error_message=_("A process needs a title, a slug and a code."),
            ),
            # Letters and digits: a "/" or "." would make links to the process and its
            # contributions impossible to build, and every page listing them fail.
            models.CheckConstraint(
                condition=Q(code__regex=PROCESS_CODE),
                name="process_code_letters_and_digits",
                violation_error_message=_("A code holds letters and digits only, e.g. GCM."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("consultations:process", args=[self.code])

    def natural_key(self):
        return (self.slug,)


def validate_time_zone(name):
    if name not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(name)s” is not a time zone name such as Europe/Zurich or America/New_York."),
            code="unknown_time_zone",
            params={"name": name},
        )


class Hearing(HasOutcomeText):
    process = models.ForeignKey(
        Process,
        verbose_name=_("process"),
        on_delete=models.PROTECT,
        related_name="hearings",
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts at"), null=True, blank=True)
    end_time = models.TimeField(_("ends at"), null=True, blank=True)
    venue = models.CharField(
        _("venue"),
        max_length=300,
        blank=True,
        help_text=_("e.g. Room XIX, Palais des Nations"),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_(
            "The venue's time zone, e.g. Europe/Zurich for Geneva: the hearing's times and its "
            "registration and contribution windows are entered and shown in it."
        ),
    )
    organizer = models.CharField(
        _("organizer"),
        max_length=300,
        help_text=_(
            "The office that convenes the hearing, e.g. the President of the General Assembly."
        ),
    )
    mandate = models.CharField(
        _("mandate"),
        max_length=500,
        blank=True,
        help_text=_("e.g. paragraph 30 of General Assembly resolution 71/280"),
    )
    supporting_organization = models.ForeignKey(
        "stakeholders.Organization",
        verbose_name=_("supported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supported_hearings",
    )
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Seats for registrants; empty means no limit."),
    )
    # When `date` begins and ends at the venue (`rules.venue_day`), kept by `keep_venue_day`:
    # what the hearing's status is judged by in queries. A `QuerySet.update` or bulk write of the
    # date or time zone must set them too (`set_venue_day`); `refresh_venue_days` mends them.
    day_starts = models.DateTimeField(_("hearing day starts"), editable=False)
    day_ends = models.DateTimeField(_("hearing day ends"), editable=False)
    registration_opens = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes = models.DateTimeField(_("registration closes"), null=True, blank=True)
    contributions_open = models.DateTimeField(_("contributions open"), null=True, blank=True)
    contributions_close = models.DateTimeField(_("contributions close"), null=True, blank=True)
    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Changed by the Publish and Withdraw buttons, which record who and when."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = HearingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["-date", "title"]
        constraints = [
            language_constraint("hearing"),
            ordered_constraint(
                "registration_opens",
                "registration_closes",
                "hearing_registration_window_valid",
                _("Registration must open before it closes."),
            ),
            ordered_constraint(
                "contributions_open",
                "contributions_close",
                "hearing_contribution_window_valid",
                _("Contributions must open before they close."),
            ),
            ordered_constraint(
                "start_time",
                "end_time",
                "hearing_starts_before_it_ends",
                _("The hearing must start before it ends."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="hearing_capacity_positive",
                violation_error_message=_(
                    "Capacity must be at least one seat; leave it empty for no limit."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(title="") & ~Q(slug="") & ~Q(organizer=""),
                name="hearing_title_slug_organizer_not_empty",
                violation_error_message=_("A hearing needs a title, a slug and an organizer."),
            ),
            models.CheckConstraint(
                condition=Q(published=True)
                | Q(published_at__isnull=True, published_by__isnull=True),
                name="hearing_draft_not_stamped",
                violation_error_message=_("A draft hearing records no publication."),
            ),
        ]
        indexes = [
            # Home page and hearing list: published hearings by date.
            models.Index(fields=["published", "date"], name="hearing_published_date"),
        ]

    def __str__(self):
        return f"{self.title} ({self.date:%d %B %Y})"

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["consultations.process", "stakeholders.organization"]

    def get_absolute_url(self):
        return reverse("consultations:hearing", args=[self.slug])

    @property
    def registration_window(self):
        return Window(self.registration_opens, self.registration_closes)

    @property
    def contribution_window(self):
        return Window(self.contributions_open, self.contributions_close)

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def status(self):
        return hearing_status(self.date, self.time_zone)

    def save(self, *args, **kwargs):
        """A save of the date or the time zone alone saves the day at the venue too (set by
        `keep_venue_day`)."""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"date", "time_zone"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "day_starts", "day_ends"}
        super().save(*args, **kwargs)

    def set_venue_day(self):
        self.day_starts, self.day_ends = venue_day(self.date, self.time_zone)

    @property
    def publication(self):
        return HearingPublication.PUBLISHED if self.published else HearingPublication.DRAFT

    @property
    def outcome_is_public(self):
        """`querysets.outcome_public` for one hearing whose outcome was loaded with it."""
        outcome = getattr(self, "outcome", None)
        return self.published and outcome is not None and outcome.is_published


def keep_venue_day(sender, instance, **kwargs):
    """Before every save of a hearing, fixtures and restores included: its day at the venue
    follows its date and time zone."""
    instance.set_venue_day()


class OutcomeQuerySet(models.QuerySet):
    def published(self):
        """Outcome documents the public may read: published, of a published hearing."""
        return self.filter(outcome_public(hearing="hearing__"))


class OutcomeManager(models.Manager.from_queryset(OutcomeQuerySet)):
    def get_by_natural_key(self, hearing_slug):
        return self.get(hearing__slug=hearing_slug)


class Outcome(models.Model):
    """A hearing's outcome document: the summaries of its segments and their key messages, drafted
    by staff and shown to the public once published."""

    hearing = models.OneToOneField(
        Hearing, verbose_name=_("hearing"), on_delete=models.CASCADE, related_name="outcome"
    )
    title = models.CharField(_("title"), max_length=300)
    symbol = models.CharField(
        _("document symbol"),
        max_length=60,
        blank=True,
        help_text=_("The UN document symbol, where the summary has one, e.g. A/72/123."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OutcomeStatus.choices, default=OutcomeStatus.DRAFT
    )
    published_on = models.DateField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_(
            "The date at the venue when the outcome was published here; empty where the record "
            "does not say when it was published."
        ),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = OutcomeManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outcome document")
        verbose_name_plural = _("outcome documents")
        constraints = [
            choice_constraint(
                "status",
                OutcomeStatus,
                "outcome_status_valid",
                _("Choose draft or published."),
            ),
            models.CheckConstraint(
                condition=~Q(title=""),
                name="outcome_title_not_empty",
                violation_error_message=_("An outcome document needs a title."),
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return self.hearing.natural_key()

    natural_key.dependencies = ["consultations.hearing"]

    @property
    def is_published(self):
        return self.status == OutcomeStatus.PUBLISHED


class AccreditationRule(models.Model):
    """How a hearing accredits one stakeholder category: how many representatives of one
    organization may be approved, and whether a nomination letter must come with a registration."""

    hearing = models.ForeignKey(
        Hearing,
        verbose_name=_("hearing"),
        on_delete=models.CASCADE,
        related_name="accreditation_rules",
    )
    category = models.CharField(
        _("stakeholder category"),
        max_length=20,
        choices=StakeholderCategory.choices,
    )
    max_per_organization = models.PositiveSmallIntegerField(
        _("approved representatives per organization"),
        null=True,
        blank=True,
        help_text=_("Empty means no limit."),
    )
    letter_required = models.BooleanField(_("nomination letter required"), default=False)

    class Meta:
        verbose_name = _("accreditation rule")
        verbose_name_plural = _("accreditation rules")
        ordering = ["category"]
        constraints = [
            models.UniqueConstraint(
                fields=["hearing", "category"],
                name="accreditation_rule_one_per_category",
                violation_error_message=_("This hearing already has a rule for that category."),
            ),
            models.CheckConstraint(
                condition=Q(max_per_organization__isnull=True) | Q(max_per_organization__gt=0),
                name="accreditation_rule_cap_positive",
                violation_error_message=_(
                    "Allow at least one representative; leave the cap empty for no limit."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.hearing.title}: {self.get_category_display()}"
