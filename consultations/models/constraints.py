"""The shapes of constraint the models repeat, each with the sentence a form shows when it fails."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from consultations.enums import UNLanguage


def choice_constraint(field, choices, name, message):
    """The column holds one of the TextChoices' values, whatever wrote the row."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}),
        name=name,
        violation_error_message=message,
    )


def language_constraint(prefix):
    """The language of a text, original or translation, is one of the six."""
    return choice_constraint(
        "language",
        UNLanguage,
        f"{prefix}_language_valid",
        _("Choose one of the six UN official languages."),
    )


def ordered_constraint(first, last, name, message):
    """When both moments are given, the first comes before the last. Either may be empty: for a
    window that means there is none and its form stays closed (see `rules.Window`).
    Each end is tested for null explicitly, as SQL lets a comparison with null through a CHECK."""
    return models.CheckConstraint(
        condition=Q(**{f"{first}__isnull": True})
        | Q(**{f"{last}__isnull": True})
        | Q(**{f"{first}__lt": F(last)}),
        name=name,
        violation_error_message=message,
    )
