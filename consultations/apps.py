from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save, pre_save

        from consultations import checks  # noqa: F401 (registers the system checks)
        from consultations.cache import connect_invalidation
        from consultations.campaigns import follow_group, hand_on_lead, remember_group
        from consultations.models import Contribution, Hearing
        from consultations.models.hearings import keep_venue_day
        from consultations.models.submissions import follow_hearing_publication, keep_public_flag
        from consultations.roles import sync_role_groups

        post_migrate.connect(sync_role_groups, sender=self)
        post_migrate.connect(create_cache_table, sender=self)
        post_delete.connect(hand_on_lead, sender=Contribution, dispatch_uid="campaign-lead")
        pre_save.connect(remember_group, sender=Contribution, dispatch_uid="campaign-before")
        post_save.connect(follow_group, sender=Contribution, dispatch_uid="campaign-after")
        pre_save.connect(keep_venue_day, sender=Hearing, dispatch_uid="hearing-venue-day")
        pre_save.connect(keep_public_flag, sender=Contribution, dispatch_uid="contribution-public")
        post_save.connect(
            follow_hearing_publication, sender=Hearing, dispatch_uid="hearing-contributions-public"
        )
        connect_invalidation()


def create_cache_table(using="default", **kwargs):
    """Whoever migrates gets the shared cache's table too, when the cache is the database (no
    REDIS_URL): `createcachetable` does nothing where the table exists."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
