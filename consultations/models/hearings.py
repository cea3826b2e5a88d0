from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from consultations.enums import HearingStatus
from consultations.models.constraints import language_constraint, ordered_constraint
from consultations.models.texts import HasOutcomeText
from consultations.querysets import HearingQuerySet, SlugQuerySet


class Process(models.Model):
    """An intergovernmental process under which hearings are held, such as the preparation of the
    Global Compact for Migration."""

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
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
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)


def window_is_open(opens, closes, at=None):
    """A form is open from its opening moment until, not including, its closing one; without
    both ends it is closed."""
    if opens is None or closes is None:
        return False
    return opens <= (at or timezone.now()) < closes


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
    registration_opens = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes = models.DateTimeField(_("registration closes"), null=True, blank=True)
    contributions_open = models.DateTimeField(_("contributions open"), null=True, blank=True)
    contributions_close = models.DateTimeField(_("contributions close"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=False)

    objects = HearingQuerySet.as_manager()

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

    def accepts_registrations(self, at=None):
        return window_is_open(self.registration_opens, self.registration_closes, at)

    def accepts_contributions(self, at=None):
        return window_is_open(self.contributions_open, self.contributions_close, at)

    @property
    def status(self):
        today = timezone.localdate()
        if self.date > today:
            return HearingStatus.UPCOMING
        if self.date == today:
            return HearingStatus.ONGOING
        return HearingStatus.PAST
