import datetime
import zoneinfo

from django.db import migrations, models


def venue_day(date, time_zone):
    """`consultations.rules.venue_day` as it stood when this migration was written: the first
    local midnight of `date` at the venue and the next, in UTC."""
    zone = zoneinfo.ZoneInfo(time_zone)
    starts = datetime.datetime.combine(date, datetime.time.min, tzinfo=zone)
    ends = datetime.datetime.combine(
        date + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return starts.astimezone(datetime.UTC), ends.astimezone(datetime.UTC)


def fill_venue_days(apps, schema_editor):
    """Each hearing's day at its venue, and in its history, from its date and time zone (a zone
    the validators would refuse counts as UTC)."""
    for name in ("Hearing", "HistoricalHearing"):
        model = apps.get_model("consultations", name)
        rows = list(model.objects.only("date", "time_zone"))
        for row in rows:
            try:
                row.day_starts, row.day_ends = venue_day(row.date, row.time_zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                row.day_starts, row.day_ends = venue_day(row.date, "UTC")
        model.objects.bulk_update(rows, ["day_starts", "day_ends"], batch_size=500)


def field(label):
    return models.DateTimeField(editable=False, verbose_name=label)


def nullable(label):
    return models.DateTimeField(editable=False, null=True, verbose_name=label)


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0013_campaign_leads"),
    ]

    operations = [
        *[
            migrations.AddField(model_name=model, name=name, field=nullable(label))
            for model in ("hearing", "historicalhearing")
            for name, label in (
                ("day_starts", "hearing day starts"),
                ("day_ends", "hearing day ends"),
            )
        ],
        migrations.RunPython(fill_venue_days, migrations.RunPython.noop),
        *[
            migrations.AlterField(model_name=model, name=name, field=field(label))
            for model in ("hearing", "historicalhearing")
            for name, label in (
                ("day_starts", "hearing day starts"),
                ("day_ends", "hearing day ends"),
            )
        ],
    ]
