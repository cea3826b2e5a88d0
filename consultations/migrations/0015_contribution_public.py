from django.conf import settings
from django.db import migrations, models


def mark_public(apps, schema_editor):
    """Published contributions to published hearings are public ('published' was the one public
    status when this migration was written)."""
    contribution = apps.get_model("consultations", "Contribution")
    contribution.objects.filter(status="published", hearing__published=True).update(public=True)


class Migration(migrations.Migration):

    dependencies = [
        ('consultations', '0014_hearing_venue_day'),
        ('stakeholders', '0003_country_is_headquarters'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='contribution',
            name='contribution_pub_hearing',
        ),
        migrations.RemoveIndex(
            model_name='contribution',
            name='contribution_pub_recent',
        ),
        migrations.RemoveIndex(
            model_name='contribution',
            name='contribution_pub_category_id',
        ),
        migrations.RemoveIndex(
            model_name='contribution',
            name='contribution_pub_region',
        ),
        migrations.RemoveIndex(
            model_name='contribution',
            name='contribution_pub_language',
        ),
        migrations.AddField(
            model_name='contribution',
            name='public',
            field=models.BooleanField(default=False, editable=False, help_text='Published, to a published hearing; kept by the services.', verbose_name='public'),
        ),
        migrations.RunPython(mark_public, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(models.OrderBy(models.F('published_at'), descending=True), models.OrderBy(models.F('id'), descending=True), condition=models.Q(('public', True)), include=('leads_campaign',), name='contribution_pub_recent'),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(models.F('category'), models.OrderBy(models.F('published_at'), descending=True), models.OrderBy(models.F('id'), descending=True), condition=models.Q(('public', True)), include=('leads_campaign',), name='contribution_pub_category_id'),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(models.F('hearing'), models.OrderBy(models.F('published_at'), descending=True), models.OrderBy(models.F('id'), descending=True), condition=models.Q(('public', True)), name='contribution_pub_hearing'),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(models.F('region'), models.OrderBy(models.F('published_at'), descending=True), models.OrderBy(models.F('id'), descending=True), condition=models.Q(('public', True)), include=('leads_campaign',), name='contribution_pub_region'),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(models.F('language'), models.OrderBy(models.F('published_at'), descending=True), models.OrderBy(models.F('id'), descending=True), condition=models.Q(('public', True)), include=('leads_campaign',), name='contribution_pub_language'),
        ),
        migrations.AddConstraint(
            model_name='contribution',
            constraint=models.CheckConstraint(condition=models.Q(('public', False), ('status__in', ['published']), _connector='OR'), name='contribution_public_is_published', violation_error_message='Only a published contribution is public.'),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(condition=models.Q(('public', True)), fields=['leads_campaign'], name='contribution_count'),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(condition=models.Q(('public', True)), fields=['updated_at'], name='contribution_pub_updated'),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(condition=models.Q(('public', True)), fields=['hearing', 'leads_campaign'], name='contribution_count_hearing'),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(condition=models.Q(('public', True)), fields=['category'], name='contribution_count_category'),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(condition=models.Q(('public', True)), fields=['region'], name='contribution_count_region'),
        ),
        migrations.AddIndex(
            model_name='contribution',
            index=models.Index(condition=models.Q(('public', True)), fields=['language'], name='contribution_count_language'),
        ),
    ]
