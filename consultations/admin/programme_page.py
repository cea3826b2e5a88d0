"""One page for a hearing's whole programme: its segments in order, the people in each, and the
sub-discussions with theirs, each row with a link to its form. Rows are put in order by dragging
(static/js/admin-programme.js) or, without JavaScript, by the up and down buttons, which the
keyboard reaches too; both post to this page, which calls the `reorder` services."""

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from consultations.admin.decisions import refusal_sentence
from consultations.models import Participation, Segment, SubDiscussion
from consultations.services import move_one_place, reorder

STEPS = {"up": -1, "down": 1}


def siblings_of(hearing, kind, pk):
    """The rows of the hearing's programme that share a place with row `pk` of `kind`: the
    hearing's segments, a segment's sub-discussions, or the people of one segment or
    sub-discussion. None where the row is not in this hearing's programme."""
    if kind == "segment":
        siblings = Segment.objects.filter(hearing=hearing)
        return siblings if siblings.filter(pk=pk).exists() else None
    if kind == "subdiscussion":
        row = SubDiscussion.objects.filter(pk=pk, segment__hearing=hearing).first()
        return None if row is None else SubDiscussion.objects.filter(segment_id=row.segment_id)
    if kind == "participation":
        row = Participation.objects.filter(
            Q(segment__hearing=hearing) | Q(sub_discussion__segment__hearing=hearing), pk=pk
        ).first()
        if row is None:
            return None
        return Participation.objects.filter(
            segment_id=row.segment_id, sub_discussion_id=row.sub_discussion_id
        )
    return None


def integer(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


class ProgrammePageMixin:
    """For the hearing admin: the programme page and a link to it from the hearing's form."""

    programme_template = "admin/consultations/hearing/programme.html"

    def programme_url_name(self):
        return f"{self.opts.app_label}_{self.opts.model_name}_programme"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/programme/",
                self.admin_site.admin_view(self.programme_view),
                name=self.programme_url_name(),
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["programme_url"] = reverse(
                f"admin:{self.programme_url_name()}", args=[quote(obj.pk)]
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def programme_view(self, request, object_id):
        hearing = self.get_object(request, unquote(object_id))
        if hearing is None:
            raise Http404
        if not self.has_view_or_change_permission(request, hearing):
            raise PermissionDenied
        may_change = self.has_change_permission(request, hearing)
        if request.method == "POST":
            if not may_change:
                raise PermissionDenied
            self.reorder_from(request, hearing)
            return redirect(request.path)
        segments = list(
            Segment.objects.filter(hearing=hearing)
            .with_programme(public=False)
            .order_by("order", "pk")
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Programme of %(hearing)s") % {"hearing": hearing},
            "opts": self.opts,
            "hearing": hearing,
            "segments": segments,
            "may_change": may_change,
        }
        return TemplateResponse(request, self.programme_template, context)

    def reorder_from(self, request, hearing):
        """Either one move (`move` = "kind:pk:up|down", from a button) or a whole new order
        (`kind` and `order` = "pk,pk,…", from dragging). Anything else is answered with a
        sentence and moves nothing."""
        try:
            if "move" in request.POST:
                kind, pk, direction = [*request.POST["move"].split(":"), "", "", ""][:3]
                pk = integer(pk)
                siblings = siblings_of(hearing, kind, pk)
                if siblings is None or direction not in STEPS:
                    raise ValidationError(_("This row is not in the programme: nothing was moved."))
                move_one_place(siblings, pk, STEPS[direction])
            else:
                pks = [integer(pk) for pk in request.POST.get("order", "").split(",")]
                siblings = siblings_of(hearing, request.POST.get("kind"), pks[0])
                if siblings is None or None in pks:
                    raise ValidationError(_("This row is not in the programme: nothing was moved."))
                reorder(siblings, pks)
        except ValidationError as error:
            self.message_user(request, refusal_sentence(error), messages.ERROR)
        else:
            self.message_user(
                request, _("The new order of the programme is saved."), messages.SUCCESS
            )
