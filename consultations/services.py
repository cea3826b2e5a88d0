"""State changes of registrations, contributions, hearings and outcomes, in one place whoever
makes them: the back office, the public forms and the API all call these functions (after
pretalx's `set_submission_state`). Each one checks the move against the map in `enums.py`, locks
the rows it depends on, saves only the fields it changes, records a `StatusChange`, and writes
the email that tells the person (where there is one), which goes out once the transaction has
committed."""

from datetime import timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consultations.badges import badge_path, badge_token, code_matches, registration_id_from_code
from consultations.campaigns import join_campaign, refresh_lead
from consultations.enums import (
    CONTRIBUTION_MOVES,
    HEARING_MOVES,
    OUTCOME_MOVES,
    REGISTRATION_MOVES,
    SPEAKER_MOVES,
    ContributionStatus,
    HearingPublication,
    HearingStatus,
    OutcomeStatus,
    RegistrationStatus,
    SegmentKind,
    SpeakerState,
)
from consultations.models import (
    AccreditationRule,
    Contribution,
    FloorList,
    Hearing,
    Intervention,
    Outcome,
    OutgoingEmail,
    Registration,
    SpeakerRequest,
    StatusChange,
)
from consultations.models.submissions import body_fingerprint, lock_in_order
from consultations.notifications import queue_email, site_url


class TransitionRefused(ValidationError):
    """A move the rules do not allow; its message is a sentence for the person who tried it."""


def check_move(moves, current, new, label):
    if new in moves[current]:
        return
    names = {"current": current.label.lower(), "label": label, "new": new.label.lower()}
    if new == current:
        message = _("This %(label)s is already %(new)s.") % names
    else:
        message = _("This %(label)s is %(current)s: it cannot become %(new)s.") % names
    raise TransitionRefused(message, code="transition_refused")


def check_actor(by, through_status_link):
    if through_status_link and by is not None:
        raise ValueError("A change through a status link is made by its registrant or author.")


def credit_the_link(record, reason):
    """A change through a signed status link is the person's: its version in the record's
    history names no staff member, whoever is logged in in the same browser (simple_history
    otherwise takes the request's user), and says it came through the link. The reason is
    stored in the site's language, as history is."""
    record._history_user = None
    with translation.override(settings.LANGUAGE_CODE):
        record._change_reason = str(reason)


def log_move(record, previous, new, by=None, reason="", through_status_link=False):
    """The StatusChange row of a move, naming `record` through the field of its kind
    (registration, contribution, hearing or outcome); `previous` is empty for a new record."""
    return StatusChange.objects.create(
        **{type(record)._meta.model_name: record},
        previous_status=previous,
        new_status=new,
        reason=reason,
        changed_by=by,
        through_status_link=through_status_link,
    )


def cancel_unsent_decision_emails(record):
    """Cancel the emails about `record`'s earlier moves that have not gone yet: a decision
    taken back within the delay never reaches the person. Returns whether the last email the
    person did get told of a decision, which a move back then explains."""
    about_record = OutgoingEmail.objects.filter(
        **{f"status_change__{type(record)._meta.model_name}": record}
    )
    about_record.unsent().update(cancelled_at=timezone.now())
    last_sent = about_record.sent().select_related("status_change").order_by("-sent_at", "-pk")
    last_sent = last_sent.first()
    return last_sent is not None and last_sent.status_change.new_status not in TAKEN_BACK


# The moves back that take a decision back, so that its email is cancelled or explained.
TAKEN_BACK = {RegistrationStatus.PENDING, ContributionStatus.UNDER_REVIEW}


def approved_registrations(hearing):
    return Registration.objects.filter(hearing=hearing, status=RegistrationStatus.APPROVED)


def check_seat_available(registration):
    hearing = registration.hearing
    if hearing.capacity is not None and approved_registrations(hearing).count() >= (
        hearing.capacity
    ):
        raise TransitionRefused(
            ngettext(
                "The hearing is full: its one seat is taken.",
                "The hearing is full: all %(capacity)s seats are taken.",
                hearing.capacity,
            )
            % {"capacity": hearing.capacity},
            code="hearing_full",
        )


def check_organization_cap(registration):
    """Per the hearing's accreditation rule for the registration's category, an organization has
    at most so many approved representatives, whether they are matched to the register or typed
    its name by hand (`Registration.same_organization`)."""
    rule = AccreditationRule.objects.filter(
        hearing_id=registration.hearing_id, category=registration.category
    ).first()
    if rule is None or rule.max_per_organization is None:
        return
    if not registration.organization_id and not registration.organization_name.strip():
        return
    approved = approved_registrations(registration.hearing_id).select_related("organization")
    count = sum(
        registration.same_organization(other)
        for other in approved.only("organization_id", "organization_name", "organization__name")
    )
    if count >= rule.max_per_organization:
        raise TransitionRefused(
            _(
                "%(organization)s already has %(count)s approved representatives, the most this "
                "hearing accredits for one organization of its category."
            )
            % {"organization": registration.organization_shown, "count": count},
            code="organization_cap_reached",
        )


def check_letter(registration):
    rule = AccreditationRule.objects.filter(
        hearing_id=registration.hearing_id, category=registration.category
    ).first()
    if rule is not None and rule.letter_required and not registration.has_letter:
        raise TransitionRefused(
            _("This hearing requires a nomination letter for %(category)s registrations.")
            % {"category": registration.get_category_display()},
            code="nomination_letter_missing",
        )


@transaction.atomic
def decide_registration(registration, new_status, by=None, reason="", through_status_link=False):
    """Move a registration to `new_status`: approve, waitlist, reject, cancel, or back to pending.
    Approval locks the hearing first, so two editors approving the last seat at once queue up and
    the second one finds the hearing full. `by` is the staff member deciding; the registrant
    cancelling through their status link is `through_status_link`, with no `by`."""
    check_actor(by, through_status_link)
    new_status = RegistrationStatus(new_status)
    if new_status == RegistrationStatus.APPROVED:
        Hearing.objects.select_for_update().get(pk=registration.hearing_id)
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    previous = RegistrationStatus(locked.status)
    check_move(REGISTRATION_MOVES, previous, new_status, _("registration"))
    if new_status == RegistrationStatus.APPROVED:
        check_letter(locked)
        check_seat_available(locked)
        check_organization_cap(locked)
    locked.status = new_status
    if new_status in RegistrationStatus.decided():
        locked.decided_at, locked.decided_by = timezone.now(), by
    elif new_status == RegistrationStatus.PENDING:
        locked.decided_at, locked.decided_by = None, None
    if through_status_link:
        credit_the_link(locked, _("Through the registrant's status link"))
    locked.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    change = log_move(
        locked, previous, new_status, by=by, reason=reason, through_status_link=through_status_link
    )
    told_of_a_decision = cancel_unsent_decision_emails(locked)
    if new_status != RegistrationStatus.PENDING or told_of_a_decision:
        queue_email(
            "registration_decision"
            if new_status != RegistrationStatus.PENDING
            else "registration_taken_back",
            to=locked.email,
            language=locked.language,
            context={
                "registration": locked,
                "reason": reason,
                "badge_url": site_url(badge_path(locked))
                if new_status == RegistrationStatus.APPROVED
                else "",
            },
            decision=change,
            hold=by is not None,
        )
    registration.refresh_from_db()
    return registration


@transaction.atomic
def match_to_organization(registrations, organization, by):
    """Match registrations whose organization was typed by hand to its entry in the register:
    the typed name is cleared, and each record's history names the staff member. Returns how
    many were matched."""
    locked = Registration.objects.select_for_update().filter(pk__in=[r.pk for r in registrations])
    count = 0
    for registration in locked.order_by("pk"):
        registration.organization, registration.organization_name = organization, ""
        registration._history_user = by
        registration.save(update_fields=["organization", "organization_name", "updated_at"])
        count += 1
    return count


def promote_from_waitlist(hearing, by, reason=""):
    """Approve the registration that has waited longest, once a seat is free. Returns it, or None
    when nobody waits."""
    waiting = (
        Registration.objects.filter(hearing=hearing, status=RegistrationStatus.WAITLISTED)
        .order_by("created_at", "pk")
        .first()
    )
    if waiting is None:
        return None
    return decide_registration(waiting, RegistrationStatus.APPROVED, by=by, reason=reason)


def lock_hearings(ids):
    """Lock these hearings' rows, in id order: every transaction that locks hearings and then
    their contributions takes the hearings first and in this order, so that two of them never
    wait on each other in a circle (a bulk moderation across hearings, a publication)."""
    lock_in_order(Hearing.objects.filter(pk__in=ids))


@transaction.atomic
def moderate_contribution(contribution, new_status, by=None, reason="", through_status_link=False):
    """Move a contribution to `new_status`: review, publish, reject (with a reason the author
    reads), withdraw (the author through their status link: `through_status_link`, no `by`), or
    return to review. Publishing dates it; returning to review takes it off the public pages."""
    check_actor(by, through_status_link)
    new_status = ContributionStatus(new_status)
    # The hearing first, as `set_hearing_publication` locks it: a contribution published while
    # its hearing is withdrawn waits, then reads it withdrawn (`keep_public_flag`).
    lock_hearings([contribution.hearing_id])
    locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
    previous = ContributionStatus(locked.status)
    check_move(CONTRIBUTION_MOVES, previous, new_status, _("contribution"))
    if new_status == ContributionStatus.REJECTED and not reason.strip():
        raise TransitionRefused(
            _("Give the author a reason for the rejection."), code="reason_required"
        )
    now = timezone.now()
    locked.status = new_status
    if by is not None:
        locked.moderated_at, locked.moderated_by = now, by
    locked.published_at = now if new_status == ContributionStatus.PUBLISHED else None
    if through_status_link:
        credit_the_link(locked, _("Through the author's status link"))
    locked.save(
        update_fields=["status", "moderated_at", "moderated_by", "published_at", "updated_at"]
    )
    if ContributionStatus.PUBLISHED in {previous, new_status}:
        refresh_lead(locked.hearing_id, locked.campaign)
    change = log_move(
        locked, previous, new_status, by=by, reason=reason, through_status_link=through_status_link
    )
    told_of_a_decision = cancel_unsent_decision_emails(locked)
    decided = new_status in {ContributionStatus.PUBLISHED, ContributionStatus.REJECTED}
    taken_back = new_status == ContributionStatus.UNDER_REVIEW and told_of_a_decision
    if decided or taken_back:
        queue_email(
            "contribution_decision" if decided else "contribution_taken_back",
            to=locked.author_email,
            language=locked.correspondence_language,
            context={"contribution": locked, "reason": reason},
            decision=change,
            hold=by is not None,
        )
    contribution.refresh_from_db()
    return contribution


# Publication -----------------------------------------------------------------------------------

# What only the publication services write; forms and serializers saving a whole row keep them as
# stored (`keep_stored_publication`).
PUBLICATION_FIELDS = {
    Hearing: ["published", "published_at", "published_by_id"],
    Outcome: ["status", "published_on", "published_by_id"],
}


def keep_stored_publication(record):
    """Before a back-office form or an API write saves a whole hearing or outcome, lock its row
    and put back the publication fields as stored: an edit, a revert to an old version or a
    stale form never publishes or withdraws anything, nor undoes what a service just did."""
    fields = PUBLICATION_FIELDS[type(record)]
    stored = type(record).objects.select_for_update().filter(pk=record.pk).values(*fields).first()
    for name, value in (stored or {}).items():
        setattr(record, name, value)


@transaction.atomic
def set_hearing_publication(hearing, new_publication, by=None, reason=""):
    """Publish a hearing (the public sees it, its forms may open) or withdraw it back to draft.
    Publishing stamps who and when; withdrawing clears the stamp, which its status change
    keeps. Its published contributions follow (`follow_hearing_publication`)."""
    new_publication = HearingPublication(new_publication)
    locked = Hearing.objects.select_for_update().get(pk=hearing.pk)
    previous = locked.publication
    check_move(HEARING_MOVES, previous, new_publication, _("hearing"))
    published = new_publication == HearingPublication.PUBLISHED
    locked.published = published
    locked.published_at, locked.published_by = (timezone.now(), by) if published else (None, None)
    if by is not None:
        locked._history_user = by
    locked.save(update_fields=["published", "published_at", "published_by"])
    log_move(locked, previous, new_publication, by=by, reason=reason)
    hearing.refresh_from_db(fields=["published", "published_at", "published_by"])
    return hearing


def publish_hearing(hearing, by=None, reason=""):
    return set_hearing_publication(hearing, HearingPublication.PUBLISHED, by=by, reason=reason)


def withdraw_hearing(hearing, by=None, reason=""):
    return set_hearing_publication(hearing, HearingPublication.DRAFT, by=by, reason=reason)


def check_hearing_held(hearing):
    """An outcome reports what was said: it waits for its hearing's day at the venue."""
    if hearing.status == HearingStatus.UPCOMING:
        raise TransitionRefused(
            _(
                "An outcome cannot be published before its hearing has taken place: "
                "%(hearing)s is held on %(date)s."
            )
            % {"hearing": hearing.title, "date": formats.date_format(hearing.date, "j F Y")},
            code="hearing_not_held",
        )


@transaction.atomic
def set_outcome_status(outcome, new_status, by=None, reason=""):
    """Publish an outcome document, from its hearing's day at the venue on, or return it to
    draft. The hearing is locked first, as its date decides, then the outcome. Publishing stamps
    who and the date at the venue (`published_on`); returning to draft clears both."""
    new_status = OutcomeStatus(new_status)
    hearing = Hearing.objects.select_for_update().get(pk=outcome.hearing_id)
    locked = Outcome.objects.select_for_update().get(pk=outcome.pk)
    previous = OutcomeStatus(locked.status)
    check_move(OUTCOME_MOVES, previous, new_status, _("outcome document"))
    published = new_status == OutcomeStatus.PUBLISHED
    if published:
        check_hearing_held(hearing)
    locked.status = new_status
    locked.published_on, locked.published_by = (
        (timezone.localdate(timezone=hearing.zone), by) if published else (None, None)
    )
    if by is not None:
        locked._history_user = by
    locked.save(update_fields=["status", "published_on", "published_by"])
    log_move(locked, previous, new_status, by=by, reason=reason)
    outcome.refresh_from_db(fields=["status", "published_on", "published_by"])
    return outcome


def publish_outcome(outcome, by=None, reason=""):
    return set_outcome_status(outcome, OutcomeStatus.PUBLISHED, by=by, reason=reason)


def unpublish_outcome(outcome, by=None, reason=""):
    return set_outcome_status(outcome, OutcomeStatus.DRAFT, by=by, reason=reason)


# Submissions -----------------------------------------------------------------------------------


class SubmissionRefused(ValidationError):
    """A public form's submission refused where it is stored (its form has closed meanwhile);
    its message is a sentence for the person, keyed by the field it names."""


RESUBMISSION_SECONDS = 10 * 60


WINDOW_CLOSED = _("This form is closed: it takes submissions only while its window is open.")


def check_form_open(hearing, window):
    """The form's hearing and window are checked again under the hearing's lock, where the
    submission is stored: a form shown a second before the window closed, or the hearing was
    withdrawn, is not a way in after it. An unpublished hearing takes nothing, even from staff
    previewing its form."""
    if not hearing.published or not window.is_open():
        raise SubmissionRefused({NON_FIELD_ERRORS: [WINDOW_CLOSED]}, code="window_closed")


def active_registrations(hearing):
    return Registration.objects.filter(hearing=hearing, status__in=RegistrationStatus.active())


@transaction.atomic
def submit_registration(registration, link, by=None):
    """Store a registration from the public form: pending, or waitlisted once the seats are all
    held by pending and approved registrations. The hearing is locked so that two people taking
    the last seat at once queue up, and so that the check for an address already registered
    sees every earlier registration. `link(registration)` builds the signed status link for the
    confirmation email. Returns `(registration, created)`.

    An address already registered for the hearing stores nothing new: its owner gets an email
    with their registration's status link, and the caller answers as for a new registration,
    so that the form never tells who is registered.

    `by` is the staff member entering a registration on someone's behalf in the back office.
    Staff may do so whatever the window and before the hearing is published; everything else
    holds (capacity, the address already registered, the status change, which names them, and
    the confirmation email). An address already registered is not emailed then: the back
    office tells the staff member instead."""
    hearing = Hearing.objects.select_for_update().get(pk=registration.hearing_id)
    registration.hearing = hearing
    if by is None:
        check_form_open(hearing, hearing.registration_window)
    earlier = Registration.objects.filter(hearing=hearing, email__iexact=registration.email).first()
    if earlier is not None:
        if by is None:
            queue_email(
                "registration_reminder",
                to=earlier.email,
                language=registration.language,
                context={"registration": earlier, "status_url": link(earlier)},
            )
        return earlier, False
    full = hearing.capacity is not None and active_registrations(hearing).count() >= (
        hearing.capacity
    )
    registration.status = RegistrationStatus.WAITLISTED if full else RegistrationStatus.PENDING
    registration.decided_at = timezone.now() if full else None
    registration.save()
    log_move(registration, "", registration.status, by=by)
    queue_email(
        "registration_received",
        to=registration.email,
        language=registration.language,
        context={"registration": registration, "status_url": link(registration)},
    )
    return registration, True


@transaction.atomic
def submit_contribution(contribution, link, by=None):
    """Store a contribution from the public form as submitted, with its reference, and queue
    the confirmation email. A second identical text from the same address to the same hearing
    within a few minutes (a double click, a reload) returns the first one instead of a copy:
    `(contribution, created)`. The hearing is locked so the check and the insert are one step.

    `by` is the staff member entering it on the author's behalf in the back office: the window
    and publication are not checked then; the rest is, and the status change names them."""
    hearing = Hearing.objects.select_for_update().get(pk=contribution.hearing_id)
    contribution.hearing = hearing
    if by is None:
        check_form_open(hearing, hearing.contribution_window)
    contribution.fingerprint = body_fingerprint(contribution.body)
    earlier = (
        Contribution.objects.filter(
            hearing=hearing,
            author_email__iexact=contribution.author_email,
            fingerprint=contribution.fingerprint,
            title=contribution.title,
            submitted_at__gte=timezone.now() - timedelta(seconds=RESUBMISSION_SECONDS),
        )
        .order_by("pk")
        .first()
    )
    if earlier is not None:
        return earlier, False
    contribution.status = ContributionStatus.SUBMITTED
    contribution.save()
    join_campaign(contribution)
    log_move(contribution, "", contribution.status, by=by)
    queue_email(
        "contribution_received",
        to=contribution.author_email,
        language=contribution.correspondence_language,
        context={"contribution": contribution, "status_url": link(contribution)},
    )
    return contribution, True


def campaign_of(contribution):
    """The contributions of a mass campaign this one belongs to (`campaigns`: same hearing, same
    or nearly the same text), still awaiting review. Served by the campaign index, so it costs
    the same at 100,000 contributions."""
    return Contribution.objects.filter(
        hearing_id=contribution.hearing_id,
        campaign=contribution.campaign,
        status__in=ContributionStatus.awaiting_review(),
    )


def campaign_members(contributions):
    """Every contribution awaiting review in the campaign groups of `contributions` (a queryset
    or a list): what `moderate_campaign` decides, and what its confirmation page lists."""
    if isinstance(contributions, QuerySet):
        groups = set(contributions.order_by().values_list("hearing_id", "campaign").distinct())
    else:
        groups = {(c.hearing_id, c.campaign) for c in contributions}
    if not groups:
        return Contribution.objects.none()
    return Contribution.objects.filter(
        reduce(or_, (Q(hearing_id=h, campaign=c) for h, c in groups)),
        status__in=ContributionStatus.awaiting_review(),
    )


@transaction.atomic
def moderate_campaign(contributions, new_status, by=None, reason=""):
    """Decide at once every contribution awaiting review in the campaign groups of
    `contributions` (a queryset or a list), each through `moderate_contribution`, so each is
    checked, logged and its author told. All or nothing: one refusal leaves every one of them as
    it was. Returns the decided contributions, oldest first."""
    members = campaign_members(contributions)
    # Their hearings before them, in the order `moderate_contribution` and
    # `set_hearing_publication` lock them, so that neither waits on the other in a circle.
    lock_hearings(members.values("hearing_id"))
    locked = list(members.select_for_update().order_by("submitted_at", "pk"))
    return [moderate_contribution(member, new_status, by=by, reason=reason) for member in locked]


# Programme order -------------------------------------------------------------------------------


class ProgrammeChanged(ValidationError):
    """An order asked for from a page shown before the rows changed; nothing is moved."""


@transaction.atomic
def reorder(siblings, ordered_pks):
    """Number the rows of `siblings` (one hearing's segments, one segment's sub-discussions, one
    place's participations) 1, 2, 3… in the order of `ordered_pks`, which must name each of them
    once: an order sent from a page shown before a row was added or removed is refused whole,
    never half applied. The rows are locked, set aside above the highest number, then numbered,
    so a unique (parent, order) never meets two rows halfway."""
    rows = list(siblings.select_for_update().order_by("order", "pk").values_list("pk", "order"))
    if len(set(ordered_pks)) != len(ordered_pks) or set(ordered_pks) != {pk for pk, _o in rows}:
        raise ProgrammeChanged(
            _(
                "The programme has changed since this page was shown: nothing was moved. Here it "
                "is as it is now."
            ),
            code="programme_changed",
        )
    top = max((order for _pk, order in rows), default=0)
    siblings.update(order=F("order") + top + 1)
    for number, pk in enumerate(ordered_pks, start=1):
        siblings.filter(pk=pk).update(order=number)


def move_one_place(siblings, pk, step):
    """Move the row `pk` of `siblings` one place up (`step` -1) or down (+1); at either end it
    stays where it is."""
    with transaction.atomic():
        order = list(
            siblings.select_for_update().order_by("order", "pk").values_list("pk", flat=True)
        )
        if pk not in order:
            raise ProgrammeChanged(
                _("This row is no longer in the programme: nothing was moved."),
                code="programme_changed",
            )
        index = order.index(pk)
        other = index + step
        if 0 <= other < len(order):
            order[index], order[other] = order[other], order[index]
            reorder(siblings, order)


# The author's words ----------------------------------------------------------------------------


@transaction.atomic
def correct_contribution(contribution, body, by, reason):
    """Staff correct a contribution's text (a phone number left in it, a broken list) only with a
    reason, which the record's history keeps beside the version the correction made: the
    author's words are otherwise never edited in the back office."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why the text is corrected: the history keeps the reason.")},
            code="correction_reason_missing",
        )
    locked = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if body.strip() == locked.body.strip():
        raise ValidationError(
            {"body": _("The text is unchanged: there is nothing to correct.")},
            code="correction_unchanged",
        )
    locked.body = body
    locked._history_user = by
    locked._change_reason = reason
    locked.save(update_fields=["body", "updated_at"])
    contribution.refresh_from_db()
    return contribution


# The speakers' list ----------------------------------------------------------------------------
#
# Every move locks the list's row first, so two staff acting at once (reordering, giving the
# floor) queue up and each sees the other's result. Once the transaction commits, every screen
# gets the new public state (`consultations.floor.announce`).


def locked_floor_list(floor_list_id):
    return FloorList.objects.select_for_update().select_related("segment").get(pk=floor_list_id)


def floor_list_for(segment):
    """The speakers' list of an interactive segment, made the first time it is asked for."""
    if segment.kind != SegmentKind.INTERACTIVE:
        raise TransitionRefused(
            _("Only an interactive segment has a speakers' list."), code="not_interactive"
        )
    return FloorList.objects.get_or_create(segment=segment)[0]


def check_list_running(floor_list):
    if floor_list.ended_at is not None:
        raise TransitionRefused(
            _("This speakers' list has ended: its floor is now in the record."),
            code="floor_list_ended",
        )


def move_speaker(request, new_state):
    check_move(SPEAKER_MOVES, SpeakerState(request.state), new_state, _("request to speak"))
    request.state = new_state


def end_current_speaker(floor_list, now):
    """The speaker holding the floor, if any, is done: they spoke until now."""
    speaking = (
        SpeakerRequest.objects.select_for_update()
        .filter(floor_list=floor_list, state=SpeakerState.SPEAKING)
        .first()
    )
    if speaking is None:
        return None
    move_speaker(speaking, SpeakerState.DONE)
    speaking.seconds_spoken = max(0, round((now - speaking.started_at).total_seconds()))
    speaking.save(update_fields=["state", "seconds_spoken"])
    return speaking


def announce_on_commit(floor_list):
    from consultations.floor import announce

    transaction.on_commit(lambda: announce(floor_list.segment.hearing_id))


@transaction.atomic
def request_floor(registration, segment, by=None):
    """Put an approved registrant on the segment's list, last. `by` is the staff member adding
    them (by badge, reference or name); without `by`, the registrant asked from their status
    page, which only works while the list is open to requests."""
    floor_list = locked_floor_list(floor_list_for(segment).pk)
    check_list_running(floor_list)
    if by is None and not floor_list.is_open:
        raise TransitionRefused(
            _("The speakers' list is closed to new requests."), code="floor_list_closed"
        )
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.hearing_id != segment.hearing_id:
        raise TransitionRefused(
            _("This registration is for another hearing."), code="other_hearing"
        )
    if registration.status != RegistrationStatus.APPROVED:
        raise TransitionRefused(
            _("Only an approved registration may ask for the floor."),
            code="registration_not_approved",
        )
    if registration.organization_id is None:
        raise TransitionRefused(
            _(
                "The secretariat has not yet matched this registration to an organization of the "
                "register: ask at the desk."
            ),
            code="organization_unmatched",
        )
    if floor_list.requests.filter(
        registration=registration, state__in=SpeakerState.queued()
    ).exists():
        raise TransitionRefused(
            _("This person is already on the speakers' list."), code="already_queued"
        )
    last = floor_list.requests.order_by("-position").values_list("position", flat=True).first()
    request = SpeakerRequest.objects.create(
        floor_list=floor_list,
        registration=registration,
        organization_id=registration.organization_id,
        category=registration.category,
        position=(last or 0) + 1,
        limit_seconds=floor_list.default_limit_seconds,
        added_by=by,
    )
    announce_on_commit(floor_list)
    return request


@transaction.atomic
def withdraw_floor_request(request, registration=None, by=None):
    """The registrant (through their status page: `registration`) or staff (`by`) take a waiting
    request off the list."""
    floor_list = locked_floor_list(request.floor_list_id)
    locked = SpeakerRequest.objects.select_for_update().get(pk=request.pk)
    if registration is not None and locked.registration_id != registration.pk:
        raise TransitionRefused(_("This request is not yours."), code="not_yours")
    move_speaker(locked, SpeakerState.WITHDRAWN)
    locked.save(update_fields=["state"])
    announce_on_commit(floor_list)
    return locked


@transaction.atomic
def move_floor_request(request, steps, by):
    """Move a waiting request up (`steps` < 0) or down the queue, past as many waiting requests.
    Positions are swapped under the list's lock, so two chairs reordering at once end in one
    order that both screens then show."""
    floor_list = locked_floor_list(request.floor_list_id)
    check_list_running(floor_list)
    waiting = list(
        floor_list.requests.select_for_update()
        .filter(state=SpeakerState.WAITING)
        .order_by("position")
    )
    index = next((i for i, r in enumerate(waiting) if r.pk == request.pk), None)
    if index is None:
        raise TransitionRefused(
            _("Only a waiting request can move in the queue."), code="not_waiting"
        )
    target = min(max(index + steps, 0), len(waiting) - 1)
    positions = [r.position for r in waiting]
    waiting.insert(target, waiting.pop(index))
    changed = [(r, p) for r, p in zip(waiting, positions, strict=True) if r.position != p]
    # Off the unique positions first, then onto their new ones.
    top = floor_list.requests.order_by("-position").values_list("position", flat=True).first()
    for offset, (moved, _position) in enumerate(changed, start=1):
        moved.position = top + offset
        moved.save(update_fields=["position"])
    for moved, position in changed:
        moved.position = position
        moved.save(update_fields=["position"])
    announce_on_commit(floor_list)
    return waiting


@transaction.atomic
def give_floor(floor_list, request=None, by=None):
    """Give the floor to `request`, or to the first waiting one; whoever spoke is done. The
    server's clock starts the speaker's time: every screen counts down from `started_at`."""
    floor_list = locked_floor_list(floor_list.pk)
    check_list_running(floor_list)
    now = timezone.now()
    waiting = floor_list.requests.select_for_update().filter(state=SpeakerState.WAITING)
    locked = (
        waiting.filter(pk=request.pk).first() if request else waiting.order_by("position").first()
    )
    if locked is None:
        raise TransitionRefused(
            _("Nobody is waiting for the floor.")
            if request is None
            else _("This request is no longer waiting for the floor."),
            code="nobody_waiting",
        )
    end_current_speaker(floor_list, now)
    move_speaker(locked, SpeakerState.SPEAKING)
    locked.started_at = now
    locked.save(update_fields=["state", "started_at"])
    announce_on_commit(floor_list)
    return locked


@transaction.atomic
def finish_speaker(floor_list, by=None):
    floor_list = locked_floor_list(floor_list.pk)
    done = end_current_speaker(floor_list, timezone.now())
    if done is None:
        raise TransitionRefused(_("Nobody has the floor."), code="nobody_speaking")
    announce_on_commit(floor_list)
    return done


@transaction.atomic
def skip_floor_request(request, by=None):
    """The chair passes over a waiting request: it stays in the record as not reached."""
    floor_list = locked_floor_list(request.floor_list_id)
    locked = SpeakerRequest.objects.select_for_update().get(pk=request.pk)
    move_speaker(locked, SpeakerState.NOT_REACHED)
    locked.save(update_fields=["state"])
    announce_on_commit(floor_list)
    return locked


MIN_SPEAKING_SECONDS = 10
MAX_SPEAKING_SECONDS = 60 * 60


def check_speaking_time(seconds):
    if not MIN_SPEAKING_SECONDS <= seconds <= MAX_SPEAKING_SECONDS:
        raise TransitionRefused(
            _("Give a speaking time between 10 seconds and 60 minutes."), code="bad_limit"
        )


@transaction.atomic
def set_speaking_time(floor_list, seconds, request=None, by=None):
    """Change the list's default speaking time (for the requests still waiting too), or one
    request's, the speaker's included."""
    check_speaking_time(seconds)
    floor_list = locked_floor_list(floor_list.pk)
    check_list_running(floor_list)
    if request is None:
        floor_list.default_limit_seconds = seconds
        floor_list.save(update_fields=["default_limit_seconds", "updated_at"])
        floor_list.requests.filter(state=SpeakerState.WAITING).update(limit_seconds=seconds)
    else:
        SpeakerRequest.objects.filter(
            pk=request.pk, floor_list=floor_list, state__in=SpeakerState.queued()
        ).update(limit_seconds=seconds)
    announce_on_commit(floor_list)
    return floor_list


@transaction.atomic
def set_floor_list_open(floor_list, is_open, by=None):
    """Close the list to new requests (the queue still runs), or open it again."""
    floor_list = locked_floor_list(floor_list.pk)
    check_list_running(floor_list)
    floor_list.is_open = is_open
    floor_list.save(update_fields=["is_open", "updated_at"])
    announce_on_commit(floor_list)
    return floor_list


@transaction.atomic
def end_floor_list(floor_list, by=None):
    """End the segment's list: the speaker finishes, those still waiting were not reached, and
    each request that had the floor becomes an Intervention of the segment, in speaking order,
    with its organization and seconds, so it counts in "who was heard". The speaker's name goes
    into the record only if they agreed to be listed publicly."""
    floor_list = locked_floor_list(floor_list.pk)
    check_list_running(floor_list)
    now = timezone.now()
    end_current_speaker(floor_list, now)
    floor_list.requests.filter(state=SpeakerState.WAITING).update(state=SpeakerState.NOT_REACHED)
    segment = floor_list.segment
    last = (
        Intervention.objects.filter(segment=segment)
        .order_by("-order")
        .values_list("order", flat=True)
        .first()
    )
    spoke = (
        floor_list.requests.filter(state=SpeakerState.DONE)
        .select_related("registration")
        .order_by("started_at", "pk")
    )
    Intervention.objects.bulk_create(
        Intervention(
            segment=segment,
            order=(last or 0) + number,
            organization_id=request.organization_id,
            speaker_name=request.registration.name if request.registration.listed_publicly else "",
            seconds_spoken=request.seconds_spoken,
        )
        for number, request in enumerate(spoke, start=1)
    )
    floor_list.is_open, floor_list.ended_at = False, now
    floor_list.save(update_fields=["is_open", "ended_at", "updated_at"])
    announce_on_commit(floor_list)
    return floor_list


# The door ---------------------------------------------------------------------------------------


class UnknownBadge(Exception):
    """A code that names no registration: tampered, mistyped, or not one of ours."""


class CheckInRefused(TransitionRefused):
    """A registration the door may not admit, or one already admitted; `registration` is it,
    loaded with its organization and, once checked in, who checked it in."""

    def __init__(self, message, code, registration):
        super().__init__(message, code=code)
        self.registration = registration


def refuse_at_door(registration, hearing):
    """Why the door turns `registration` away at `hearing`, as a `CheckInRefused`, or None."""
    if registration.hearing_id != hearing.pk:
        return CheckInRefused(_("Another hearing"), "another_hearing", registration)
    if registration.status == RegistrationStatus.CANCELLED:
        return CheckInRefused(_("Cancelled"), "cancelled", registration)
    if registration.status != RegistrationStatus.APPROVED:
        return CheckInRefused(_("Not approved"), "not_approved", registration)
    if registration.checked_in_at is not None:
        return CheckInRefused(
            _("Already checked in at %(time)s by %(by)s.")
            % {
                "time": formats.time_format(
                    timezone.localtime(registration.checked_in_at, hearing.zone), "H:i"
                ),
                "by": registration.checked_in_by or _("a staff member no longer listed"),
            },
            "already_checked_in",
            registration,
        )
    return None


@transaction.atomic
def check_in(hearing, code, by):
    """Admit the holder of a badge at `hearing`'s door: `code` is the badge's QR token or its
    printed reference. The row is locked, so two doors scanning the same badge at once admit it
    once: the second finds it checked in. Raises `UnknownBadge` or `CheckInRefused`; returns
    the registration, checked in by `by` now. Queries: the locked row with its organization,
    the update, its history row, its status change."""
    registration_id = registration_id_from_code(code)
    locked = None
    if registration_id is not None:
        locked = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("hearing__process", "organization", "checked_in_by")
            .filter(pk=registration_id)
            .first()
        )
    if locked is None or not code_matches(code, locked):
        raise UnknownBadge(code)
    refusal = refuse_at_door(locked, hearing)
    if refusal is not None:
        raise refusal
    locked.checked_in_at, locked.checked_in_by = timezone.now(), by
    if by is not None:
        locked._history_user = by
    locked.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
    with translation.override(settings.LANGUAGE_CODE):
        reason = str(_("Checked in at the door"))
    log_move(locked, locked.status, locked.status, by=by, reason=reason)
    return locked


@transaction.atomic
def register_walk_in(registration, link, by):
    """Someone who arrives unregistered, while seats remain: registered by door staff through
    `submit_registration`, approved through `decide_registration` (which checks the seats and
    the hearing's accreditation rules) and checked in, all or nothing, and marked as a walk-in.
    `link` builds the status link of the confirmation email, as for the public form."""
    registration.walk_in = True
    stored, created = submit_registration(registration, link, by=by)
    if not created:
        raise TransitionRefused(
            _("This email address is already registered for this hearing: find it by name."),
            code="already_registered",
        )
    decide_registration(stored, RegistrationStatus.APPROVED, by=by)
    return check_in(stored.hearing, badge_token(stored), by)
