from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q

from consultations.enums import ContributionStatus
from consultations.models import Contribution
from consultations.services import lock_hearings


class Command(BaseCommand):
    help = (
        "Work out again which contributions are public (published, to a published hearing), "
        "the flag the public lists read. Saves and the publication services keep it; run this "
        "after writing statuses or hearings' publication outside them (SQL, an old worker "
        "during a deploy)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        lock_hearings(Contribution.objects.values("hearing_id"))
        should = Q(status__in=ContributionStatus.public(), hearing__published=True)
        shown = Contribution.objects.filter(should, public=False).update(public=True)
        hidden = Contribution.objects.filter(~should, public=True).update(public=False)
        self.stdout.write(f"{shown} contribution(s) made public, {hidden} hidden.")
