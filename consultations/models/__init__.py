from consultations.models.hearings import Hearing, Process
from consultations.models.programme import (
    Intervention,
    KeyMessage,
    Participation,
    Segment,
    SubDiscussion,
)
from consultations.models.submissions import Contribution, Registration
from consultations.models.texts import (
    HearingTranslation,
    KeyMessageTranslation,
    SegmentTranslation,
    SubDiscussionTranslation,
)

__all__ = [
    "Contribution",
    "Hearing",
    "HearingTranslation",
    "Intervention",
    "KeyMessage",
    "KeyMessageTranslation",
    "Participation",
    "Process",
    "Registration",
    "Segment",
    "SegmentTranslation",
    "SubDiscussion",
    "SubDiscussionTranslation",
]
