"""Countries by the geographic regions of the UN M49 standard (unstats.un.org/unsd/methodology/m49).

Codes are ISO 3166-1 alpha-2, as django-countries stores them. Antarctica belongs to no region.
Taiwan, which M49 does not list on its own, is counted in Eastern Asia so that statistics by
region stay complete.
"""

from django.db.models import Case, CharField, Value, When
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
