"""A process's trail: the dated phases it went through and the documents that mark them, shown
with its hearings on `/processes/<code>/`. Staff add them; the seed states none."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from consultations.models.hearings import Process


class ProcessPhase(models.Model):
    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="phases"
    )
    title = models.CharField(_("title"), max_length=200, help_text=_("e.g. Stocktaking"))
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(
        _("ends on"), null=True, blank=True, help_text=_("Empty while the end is not known.")
    )

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title=""),
                name="process_phase_title_not_empty",
                violation_error_message=_("A phase needs a title."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__lte=F("ends_on")),
                name="process_phase_starts_before_it_ends",
                violation_error_message=_("A phase cannot end before it starts."),
            ),
        ]
        indexes = [
            # The process page and API: a process's phases in date order.
            models.Index(fields=["process", "starts_on"], name="process_phase_by_date"),
        ]

    def __str__(self):
        return self.title


class ProcessDocument(models.Model):
    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("link"), max_length=500)
    symbol = models.CharField(
        _("document symbol"), max_length=60, blank=True, help_text=_("e.g. A/RES/71/280")
    )
    issued_on = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        verbose_name = _("process document")
        verbose_name_plural = _("process documents")
        ordering = [F("issued_on").asc(nulls_last=True), "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title="") & ~Q(url=""),
                name="process_document_title_url_not_empty",
                violation_error_message=_("A document needs a title and a link."),
            ),
        ]
        indexes = [
            # The process page and API: a process's documents by date.
            models.Index(fields=["process", "issued_on"], name="process_document_by_date"),
        ]

    def __str__(self):
        return self.title
