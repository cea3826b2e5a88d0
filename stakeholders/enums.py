from django.db import models
from django.utils.translation import gettext_lazy as _


class StakeholderCategory(models.TextChoices):
    """Who an organization speaks for, in the words of the General Assembly's modalities resolutions.

    A fixed list of choices rather than a table: the categories are set by the resolutions, not by
    the secretariat, code asks questions of them ("is this a State?"), and statistics group on a
    plain column without a join. A new category is a code change with a migration, on purpose.
    """

    MEMBER_STATE = "member_state", _("Member State")
    OBSERVER_STATE = "observer_state", _("Observer State")
    UN_SYSTEM = "un_system", _("United Nations system entity")
    INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental organization")
    CIVIL_SOCIETY = "civil_society", _("Civil society organization")
    ACADEMIA = "academia", _("Academic institution")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    TRADE_UNION = "trade_union", _("Trade union")
    OTHER = "other", _("Other")

    @classmethod
    def states(cls):
        return [cls.MEMBER_STATE, cls.OBSERVER_STATE]


class ConsultativeStatus(models.TextChoices):
    """Consultative status with the Economic and Social Council (ECOSOC). "Not recorded" is the
    default: the register says nothing it was not told, and "none" is a fact someone checked."""

    NOT_RECORDED = "not_recorded", _("Not recorded")
    NONE = "none", _("No consultative status")
    GENERAL = "general", _("General consultative status")
    SPECIAL = "special", _("Special consultative status")
    ROSTER = "roster", _("Roster")


class Region(models.TextChoices):
    """The five geographic regions of the UN Statistics Division's M49 standard."""

    AFRICA = "africa", _("Africa")
    AMERICAS = "americas", _("Americas")
    ASIA = "asia", _("Asia")
    EUROPE = "europe", _("Europe")
    OCEANIA = "oceania", _("Oceania")
