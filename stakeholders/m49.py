"""Countries by the geographic regions of the UN M49 standard (unstats.un.org/unsd/methodology/m49).

Codes are ISO 3166-1 alpha-2, as django-countries stores them. Antarctica belongs to no region.
Taiwan, which M49 does not list on its own, is counted in Eastern Asia so that statistics by
region stay complete.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, CharField, Value, When
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _

from stakeholders.enums import Region

SUBREGIONS = [
    (Region.AFRICA, _("Northern Africa"), "DZ EG EH LY MA SD TN"),
    (
        Region.AFRICA,
        _("Eastern Africa"),
        "BI DJ ER ET IO KE KM MG MU MW MZ RE RW SC SO SS TF TZ UG YT ZM ZW",
    ),
    (Region.AFRICA, _("Middle Africa"), "AO CD CF CG CM GA GQ ST TD"),
    (Region.AFRICA, _("Southern Africa"), "BW LS NA SZ ZA"),
    (
        Region.AFRICA,
        _("Western Africa"),
        "BF BJ CI CV GH GM GN GW LR ML MR NE NG SH SL SN TG",
    ),
    (
        Region.AMERICAS,
        _("Caribbean"),
        "AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC TT VC VG VI",
    ),
    (Region.AMERICAS, _("Central America"), "BZ CR GT HN MX NI PA SV"),
    (
        Region.AMERICAS,
        _("South America"),
        "AR BO BR BV CL CO EC FK GF GS GY PE PY SR UY VE",
    ),
    (Region.AMERICAS, _("Northern America"), "BM CA GL PM US"),
    (Region.ASIA, _("Central Asia"), "KG KZ TJ TM UZ"),
    (Region.ASIA, _("Eastern Asia"), "CN HK JP KP KR MN MO TW"),
    (Region.ASIA, _("South-eastern Asia"), "BN ID KH LA MM MY PH SG TH TL VN"),
    (Region.ASIA, _("Southern Asia"), "AF BD BT IN IR LK MV NP PK"),
    (
        Region.ASIA,
        _("Western Asia"),
        "AE AM AZ BH CY GE IL IQ JO KW LB OM PS QA SA SY TR YE",
    ),
    (Region.EUROPE, _("Eastern Europe"), "BG BY CZ HU MD PL RO RU SK UA"),
    (
        Region.EUROPE,
        _("Northern Europe"),
        "AX DK EE FI FO GB GG IE IM IS JE LT LV NO SE SJ",
    ),
    (
        Region.EUROPE,
        _("Southern Europe"),
        "AD AL BA ES GI GR HR IT ME MK MT PT RS SI SM VA",
    ),
    (Region.EUROPE, _("Western Europe"), "AT BE CH DE FR LI LU MC NL"),
    (Region.OCEANIA, _("Australia and New Zealand"), "AU CC CX HM NF NZ"),
    (Region.OCEANIA, _("Melanesia"), "FJ NC PG SB VU"),
    (Region.OCEANIA, _("Micronesia"), "FM GU KI MH MP NR PW UM"),
    (Region.OCEANIA, _("Polynesia"), "AS CK NU PF PN TK TO TV WF WS"),
]

COUNTRY_SUBREGION = {
    code: subregion for _region, subregion, codes in SUBREGIONS for code in codes.split()
}
COUNTRY_REGION = {
    code: region for region, _subregion, codes in SUBREGIONS for code in codes.split()
}


def region_expression(country_field):
    """The database expression that derives an M49 region from a country column, so the region
    is computed by the database and can never disagree with the country."""
    return Case(
        *[
            When(
                **{
                    f"{country_field}__in": sorted(
                        c for c, r in COUNTRY_REGION.items() if r == region
                    )
                },
                then=Value(region.value),
            )
            for region in Region
        ],
        default=Value(""),
        output_field=CharField(max_length=10),
    )


def canonical_regions(values):
    """The regions named, each once, in the order of `Region`: so that two records about the same
    regions hold the same value, and "Africa and Europe" is one group however it was ticked."""
    named = set(values)
    return [region.value for region in Region if region.value in named]


def validate_regions(value):
    """A list of M49 regions, written once for model forms, the admin and the API."""
    if not isinstance(value, list | tuple):
        raise ValidationError(_("Choose the regions from the list."), code="regions_not_a_list")
    unknown = [item for item in value if item not in Region.values]
    if unknown:
        raise ValidationError(
            _("%(value)s is not one of the M49 regions."),
            code="unknown_region",
            params={"value": ", ".join(str(item) for item in unknown)},
        )


def regions_label(regions):
    """One group of regions as people write it: “Africa and Europe”."""
    return get_text_list([Region(region).label for region in regions], _("and"))


class RegionsField(models.JSONField):
    """One or more M49 regions, stored as a JSON list in the order of `Region`; empty when none.
    A checkbox for each region in forms. Unlike a many-to-many to a table of regions, the group
    is one value, so statistics group on it as it is, without splitting it."""

    default_validators = [validate_regions]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, list | tuple) and all(item in Region.values for item in value):
            return canonical_regions(value)
        return value

    def pre_save(self, model_instance, add):
        """Canonical on every save, also of a record never cleaned (fixtures, bulk_create)."""
        value = self.to_python(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return models.Field.formfield(
            self,
            **{
                "form_class": forms.MultipleChoiceField,
                "choices": Region.choices,
                "widget": forms.CheckboxSelectMultiple,
                **kwargs,
            },
        )
