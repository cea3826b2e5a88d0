"""The secretariat's first back office: every record can be found and edited here. The full
vetting and moderation workflow is built on top of these screens."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Max
from django.utils.translation import gettext_lazy as _

from consultations.models import (
    AccreditationRule,
    Contribution,
    Hearing,
    HearingTranslation,
    Intervention,
    KeyMessage,
    KeyMessageTranslation,
    Outcome,
    OutgoingEmail,
    Participation,
    Process,
    Registration,
    Segment,
    SegmentTranslation,
    StatusChange,
    SubDiscussion,
    SubDiscussionTranslation,
)


class OrderedInlineFormSet(forms.BaseInlineFormSet):
    """Rows numbered by `order` inside their parent may swap numbers in one save (the formset has
    already refused two rows with one number). Rows that move or go are first set aside above
    the highest number, so saving them one by one never meets the unique constraint halfway."""

    def save_existing_objects(self, commit=True):
        moving = [
            form.instance.pk
            for form in self.initial_forms
            if "order" in form.changed_data or (self.can_delete and self._should_delete_form(form))
        ]
        if commit and moving:
            siblings = self.model._default_manager.filter(**{self.fk.name: self.instance})
            top = siblings.aggregate(top=Max("order"))["top"]
            siblings.filter(pk__in=moving).update(order=F("order") + top + 1)
        return super().save_existing_objects(commit)


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "mandate_reference", "hearing_count"]
    search_fields = ["title", "code", "mandate_reference"]
    prepopulated_fields = {"slug": ["title"]}

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


@admin.register(Hearing)
class HearingAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "city", "process", "published", "segment_count"]
    list_filter = ["published", "process"]
    list_select_related = ["process"]
    search_fields = ["title", "slug", "venue", "city"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["supporting_organization"]
    inlines = [SegmentInline, HearingTranslationInline]
    fieldsets = [
        (None, {"fields": ["process", "title", "slug", "published"]}),
        (
            _("When and where"),
            {"fields": ["date", "start_time", "end_time", "venue", "city", "country"]},
        ),
        (_("Mandate"), {"fields": ["organizer", "mandate", "supporting_organization"]}),
        (_("Description"), {"fields": ["language", "description"]}),
        (
            _("Registration and contributions"),
            {
                "fields": [
                    "capacity",
                    ("registration_opens", "registration_closes"),
                    ("contributions_open", "contributions_close"),
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(segment_count=Count("segments"))

    @admin.display(description=_("segments"), ordering="segment_count")
    def segment_count(self, hearing):
        return hearing.segment_count


class ParticipationInline(admin.TabularInline):
    model = Participation
    fields = ["order", "person", "role", "position", "organization"]
    autocomplete_fields = ["person", "organization"]
    formset = OrderedInlineFormSet
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "segment", "sub_discussion")


class InterventionInline(admin.TabularInline):
    model = Intervention
    fields = ["order", "organization", "speaker_name", "summary"]
    autocomplete_fields = ["organization"]
    formset = OrderedInlineFormSet
    extra = 0


class SubDiscussionInline(admin.StackedInline):
    model = SubDiscussion
    fields = ["order", "title", "language", "summary"]
    show_change_link = True
    formset = OrderedInlineFormSet
    extra = 0


class KeyMessageForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        segment = cleaned.get("segment")
        cited = cleaned.get("contributions") or []
        if segment and any(c.hearing_id != segment.hearing_id for c in cited):
            self.add_error(
                "contributions",
                ValidationError(
                    _("Cite only contributions made to this hearing."),
                    code="contribution_of_another_hearing",
                ),
            )
        return cleaned


class KeyMessageInline(admin.StackedInline):
    model = KeyMessage
    form = KeyMessageForm
    fields = ["order", "language", "text", "contributions"]
    autocomplete_fields = ["contributions"]
    formset = OrderedInlineFormSet
    extra = 0


class SegmentTranslationInline(admin.StackedInline):
    model = SegmentTranslation
    extra = 0


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
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


class SubDiscussionTranslationInline(admin.StackedInline):
    model = SubDiscussionTranslation
    extra = 0


@admin.register(SubDiscussion)
class SubDiscussionAdmin(admin.ModelAdmin):
    list_display = ["title", "segment", "order"]
    list_select_related = ["segment__hearing"]
    search_fields = ["title", "summary"]
    autocomplete_fields = ["segment"]
    inlines = [ParticipationInline, InterventionInline, SubDiscussionTranslationInline]


class KeyMessageTranslationInline(admin.StackedInline):
    model = KeyMessageTranslation
    extra = 0


@admin.register(KeyMessage)
class KeyMessageAdmin(admin.ModelAdmin):
    form = KeyMessageForm
    list_display = ["__str__", "segment", "order"]
    list_select_related = ["segment"]
    search_fields = ["text"]
    autocomplete_fields = ["segment", "contributions"]
    inlines = [KeyMessageTranslationInline]


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "segment", "sub_discussion", "organization"]
    list_filter = ["role"]
    list_select_related = ["person", "segment", "sub_discussion", "organization"]
    search_fields = ["person__name", "position", "organization__name"]
    autocomplete_fields = ["person", "segment", "sub_discussion", "organization"]


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    list_display = [
        "organization",
        "speaker_name",
        "segment",
        "sub_discussion",
        "order",
    ]
    list_select_related = ["organization", "segment", "sub_discussion"]
    search_fields = ["organization__name", "speaker_name", "summary"]
    autocomplete_fields = ["organization", "segment", "sub_discussion"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "email",
        "hearing",
        "organization",
        "category",
        "status",
        "created_at",
    ]
    list_filter = ["status", "category", "hearing"]
    list_select_related = ["hearing", "organization"]
    search_fields = ["name", "email", "organization__name", "organization_name"]
    autocomplete_fields = ["hearing", "organization"]
    readonly_fields = ["status", "created_at", "updated_at", "decided_at", "decided_by"]


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "title",
        "hearing",
        "organization",
        "status",
        "submitted_at",
    ]
    list_filter = ["status", "category", "language", "hearing"]
    list_select_related = ["hearing", "organization"]
    search_fields = ["reference", "title", "author_name", "organization__name"]
    autocomplete_fields = ["hearing", "segment", "organization"]
    readonly_fields = [
        "status",
        "reference",
        "region",
        "submitted_at",
        "updated_at",
        "published_at",
        "moderated_at",
        "moderated_by",
    ]


@admin.register(
    HearingTranslation, SegmentTranslation, SubDiscussionTranslation, KeyMessageTranslation
)
class TranslationAdmin(admin.ModelAdmin):
    """Every translation in one list per kind, so a translator can work through what is still
    machine-translated; each one is also editable inline on its text."""

    list_display = ["__str__", "language", "translation_status", "updated_at"]
    list_filter = ["translation_status", "language"]


admin.site.register([AccreditationRule, Outcome, StatusChange, OutgoingEmail])
