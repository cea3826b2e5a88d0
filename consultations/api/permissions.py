"""Who may do what through the API. Reads of public data are open; everything else needs a staff
account holding Django's model permission for it, as in the back office."""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions


def is_staff(user):
    return bool(user and user.is_authenticated and user.is_staff)


class PublicReadStaffWrite(DjangoModelPermissions):
    """Anyone reads what the view's queryset shows them (published records only, unless staff);
    writes need staff with the add, change or delete permission of the model."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return is_staff(request.user) and super().has_permission(request, view)


class StaffOnly(DjangoModelPermissions):
    """Records the public never sees (registrations): staff with the view permission read them."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        return is_staff(request.user) and super().has_permission(request, view)


class MayChange(StaffOnly):
    """An action that moves a record's status (decide, moderate): the change permission, as the
    back office's actions ask."""

    perms_map = {**StaffOnly.perms_map, "POST": ["%(app_label)s.change_%(model_name)s"]}
