"""A stored full-text document per contribution on PostgreSQL, in its language's configuration,
with a GIN index (consultations/search.py queries it). A generated column, so every way a row is
written (services, admin, loaddata, bulk_create) keeps it; Django's model does not declare it, so
no query reads it unless asked. It replaces migration 0003's index on an expression, whose
matches had to be re-read and re-parsed from their bodies to be counted and ranked. SQLite keeps
searching with LIKE."""

from django.db import migrations

# consultations/search.py's CONFIGURATIONS, frozen here as a migration must be: the text search
# configuration of each UN language PostgreSQL ships; Chinese falls back to 'simple'.
CONFIGURATION = (
    "CASE language WHEN 'ar' THEN 'arabic'::regconfig WHEN 'en' THEN 'english'::regconfig "
    "WHEN 'es' THEN 'spanish'::regconfig WHEN 'fr' THEN 'french'::regconfig "
    "WHEN 'ru' THEN 'russian'::regconfig ELSE 'simple'::regconfig END"
)

FORWARD = [
    "DROP INDEX IF EXISTS contribution_search",
    "ALTER TABLE consultations_contribution ADD COLUMN search_document tsvector "
    f"GENERATED ALWAYS AS (setweight(to_tsvector({CONFIGURATION}, title), 'A') || "
    f"setweight(to_tsvector({CONFIGURATION}, body), 'B')) STORED",
    # /contributions/?q=… and the API's search: the rows whose document matches the query.
    "CREATE INDEX contribution_search_document ON consultations_contribution "
    "USING gin (search_document)",
]

BACKWARD = [
    "DROP INDEX IF EXISTS contribution_search_document",
    "ALTER TABLE consultations_contribution DROP COLUMN IF EXISTS search_document",
    "CREATE INDEX contribution_search ON consultations_contribution USING gin "
    "(to_tsvector('simple'::regconfig, COALESCE(title, '') || ' ' || COALESCE(body, '')))",
]


def run_on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0008_campaign_similarity"),
    ]

    operations = [
        migrations.RunPython(run_on_postgresql(FORWARD), run_on_postgresql(BACKWARD)),
    ]
