"""Inline building blocks that keep a change form's cost fixed however many rows it holds."""

from django import forms
from django.contrib.admin import widgets
from django.db.models import F, Max


class OrderedInlineFormSet(forms.BaseInlineFormSet):
    """Rows numbered by `order` inside their parent may swap numbers in one save (the formset has
    already refused two rows with one number). Rows that move or go are first set aside above
    the highest number, so saving them one by one never meets the unique constraint halfway."""

    def save_existing_objects(self, commit=True):
        moving = [
            form.instance.pk
            for form in self.initial_forms
            if "order" in form.changed_data or (self.can_delete and self._should_delete_form(form))
        ]
        if commit and moving:
            siblings = self.model._default_manager.filter(**{self.fk.name: self.instance})
            top = siblings.aggregate(top=Max("order"))["top"]
            siblings.filter(pk__in=moving).update(order=F("order") + top + 1)
        return super().save_existing_objects(commit)


class KnownChoicesMixin:
    """An autocomplete widget normally asks the database for the label of its selected value,
    once per row of an inline. Given the objects the row's instance already holds (through the
    inline's `select_related`/`prefetch_related`), it labels them without a query."""

    known = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        known = self.known or {}
        if not selected or not selected <= known.keys():
            return super().optgroups(name, value, attr)
        default = (None, [], 0)
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        for key in sorted(selected, key=list(known).index):
            label = self.choices.field.label_from_instance(known[key])
            default[1].append(self.create_option(name, key, label, selected, len(default[1])))
        return [default]


class KnownAutocompleteSelect(KnownChoicesMixin, widgets.AutocompleteSelect):
    pass


class KnownAutocompleteSelectMultiple(KnownChoicesMixin, widgets.AutocompleteSelectMultiple):
    pass


class KnownChoicesForm(forms.ModelForm):
    """Hands each autocomplete widget the related objects its instance already loaded."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if not isinstance(widget, KnownChoicesMixin):
                continue
            model_field = self.instance._meta.get_field(name)
            if model_field.many_to_many:
                objects = list(getattr(self.instance, name).all())
            else:
                related = getattr(self.instance, name, None)
                objects = [] if related is None else [related]
            widget.known = {str(obj.pk): obj for obj in objects}


class KnownAutocompleteMixin:
    """For an admin or inline: autocomplete fields use the widgets above."""

    form = KnownChoicesForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
