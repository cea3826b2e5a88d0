"""Preparing a hearing: processes, hearings with their programme, outcome documents and the
rules by which registrations are accredited. Hearings and outcomes are published and withdrawn
by buttons and actions that call the services (`admin/publication.py`), never by a form field."""

import zoneinfo

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Max
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.admin.decisions import apply_to_each, counted
from consultations.admin.history import HistoryAdmin, staff_member
from consultations.admin.outcome_checklist import outcome_checklist
from consultations.admin.programme_page import ProgrammePageMixin, integer
from consultations.admin.publication import Move, PublicationAdmin
from consultations.admin.widgets import (
    KnownAutocompleteMixin,
    KnownChoicesForm,
    OrderedInlineFormSet,
)
from consultations.enums import HearingPublication, OutcomeStatus
from consultations.models import (
    AccreditationRule,
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
    Segment,
    SegmentTranslation,
    SubDiscussion,
    SubDiscussionTranslation,
)
from consultations.models.programme import check_citations
from consultations.services import (
    keep_stored_publication,
    set_hearing_publication,
    set_outcome_status,
)


class ProcessPhaseInline(admin.TabularInline):
    model = ProcessPhase
    fields = ["starts_on", "ends_on", "title", "description"]
    extra = 0


class ProcessDocumentInline(admin.TabularInline):
    model = ProcessDocument
    fields = ["issued_on", "title", "symbol", "url"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 0


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "mandate_reference", "hearing_count"]
    search_fields = ["title", "code", "mandate_reference"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ProcessPhaseInline, ProcessDocumentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(hearing_count=Count("hearings"))

    @admin.display(description=_("hearings"), ordering="hearing_count")
    def hearing_count(self, process):
        return process.hearing_count


class SegmentInline(admin.TabularInline):
    model = Segment
    fields = ["order", "kind", "title", "start_time", "end_time"]
    show_change_link = True
    formset = OrderedInlineFormSet
    extra = 0


class HearingTranslationInline(admin.StackedInline):
    model = HearingTranslation
    extra = 0


class AccreditationRuleInline(admin.TabularInline):
    model = AccreditationRule
    fields = ["category", "max_per_organization", "letter_required"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("hearing")


class OutcomeFormSet(BaseInlineFormSet):
    def save_existing(self, form, obj, commit=True):
        keep_stored_publication(form.instance)
        return super().save_existing(form, obj, commit)


class OutcomeInline(admin.StackedInline):
    """Its status changes on the outcome's own page (the change link), or by the outcome list's
    actions."""

    model = Outcome
    formset = OutcomeFormSet
    fields = ["title", "symbol", "status", "published_on"]
    readonly_fields = ["status", "published_on"]
    show_change_link = True
    extra = 0


def venue_zone(name, fallback):
    try:
        return zoneinfo.ZoneInfo(name) if name else fallback
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return fallback


HEARING_MOVES = {
    HearingPublication.DRAFT: Move(
        HearingPublication.PUBLISHED,
        _("Publish"),
        _("“%(record)s” is published: the public sees it."),
    ),
    HearingPublication.PUBLISHED: Move(
        HearingPublication.DRAFT,
        _("Withdraw from the public site"),
        _("“%(record)s” is withdrawn: the public no longer sees it."),
    ),
}


@admin.register(Hearing)
class HearingAdmin(ProgrammePageMixin, PublicationAdmin):
    class Media:
        js = ["js/admin-programme.js"]

    list_display = ["title", "date", "city", "process", "published", "segment_count"]
    list_filter = ["published", "process"]
    list_select_related = ["process"]
    search_fields = ["title", "slug", "venue", "city"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["supporting_organization"]
    inlines = [SegmentInline, AccreditationRuleInline, OutcomeInline, HearingTranslationInline]
    readonly_fields = ["published", "published_at", "published_by_name"]
    actions = ["publish", "withdraw"]
    moves = HEARING_MOVES
    fieldsets = [
        (None, {"fields": ["process", "title", "slug"]}),
        (_("Publication"), {"fields": ["published", "published_at", "published_by_name"]}),
        (
            _("When and where"),
            {
                "fields": [
                    "date",
                    "start_time",
                    "end_time",
                    "time_zone",
                    "venue",
                    "city",
                    "country",
                ]
            },
        ),
        (_("Mandate"), {"fields": ["organizer", "mandate", "supporting_organization"]}),
        (_("Description"), {"fields": ["language", "description"]}),
        (
            _("Registration and contributions"),
            {
                "description": _("Times are the venue's, in the hearing's time zone."),
                "fields": [
                    "capacity",
                    ("registration_opens", "registration_closes"),
                    ("contributions_open", "contributions_close"),
                ],
            },
        ),
    ]

    published_by_name = staff_member("published_by", _("published by"))

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(segment_count=Count("segments"))

    @admin.display(description=_("segments"), ordering="segment_count")
    def segment_count(self, hearing):
        return hearing.segment_count

    def publication_of(self, hearing):
        return hearing.publication

    def move(self, hearing, to, by):
        set_hearing_publication(hearing, to, by=by)

    @admin.action(description=_("Publish"), permissions=["change"])
    def publish(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset.order_by("pk"),  # as `services.lock_hearings` locks hearings
            lambda hearing: self.move(hearing, HearingPublication.PUBLISHED, request.user),
            counted("%(count)d hearing published.", "%(count)d hearings published."),
        )

    @admin.action(description=_("Withdraw from the public site"), permissions=["change"])
    def withdraw(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset.order_by("pk"),  # as `services.lock_hearings` locks hearings
            lambda hearing: self.move(hearing, HearingPublication.DRAFT, request.user),
            counted("%(count)d hearing withdrawn.", "%(count)d hearings withdrawn."),
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """The hearing's windows are typed and shown at the venue's time: its zone is active while
        the form is read, saved and rendered. A zone typed in the form applies on that save."""
        stored = None
        if object_id:
            stored = (
                Hearing.objects.filter(pk=object_id).values_list("time_zone", flat=True).first()
            )
        zone = venue_zone(stored, timezone.get_current_timezone())
        if request.method == "POST":
            zone = venue_zone(request.POST.get("time_zone"), zone)
        with timezone.override(zone):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if isinstance(response, TemplateResponse):
                response.render()
        return response


class ParticipationForm(KnownChoicesForm):
    """A person's role takes their current position and organization where the row leaves them
    empty, as when the person was just created in the "+" popup with both."""

    def clean(self):
        cleaned = super().clean()
        person = cleaned.get("person")
        if person is not None:
            if not cleaned.get("position"):
                cleaned["position"] = person.position
            if not cleaned.get("organization") and person.organization_id:
                cleaned["organization"] = person.organization
        return cleaned


class ParticipationInline(KnownAutocompleteMixin, admin.TabularInline):
    model = Participation
    form = ParticipationForm
    fields = ["order", "person", "role", "position", "organization"]
    autocomplete_fields = ["person", "organization"]
    formset = OrderedInlineFormSet
    extra = 0

    def get_queryset(self, request):
        # The row's title (its __str__) names its place too.
        return (
            super()
            .get_queryset(request)
            .select_related("person", "organization", "segment", "sub_discussion")
        )


class InterventionInline(KnownAutocompleteMixin, admin.TabularInline):
    model = Intervention
    fields = ["order", "organization", "speaker_name", "summary"]
    autocomplete_fields = ["organization"]
    formset = OrderedInlineFormSet
    extra = 0

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("organization", "segment", "sub_discussion")
        )


class SubDiscussionInline(admin.StackedInline):
    model = SubDiscussion
    fields = ["order", "title", "regions", "language", "summary"]
    show_change_link = True
    formset = OrderedInlineFormSet
    extra = 0


class KeyMessageForm(KnownChoicesForm):
    def clean(self):
        cleaned = super().clean()
        segment = cleaned.get("segment") or getattr(self.instance, "segment", None)
        cited = cleaned.get("contributions") or []
        if segment:
            try:
                check_citations(segment, cited)
            except ValidationError as error:
                self.add_error("contributions", error)
        return cleaned


class KeyMessageInline(KnownAutocompleteMixin, admin.StackedInline):
    model = KeyMessage
    form = KeyMessageForm
    fields = ["order", "language", "text", "contributions"]
    autocomplete_fields = ["contributions"]
    formset = OrderedInlineFormSet
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("contributions")


class SegmentTranslationInline(admin.StackedInline):
    model = SegmentTranslation
    extra = 0


def next_order(siblings):
    return (siblings.aggregate(top=Max("order"))["top"] or 0) + 1


@admin.register(Segment)
class SegmentAdmin(KnownAutocompleteMixin, HistoryAdmin):
    class Media:
        js = ["js/admin-programme.js"]

    change_form_template = "admin/consultations/segment/change_form.html"
    list_display = ["title", "hearing", "order", "kind"]
    list_filter = ["kind", "hearing"]
    list_select_related = ["hearing"]
    search_fields = ["title", "summary", "hearing__title"]
    autocomplete_fields = ["hearing"]
    inlines = [
        ParticipationInline,
        SubDiscussionInline,
        InterventionInline,
        KeyMessageInline,
        SegmentTranslationInline,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("hearing")

    def get_changeform_initial_data(self, request):
        """Added from the programme page (`?hearing=`): the next place in that hearing."""
        initial = super().get_changeform_initial_data(request)
        hearing = Hearing.objects.filter(pk=integer(initial.pop("hearing", None))).first()
        if hearing is not None:
            initial |= {"hearing": hearing.pk, "order": next_order(hearing.segments.all())}
        return initial


class SubDiscussionTranslationInline(admin.StackedInline):
    model = SubDiscussionTranslation
    extra = 0


@admin.register(SubDiscussion)
class SubDiscussionAdmin(KnownAutocompleteMixin, admin.ModelAdmin):
    class Media:
        js = ["js/admin-programme.js"]

    change_form_template = "admin/consultations/segment/change_form.html"
    list_display = ["title", "segment", "order", "regions_label"]
    list_select_related = ["segment__hearing"]
    search_fields = ["title", "summary"]
    autocomplete_fields = ["segment"]
    inlines = [ParticipationInline, InterventionInline, SubDiscussionTranslationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("segment__hearing")

    @admin.display(description=_("regions"))
    def regions_label(self, sub_discussion):
        return sub_discussion.regions_label

    def get_changeform_initial_data(self, request):
        """Added from the programme page (`?segment=`): the next place in that segment."""
        initial = super().get_changeform_initial_data(request)
        segment = Segment.objects.filter(pk=integer(initial.pop("segment", None))).first()
        if segment is not None:
            initial |= {"segment": segment.pk, "order": next_order(segment.sub_discussions.all())}
        return initial


class KeyMessageTranslationInline(admin.StackedInline):
    model = KeyMessageTranslation
    extra = 0


@admin.register(KeyMessage)
class KeyMessageAdmin(KnownAutocompleteMixin, admin.ModelAdmin):
    form = KeyMessageForm
    list_display = ["__str__", "segment", "order"]
    list_select_related = ["segment"]
    search_fields = ["text"]
    autocomplete_fields = ["segment", "contributions"]
    inlines = [KeyMessageTranslationInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("segment")
            .prefetch_related("contributions")
        )


@admin.register(Participation)
class ParticipationAdmin(KnownAutocompleteMixin, HistoryAdmin):
    list_display = ["person", "role", "segment", "sub_discussion", "organization"]
    list_filter = ["role"]
    list_select_related = ["person", "segment", "sub_discussion", "organization"]
    search_fields = ["person__name", "position", "organization__name"]
    autocomplete_fields = ["person", "segment", "sub_discussion", "organization"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("person", "segment", "sub_discussion__segment", "organization")
        )


@admin.register(Intervention)
class InterventionAdmin(KnownAutocompleteMixin, admin.ModelAdmin):
    list_display = ["organization", "speaker_name", "segment", "sub_discussion", "order"]
    list_select_related = ["organization", "segment", "sub_discussion"]
    search_fields = ["organization__name", "speaker_name", "summary"]
    autocomplete_fields = ["organization", "segment", "sub_discussion"]


OUTCOME_MOVES = {
    OutcomeStatus.DRAFT: Move(
        OutcomeStatus.PUBLISHED,
        _("Publish"),
        _("“%(record)s” is published."),
    ),
    OutcomeStatus.PUBLISHED: Move(
        OutcomeStatus.DRAFT,
        _("Return to draft"),
        _("“%(record)s” is back to draft: the public no longer sees it."),
    ),
}


@admin.register(Outcome)
class OutcomeAdmin(PublicationAdmin):
    list_display = ["title", "hearing", "symbol", "status", "published_on"]
    list_filter = ["status"]
    list_select_related = ["hearing"]
    search_fields = ["title", "symbol", "hearing__title"]
    autocomplete_fields = ["hearing"]
    readonly_fields = ["status", "published_on", "published_by_name"]
    exclude = ["published_by"]
    actions = ["publish", "return_to_draft"]
    moves = OUTCOME_MOVES

    published_by_name = staff_member("published_by", _("published by"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("hearing", "published_by")

    def get_readonly_fields(self, request, obj=None):
        """An outcome stays with its hearing, whose date decides when it may be published."""
        fields = super().get_readonly_fields(request, obj)
        return fields if obj is None else [*fields, "hearing"]

    def revert_disabled(self, request, obj=None):
        """A status moves through the services only, never back to an old version."""
        return True

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """Before the Publish button: the checklist read from the outcome's content, and the
        link to the outcome page as the public will see it (staff see it before)."""
        if obj is not None and obj.pk:
            context["checklist"] = outcome_checklist(obj)
            context["preview_url"] = reverse("consultations:outcomes", args=[obj.hearing.slug])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def publication_of(self, outcome):
        return OutcomeStatus(outcome.status)

    def move(self, outcome, to, by):
        set_outcome_status(outcome, to, by=by)

    @admin.action(description=_("Publish"), permissions=["change"])
    def publish(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset.order_by("hearing__date", "pk"),
            lambda outcome: self.move(outcome, OutcomeStatus.PUBLISHED, request.user),
            counted(
                "%(count)d outcome document published.", "%(count)d outcome documents published."
            ),
        )

    @admin.action(description=_("Return to draft"), permissions=["change"])
    def return_to_draft(self, request, queryset):
        apply_to_each(
            self,
            request,
            queryset.order_by("hearing__date", "pk"),
            lambda outcome: self.move(outcome, OutcomeStatus.DRAFT, request.user),
            counted(
                "%(count)d outcome document returned to draft.",
                "%(count)d outcome documents returned to draft.",
            ),
        )


@admin.register(AccreditationRule)
class AccreditationRuleAdmin(admin.ModelAdmin):
    list_display = ["hearing", "category", "max_per_organization", "letter_required"]
    list_filter = ["category", "letter_required"]
    list_select_related = ["hearing"]
    autocomplete_fields = ["hearing"]


@admin.register(
    HearingTranslation, SegmentTranslation, SubDiscussionTranslation, KeyMessageTranslation
)
class TranslationAdmin(admin.ModelAdmin):
    """Every translation in one list per kind, so a translator can work through what is still
    machine-translated; each one is also editable inline on its text."""

    list_display = ["__str__", "language", "translation_status", "updated_at"]
    list_filter = ["translation_status", "language"]
