"""Publishing and withdrawing hearings and outcome documents in the back office. Their publication
fields are read-only in every form; the list's actions and the button on a record's page call the
services in `consultations.services`, and say what they did or, in a sentence, why not."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse

from consultations.admin.decisions import refusal_sentence
from consultations.admin.history import HistoryAdmin
from consultations.services import keep_stored_publication


@dataclass(frozen=True)
class Move:
    to: str
    button: str  # translated lazily, as `done` is
    done: str  # the message once done, naming %(record)s


class PublicationAdmin(HistoryAdmin):
    """`moves` maps a record's publication state to the one move the button offers from it;
    `move(record, to, by)` calls the service."""

    change_form_template = "admin/consultations/publication_change_form.html"
    moves = {}

    def publication_of(self, record):
        raise NotImplementedError

    def move(self, record, to, by):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        """A form, a stale page or a reverted old version never changes the publication."""
        if change:
            keep_stored_publication(obj)
        super().save_model(request, obj, form, change)

    def publication_url_name(self):
        return f"{self.opts.app_label}_{self.opts.model_name}_publication"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/publication/",
                self.admin_site.admin_view(self.publication_view),
                name=self.publication_url_name(),
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and self.has_change_permission(request, obj):
            move = self.moves[self.publication_of(obj)]
            context["publication"] = {
                "url": reverse(f"admin:{self.publication_url_name()}", args=[quote(obj.pk)]),
                "to": move.to,
                "button": move.button,
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def publication_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        record = self.get_object(request, unquote(object_id))
        if record is None:
            raise Http404
        if not self.has_change_permission(request, record):
            raise PermissionDenied
        to = request.POST.get("to", "")
        move = next((m for m in self.moves.values() if m.to == to), None)
        if move is None:
            return HttpResponseBadRequest()
        try:
            self.move(record, to, by=request.user)
        except ValidationError as error:
            self.message_user(request, refusal_sentence(error), messages.ERROR)
        else:
            self.message_user(request, move.done % {"record": record}, messages.SUCCESS)
        return redirect(
            reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=[quote(record.pk)],
            )
        )
