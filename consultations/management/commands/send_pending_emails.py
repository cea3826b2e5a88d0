from django.core.management.base import BaseCommand

from consultations.models import OutgoingEmail
from consultations.notifications import deliver


class Command(BaseCommand):
    help = (
        "Send the emails the mail server refused earlier, and the decision emails whose delay "
        "(DJANGO_DECISION_EMAIL_DELAY) is over (run it from cron every few minutes). "
        "Several runs at once send each email once; an email refused "
        f"{OutgoingEmail.MAX_ATTEMPTS} times is failed, shown so in the admin, and no longer tried."
    )

    def handle(self, *args, **options):
        pending = OutgoingEmail.objects.to_send().order_by("created_at")
        sent = sum(deliver(pk) is True for pk in list(pending.values_list("pk", flat=True)))
        still = OutgoingEmail.objects.to_send().count()
        failed = OutgoingEmail.objects.failed().count()
        self.stdout.write(f"{sent} sent, {still} still pending, {failed} failed for good.")
