import copy
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers
from rest_framework.settings import api_settings

from stakeholders.models import Organization, Person


class StrictFieldsMixin:
    """A write names only fields the client may set: an unknown field, or one the server keeps
    (status, reference, timestamps), is refused with a 400 rather than silently dropped, so a
    client never believes it changed something it did not."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {}
            for name in data:
                field = self.fields.get(name)
                if field is None:
                    errors[name] = [_("This field does not exist.")]
                elif field.read_only:
                    errors[name] = [_("This field is set by the server and cannot be written.")]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class OwnLinkField(serializers.HyperlinkedIdentityField):
    """A row's link to its own API page, as DRF's HyperlinkedIdentityField gives it, but
    reversed once per response and each row's value put in its place: DRF reverses the link
    and builds its absolute address anew for each row (about 35 µs a row). A value that is not
    plainly safe in a path (it would be quoted, or the route might refuse it) takes DRF's own
    way, errors included."""

    SLOT = "0slot0"
    PLAIN = re.compile(r"[A-Za-z0-9_~-]+")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.patterns = {}

    def get_url(self, obj, view_name, request, format):
        value = str(getattr(obj, self.lookup_field, ""))
        if getattr(obj, "pk", None) in (None, "") or not self.PLAIN.fullmatch(value):
            return super().get_url(obj, view_name, request, format)
        key = (view_name, format)
        if key not in self.patterns:
            kwargs = {self.lookup_url_kwarg: self.SLOT}
            url = self.reverse(view_name, kwargs=kwargs, request=request, format=format)
            # The slot in the path, the last one: the host may hold the same letters.
            self.patterns[key] = url.rpartition(self.SLOT)
        head, _slot, tail = self.patterns[key]
        return head + value + tail


def model_errors(error):
    """A model's ValidationError in the API's shape: field errors by field, the others under
    `non_field_errors`."""
    detail = serializers.as_serializer_error(error)
    if "__all__" in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop("__all__")
    return detail


class StrictModelSerializer(
    StrictFieldsMixin, CountryFieldMixin, serializers.HyperlinkedModelSerializer
):
    """Also runs the model's own validation (fields, named constraints with their sentences) on
    the record as it would be saved, so that what the database would refuse is a 400 with the
    same sentence the back office shows, never a 500."""

    model_validation = True

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if not self.model_validation:
            return attrs
        model = self.Meta.model
        record = copy.copy(self.instance) if self.instance is not None else model()
        columns = {field.name for field in model._meta.concrete_fields}
        for name, value in attrs.items():
            if name in columns:
                setattr(record, name, value)
        try:
            record.full_clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(model_errors(error)) from None
        return attrs


class OrganizationSerializer(StrictModelSerializer):
    url = OwnLinkField(view_name="api:organization-detail", lookup_field="slug")
    region = serializers.CharField(
        read_only=True,
        help_text=gettext_lazy("Region of the country; empty if no country is given."),
    )

    class Meta:
        model = Organization
        fields = [
            "url",
            "slug",
            "name",
            "acronym",
            "category",
            "country",
            "region",
            "consultative_status",
            "website",
        ]


class PersonSerializer(StrictModelSerializer):
    """A person's public fields; staff also see and set the email address."""

    url = OwnLinkField(view_name="api:person-detail", lookup_field="slug")
    organization = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organization.objects.all(),
        allow_null=True,
        required=False,
    )
    organization_name = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "url",
            "slug",
            "honorific",
            "name",
            "position",
            "organization",
            "organization_name",
        ]

    def get_organization_name(self, person) -> str:
        return person.organization.name if person.organization else ""


class StaffPersonSerializer(PersonSerializer):
    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "email"]
