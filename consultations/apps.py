from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self):
        from django.db.models.signals import post_migrate

        from consultations.cache import connect_invalidation
        from consultations.roles import sync_role_groups

        post_migrate.connect(sync_role_groups, sender=self)
        connect_invalidation()
