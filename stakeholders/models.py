from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from stakeholders.enums import ConsultativeStatus, Region, StakeholderCategory
from stakeholders.m49 import COUNTRY_SUBREGION, region_expression


class SlugManager(models.Manager):
    """Fixtures refer to organizations and people by slug, so loading one twice updates, never
    duplicates."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Organization(models.Model):
    """One register of organizations, Member States included, used by every other record: people
    and whatever records what they did point here instead of repeating a name."""

    name = models.CharField(_("name"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    category = models.CharField(
        _("stakeholder category"), max_length=20, choices=StakeholderCategory.choices
    )
    country = CountryField(
        _("country"),
        blank=True,
        help_text=_("Headquarters country; for a State, the State itself."),
    )
    region = models.GeneratedField(
        expression=region_expression("country"),
        output_field=models.CharField(_("region"), max_length=10, choices=Region.choices),
        db_persist=True,
        verbose_name=_("region"),
    )
    consultative_status = models.CharField(
        _("ECOSOC consultative status"),
        max_length=12,
        choices=ConsultativeStatus.choices,
        default=ConsultativeStatus.NOT_RECORDED,
    )
    website = models.URLField(_("website"), blank=True)

    objects = SlugManager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="organization_name_unique_ci",
                violation_error_message=_(
                    "An organization with this name is already in the register."
                ),
            ),
            models.CheckConstraint(
                condition=Q(category__in=StakeholderCategory.values),
                name="organization_category_valid",
                violation_error_message=_("Choose a stakeholder category from the list."),
            ),
            models.CheckConstraint(
                condition=Q(consultative_status__in=ConsultativeStatus.values),
                name="organization_consultative_status_valid",
                violation_error_message=_("Choose an ECOSOC consultative status from the list."),
            ),
            models.CheckConstraint(
                condition=~Q(category__in=StakeholderCategory.states()) | ~Q(country=""),
                name="organization_state_has_country",
                violation_error_message=_("A Member State or Observer State needs its country."),
            ),
            models.CheckConstraint(
                condition=~Q(name="") & ~Q(slug=""),
                name="organization_name_slug_not_empty",
                violation_error_message=_("An organization needs a name and a slug."),
            ),
        ]
        indexes = [
            # The stakeholder directory, filtered by category and listed by name.
            models.Index(fields=["category", "name"], name="organization_category_name"),
            # The stakeholder directory unfiltered: organizations by name.
            models.Index(fields=["name"], name="organization_name"),
            # Statistics and directory filter by region.
            models.Index(fields=["region"], name="organization_region"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    @property
    def is_state(self):
        return self.category in StakeholderCategory.states()

    @property
    def country_label(self):
        """What `country` means for this organization: a State's own country, anyone else's
        headquarters (which says nothing of whom it speaks for)."""
        return _("Country") if self.is_state else _("Headquarters")

    @property
    def subregion(self):
        return COUNTRY_SUBREGION.get(self.country.code, "")

    @property
    def region_label(self):
        return Region(self.region).label if self.region else ""


class Person(models.Model):
    """A person as they present themselves: honorific and names exactly as written."""

    honorific = models.CharField(
        _("honorific"),
        max_length=40,
        blank=True,
        help_text=_("As written, e.g. “H.E. Mr.” or “Ms.”"),
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("Given and family names as the person writes them."),
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    position = models.CharField(
        _("position"),
        max_length=300,
        blank=True,
        help_text=_("Current position at the organization."),
    )
    email = models.EmailField(_("email"), blank=True, help_text=_("Never shown to the public."))

    objects = SlugManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="") & ~Q(slug=""),
                name="person_name_slug_not_empty",
                violation_error_message=_("A person needs a name and a slug."),
            ),
        ]

    def __str__(self):
        return f"{self.honorific} {self.name}" if self.honorific else self.name

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["stakeholders.organization"]
