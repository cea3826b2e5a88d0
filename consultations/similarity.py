"""Near-duplicate texts, for campaign groups: MinHash signatures of word shingles, compared
through locality-sensitive hashing (LSH) so that no pair of contributions is compared unless they
already share a band of their signatures.

Why our own few lines rather than datasketch or pg_trgm: pg_trgm works on PostgreSQL only and
compares characters, not words; datasketch needs numpy and scipy and computes one hash per
shingle and permutation. One-permutation hashing (Li, Owen and Zhang, 2012, with the rotation
densification of Shrivastava and Li, 2014) needs a single hash per shingle, so plain Python
signs a contribution in well under a millisecond, on SQLite and PostgreSQL alike.

A signature is `BINS` minimum hash values; the share of bins two signatures agree on estimates
the Jaccard similarity of their shingle sets. `BANDS` bands of `ROWS` bins each are hashed into
keys: two texts with similarity 0.8 share at least one key with probability
1 - (1 - 0.8**4)**16 > 0.9998, two with 0.3 with probability 0.12,, and only those candidates
are compared bin by bin."""

import hashlib
import re
import struct
import unicodedata

SHINGLE_WORDS = 3
BINS = 64
BANDS = 16
ROWS = BINS // BANDS
THRESHOLD = 0.8
SENTENCE_END = re.compile(r"[.!?;:\n]+(?:\s|$)|\n")

_BIN_BITS = 6  # 2**6 == BINS
_VALUE_MASK = (1 << (64 - _BIN_BITS)) - 1
_MASK64 = (1 << 64) - 1
_EMPTY = _VALUE_MASK + 1
_PACKING = struct.Struct(f"<{BINS}Q")


def sentences(text):
    """The text's sentences, each as its words with case, accents and punctuation ignored (as
    `body_fingerprint` reads them): a comma added or a capital changed leaves them as they were."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return [found for part in SENTENCE_END.split(plain) if (found := re.findall(r"\w+", part))]


def _word_hash(word):
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")


def _mix(value):
    """splitmix64's finalizer: spreads a combined value over all 64 bits."""
    value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9 & _MASK64
    value = (value ^ (value >> 27)) * 0x94D049BB133111EB & _MASK64
    return value ^ (value >> 31)


def shingle_hashes(text):
    """One 64-bit hash per run of `SHINGLE_WORDS` words within a sentence (a shorter sentence
    is one shingle). Shingles never span two sentences, so sentences put in another order give
    the same set."""
    cache, shingles = {}, set()
    for sentence in sentences(text):
        hashes = []
        for word in sentence:
            if word not in cache:
                cache[word] = _word_hash(word)
            hashes.append(cache[word])
        if len(hashes) < SHINGLE_WORDS:
            shingles.add(_mix(sum(hashes) * 0x9E3779B97F4A7C15 & _MASK64))
            continue
        for a, b, c in zip(hashes, hashes[1:], hashes[2:], strict=False):
            shingles.add(_mix((a * 0x9E3779B97F4A7C15 + b * 0xC2B2AE3D27D4EB4F + c) & _MASK64))
    return shingles


def signature(text):
    """The text's MinHash signature, `BINS` integers: each shingle hash falls in the bin of its
    top bits and each bin keeps its smallest value; an empty bin borrows the next filled bin's
    value, marked with the distance, so that two short texts agree on it only when they would
    on that bin."""
    bins = [_EMPTY] * BINS
    for value in shingle_hashes(text):
        slot, rest = value >> (64 - _BIN_BITS), value & _VALUE_MASK
        if rest < bins[slot]:
            bins[slot] = rest
    if all(value == _EMPTY for value in bins):
        return tuple(bins)
    filled = []
    for slot in range(BINS):
        distance = 0
        while bins[(slot + distance) % BINS] == _EMPTY:
            distance += 1
        filled.append(bins[(slot + distance) % BINS] + distance * (_EMPTY << 1) & _MASK64)
    return tuple(filled)


def similarity(first, second):
    """The estimated Jaccard similarity of the texts two signatures were made from."""
    return sum(a == b for a, b in zip(first, second, strict=True)) / BINS


def band_keys(sig, scope):
    """The signature's LSH keys within a `scope` (a hearing and a language): texts of other
    hearings or languages never share a key. Signed 63-bit integers, for any database."""
    keys = []
    for band in range(BANDS):
        rows = sig[band * ROWS : (band + 1) * ROWS]
        digest = hashlib.blake2b(repr((scope, band, rows)).encode(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little") >> 1)
    return keys


def pack(sig):
    return _PACKING.pack(*sig)


def unpack(data):
    return _PACKING.unpack(bytes(data))
