from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from consultations.enums import ContributionStatus, HearingPublication, RegistrationStatus
from consultations.models import (
    Contribution,
    Hearing,
    Intervention,
    KeyMessage,
    Participation,
    Process,
    ProcessDocument,
    ProcessPhase,
    Registration,
    Segment,
    SubDiscussion,
)
from consultations.rules import credit_of, current_phase
from consultations.services import keep_stored_publication, publish_hearing, set_hearing_publication
from stakeholders.api.serializers import (
    OwnLinkField,
    StrictFieldsMixin,
    StrictModelSerializer,
    model_errors,
)
from stakeholders.enums import Region
from stakeholders.models import Organization, Person


def slug_of(model, **kwargs):
    return serializers.SlugRelatedField(slug_field="slug", queryset=model.objects.all(), **kwargs)


class ProcessSerializer(StrictModelSerializer):
    url = OwnLinkField(view_name="api:process-detail", lookup_field="code")

    class Meta:
        model = Process
        fields = ["url", "slug", "title", "code", "mandate_reference", "description"]


class ProcessPhaseSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField()

    class Meta:
        model = ProcessPhase
        fields = ["title", "description", "starts_on", "ends_on", "current"]
        read_only_fields = fields

    def get_current(self, phase) -> bool:
        """Whether this is the phase under way (`rules.current_phase`)."""
        return phase == self.context["current_phase"]


class ProcessDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcessDocument
        fields = ["title", "url", "symbol", "issued_on"]
        read_only_fields = fields


class ProcessHearingSerializer(serializers.ModelSerializer):
    """A hearing on a process's timeline."""

    url = OwnLinkField(view_name="api:hearing-detail", lookup_field="slug")
    outcome_published = serializers.SerializerMethodField()

    class Meta:
        model = Hearing
        fields = ["url", "slug", "title", "date", "city", "published", "outcome_published"]
        read_only_fields = fields

    def get_outcome_published(self, hearing) -> bool:
        return hearing.outcome_is_public


class ProcessTrailSerializer(ProcessSerializer):
    """One process with its trail: phases (the current one marked), documents, and its
    hearings in date order (the published ones, unless staff read it)."""

    phases = serializers.SerializerMethodField()
    documents = ProcessDocumentSerializer(many=True, read_only=True)
    hearings = ProcessHearingSerializer(source="shown_hearings", many=True, read_only=True)

    class Meta(ProcessSerializer.Meta):
        fields = [*ProcessSerializer.Meta.fields, "phases", "documents", "hearings"]

    @extend_schema_field(ProcessPhaseSerializer(many=True))
    def get_phases(self, process):
        phases = list(process.phases.all())
        context = {**self.context, "current_phase": current_phase(phases)}
        return ProcessPhaseSerializer(phases, many=True, context=context).data


class ParticipantSerializer(StrictModelSerializer):
    """Who had a role in a segment: read with names, written with the person's and the
    organization's slugs. The position and organization default to the person's own."""

    model_validation = False  # checked once the segment it belongs to exists

    name = serializers.CharField(source="person.name", read_only=True)
    honorific = serializers.CharField(source="person.honorific", read_only=True)
    person = slug_of(Person)
    organization = serializers.SerializerMethodField()
    organization_slug = slug_of(
        Organization, source="organization", allow_null=True, required=False
    )
    order = serializers.IntegerField(min_value=1, max_value=32767, required=False)

    class Meta:
        model = Participation
        fields = [
            "order",
            "name",
            "honorific",
            "person",
            "role",
            "position",
            "organization",
            "organization_slug",
        ]
        extra_kwargs = {"position": {"required": False}}

    def get_organization(self, participation) -> str:
        """The organization's name at the time, or empty."""
        return participation.organization.name if participation.organization else ""


class InterventionSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.name", read_only=True)
    organization_slug = serializers.SlugRelatedField(
        source="organization", slug_field="slug", read_only=True
    )

    class Meta:
        model = Intervention
        fields = ["order", "organization", "organization_slug", "speaker_name", "summary"]
        read_only_fields = fields


class KeyMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyMessage
        fields = ["order", "text", "language"]
        read_only_fields = fields


class SubDiscussionSerializer(serializers.ModelSerializer):
    participants = ParticipantSerializer(source="participations", many=True, read_only=True)
    interventions = InterventionSerializer(many=True, read_only=True)
    regions = serializers.ListField(
        child=serializers.ChoiceField(choices=Region.choices),
        read_only=True,
        help_text=_(
            "The M49 regions a regional discussion is about, as one group (empty for any other)."
        ),
    )

    class Meta:
        model = SubDiscussion
        fields = [
            "order",
            "title",
            "regions",
            "summary",
            "language",
            "participants",
            "interventions",
        ]
        read_only_fields = fields


class SegmentSerializer(StrictModelSerializer):
    """A segment of a hearing's programme. Staff write it with its participants; a write that
    names `participants` replaces them all, in the order given."""

    url = OwnLinkField(view_name="api:segment-detail")
    hearing = slug_of(Hearing)
    participants = ParticipantSerializer(source="participations", many=True, required=False)
    sub_discussions = SubDiscussionSerializer(many=True, read_only=True)
    key_messages = KeyMessageSerializer(many=True, read_only=True)
    interventions = InterventionSerializer(many=True, read_only=True)

    class Meta:
        model = Segment
        fields = [
            "url",
            "id",
            "hearing",
            "order",
            "kind",
            "title",
            "summary",
            "language",
            "start_time",
            "end_time",
            "participants",
            "sub_discussions",
            "key_messages",
            "interventions",
        ]

    def to_representation(self, segment):
        """The outcome texts (summaries, key messages) only where `texts_public` says the reader
        may see them (`SegmentQuerySet.with_texts_shown`); a segment read without that flag
        shows none."""
        data = super().to_representation(segment)
        if not getattr(segment, "texts_public", False):
            data["summary"] = ""
            data["key_messages"] = []
            for part in [*data["sub_discussions"], *data["interventions"]]:
                part["summary"] = ""
            for sub in data["sub_discussions"]:
                for intervention in sub["interventions"]:
                    intervention["summary"] = ""
        return data

    @transaction.atomic
    def create(self, validated_data):
        participants = validated_data.pop("participations", [])
        segment = super().create(validated_data)
        self.save_participants(segment, participants)
        segment.texts_public = True  # its author is staff, who read drafts
        return segment

    @transaction.atomic
    def update(self, instance, validated_data):
        participants = validated_data.pop("participations", None)
        segment = super().update(instance, validated_data)
        if participants is not None:
            segment.participations.all().delete()
            self.save_participants(segment, participants)
        return segment

    def save_participants(self, segment, participants):
        """Inside the segment's transaction: a participant the model refuses undoes the segment
        too, and the client reads which one and why."""
        for number, values in enumerate(participants, start=1):
            person = values["person"]
            participation = Participation(
                segment=segment,
                order=values.get("order", number),
                person=person,
                role=values["role"],
                position=values.get("position", person.position),
                organization=values.get("organization", person.organization),
            )
            try:
                participation.full_clean()
            except DjangoValidationError as error:
                errors = [{} for _values in participants]
                errors[number - 1] = model_errors(error)
                raise serializers.ValidationError({"participants": errors}) from None
            participation.save()
        getattr(segment, "_prefetched_objects_cache", {}).pop("participations", None)


class HearingSerializer(StrictModelSerializer):
    """A hearing. Writing `published` publishes or withdraws it through the same service as the
    back office's buttons (`services.set_hearing_publication`): the move is recorded as a status
    change made by the writer, and `published_at` dated."""

    url = OwnLinkField(view_name="api:hearing-detail", lookup_field="slug")
    process = slug_of(Process)
    supporting_organization = slug_of(Organization, allow_null=True, required=False)
    status = serializers.CharField(
        read_only=True, help_text=_("upcoming, ongoing or past, judged at the venue")
    )
    published = serializers.BooleanField(
        required=False,
        help_text=_(
            "Whether the public sees the hearing. Writing it publishes or withdraws the hearing "
            "as the back office's buttons do: the change is recorded with who made it and when. "
            "A new hearing is a draft unless written true."
        ),
    )
    published_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text=_("When the hearing was published; null while it is a draft."),
    )
    segments = SegmentSerializer(many=True, read_only=True)

    class Meta:
        model = Hearing
        fields = [
            "url",
            "slug",
            "title",
            "process",
            "date",
            "start_time",
            "end_time",
            "time_zone",
            "venue",
            "city",
            "country",
            "organizer",
            "mandate",
            "supporting_organization",
            "description",
            "language",
            "capacity",
            "registration_opens",
            "registration_closes",
            "contributions_open",
            "contributions_close",
            "published",
            "published_at",
            "status",
            "segments",
        ]

    def validate(self, attrs):
        """The model is checked as the write leaves it; a publication is the service's to
        check, and its stamp too."""
        published = attrs.pop("published", None)
        attrs = super().validate(attrs)
        if published is not None:
            attrs["published"] = published
        return attrs

    def writer(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    @transaction.atomic
    def create(self, validated_data):
        published = validated_data.pop("published", False)
        hearing = super().create(validated_data)
        if published:
            publish_hearing(hearing, by=self.writer())
        return hearing

    @transaction.atomic
    def update(self, instance, validated_data):
        """The other fields are saved with the publication as stored (the row locked), then a
        changed `published` moves it through the service."""
        published = validated_data.pop("published", None)
        keep_stored_publication(instance)
        hearing = super().update(instance, validated_data)
        if published is not None and published != hearing.published:
            set_hearing_publication(
                hearing,
                HearingPublication.PUBLISHED if published else HearingPublication.DRAFT,
                by=self.writer(),
            )
        return hearing


class ContributionSerializer(CountryFieldMixin, serializers.HyperlinkedModelSerializer):
    """A published contribution as the public reads it: the author's name only under the
    `named` consent, the organization under `named` or `organization`, neither when anonymous;
    never an email address."""

    url = OwnLinkField(view_name="api:contribution-detail", lookup_field="reference")
    hearing = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    segment = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    country = serializers.CharField(
        read_only=True, help_text=_("ISO 3166 code of the author's country; empty if not given.")
    )
    region = serializers.CharField(
        read_only=True, help_text=_("Region of that country; empty if no country is given.")
    )
    author_name = serializers.SerializerMethodField()
    organization = serializers.SerializerMethodField()
    organization_name = serializers.SerializerMethodField()
    attachment = serializers.SerializerMethodField(
        help_text=_("Download link of the attached document, if any.")
    )
    campaign_size = serializers.IntegerField(
        read_only=True,
        help_text=_(
            "How many published contributions share this campaign group, this one included "
            "once published: 2 or more is a campaign; `?campaign=` lists them."
        ),
    )

    class Meta:
        model = Contribution
        fields = [
            "url",
            "reference",
            "title",
            "hearing",
            "segment",
            "category",
            "region",
            "country",
            "language",
            "published_at",
            "author_name",
            "organization",
            "organization_name",
            "excerpt",
            "body",
            "attachment",
            "campaign",
            "campaign_size",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "campaign": {
                "help_text": _(
                    "The campaign group: the same value for every contribution to the hearing "
                    "whose text is the same or nearly so (similarity of 0.8 or more)."
                )
            }
        }

    def get_attachment(self, contribution) -> str | None:
        """The app's own download view, which checks who may read the file; never the storage's
        address (a private bucket, or /media/, which the site does not serve)."""
        if not contribution.attachment:
            return None
        url = reverse("consultations:attachment", args=[contribution.reference])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def credit(self, contribution):
        """The author as the public sees them (`rules.credit_of`, as the page and open data)."""
        return credit_of(contribution)

    def get_author_name(self, contribution) -> str | None:
        return self.credit(contribution).name or None

    def get_organization(self, contribution) -> str | None:
        return self.credit(contribution).organization_slug or None

    def get_organization_name(self, contribution) -> str | None:
        return self.credit(contribution).organization_name or None


class StaffContributionSerializer(ContributionSerializer):
    """Staff see every contribution with its status and the author as given, whatever the
    consent (which they read too), but still not the email address."""

    class Meta(ContributionSerializer.Meta):
        fields = [
            *ContributionSerializer.Meta.fields,
            "status",
            "consent",
            "submitted_at",
            "moderated_at",
        ]
        read_only_fields = fields

    def credit(self, contribution):
        """Staff read the author as given, whatever the consent."""
        return credit_of(contribution, as_given=True)


class RegistrationSerializer(CountryFieldMixin, serializers.HyperlinkedModelSerializer):
    url = OwnLinkField(view_name="api:registration-detail")
    hearing = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    reference = serializers.CharField(read_only=True)
    country = serializers.CharField(
        read_only=True, help_text=_("ISO 3166 code of the country; empty if not given.")
    )

    class Meta:
        model = Registration
        fields = [
            "url",
            "id",
            "reference",
            "hearing",
            "honorific",
            "name",
            "email",
            "organization",
            "organization_name",
            "position",
            "category",
            "country",
            "language",
            "accessibility_needs",
            "listed_publicly",
            "status",
            "created_at",
            "updated_at",
            "decided_at",
        ]
        read_only_fields = fields


class DecisionSerializer(StrictFieldsMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=RegistrationStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ModerationSerializer(StrictFieldsMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=ContributionStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class RefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
