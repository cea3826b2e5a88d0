"""The secretariat's roles as permission groups, kept in step with the models by every migrate."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

EDITORS = "Secretariat editors"
VIEWERS = "Secretariat viewers"
DOOR = "Secretariat door staff"
APPS = ["consultations", "stakeholders"]
# Not for viewers: the emails sent to registrants and authors, which say what each was told and
# carry their status links. Editors keep the queue, to see what went out and what failed.
EDITORS_ONLY = {("consultations", "outgoingemail")}
# Door staff check people in and register walk-ins on the hearing's day, and do nothing else:
# no back-office list, no decision, no moderation, no API but the check-in.
DOOR_PERMISSIONS = {("consultations", "check_in_registration")}


def sync_role_groups(apps=global_apps, schema_editor=None, **kwargs):
    """Editors may view, add, change and delete every record of both apps, which includes deciding
    registrations and moderating contributions, and check people in; viewers may only view them,
    except the `EDITORS_ONLY` models; door staff hold `DOOR_PERMISSIONS` only. Run from the data
    migrations and after every migrate, so a model added later joins the roles."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_config in apps.get_app_configs():
        if app_config.label in APPS:
            # Permissions are otherwise made only after the last migration has run.
            models_module = getattr(app_config, "models_module", None)
            app_config.models_module = True
            create_permissions(app_config, verbosity=0, apps=apps)
            app_config.models_module = models_module
    ours = Permission.objects.filter(content_type__app_label__in=APPS)
    Group.objects.get_or_create(name=EDITORS)[0].permissions.set(ours)
    viewable = ours.filter(codename__startswith="view_")
    for app_label, model in EDITORS_ONLY:
        viewable = viewable.exclude(content_type__app_label=app_label, content_type__model=model)
    Group.objects.get_or_create(name=VIEWERS)[0].permissions.set(viewable)
    door = Permission.objects.none()
    for app_label, codename in DOOR_PERMISSIONS:
        door |= ours.filter(content_type__app_label=app_label, codename=codename)
    Group.objects.get_or_create(name=DOOR)[0].permissions.set(door)
