from django.core.management.base import BaseCommand

from consultations.models import OutgoingEmail
from consultations.notifications import deliver


class Command(BaseCommand):
    help = "Send the emails the mail server refused earlier (run it from cron every few minutes)."

    def handle(self, *args, **options):
        pending = OutgoingEmail.objects.filter(sent_at__isnull=True).order_by("created_at")
        sent = failed = 0
        for pk in pending.values_list("pk", flat=True):
            if deliver(pk):
                sent += 1
            else:
                failed += 1
        self.stdout.write(f"{sent} sent, {failed} still pending.")
