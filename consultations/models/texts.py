"""Outcome texts in the six UN official languages.

A record that carries an outcome text (a hearing's description, a segment's or sub-discussion's
summary, a key message) keeps the text as written in its own fields, with the language it was
written in; translations into the other official languages live in a small table per record kind,
each marked machine-translated or verified.

Why our own model rather than django-parler or django-modeltranslation: modeltranslation adds a
column per language and field (six languages times every text) and has no place for a per-language
status; parler moves every text, the original too, into its translation table, so each fixture,
admin form and serializer must go through it. Here the original stays an ordinary field, the API
and fixture read it directly, and a translation is an optional extra row with its own status.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from consultations.enums import TranslationStatus, UNLanguage
from consultations.models.constraints import choice_constraint, language_constraint


class HasOutcomeText(models.Model):
    language = models.CharField(
        _("original language"),
        max_length=2,
        choices=UNLanguage.choices,
        default=UNLanguage.ENGLISH,
        help_text=_("The language the text was written in."),
    )

    translation_status = TranslationStatus.ORIGINAL
    is_translation = False

    class Meta:
        abstract = True

    @property
    def shown_text(self):
        """The text to show in the interface language: the translation a view prefetched with
        `translations_prefetch`, or else the original."""
        return next(iter(getattr(self, "interface_translations", ())), self)

    @classmethod
    def translations_prefetch(cls, language):
        translation_model = cls._meta.get_field("translations").related_model
        return Prefetch(
            "translations",
            queryset=translation_model.objects.filter(language=language),
            to_attr="interface_translations",
        )


def with_translations(records, language):
    """Each record's translation into `language` (`shown_text`), fetched for the records written
    in another language only: a translation into a text's own language is refused
    (`Translation.clean`), so an English page of an English hearing runs no query here. One query
    per kind of record that needs one."""
    by_model = {}
    for record in records:
        if record.language != language:
            by_model.setdefault(type(record), []).append(record)
    for model, foreign in by_model.items():
        prefetch_related_objects(foreign, model.translations_prefetch(language))


class Translation(models.Model):
    """A translation of an outcome text; `owner_field` names the record it translates."""

    owner_field = None
    is_translation = True

    language = models.CharField(_("language"), max_length=2, choices=UNLanguage.choices)
    translation_status = models.CharField(
        _("status"),
        max_length=10,
        choices=TranslationStatus.choices,
        default=TranslationStatus.MACHINE,
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.get_language_display()} ({self.get_translation_status_display()})"

    def clean(self):
        owner = getattr(self, self.owner_field, None)
        if owner is not None and owner.language == self.language:
            raise ValidationError(
                {
                    "language": _(
                        "The text was written in this language: edit the original instead."
                    )
                },
                code="translation_in_original_language",
            )


def translation_constraints(owner):
    prefix = f"{owner}_translation"
    return [
        models.UniqueConstraint(
            fields=[owner, "language"],
            name=f"{prefix}_one_per_language",
            violation_error_message=_("This text already has a translation in that language."),
        ),
        language_constraint(prefix),
        choice_constraint(
            "translation_status",
            TranslationStatus,
            f"{prefix}_status_valid",
            _("Choose a translation status from the list."),
        ),
    ]


class HearingTranslation(Translation):
    owner_field = "hearing"
    hearing = models.ForeignKey(
        "consultations.Hearing", on_delete=models.CASCADE, related_name="translations"
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("hearing translation")
        verbose_name_plural = _("hearing translations")
        constraints = translation_constraints("hearing")


class SegmentTranslation(Translation):
    owner_field = "segment"
    segment = models.ForeignKey(
        "consultations.Segment", on_delete=models.CASCADE, related_name="translations"
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("segment translation")
        verbose_name_plural = _("segment translations")
        constraints = translation_constraints("segment")


class SubDiscussionTranslation(Translation):
    owner_field = "sub_discussion"
    sub_discussion = models.ForeignKey(
        "consultations.SubDiscussion",
        on_delete=models.CASCADE,
        related_name="translations",
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("sub-discussion translation")
        verbose_name_plural = _("sub-discussion translations")
        constraints = translation_constraints("sub_discussion")


class KeyMessageTranslation(Translation):
    owner_field = "key_message"
    key_message = models.ForeignKey(
        "consultations.KeyMessage",
        on_delete=models.CASCADE,
        related_name="translations",
    )
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("key message translation")
        verbose_name_plural = _("key message translations")
        constraints = translation_constraints("key_message")
