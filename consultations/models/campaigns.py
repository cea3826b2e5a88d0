"""What finds a contribution's campaign group on arrival: its text's MinHash signature and the
LSH keys of its bands (`consultations.similarity`). Rebuilt by `manage.py regroup_campaigns`."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TextSignature(models.Model):
    contribution = models.OneToOneField(
        "consultations.Contribution",
        verbose_name=_("contribution"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="text_signature",
    )
    signature = models.BinaryField(_("signature"))

    class Meta:
        verbose_name = _("text signature")
        verbose_name_plural = _("text signatures")

    def __str__(self):
        return str(self.contribution_id)


class SignatureBand(models.Model):
    signature = models.ForeignKey(
        TextSignature, verbose_name=_("signature"), on_delete=models.CASCADE, related_name="bands"
    )
    key = models.BigIntegerField(_("key"))

    class Meta:
        verbose_name = _("signature band")
        verbose_name_plural = _("signature bands")
        indexes = [
            # An arriving contribution's candidates: the signatures sharing one of its keys.
            models.Index(fields=["key"], name="signature_band_key"),
        ]

    def __str__(self):
        return str(self.key)
