"""Campaign grouping measured on the demo data: regroup time, time per arrival, and the
precision and recall of the groups against the campaigns `generate_demo` made.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hearings_bench \\
        .venv/bin/python bench/campaigns.py [--arrivals 200]
    .venv/bin/python bench/campaigns.py --synthetic 100000

`--synthetic N` needs no database: it makes N texts as `generate_demo` does (same campaigns,
variations and share) and groups them in memory as `regroup` does, without the index writes.
Times are wall-clock and, in brackets, this process's CPU time (the figure to read on a shared
machine; with PostgreSQL the server's own time is not in it).

Needs the demo data (`make bench` or `manage.py generate_demo --contributions 100000`). A demo
campaign member's address starts with `campaign<k>.<language>.`: its true group is that campaign
in that language at its hearing (texts in two languages must stay apart); every other
contribution is its own true group. Precision and recall are counted over pairs: of the pairs the
grouping puts together, the share that belong together, and of those that belong together, the
share it put together. The arrivals are real submissions through `submit_contribution` (near
copies of a campaign and new texts, alternately), rolled back at the end."""

import argparse
import os
import random
import secrets
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(40))

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from consultations import demo  # noqa: E402
from consultations.campaigns import Grouper, join_campaign, regroup  # noqa: E402
from consultations.management.commands import generate_demo  # noqa: E402
from consultations.models import Contribution  # noqa: E402
from consultations.models.submissions import body_fingerprint  # noqa: E402


class Clock:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    def __str__(self):
        return f"{self.wall:.1f} s ({self.cpu:.1f} s CPU)"


def pairs(sizes):
    return sum(size * (size - 1) // 2 for size in sizes)


def quality(rows):
    """Pairwise precision and recall of (pk, hearing, label, campaign) rows."""
    truth, predicted, both = Counter(), Counter(), Counter()
    for _pk, hearing, label, campaign in rows:
        truth[(hearing, label)] += 1
        predicted[(hearing, campaign)] += 1
        both[(hearing, label, campaign)] += 1
    together = pairs(both.values())
    precision = together / (pairs(predicted.values()) or 1)
    recall = together / (pairs(truth.values()) or 1)
    return precision, recall


def stored_rows():
    rows = Contribution.objects.values_list("pk", "hearing_id", "author_email", "campaign")
    for pk, hearing, email, campaign in rows.iterator(chunk_size=10000):
        label = email.split(".author", 1)[0] if email.startswith("campaign") else pk
        yield pk, hearing, label, campaign


def synthetic(count, seed=2017):
    """`count` texts made as `generate_demo.make_contributions` makes them, grouped in memory."""
    maker = generate_demo.Command()
    maker.rng = rng = random.Random(seed)  # noqa: S311 - bench texts, not secrets
    hearings = 50
    campaigns = [
        (rng.randrange(hearings), {"en": maker.body("en"), other: maker.body(other)})
        for other in ["fr", "es", "fr", "ar", "es"]
    ]
    texts = []
    for pk in range(count):
        hearing = rng.randrange(hearings)
        language = generate_demo.weighted(rng, generate_demo.LANGUAGE_WEIGHTS)
        label = pk
        if rng.random() < generate_demo.CAMPAIGN_SHARE:
            which = rng.randrange(len(campaigns))
            hearing, bodies = campaigns[which]
            language = "en" if rng.random() < 0.8 else list(bodies)[1]
            body = demo.campaign_variant(rng, bodies[language], language, f"Name {pk}", "Lima")
            label = f"campaign{which}.{language}"
        else:
            body = maker.body(language)
        texts.append((pk, hearing, language, body_fingerprint(body), body, label))
    grouper = Grouper()
    with Clock() as clock:
        rows = [
            (pk, hearing, label, grouper.place(pk, hearing, language, fingerprint, body)[0])
            for pk, hearing, language, fingerprint, body, label in texts
        ]
    precision, recall = quality(rows)
    print(f"synthetic: {count} texts, grouped in memory in {clock}")
    print(f"precision: {precision:.4f}, recall: {recall:.4f}")


def arrivals(count):
    """Times of `join_campaign` for `count` submissions, in ms; rolled back."""
    rng = random.Random(2017)  # noqa: S311 - bench texts, not secrets
    members = list(
        Contribution.objects.filter(author_email__startswith="campaign")
        .values_list("hearing_id", "body", "language")
        .order_by("pk")[:count]
    )
    times = []
    with transaction.atomic():
        for n, (hearing, body, language) in enumerate(members):
            text = (
                demo.campaign_variant(rng, body, language, f"Bench {n}", "Geneva")
                if n % 2 == 0
                else " ".join(demo.spliced_sentence(rng, "en") for _ in range(8))
            )
            contribution = Contribution.objects.create(
                hearing_id=hearing,
                author_name="Bench",
                author_email=f"bench{n}@example.org",
                title="Bench",
                body=text,
                language=language,
                consent="anonymous",
                category="other",
            )
            started = time.perf_counter()
            join_campaign(contribution)
            times.append((time.perf_counter() - started) * 1000)
        transaction.set_rollback(True)
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--arrivals", type=int, default=200)
    parser.add_argument("--synthetic", type=int, default=0)
    options = parser.parse_args()
    if options.synthetic:
        synthetic(options.synthetic)
        return
    with Clock() as clock:
        total, groups = regroup()
    precision, recall = quality(stored_rows())
    times = sorted(arrivals(options.arrivals))
    print(f"database: {connection.vendor}, {total} contributions, {groups} groups of 2 or more")
    print(f"regroup: {clock}")
    print(f"precision: {precision:.4f}, recall: {recall:.4f}")
    if times:
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(
            f"arrival: median {statistics.median(times):.1f} ms, p99 {p99:.1f} ms, "
            f"max {times[-1]:.1f} ms over {len(times)}"
        )


if __name__ == "__main__":
    main()
