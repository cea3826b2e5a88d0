"""Vetting registrations: the list shows who is over their organization's cap or lacks a
required nomination letter, and the actions decide through `decide_registration`. A registration
entered here on someone's behalf goes through `submit_registration`, as the public form's do."""

import re
from collections import Counter
from difflib import SequenceMatcher

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, OuterRef, Q, Subquery, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from consultations.admin.decisions import (
    AddedThroughServiceMixin,
    Decision,
    DecisionsMixin,
    ExportActionsMixin,
    SuperuserDeletesMixin,
    apply_to_each,
    counted,
    refusal_sentence,
    status_badge,
)
from consultations.admin.history import HistoryAdmin, at_the_venue, staff_member, zoned
from consultations.enums import REGISTRATION_MOVES, RegistrationStatus
from consultations.forms import checked_document
from consultations.models import AccreditationRule, Hearing, Registration
from consultations.models.submissions import folded
from consultations.notifications import site_url
from consultations.services import (
    decide_registration,
    match_to_organization,
    promote_from_waitlist,
    submit_registration,
)
from consultations.submission_views import registration_status_path
from stakeholders.models import Organization

# The end of a registration's reference, its number: "GCM-2017-R00042", "R42".
REFERENCE = re.compile(r"(?:^|-)R0*(\d{1,9})$", re.IGNORECASE)


def rule_value(field):
    return Subquery(
        AccreditationRule.objects.filter(
            hearing=OuterRef("hearing"), category=OuterRef("category")
        ).values(field)[:1]
    )


def attach_cap_standing(registrations):
    """Sets `cap_standing` on each registration of a page: `(organization, approved, cap)` where
    the per-organization cap holds it back, else None. Two queries for the whole page (the
    caps of its hearings, their approved registrations), counted as `check_organization_cap`
    counts: the same register entry, or the same folded name where either is unmatched."""
    registrations = list(registrations)
    caps = {
        (hearing, category): cap
        for hearing, category, cap in AccreditationRule.objects.filter(
            hearing_id__in={r.hearing_id for r in registrations},
            max_per_organization__isnull=False,
        ).values_list("hearing_id", "category", "max_per_organization")
    }
    by_entry, unmatched_by_name, all_by_name = Counter(), Counter(), Counter()
    if caps:
        approved = Registration.objects.filter(
            hearing_id__in={hearing for hearing, _category in caps},
            status=RegistrationStatus.APPROVED,
        ).values_list("hearing_id", "organization_id", "organization__name", "organization_name")
        for hearing, entry, registered_name, typed_name in approved:
            name = folded(registered_name or typed_name)
            all_by_name[hearing, name] += 1
            if entry:
                by_entry[hearing, entry] += 1
            else:
                unmatched_by_name[hearing, name] += 1
    for registration in registrations:
        registration.cap_standing = None
        cap = caps.get((registration.hearing_id, registration.category))
        name = folded(registration.organization_shown)
        if cap is None or not name:
            continue
        hearing = registration.hearing_id
        if registration.organization_id:
            count = by_entry[hearing, registration.organization_id]
            count += unmatched_by_name[hearing, name]
        else:
            count = all_by_name[hearing, name]
        held = count > cap if registration.status == RegistrationStatus.APPROVED else count >= cap
        if held:
            registration.cap_standing = (registration.organization_shown, count, cap)


def waitlist_position():
    """1 for the waitlisted registration promoted next, then 2…, in `promote_from_waitlist`'s
    order; None for any other status. Served by the registration_queue index."""
    ahead = (
        Registration.objects.filter(
            hearing=OuterRef("hearing"), status=RegistrationStatus.WAITLISTED
        )
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__lte=OuterRef("pk"))
        )
        .order_by()
        .values("hearing")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Case(When(status=RegistrationStatus.WAITLISTED, then=Subquery(ahead)))


class UnmatchedOrganizationFilter(admin.SimpleListFilter):
    """Registrations whose organization was typed and is not yet matched to the register."""

    title = gettext_lazy("organization")
    parameter_name = "organization_match"

    def lookups(self, request, model_admin):
        return [("unmatched", _("Unmatched organization")), ("matched", _("In the register"))]

    def queryset(self, request, queryset):
        if self.value() == "unmatched":
            return queryset.filter(organization__isnull=True).exclude(organization_name="")
        if self.value() == "matched":
            return queryset.filter(organization__isnull=False)
        return queryset


# How many register entries the matching page offers, most alike first.
MATCH_CANDIDATES = 8


def similar_organizations(names):
    """Register entries whose name or acronym is most alike any of `names`, best first."""
    wanted = [folded(name) for name in names if folded(name)]
    if not wanted:
        return []

    def likeness(entry):
        keys = [folded(entry.name), folded(entry.acronym)]
        return max(
            SequenceMatcher(None, key, name).ratio() for key in keys if key for name in wanted
        )

    entries = Organization.objects.only("pk", "name", "acronym")
    scored = sorted(((likeness(e), e.name, e) for e in entries), key=lambda t: (-t[0], t[1]))
    return [entry for score, _name, entry in scored[:MATCH_CANDIDATES] if score > 0]


class MatchOrganizationForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.all(),
        label=gettext_lazy("Register entry"),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose the register entry to match.")},
    )


class RegistrationAdminForm(forms.ModelForm):
    """Staff hand in the nomination letter here: uploaded (checked as the public form checks
    it), or noted as received by email, which `save_model` stamps with who and when."""

    letter_upload = forms.FileField(
        label=gettext_lazy("Upload the nomination letter"),
        required=False,
        help_text=gettext_lazy("A PDF, Word (DOCX) or OpenDocument (ODT) file, at most 10 MB."),
    )
    letter_received_by_email = forms.BooleanField(
        label=gettext_lazy("The nomination letter was received by email"),
        required=False,
        help_text=gettext_lazy("Recorded with your name and the time."),
    )

    def clean_letter_upload(self):
        letter = self.cleaned_data.get("letter_upload")
        if letter:
            self.instance.nomination_letter = checked_document(letter)
        return letter


class RegistrationAddForm(RegistrationAdminForm):
    """An address already registered for the hearing is not a form error here: under the
    hearing's lock `submit_registration` finds it, and the back office says so and shows it."""

    privacy_consent = forms.BooleanField(
        label=gettext_lazy("The registrant accepted the privacy notice"),
        required=False,
        help_text=gettext_lazy("Recorded as entered by you on their behalf, with the time."),
    )

    def _get_validation_exclusions(self):
        return {*super()._get_validation_exclusions(), "hearing"}


@admin.register(Registration)
class RegistrationAdmin(
    SuperuserDeletesMixin,
    DecisionsMixin,
    AddedThroughServiceMixin,
    ExportActionsMixin,
    HistoryAdmin,
):
    export_kind = "registrations"

    class Media:
        css = {"all": ["css/admin-decisions.css"]}

    moves, status_enum = REGISTRATION_MOVES, RegistrationStatus
    queue_order = ["created_at", "pk"]
    record_decisions = [
        ("approve", RegistrationStatus.APPROVED),
        ("waitlist", RegistrationStatus.WAITLISTED),
        ("reject", RegistrationStatus.REJECTED),
        ("return_to_pending", RegistrationStatus.PENDING),
        ("cancel", RegistrationStatus.CANCELLED),
    ]
    list_display = [
        "name",
        "status_shown",
        # The reference is searched and shown on the record: at 1440 px its column would push
        # the list into a sideways scroll.
        "organization_typed_or_matched",
        "category",
        "checks",
        "waitlist_position",
        "created_at_shown",
        # Last: a hearing's title is long, and the columns decided on come first.
        "hearing",
    ]
    # The order decisions are taken in, and the waiting list promoted in: oldest first.
    ordering = ["created_at", "pk"]
    list_filter = ["status", UnmatchedOrganizationFilter, "category", "hearing"]
    list_select_related = ["hearing__process", "organization"]
    search_fields = ["name", "email", "organization__name", "organization_name"]
    search_help_text = gettext_lazy(
        "Name, email, organization, or the reference the emails quote (GCM-2017-R00042)."
    )
    autocomplete_fields = ["hearing", "organization"]
    readonly_fields = [
        "reference",
        "status",
        "letter_download",
        "letter_by_email",
        "privacy_consent",
        "created_at_shown",
        "updated_at_shown",
        "decided_at_shown",
        "decided_by_name",
    ]
    exclude = [
        "nomination_letter",
        "letter_by_email_at",
        "letter_by_email_noted_by",
        "privacy_consent_at",
        "privacy_consent_entered_by",
        "decided_by",
    ]
    actions = [
        "approve",
        "waitlist",
        "reject",
        "return_to_pending",
        "cancel",
        "promote_oldest_waitlisted",
        "match_to_organization",
        "send_held_emails",
        "export_csv",
        "export_xlsx",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("hearing__process", "organization", "decided_by")
            .annotate(
                letter_required=rule_value("letter_required"),
                waitlist_position=waitlist_position(),
            )
        )

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_shown(self, registration):
        return status_badge(registration)

    @admin.display(description=gettext_lazy("organization"), ordering="organization__name")
    def organization_typed_or_matched(self, registration):
        """The register entry, or the name as typed, marked so, until someone matches it."""
        if registration.organization_id:
            return registration.organization.name
        if registration.organization_name:
            return format_html(
                '{} <span class="warning-badge">{}</span>',
                registration.organization_name,
                _("unmatched"),
            )
        return ""

    @admin.display(description=gettext_lazy("waiting list"), ordering="waitlist_position")
    def waitlist_position(self, registration):
        return registration.waitlist_position or ""

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        attach_cap_standing(changelist.result_list)
        return changelist

    @admin.display(description=gettext_lazy("organization's cap"))
    def over_cap(self, registration):
        """A badge only where the cap holds this registration back: approved beyond it, or not
        yet approved while it is reached (so approving would be refused)."""
        standing = getattr(registration, "cap_standing", None)
        if standing is None:
            return ""
        name, count, cap = standing
        return format_html('<span class="warning-badge">{} {}/{}</span>', name, count, cap)

    @admin.display(description=gettext_lazy("to check"))
    def checks(self, registration):
        """The cap's and the letter's badges in one column, empty while all is well."""
        return format_html_join(
            " ",
            "{}",
            (
                (badge,)
                for badge in [self.over_cap(registration), self.letter_missing(registration)]
                if badge
            ),
        )

    @admin.display(description=gettext_lazy("letter"))
    def letter_missing(self, registration):
        if registration.letter_required and not registration.has_letter:
            return format_html('<span class="warning-badge">{}</span>', _("letter missing"))
        return ""

    @admin.display(description=gettext_lazy("nomination letter"))
    def letter_download(self, registration):
        if not registration.pk or not registration.nomination_letter:
            return _("None uploaded")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:consultations_registration_letter", args=[registration.pk]),
            _("Download the nomination letter"),
        )

    def queue(self, registration):
        return Registration.objects.filter(
            hearing_id=registration.hearing_id, status=RegistrationStatus.PENDING
        )

    @admin.display(description=gettext_lazy("reference"))
    def reference(self, registration):
        return registration.reference if registration.pk else self.get_empty_value_display()

    def get_search_results(self, request, queryset, search_term):
        """The reference every email quotes (GCM-2017-R00042) finds its registration."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        quoted = REFERENCE.search(search_term.strip())
        if quoted:
            found |= queryset.filter(pk=int(quoted[1]))
        return found, may_have_duplicates

    decided_by_name = staff_member("decided_by", gettext_lazy("decided by"))
    created_at_shown = at_the_venue(Registration, "created_at")
    updated_at_shown = at_the_venue(Registration, "updated_at")
    decided_at_shown = at_the_venue(Registration, "decided_at")

    def revert_disabled(self, request, obj=None):
        """A status moves through the services only, never back to an old version."""
        return True

    @admin.action(description=gettext_lazy("Match to an organization…"), permissions=["change"])
    def match_to_organization(self, request, queryset):
        """A page offering register entries by similarity to the names typed; choosing one
        matches every selected registration to it through `match_to_organization`."""
        registrations = list(queryset.order_by("organization_name", "pk"))
        names = sorted({r.organization_name for r in registrations if r.organization_name})
        candidates = similar_organizations(names)
        form = MatchOrganizationForm(request.POST if "apply" in request.POST else None)
        form.fields["organization"].queryset = Organization.objects.filter(
            pk__in=[c.pk for c in candidates]
        )
        form.fields["organization"].choices = [(c.pk, str(c)) for c in candidates]
        if form.is_valid():
            organization = form.cleaned_data["organization"]
            count = match_to_organization(registrations, organization, by=request.user)
            self.message_user(
                request,
                ngettext(
                    "%(count)d registration matched to %(organization)s.",
                    "%(count)d registrations matched to %(organization)s.",
                    count,
                )
                % {"count": count, "organization": organization},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Match to an organization"),
            "opts": self.opts,
            "form": form,
            "records": registrations,
            "names": names,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/consultations/registration/match_organization.html", context
        )

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = RegistrationAddForm if obj is None else RegistrationAdminForm
        return super().get_form(request, obj, **kwargs)

    @admin.display(description=gettext_lazy("privacy consent"))
    def privacy_consent(self, registration):
        if registration.privacy_consent_at is None:
            return _("Not given")
        when = zoned(registration.privacy_consent_at, registration.hearing.zone)
        if registration.privacy_consent_entered_by_id:
            return _("Entered by staff for the registrant: %(staff)s, %(when)s") % {
                "staff": registration.privacy_consent_entered_by,
                "when": when,
            }
        return _("Given by the registrant on the public form, %(when)s") % {"when": when}

    @admin.display(description=gettext_lazy("letter received by email"))
    def letter_by_email(self, registration):
        if registration.letter_by_email_at is None:
            return _("No")
        return _("Noted by %(staff)s, %(when)s") % {
            "staff": registration.letter_by_email_noted_by,
            "when": zoned(registration.letter_by_email_at, registration.hearing.zone),
        }

    def get_readonly_fields(self, request, obj=None):
        """Moving a registration to another hearing would take a seat there without the capacity
        check: it is cancelled, and a new one made, instead."""
        fields = super().get_readonly_fields(request, obj)
        return fields if obj is None else [*fields, "hearing"]

    def save_model(self, request, obj, form, change):
        """A new registration is submitted as the public form's are, whatever the window: it
        waits or joins the waiting list, its status change names the staff member, and the
        registrant gets the confirmation email with their status link."""
        now = timezone.now()
        if form.cleaned_data.get("letter_received_by_email") and obj.letter_by_email_at is None:
            obj.letter_by_email_at, obj.letter_by_email_noted_by = now, request.user
        if change:
            super().save_model(request, obj, form, change)
            return
        if form.cleaned_data.get("privacy_consent"):
            obj.privacy_consent_at, obj.privacy_consent_entered_by = now, request.user
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
            *self.confirm_urls(),
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

    def decide(self, request, queryset, status, done_message, reason=""):
        apply_to_each(
            self,
            request,
            queryset.order_by("created_at", "pk"),
            lambda registration: decide_registration(
                registration, status, by=request.user, reason=reason
            ),
            done_message,
            remedies=dict.fromkeys(
                ["hearing_full", "organization_cap_reached", "nomination_letter_missing"],
                ("waitlist", counted("Waitlist this one", "Waitlist these %(count)d")),
            ),
        )

    def decisions(self):
        def making(status, singular, plural):
            return lambda request, queryset, reason: self.decide(
                request, queryset, status, counted(singular, plural), reason
            )

        return {
            "approve": Decision(
                _("Approve registrations"),
                _("These registrations will be approved:"),
                _("Approve"),
                making(
                    RegistrationStatus.APPROVED,
                    "%(count)d registration approved.",
                    "%(count)d registrations approved.",
                ),
            ),
            "waitlist": Decision(
                _("Put registrations on the waiting list"),
                _("These registrations will be put on the waiting list:"),
                _("Put on the waiting list"),
                making(
                    RegistrationStatus.WAITLISTED,
                    "%(count)d registration put on the waiting list.",
                    "%(count)d registrations put on the waiting list.",
                ),
            ),
            "reject": Decision(
                _("Reject registrations"),
                _("These registrations will be rejected:"),
                _("Reject"),
                making(
                    RegistrationStatus.REJECTED,
                    "%(count)d registration rejected.",
                    "%(count)d registrations rejected.",
                ),
            ),
            "return_to_pending": Decision(
                _("Return registrations to pending"),
                _(
                    "The decision on these registrations will be taken back: an email not yet "
                    "sent is cancelled, one already sent is followed by an explanation."
                ),
                _("Return to pending"),
                making(
                    RegistrationStatus.PENDING,
                    "%(count)d registration returned to pending.",
                    "%(count)d registrations returned to pending.",
                ),
            ),
            "cancel": Decision(
                _("Cancel registrations"),
                _(
                    "These registrations will be cancelled, for good: a cancelled registration "
                    "cannot be reopened, and its seat goes to someone else."
                ),
                _("Yes, cancel them"),
                making(
                    RegistrationStatus.CANCELLED,
                    "%(count)d registration cancelled.",
                    "%(count)d registrations cancelled.",
                ),
                name=_("Cancel"),
            ),
            "promote_oldest_waitlisted": Decision(
                _("Promote from the waiting list"),
                _(
                    "The registration that has waited longest in each of these hearings will be "
                    "approved:"
                ),
                _("Approve"),
                self.promote,
                records=self.oldest_waitlisted,
                nothing=_("Nobody is on the waiting list of these hearings: nobody to promote."),
            ),
        }

    @admin.action(description=gettext_lazy("Approve…"), permissions=["change"])
    def approve(self, request, queryset):
        return self.confirm(request, queryset, "approve")

    @admin.action(description=gettext_lazy("Put on the waiting list…"), permissions=["change"])
    def waitlist(self, request, queryset):
        return self.confirm(request, queryset, "waitlist")

    @admin.action(description=gettext_lazy("Reject…"), permissions=["change"])
    def reject(self, request, queryset):
        return self.confirm(request, queryset, "reject")

    @admin.action(description=gettext_lazy("Return to pending…"), permissions=["change"])
    def return_to_pending(self, request, queryset):
        return self.confirm(request, queryset, "return_to_pending")

    @admin.action(description=gettext_lazy("Cancel…"), permissions=["change"])
    def cancel(self, request, queryset):
        return self.confirm(request, queryset, "cancel")

    @admin.action(
        description=gettext_lazy("Promote the oldest waitlisted registration of these hearings…"),
        permissions=["change"],
    )
    def promote_oldest_waitlisted(self, request, queryset):
        return self.confirm(request, queryset, "promote_oldest_waitlisted")

    def oldest_waitlisted(self, request, queryset):
        """The registration each hearing of the selection promotes next, in
        `promote_from_waitlist`'s order: the confirmation page lists these, not the selection."""
        first_waiting = (
            Registration.objects.filter(
                hearing=OuterRef("hearing"), status=RegistrationStatus.WAITLISTED
            )
            .order_by("created_at", "pk")
            .values("pk")[:1]
        )
        return self.get_queryset(request).filter(
            hearing__in=queryset.order_by().values("hearing_id"),
            status=RegistrationStatus.WAITLISTED,
            pk=Subquery(first_waiting),
        )

    def promote(self, request, queryset, reason):
        hearings = Hearing.objects.filter(pk__in=queryset.order_by().values("hearing_id")).order_by(
            "date", "pk"
        )
        for hearing in hearings:
            try:
                promoted = promote_from_waitlist(hearing, by=request.user, reason=reason)
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
