from consultations.models.activity import OutgoingEmail, StatusChange
from consultations.models.campaigns import SignatureBand, TextSignature
from consultations.models.floor import FloorList, SpeakerRequest
from consultations.models.hearings import AccreditationRule, Hearing, Outcome, Process
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
from consultations.models.trail import ProcessDocument, ProcessPhase

__all__ = [
    "AccreditationRule",
    "Contribution",
    "FloorList",
    "Hearing",
    "HearingTranslation",
    "Intervention",
    "KeyMessage",
    "KeyMessageTranslation",
    "Outcome",
    "OutgoingEmail",
    "Participation",
    "Process",
    "ProcessDocument",
    "ProcessPhase",
    "Registration",
    "Segment",
    "SegmentTranslation",
    "SignatureBand",
    "SpeakerRequest",
    "StatusChange",
    "SubDiscussion",
    "SubDiscussionTranslation",
    "TextSignature",
]
