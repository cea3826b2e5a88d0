"""What the platform holds about one email address, for the person's access and erasure requests
(GDPR articles 15 and 17, and the UN's personal data protection principles): registrations,
contributions, the emails sent to them, their change history, and a person record or user
account bearing the address. Matching ignores the address's case, as the registration constraint
does."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from consultations.enums import ContributionStatus, PublicationConsent
from consultations.models import Contribution, OutgoingEmail, Registration
from consultations.notifications import withhold_status_links
from stakeholders.models import Person

ANONYMOUS = "Anonymous"


def _files(record, *names):
    return {name: getattr(record, name).name for name in names if getattr(record, name)}


def _plain(record, exclude=()):
    data = model_to_dict(record, exclude=exclude)
    for key, value in data.items():
        if hasattr(value, "name") and hasattr(value, "storage"):
            data[key] = value.name or ""
    return data


def personal_data(email):
    """Everything held about `email`, as JSON-ready dictionaries."""
    registrations = Registration.objects.filter(email__iexact=email).select_related("hearing")
    contributions = Contribution.objects.filter(author_email__iexact=email).select_related(
        "hearing"
    )
    return {
        "email": email,
        "exported_at": timezone.now(),
        "registrations": [
            _plain(r)
            | {"reference": r.reference, "hearing": r.hearing.title, "created_at": r.created_at}
            for r in registrations
        ],
        "contributions": [
            _plain(c)
            | {"reference": c.reference, "hearing": c.hearing.title, "submitted_at": c.submitted_at}
            for c in contributions
        ],
        "registration_history": [
            _plain(h, exclude=["history_user"]) | {"history_date": h.history_date}
            for h in Registration.history.filter(email__iexact=email).order_by("history_date")
        ],
        "contribution_history": [
            _plain(h, exclude=["history_user"]) | {"history_date": h.history_date}
            for h in Contribution.history.filter(author_email__iexact=email).order_by(
                "history_date"
            )
        ],
        # Read by the staff member who runs the export, so without the status links' tokens.
        "emails": [
            row | {"text": withhold_status_links(row["text"])}
            for row in OutgoingEmail.objects.filter(to__iexact=email)
            .order_by("created_at")
            .values("subject", "text", "created_at", "sent_at")
        ],
        "people": [_plain(p) for p in Person.objects.filter(email__iexact=email)],
        "accounts": list(
            get_user_model()
            .objects.filter(email__iexact=email)
            .values("username", "first_name", "last_name", "date_joined", "last_login")
        ),
    }


def erase_personal_data(email):
    """Erase what is held about `email`. Published contributions stay on the public record,
    as their authors agreed when they consented to publication, but as "Anonymous": the name
    and address go, the organization stays only where the author let it be shown. Everything
    else (registrations, unpublished contributions, their files, history and emails) is deleted.
    A staff account bearing the address is left to an administrator, and reported."""
    files = []
    with transaction.atomic():
        registrations = list(Registration.objects.select_for_update().filter(email__iexact=email))
        contributions = list(
            Contribution.objects.select_for_update()
            .filter(author_email__iexact=email)
            .order_by("pk")  # as `follow_hearing_publication` locks them
        )
        files += [r.nomination_letter for r in registrations if r.nomination_letter]
        kept = [c for c in contributions if c.status == ContributionStatus.PUBLISHED]
        deleted = [c for c in contributions if c.status != ContributionStatus.PUBLISHED]
        files += [c.attachment for c in deleted if c.attachment]

        Registration.objects.filter(pk__in=[r.pk for r in registrations]).delete()
        Contribution.objects.filter(pk__in=[c.pk for c in deleted]).delete()
        # After the deletions, which simple_history records too, with the address.
        Registration.history.filter(email__iexact=email).delete()
        Contribution.history.filter(author_email__iexact=email).delete()
        for contribution in kept:
            contribution.author_name = ANONYMOUS
            contribution.author_email = ""
            if contribution.consent == PublicationConsent.NAMED:
                contribution.consent = PublicationConsent.ORGANIZATION
            if contribution.consent == PublicationConsent.ANONYMOUS:
                contribution.organization = None
                contribution.organization_name = ""
            contribution.save(
                update_fields=[
                    "author_name",
                    "author_email",
                    "consent",
                    "organization",
                    "organization_name",
                    "updated_at",
                ]
            )
        # The anonymised rows' history is rewritten from scratch: one row, without the person.
        Contribution.history.filter(id__in=[c.pk for c in kept]).exclude(
            author_name=ANONYMOUS, author_email=""
        ).delete()
        emails = OutgoingEmail.objects.filter(to__iexact=email).delete()[0]
        people = Person.objects.filter(email__iexact=email).update(email="")
        accounts = list(
            get_user_model().objects.filter(email__iexact=email).values_list("username", flat=True)
        )
        transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])
    return {
        "registrations deleted": len(registrations),
        "contributions deleted": len(deleted),
        "contributions kept as Anonymous": len(kept),
        "files deleted": len(files),
        "emails deleted": emails,
        "people records cleared": people,
        "accounts left to an administrator": accounts,
    }


def purge_registrations(days=None, today=None):
    """Delete registrations (with their letters, history and status changes) of hearings held
    more than `days` days ago: they were needed to run the hearing, not afterwards."""
    days = settings.REGISTRATION_RETENTION_DAYS if days is None else days
    cutoff = (today or timezone.localdate()) - datetime.timedelta(days=days)
    with transaction.atomic():
        registrations = Registration.objects.filter(hearing__date__lt=cutoff)
        ids = list(registrations.values_list("pk", flat=True))
        files = [
            r.nomination_letter
            for r in Registration.objects.filter(pk__in=ids).exclude(nomination_letter="")
        ]
        count = Registration.objects.filter(pk__in=ids).delete()[1].get(Registration._meta.label, 0)
        Registration.history.filter(id__in=ids).delete()
        transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])
    return count, cutoff
