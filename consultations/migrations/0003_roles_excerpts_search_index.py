from django.contrib.postgres.search import SearchVector
from django.db import migrations

from consultations.models.submissions import body_fingerprint, plain_excerpt
from consultations.roles import sync_role_groups

SEARCH_INDEX = "contribution_search"


def fill_excerpts_and_fingerprints(apps, schema_editor):
    Contribution = apps.get_model("consultations", "Contribution")
    for contribution in Contribution.objects.only("body").iterator():
        contribution.excerpt = plain_excerpt(contribution.body)
        contribution.fingerprint = body_fingerprint(contribution.body)
        contribution.save(update_fields=["excerpt", "fingerprint"])


def search_index(apps):
    """/contributions/?q=…: full-text search over title and body on PostgreSQL. Built from the
    same SearchVector the query uses (consultations.filters), so the planner matches it. SQLite
    has no full-text index of this kind and searches with LIKE instead."""
    from django.contrib.postgres.indexes import GinIndex

    return GinIndex(SearchVector("title", "body", config="simple"), name=SEARCH_INDEX)


def add_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("consultations", "Contribution"), search_index(apps))


def remove_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(
            apps.get_model("consultations", "Contribution"), search_index(apps)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("consultations", "0002_workflow_history_outcomes_time_zones"),
    ]

    operations = [
        migrations.RunPython(sync_role_groups, migrations.RunPython.noop),
        migrations.RunPython(fill_excerpts_and_fingerprints, migrations.RunPython.noop),
        migrations.RunPython(add_search_index, remove_search_index),
    ]
