"""What an editor checks before publishing an outcome document, read from its content: the
hearing must have been held, and each segment, sub-discussion and key message should have its
text and its translations into the site's languages. Only the first stops the publication (the
service refuses it); the others are warnings the editor may publish past."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from consultations.enums import HearingStatus
from consultations.models import KeyMessage, Segment, SubDiscussion


@dataclass(frozen=True)
class CheckItem:
    sentence: str
    blocking: bool = False


def outcome_texts(hearing):
    """The hearing's segments in programme order, each with its sub-discussions and key messages,
    and every one with its translations. Four queries, however long the programme."""
    return list(
        Segment.objects.filter(hearing=hearing)
        .order_by("order")
        .only("pk", "hearing_id", "title", "summary", "language", "order")
        .prefetch_related(
            "translations",
            Prefetch(
                "sub_discussions",
                queryset=SubDiscussion.objects.order_by("order").prefetch_related("translations"),
            ),
            Prefetch(
                "key_messages",
                queryset=KeyMessage.objects.order_by("order").prefetch_related("translations"),
            ),
        )
    )


NAMED_AT_MOST = 5


def named(titles):
    """The first few titles, quoted, and how many more."""
    shown = ", ".join(f"“{title}”" for title in titles[:NAMED_AT_MOST])
    if len(titles) <= NAMED_AT_MOST:
        return shown
    more = len(titles) - NAMED_AT_MOST
    return ngettext("%(shown)s and %(count)d more", "%(shown)s and %(count)d more", more) % {
        "shown": shown,
        "count": more,
    }


def in_language(text, code):
    """Whether an outcome text reads in `code`: written in it, or translated with some words."""
    if text.language == code:
        return True
    return any(
        translation.language == code and outcome_words(translation)
        for translation in text.translations.all()
    )


def outcome_words(text):
    """The text a segment or sub-discussion (its summary) or a key message (its text) carries."""
    return (getattr(text, "summary", None) or getattr(text, "text", "")).strip()


def outcome_checklist(outcome):
    """The list of `CheckItem`s for `outcome`, empty when everything is in place."""
    hearing = outcome.hearing
    items = []
    if hearing.status == HearingStatus.UPCOMING:
        items.append(
            CheckItem(
                _("The hearing is held on %(date)s: the outcome can be published from that day on.")
                % {"date": formats.date_format(hearing.date, "j F Y")},
                blocking=True,
            )
        )
    segments = outcome_texts(hearing)
    if not segments:
        items.append(CheckItem(_("The hearing has no segment yet: the outcome would be empty.")))
    empty = [segment.title for segment in segments if not outcome_words(segment)]
    empty += [
        sub.title
        for segment in segments
        for sub in segment.sub_discussions.all()
        if not outcome_words(sub)
    ]
    if empty:
        items.append(CheckItem(_("No summary yet: %(titles)s.") % {"titles": named(empty)}))
    texts = []
    for segment in segments:
        texts += [(segment.title, segment)] if outcome_words(segment) else []
        texts += [(sub.title, sub) for sub in segment.sub_discussions.all() if outcome_words(sub)]
        texts += [(str(message), message) for message in segment.key_messages.all()]
    for code, language in settings.LANGUAGES:
        missing = [title for title, text in texts if not in_language(text, code)]
        if missing:
            items.append(
                CheckItem(
                    _("Not translated into %(language)s: %(titles)s.")
                    % {"language": language, "titles": named(missing)}
                )
            )
    return items
