"""The public registration and contribution forms. They check what a person typed and say what is
wrong beside the field; the services in `services.py` store the record and write the email."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consultations.enums import PublicationConsent, UNLanguage
from consultations.models import Contribution, Registration, Segment
from consultations.validators import ACCEPT, validate_document
from stakeholders.enums import StakeholderCategory
from stakeholders.models import Organization

ORGANIZATION_SUGGESTIONS = 1000
BODY_MIN = 50
BODY_MAX = 20_000


def organization_suggestions():
    """The register's names for the picker's `<datalist>`, bounded so the page stays small."""
    return Organization.objects.order_by("name").values_list("name", flat=True)[
        :ORGANIZATION_SUGGESTIONS
    ]


def match_organization(text):
    """The organization whose name or acronym is exactly `text`, any letter case, or None."""
    text = text.strip()
    if not text:
        return None
    matches = list(
        Organization.objects.filter(Q(name__iexact=text) | Q(acronym__iexact=text)).only(
            "pk", "name"
        )[:2]
    )
    return matches[0] if len(matches) == 1 else None


def readable_text(value):
    """Bytes that are not UTF-8 (a lone surrogate, a stray byte) reach a form as U+FFFD, the
    replacement character: refused beside the field instead of stored as a garbled name."""
    if "\ufffd" in value:
        raise forms.ValidationError(
            _("This text holds characters that could not be read: please type them again."),
            code="unreadable",
        )


def checked_document(file):
    """Validate an upload by content and rename it after what it is, so a PDF sent as `x.exe`
    is stored and served as `.pdf`."""
    kind = validate_document(file)
    file.name = f"document.{kind}"
    return file


class PublicForm(forms.ModelForm):
    """What both public forms share: the honeypot and the organization picker."""

    # Hidden from people by a CSS class; a bot that fills every field gives itself away.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    organization_text = forms.CharField(
        label=_("Organization"),
        max_length=300,
        help_text=_(
            "Start typing to pick it from the register. If it is not there, write its full name: "
            "the secretariat will add it."
        ),
        widget=forms.TextInput(attrs={"list": "organizations", "autocomplete": "organization"}),
    )

    def __init__(self, *args, hearing, **kwargs):
        self.hearing = hearing
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.instance.hearing = hearing
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(readable_text)
        self.fields["category"].choices = [
            ("", _("Choose a category")),
            *StakeholderCategory.choices,
        ]
        self.fields["country"].choices = [
            ("", _("Choose a country")),
            *[choice for choice in self.fields["country"].choices if choice[0]],
        ]

    def is_spam(self):
        return bool(self.data.get("website"))

    def without_database(self):
        """For the page shown while the database is unavailable: a picker whose choices come
        from the database offers only what the person chose, which validation already loaded."""
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField):
                chosen = getattr(self, "cleaned_data", {}).get(name)
                choices = [] if field.empty_label is None else [("", field.empty_label)]
                if chosen is not None:
                    choices.append((chosen.pk, field.label_from_instance(chosen)))
                field.choices = choices

    def clean_organization_text(self):
        text = self.cleaned_data["organization_text"].strip()
        self.instance.organization = match_organization(text)
        self.instance.organization_name = "" if self.instance.organization else text
        return text


class RegistrationForm(PublicForm):
    privacy_consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree to it."),
        error_messages={"required": _("Please accept the privacy notice to register.")},
    )

    class Meta:
        model = Registration
        fields = [
            "honorific",
            "name",
            "email",
            "position",
            "category",
            "country",
            "accessibility_needs",
            "nomination_letter",
            "listed_publicly",
        ]
        labels = {
            "honorific": _("Honorific (optional)"),
            "name": _("Full name"),
            "email": _("Email"),
            "position": _("Position (optional)"),
            "country": _("Country"),
            "accessibility_needs": _("Accessibility needs (optional)"),
            "listed_publicly": _(
                "List me on the public list of participants: my name, position and organization"
            ),
        }
        help_texts = {
            "honorific": _("e.g. Ms., Mr., Dr., H.E."),
            "email": _("We write to you here about your registration."),
            "accessibility_needs": _(
                "e.g. wheelchair access, sign language interpretation, captioning."
            ),
            "listed_publicly": _(
                "Optional. You may register without appearing on the list. It names only "
                "approved registrations, grouped by category and organization, and is "
                "published with the outcome of the hearing."
            ),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "honorific": forms.TextInput(attrs={"autocomplete": "honorific-prefix"}),
            "position": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "accessibility_needs": forms.Textarea(attrs={"rows": 3}),
            "nomination_letter": forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        }

    field_order = [
        "honorific",
        "name",
        "email",
        "position",
        "category",
        "organization_text",
        "country",
        "accessibility_needs",
        "nomination_letter",
        "privacy_consent",
        "listed_publicly",
        "website",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].required = True
        self.letter_categories = [
            rule.get_category_display()
            for rule in self.hearing.accreditation_rules.filter(letter_required=True)
        ]
        letter = self.fields["nomination_letter"]
        letter.label = _("Nomination letter")
        if self.letter_categories:
            letter.help_text = _(
                "Required for: %(categories)s. A PDF, Word (DOCX) or OpenDocument (ODT) file, "
                "at most 10 MB."
            ) % {"categories": ", ".join(str(c) for c in self.letter_categories)}
        else:
            letter.help_text = _("Optional. A PDF, DOCX or ODT file, at most 10 MB.")

    def clean_email(self):
        # An address already registered is not refused here: the form would tell anyone who
        # is registered. `services.submit_registration` tells the address's owner instead.
        return self.cleaned_data["email"].strip()

    def clean_nomination_letter(self):
        letter = self.cleaned_data.get("nomination_letter")
        return checked_document(letter) if letter else letter

    def clean(self):
        cleaned = super().clean()
        category = cleaned.get("category")
        if (
            category
            and not cleaned.get("nomination_letter")
            and "nomination_letter" not in self.errors
            and self.hearing.accreditation_rules.filter(
                category=category, letter_required=True
            ).exists()
        ):
            self.add_error(
                "nomination_letter",
                forms.ValidationError(
                    _("This hearing asks for a nomination letter from your category: attach it."),
                    code="nomination_letter_missing",
                ),
            )
        return cleaned


class ContributionForm(PublicForm):
    consent = forms.ChoiceField(
        label=_("What may we publish with your contribution?"),
        choices=PublicationConsent.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what may be published with your contribution.")},
    )
    body = forms.CharField(
        label=_("Your contribution"),
        min_length=BODY_MIN,
        max_length=BODY_MAX,
        strip=False,
        help_text=_(
            "Between 50 and 20,000 characters. You may use Markdown: **bold**, *italic*, "
            "lists starting with “-”, and links."
        ),
        widget=forms.Textarea(attrs={"rows": 14}),
    )

    class Meta:
        model = Contribution
        fields = [
            "author_name",
            "author_email",
            "category",
            "country",
            "language",
            "title",
            "segment",
            "body",
            "attachment",
            "consent",
        ]
        labels = {
            "author_name": _("Your name"),
            "author_email": _("Your email"),
            "country": _("Country"),
            "language": _("Language of your contribution"),
            "title": _("Title"),
            "segment": _("Part of the hearing it addresses (optional)"),
            "attachment": _("Attachment (optional)"),
        }
        help_texts = {
            "author_email": _("Never published. We write to you here about your contribution."),
            "attachment": _("A PDF, Word (DOCX) or OpenDocument (ODT) file, at most 10 MB."),
        }
        widgets = {
            "author_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "author_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "attachment": forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        }

    field_order = [
        "author_name",
        "author_email",
        "organization_text",
        "category",
        "country",
        "language",
        "title",
        "segment",
        "body",
        "attachment",
        "consent",
        "website",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].required = True
        self.fields["segment"].queryset = Segment.objects.filter(hearing=self.hearing).only(
            "pk", "order", "title", "hearing_id"
        )
        self.fields["segment"].empty_label = _("The hearing as a whole")
        self.fields["language"].choices = UNLanguage.choices
        self.fields["body"].error_messages.update(
            {
                "min_length": _(
                    "Write at least %(limit_value)d characters (you wrote %(show_value)d)."
                ),
                "max_length": _(
                    "Keep it to %(limit_value)d characters at most (you wrote %(show_value)d)."
                ),
            }
        )

    def clean_attachment(self):
        attachment = self.cleaned_data.get("attachment")
        return checked_document(attachment) if attachment else attachment


class WalkInForm(PublicForm):
    """Someone registered at the door by staff: who they are, what the badge and the statistics
    need, and their consent to the privacy notice, which staff read to them."""

    privacy_consent = forms.BooleanField(
        label=_("The person has read the privacy notice and agrees to it."),
        error_messages={"required": _("Please confirm the person accepts the privacy notice.")},
    )

    class Meta:
        model = Registration
        fields = ["honorific", "name", "email", "category", "country"]
        labels = {
            "honorific": _("Honorific (optional)"),
            "name": _("Full name"),
            "email": _("Email"),
            "country": _("Country"),
        }
