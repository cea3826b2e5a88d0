"""The programme of a hearing: segments in order, the regional or thematic sub-discussions inside a
panel, who had a role where, who took the floor, and the key messages each segment produced."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from consultations.enums import ContributionStatus, ParticipationRole, SegmentKind
from consultations.models.constraints import (
    choice_constraint,
    language_constraint,
    ordered_constraint,
)
from consultations.models.texts import HasOutcomeText
from consultations.querysets import (
    KeyMessageQuerySet,
    PlacedQuerySet,
    SegmentQuerySet,
    SubDiscussionQuerySet,
)
from stakeholders.m49 import RegionsField, regions_label


class HasRoles:
    """For a segment or sub-discussion whose participations a view prefetched."""

    def role_groups(self):
        """Its people grouped by role, each group labelled in the singular or plural, in the order
        the roles first appear in the programme."""
        groups = {}
        for participation in self.participations.all():
            groups.setdefault(participation.role, []).append(participation)
        return [
            (role.label if len(people) == 1 else role.plural_label, people)
            for role, people in ((ParticipationRole(r), p) for r, p in groups.items())
        ]


class SegmentManager(models.Manager.from_queryset(SegmentQuerySet)):
    def get_by_natural_key(self, hearing_slug, order):
        return self.get(hearing__slug=hearing_slug, order=order)


class Segment(HasRoles, HasOutcomeText):
    hearing = models.ForeignKey(
        "consultations.Hearing",
        verbose_name=_("hearing"),
        on_delete=models.CASCADE,
        related_name="segments",
    )
    order = models.PositiveSmallIntegerField(_("order in the programme"))
    kind = models.CharField(_("kind"), max_length=12, choices=SegmentKind.choices)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("Paragraphs separated by an empty line.")
    )
    start_time = models.TimeField(_("starts at"), null=True, blank=True)
    end_time = models.TimeField(_("ends at"), null=True, blank=True)

    objects = SegmentManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["hearing", "order"]
        constraints = [
            language_constraint("segment"),
            # Also the index behind the programme query (a hearing's segments in order).
            models.UniqueConstraint(
                fields=["hearing", "order"],
                name="segment_order_unique",
                violation_error_message=_(
                    "Another segment of this hearing already has this place in the programme."
                ),
            ),
            ordered_constraint(
                "start_time",
                "end_time",
                "segment_starts_before_it_ends",
                _("The segment must start before it ends."),
            ),
            choice_constraint(
                "kind",
                SegmentKind,
                "segment_kind_valid",
                _("Choose a kind of segment from the list."),
            ),
            models.CheckConstraint(
                condition=~Q(title=""),
                name="segment_title_not_empty",
                violation_error_message=_("A segment needs a title."),
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (*self.hearing.natural_key(), self.order)

    natural_key.dependencies = ["consultations.hearing"]


class InSegmentManager(models.Manager):
    """Natural key of a record numbered inside a segment: the hearing, the segment, its order."""

    def get_by_natural_key(self, hearing_slug, segment_order, order):
        return self.get(
            segment__hearing__slug=hearing_slug,
            segment__order=segment_order,
            order=order,
        )


class SubDiscussion(HasRoles, HasOutcomeText):
    """A discussion inside a segment with its own panellists and summary, such as one of the three
    regional discussions of the seed hearing's third panel."""

    segment = models.ForeignKey(
        Segment,
        verbose_name=_("segment"),
        on_delete=models.CASCADE,
        related_name="sub_discussions",
    )
    order = models.PositiveSmallIntegerField(_("order in the segment"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    regions = RegionsField(
        _("regions"),
        help_text=_(
            "The M49 regions a regional discussion is about; none for any other. Its speakers "
            "count for these regions together: “Africa and Europe” is one group, never split."
        ),
    )

    objects = InSegmentManager.from_queryset(SubDiscussionQuerySet)()

    class Meta:
        verbose_name = _("sub-discussion")
        verbose_name_plural = _("sub-discussions")
        ordering = ["segment", "order"]
        constraints = [
            language_constraint("sub_discussion"),
            models.UniqueConstraint(
                fields=["segment", "order"],
                name="sub_discussion_order_unique",
                violation_error_message=_(
                    "Another sub-discussion of this segment already has this place."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(title=""),
                name="sub_discussion_title_not_empty",
                violation_error_message=_("A sub-discussion needs a title."),
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (*self.segment.natural_key(), self.order)

    natural_key.dependencies = ["consultations.segment"]

    @property
    def regions_label(self):
        return regions_label(self.regions)


class KeyMessage(HasOutcomeText):
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("segment"),
        on_delete=models.CASCADE,
        related_name="key_messages",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))
    contributions = models.ManyToManyField(
        "consultations.Contribution",
        verbose_name=_("drawn from contributions"),
        blank=True,
        related_name="key_messages",
    )

    objects = InSegmentManager.from_queryset(KeyMessageQuerySet)()

    class Meta:
        verbose_name = _("key message")
        verbose_name_plural = _("key messages")
        ordering = ["segment", "order"]
        constraints = [
            language_constraint("key_message"),
            models.UniqueConstraint(
                fields=["segment", "order"],
                name="key_message_order_unique",
                violation_error_message=_(
                    "Another key message of this segment already has this place."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="key_message_text_not_empty",
                violation_error_message=_("A key message needs a text."),
            ),
        ]

    def __str__(self):
        return self.text[:80]

    def natural_key(self):
        return (*self.segment.natural_key(), self.order)

    natural_key.dependencies = ["consultations.segment"]


def placed_constraints(prefix):
    """Something happens either in a segment or in one of its sub-discussions, never both, and
    each place numbers its entries once."""
    return [
        models.CheckConstraint(
            condition=Q(segment__isnull=False, sub_discussion__isnull=True)
            | Q(segment__isnull=True, sub_discussion__isnull=False),
            name=f"{prefix}_in_one_place",
            violation_error_message=_(
                "Place it either in the segment or in one of its sub-discussions, not in both."
            ),
        ),
        models.UniqueConstraint(
            fields=["segment", "order"],
            name=f"{prefix}_order_unique_in_segment",
            violation_error_message=_("This place in the segment is already taken."),
        ),
        models.UniqueConstraint(
            fields=["sub_discussion", "order"],
            name=f"{prefix}_order_unique_in_sub_discussion",
            violation_error_message=_("This place in the sub-discussion is already taken."),
        ),
    ]


class PlacedManager(models.Manager):
    """Natural key of a record placed in a segment or a sub-discussion: the hearing, the segment's
    order, the sub-discussion's order (null for the segment itself), then the record's order."""

    def get_by_natural_key(self, hearing_slug, segment_order, sub_discussion_order, order):
        if sub_discussion_order is None:
            return self.get(
                segment__hearing__slug=hearing_slug,
                segment__order=segment_order,
                order=order,
            )
        return self.get(
            sub_discussion__segment__hearing__slug=hearing_slug,
            sub_discussion__segment__order=segment_order,
            sub_discussion__order=sub_discussion_order,
            order=order,
        )


class Placed(models.Model):
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("segment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    sub_discussion = models.ForeignKey(
        SubDiscussion,
        verbose_name=_("sub-discussion"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    order = models.PositiveSmallIntegerField(_("order"))

    objects = PlacedManager.from_queryset(PlacedQuerySet)()

    class Meta:
        abstract = True

    def natural_key(self):
        if self.sub_discussion_id is None:
            return (*self.segment.natural_key(), None, self.order)
        return (*self.sub_discussion.natural_key(), self.order)

    natural_key.dependencies = ["consultations.segment", "consultations.subdiscussion"]

    @property
    def place(self):
        return self.segment or self.sub_discussion


class Participation(Placed):
    """A programme role: who chaired, moderated, sat on a panel or spoke, with the position and
    organization they held at that hearing (which may differ from today's)."""

    person = models.ForeignKey(
        "stakeholders.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    role = models.CharField(_("role"), max_length=16, choices=ParticipationRole.choices)
    position = models.CharField(_("position at the time"), max_length=300, blank=True)
    organization = models.ForeignKey(
        "stakeholders.Organization",
        verbose_name=_("organization at the time"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["order"]
        default_related_name = "participations"
        constraints = [
            *placed_constraints("participation"),
            choice_constraint(
                "role",
                ParticipationRole,
                "participation_role_valid",
                _("Choose a role from the list."),
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()}, {self.place})"


class Intervention(Placed):
    """A statement from the floor, so that "who was heard" counts more than the panellists."""

    organization = models.ForeignKey(
        "stakeholders.Organization",
        verbose_name=_("speaking for"),
        on_delete=models.PROTECT,
        related_name="interventions",
        help_text=_("The organization or Member State that took the floor."),
    )
    speaker_name = models.CharField(_("speaker"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    seconds_spoken = models.PositiveIntegerField(
        _("seconds spoken"),
        null=True,
        blank=True,
        help_text=_("Recorded by the speakers' list; empty where the record does not say."),
    )

    class Meta:
        verbose_name = _("intervention from the floor")
        verbose_name_plural = _("interventions from the floor")
        ordering = ["order"]
        default_related_name = "interventions"
        constraints = placed_constraints("intervention")

    def __str__(self):
        return f"{self.organization} ({self.place})"


def check_citations(segment, contributions):
    """A key message cites only published contributions made to its own hearing: the public
    page links each citation, and a draft, rejected or withdrawn text is not the public's to
    read. Called by the back office's form and, for any other way in, on every addition."""
    if any(c.hearing_id != segment.hearing_id for c in contributions):
        raise ValidationError(
            _("Cite only contributions made to this hearing."),
            code="contribution_of_another_hearing",
        )
    unpublished = [c.reference for c in contributions if c.status != ContributionStatus.PUBLISHED]
    if unpublished:
        raise ValidationError(
            _("Cite only published contributions: %(references)s is not published.")
            % {"references": ", ".join(unpublished)},
            code="contribution_not_published",
        )


@receiver(m2m_changed, sender=KeyMessage.contributions.through, dispatch_uid="key-citations")
def refuse_unpublished_citations(sender, instance, action, reverse, pk_set, **kwargs):
    if action != "pre_add" or not pk_set:
        return
    Contribution = KeyMessage.contributions.field.related_model
    if reverse:
        # A contribution added to key messages: `instance` is the contribution.
        for message in KeyMessage.objects.filter(pk__in=pk_set).select_related("segment"):
            check_citations(message.segment, [instance])
        return
    check_citations(
        instance.segment,
        list(
            Contribution.objects.filter(pk__in=pk_set).only(
                "pk", "hearing_id", "status", "reference"
            )
        ),
    )
