"""What stakeholders send in: registrations to attend a hearing and written contributions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Length, Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from consultations.enums import (
    ContributionStatus,
    PublicationConsent,
    RegistrationStatus,
    UNLanguage,
)
from consultations.models.constraints import choice_constraint, language_constraint
from consultations.querysets import ContributionQuerySet
from stakeholders.enums import Region, StakeholderCategory
from stakeholders.m49 import region_expression

REFERENCE_ATTEMPTS = 5


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

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at"]
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
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"


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
    attachment = models.FileField(_("attachment"), upload_to="contributions/%Y/", blank=True)
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=UNLanguage.choices,
        default=UNLanguage.ENGLISH,
    )
    consent = models.CharField(
        _("publication consent"),
        max_length=12,
        choices=PublicationConsent.choices,
        default=PublicationConsent.NAMED,
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ContributionStatus.choices,
        default=ContributionStatus.SUBMITTED,
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
            models.CheckConstraint(
                condition=~Q(status__in=ContributionStatus.public())
                | Q(published_at__isnull=False),
                name="contribution_publication_dated",
                violation_error_message=_(
                    "A published contribution records when it was published."
                ),
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
            # /contributions/: published contributions, newest first.
            models.Index(
                F("published_at").desc(),
                condition=Q(status=ContributionStatus.PUBLISHED),
                name="contribution_published_recent",
            ),
            # A hearing's published contributions and the moderation queue per hearing.
            models.Index(fields=["hearing", "status"], name="contribution_hearing_status"),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def save(self, *args, **kwargs):
        """A new contribution takes the next free reference. When a concurrent submission took
        the same number first, the unique constraint refuses this one and it takes the next."""
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

    def clean(self):
        if self.segment_id and self.hearing_id and self.segment.hearing_id != self.hearing_id:
            raise ValidationError(
                {"segment": _("Choose a segment of the same hearing.")},
                code="segment_of_another_hearing",
            )

    def natural_key(self):
        return (self.reference,)

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
