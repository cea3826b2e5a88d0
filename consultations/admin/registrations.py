"""Vetting registrations: the list shows who is over their organization's cap or lacks a
required nomination letter, and the actions decide through `decide_registration`. A registration
entered here on someone's behalf goes through `submit_registration`, as the public form's do."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations.admin.decisions import (
    AddedThroughServiceMixin,
    ExportActionsMixin,
    apply_to_each,
    counted,
    refusal_sentence,
)
from consultations.admin.history import HistoryAdmin, staff_member
from consultations.enums import RegistrationStatus
from consultations.models import AccreditationRule, Hearing, Registration
from consultations.notifications import site_url
from consultations.services import decide_registration, promote_from_waitlist, submit_registration
from consultations.submission_views import registration_status_path


def rule_value(field):
    return Subquery(
        AccreditationRule.objects.filter(
            hearing=OuterRef("hearing"), category=OuterRef("category")
        ).values(field)[:1]
    )


def approved_of_organization():
    return Subquery(
        Registration.objects.filter(
            hearing=OuterRef("hearing"),
            organization=OuterRef("organization"),
            status=RegistrationStatus.APPROVED,
        )
        .order_by()
        .values("organization")
        .annotate(count=Count("pk"))
        .values("count")
    )


class RegistrationAddForm(forms.ModelForm):
    """An address already registered for the hearing is not a form error here: under the
    hearing's lock `submit_registration` finds it, and the back office says so and shows it."""

    def _get_validation_exclusions(self):
        return {*super()._get_validation_exclusions(), "hearing"}


@admin.register(Registration)
class RegistrationAdmin(AddedThroughServiceMixin, ExportActionsMixin, HistoryAdmin):
    export_kind = "registrations"
    list_display = [
        "name",
        "email",
        "hearing",
        "organization",
        "category",
        "status",
        "over_cap",
        "letter_missing",
        "created_at",
    ]
    list_filter = ["status", "category", "hearing"]
    list_select_related = ["hearing__process", "organization"]
    search_fields = ["name", "email", "organization__name", "organization_name"]
    autocomplete_fields = ["hearing", "organization"]
    readonly_fields = [
        "status",
        "letter_download",
        "created_at",
        "updated_at",
        "decided_at",
        "decided_by_name",
    ]
    exclude = ["nomination_letter", "decided_by"]
    actions = [
        "approve",
        "waitlist",
        "reject",
        "cancel",
        "promote_oldest_waitlisted",
        "export_csv",
        "export_xlsx",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("hearing__process", "organization", "decided_by")
            .annotate(
                organization_cap=rule_value("max_per_organization"),
                letter_required=rule_value("letter_required"),
                organization_approved=approved_of_organization(),
            )
        )

    @admin.display(description=gettext_lazy("over the organization's cap"), boolean=True)
    def over_cap(self, registration):
        """Approved beyond the cap, or not yet approved while the cap is reached (so approving
        would be refused)."""
        cap = registration.organization_cap
        if cap is None or registration.organization_id is None:
            return False
        approved = registration.organization_approved or 0
        if registration.status == RegistrationStatus.APPROVED:
            return approved > cap
        return approved >= cap

    @admin.display(description=gettext_lazy("letter missing"), boolean=True)
    def letter_missing(self, registration):
        return bool(registration.letter_required) and not registration.nomination_letter

    @admin.display(description=gettext_lazy("nomination letter"))
    def letter_download(self, registration):
        if not registration.pk or not registration.nomination_letter:
            return _("None uploaded")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:consultations_registration_letter", args=[registration.pk]),
            _("Download the nomination letter"),
        )

    decided_by_name = staff_member("decided_by", gettext_lazy("decided by"))

    def revert_disabled(self, request, obj=None):
        """A status moves through the services only, never back to an old version."""
        return True

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = RegistrationAddForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        """Moving a registration to another hearing would take a seat there without the capacity
        check: it is cancelled, and a new one made, instead."""
        fields = super().get_readonly_fields(request, obj)
        return fields if obj is None else [*fields, "hearing"]

    def save_model(self, request, obj, form, change):
        """A new registration is submitted as the public form's are, whatever the window: it
        waits or joins the waiting list, its status change names the staff member, and the
        registrant gets the confirmation email with their status link."""
        if change:
            super().save_model(request, obj, form, change)
            return
        stored, created = submit_registration(
            obj, link=lambda r: site_url(registration_status_path(r)), by=request.user
        )
        if not created:
            obj.already_registered = stored

    def response_add(self, request, obj, post_url_continue=None):
        stored = getattr(obj, "already_registered", None)
        if stored is not None:
            self.message_user(
                request,
                _(
                    "%(email)s is already registered for this hearing: nothing was added. Here "
                    "is that registration."
                )
                % {"email": stored.email},
                messages.WARNING,
            )
            return redirect(reverse("admin:consultations_registration_change", args=[stored.pk]))
        if obj.status == RegistrationStatus.WAITLISTED:
            self.message_user(
                request,
                _("The hearing is full: %(registration)s is on the waiting list.")
                % {"registration": obj},
                messages.WARNING,
            )
        return super().response_add(request, obj, post_url_continue)

    def get_urls(self):
        return [
            path(
                "<int:pk>/nomination-letter/",
                self.admin_site.admin_view(self.letter_view),
                name="consultations_registration_letter",
            ),
            *super().get_urls(),
        ]

    def letter_view(self, request, pk):
        """The nomination letter, for staff who may view registrations only; always downloaded,
        never shown inline, under a name that carries no markup."""
        registration = get_object_or_404(Registration, pk=pk)
        if not self.has_view_permission(request, registration):
            raise PermissionDenied
        if not registration.nomination_letter:
            raise Http404(_("This registration has no nomination letter."))
        suffix = registration.nomination_letter.name.rsplit(".", 1)
        extension = f".{suffix[1]}" if len(suffix) == 2 else ""
        return FileResponse(
            registration.nomination_letter.open("rb"),
            as_attachment=True,
            filename=f"nomination-letter-R{registration.pk:05d}{extension}",
        )

    def decide(self, request, queryset, status, done_message):
        apply_to_each(
            self,
            request,
            queryset.order_by("created_at", "pk"),
            lambda registration: decide_registration(registration, status, by=request.user),
            done_message,
        )

    @admin.action(description=gettext_lazy("Approve"), permissions=["change"])
    def approve(self, request, queryset):
        self.decide(
            request,
            queryset,
            RegistrationStatus.APPROVED,
            counted("%(count)d registration approved.", "%(count)d registrations approved."),
        )

    @admin.action(description=gettext_lazy("Put on the waiting list"), permissions=["change"])
    def waitlist(self, request, queryset):
        self.decide(
            request,
            queryset,
            RegistrationStatus.WAITLISTED,
            counted(
                "%(count)d registration put on the waiting list.",
                "%(count)d registrations put on the waiting list.",
            ),
        )

    @admin.action(description=gettext_lazy("Reject"), permissions=["change"])
    def reject(self, request, queryset):
        self.decide(
            request,
            queryset,
            RegistrationStatus.REJECTED,
            counted("%(count)d registration rejected.", "%(count)d registrations rejected."),
        )

    @admin.action(description=gettext_lazy("Cancel"), permissions=["change"])
    def cancel(self, request, queryset):
        self.decide(
            request,
            queryset,
            RegistrationStatus.CANCELLED,
            counted("%(count)d registration cancelled.", "%(count)d registrations cancelled."),
        )

    @admin.action(
        description=gettext_lazy("Promote the oldest waitlisted registration of these hearings"),
        permissions=["change"],
    )
    def promote_oldest_waitlisted(self, request, queryset):
        hearings = Hearing.objects.filter(pk__in=queryset.order_by().values("hearing_id")).order_by(
            "date", "pk"
        )
        for hearing in hearings:
            try:
                promoted = promote_from_waitlist(hearing, by=request.user)
            except ValidationError as error:
                self.message_user(
                    request,
                    _("%(record)s: %(reason)s")
                    % {"record": hearing.title, "reason": refusal_sentence(error)},
                    messages.ERROR,
                )
                continue
            if promoted is None:
                self.message_user(
                    request,
                    _("Nobody is on the waiting list of %(hearing)s.") % {"hearing": hearing.title},
                    messages.WARNING,
                )
            else:
                self.message_user(
                    request,
                    _("%(registration)s is approved from the waiting list.")
                    % {"registration": promoted},
                    messages.SUCCESS,
                )
