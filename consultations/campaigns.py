"""Campaign groups: the contributions to one hearing whose texts are the same or nearly so
(estimated Jaccard similarity of word shingles of at least `similarity.THRESHOLD`), in the same
language. A contribution's `campaign` is the fingerprint of its group's first text; an exact copy
finds its group through the fingerprint index, a near copy through the LSH keys of its signature.
No pair is compared unless it shares a key, so both the arrival of one contribution and the
regrouping of all cost the same per contribution at 100,000 as at 100.

Each group's earliest published member carries `leads_campaign`: the public list shows that one
card for the group by filtering on the flag, at the cost of a plain list, rather than looking
for an earlier member for every row (six times slower at 100,000). The services keep it on
publication and take-down (`refresh_lead`), `regroup` for all (`mark_all_leads`)."""

from collections import Counter, defaultdict

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from consultations import similarity
from consultations.cache import invalidate
from consultations.enums import ContributionStatus
from consultations.models import Contribution, SignatureBand, TextSignature

CANDIDATE_ROWS = 200
COMPARED = 10
# Members of a group share most keys; a few per key are enough to find the group again.
KEPT_PER_KEY = 32


def scope_of(contribution):
    return (contribution.hearing_id, contribution.language)


def best_match(sig, candidates):
    """The campaign of the most similar candidate at or above the threshold, or None.
    `candidates` are (signature, campaign) pairs."""
    best, campaign = similarity.THRESHOLD, None
    for other, other_campaign in candidates:
        score = similarity.similarity(sig, other)
        if score >= best:
            best, campaign = score, other_campaign
    return campaign


@transaction.atomic
def join_campaign(contribution):
    """Put a contribution just saved in its campaign group, and index its signature for those to
    come. Five small indexed queries at most, whatever the number of contributions."""
    exact = (
        Contribution.objects.filter(
            hearing_id=contribution.hearing_id, fingerprint=contribution.fingerprint
        )
        .exclude(pk=contribution.pk)
        .values_list("campaign", flat=True)
        .first()
    )
    if exact is not None:
        # The same text is indexed already: the copy joins its group and adds no keys.
        campaign = exact
    else:
        sig = similarity.signature(contribution.body)
        keys = similarity.band_keys(sig, scope_of(contribution))
        hits = Counter(
            SignatureBand.objects.filter(key__in=keys).values_list("signature_id", flat=True)[
                :CANDIDATE_ROWS
            ]
        )
        nearest = [pk for pk, _count in hits.most_common(COMPARED)]
        candidates = TextSignature.objects.filter(pk__in=nearest).values_list(
            "signature", "contribution__campaign"
        )
        campaign = best_match(sig, [(similarity.unpack(s), c) for s, c in candidates])
        stored = TextSignature.objects.create(
            contribution=contribution, signature=similarity.pack(sig)
        )
        SignatureBand.objects.bulk_create(SignatureBand(signature=stored, key=key) for key in keys)
    if campaign and campaign != contribution.campaign:
        contribution.campaign = campaign
        Contribution.objects.filter(pk=contribution.pk).update(campaign=campaign)
    if contribution.status == ContributionStatus.PUBLISHED:
        refresh_lead(contribution.hearing_id, contribution.campaign)
    return contribution.campaign


def earlier_published_member(contributions=Contribution.objects):
    """A published member of the outer row's campaign group published before it (the id
    breaks ties), for `Exists`."""
    return contributions.filter(
        hearing_id=OuterRef("hearing_id"),
        campaign=OuterRef("campaign"),
        status=ContributionStatus.PUBLISHED,
    ).filter(
        Q(published_at__lt=OuterRef("published_at"))
        | Q(published_at=OuterRef("published_at"), pk__lt=OuterRef("pk"))
    )


def mark_all_leads(contributions=Contribution.objects):
    """Set `leads_campaign` on every published contribution from scratch: two updates, after a
    regroup or a migration. `contributions` is a manager (a migration's model has its own)."""
    published = contributions.filter(status=ContributionStatus.PUBLISHED)
    earlier = Exists(earlier_published_member(contributions))
    published.filter(earlier, leads_campaign=True).update(leads_campaign=False)
    published.filter(~earlier, leads_campaign=False).update(leads_campaign=True)


def refresh_lead(hearing_id, campaign):
    """Make the earliest published member of one campaign group its lead, the card the public
    list shows for the group, after a member was published, taken down or regrouped: two small
    updates through the campaign index."""
    published = Contribution.objects.filter(
        hearing_id=hearing_id, campaign=campaign, status=ContributionStatus.PUBLISHED
    )
    first = published.order_by("published_at", "pk").values_list("pk", flat=True).first()
    published.filter(leads_campaign=True).exclude(pk=first).update(leads_campaign=False)
    if first is not None:
        published.filter(pk=first, leads_campaign=False).update(leads_campaign=True)


def remember_group(sender, instance, raw=False, update_fields=None, **kwargs):
    """Before a whole record's save (the admin's form, which may move a contribution to another
    hearing): the group it leaves. The services save named fields and keep the lead
    themselves."""
    if raw or instance._state.adding or update_fields is not None:
        return
    instance.__dict__["_campaign_before"] = (
        Contribution.objects.filter(pk=instance.pk)
        .values_list("hearing_id", "campaign", "status", "published_at")
        .first()
    )


def follow_group(sender, instance, raw=False, **kwargs):
    """After such a save: both groups, the one left and the one joined, get their lead again."""
    before = instance.__dict__.pop("_campaign_before", None)
    after = (instance.hearing_id, instance.campaign, instance.status, instance.published_at)
    if raw or before is None or before == after:
        return
    for hearing_id, campaign in {before[:2], after[:2]}:
        refresh_lead(hearing_id, campaign)


def hand_on_lead(sender, instance, **kwargs):
    """A lead deleted (by a superuser, or with its hearing) hands the card to the next member."""
    if instance.leads_campaign and instance.status == ContributionStatus.PUBLISHED:
        refresh_lead(instance.hearing_id, instance.campaign)


def in_arrival_order(batch_size):
    """Every contribution in the order it was stored, read a batch at a time by primary key (no
    cursor stays open while the index is written)."""
    contributions = Contribution.objects.order_by("pk").values_list(
        "pk", "hearing_id", "language", "fingerprint", "campaign", "body"
    )
    last = 0
    while batch := list(contributions.filter(pk__gt=last)[:batch_size]):
        yield from batch
        last = batch[-1][0]


class Grouper:
    """The grouping of a whole set in memory, one text after another in the order they arrived:
    what `regroup` runs over the database, and `bench/campaigns.py` over generated texts. Holds
    the packed signatures and a few members per key (about 60 MB at 100,000)."""

    def __init__(self):
        self.fingerprints, self.keys_seen, self.signatures = {}, defaultdict(list), {}

    def place(self, pk, hearing, language, fingerprint, body):
        """The text's campaign, and its packed signature and keys when it is not an exact copy
        of one placed already (None, [] when it is)."""
        campaign = self.fingerprints.get((hearing, fingerprint))
        if campaign is not None:
            return campaign, None, []
        sig = similarity.signature(body)
        keys = similarity.band_keys(sig, (hearing, language))
        hits = Counter(other for key in keys for other in self.keys_seen[key])
        compared = [
            (similarity.unpack(self.signatures[other][0]), self.signatures[other][1])
            for other, _count in hits.most_common(COMPARED)
        ]
        campaign = best_match(sig, compared) or fingerprint
        packed = similarity.pack(sig)
        self.signatures[pk] = (packed, campaign)
        self.fingerprints[(hearing, fingerprint)] = campaign
        for key in keys:
            if len(self.keys_seen[key]) < KEPT_PER_KEY:
                self.keys_seen[key].append(pk)
        return campaign, packed, keys


def regroup(batch_size=5000):
    """Rebuild every group and the whole index from the texts, in the order they arrived (so
    each group keeps its first text's fingerprint), the index written in batches as it goes.
    Returns (contributions, groups with more than one member)."""
    grouper, sizes = Grouper(), Counter()
    rows, bands, changed = [], [], []

    def write():
        TextSignature.objects.bulk_create(rows)
        SignatureBand.objects.bulk_create(bands)
        Contribution.objects.bulk_update(changed, ["campaign"])
        for written in (rows, bands, changed):
            written.clear()

    with transaction.atomic():
        SignatureBand.objects.all()._raw_delete(SignatureBand.objects.db)
        TextSignature.objects.all()._raw_delete(TextSignature.objects.db)
        for pk, hearing, language, fingerprint, old_campaign, body in in_arrival_order(batch_size):
            campaign, packed, keys = grouper.place(pk, hearing, language, fingerprint, body)
            if packed is not None:
                rows.append(TextSignature(contribution_id=pk, signature=packed))
                bands.extend(SignatureBand(signature_id=pk, key=key) for key in keys)
            sizes[(hearing, campaign)] += 1
            if campaign != old_campaign:
                changed.append(Contribution(pk=pk, campaign=campaign))
            if len(rows) >= batch_size:
                write()
        write()
        mark_all_leads()
        # The bulk writes send no signal: the public lists, which show each group once, are
        # stale from now on in every process.
        invalidate(None)
    return sum(sizes.values()), sum(1 for size in sizes.values() if size > 1)
