"""What a campaign variant changes in the group's representative text, sentence by sentence,
so that a moderator reads the common text once and only what each variant adds or rewrites.

Sentences are compared as written (spacing aside): a comma added or a word capitalised is a
difference a moderator should see. A sentence the representative has elsewhere is not a
difference: a variant that only reorders the text changes nothing worth reading."""

import difflib
import re
from dataclasses import dataclass

SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+|\n+")


def split_sentences(text):
    """The text's sentences as written, each with its closing punctuation, spacing collapsed;
    a line (a list item, a signature) is a sentence of its own."""
    return [
        " ".join(part.split()) for part in SENTENCE_BREAK.split(text or "") if part and part.strip()
    ]


@dataclass(frozen=True)
class VariantDiff:
    """`differing`: the variant's sentences the representative does not have, in the variant's
    order; `left_out`: how many of the representative's sentences the variant drops with nothing
    in their place (a rewritten sentence is shown, not counted)."""

    differing: tuple[str, ...]
    left_out: int

    @property
    def same_sentences(self):
        return not self.differing and not self.left_out


def diff_sentences(representative, variant):
    """The sentences `variant` changes in `representative` (two texts), through difflib's
    matching of the two sentence lists; a sentence moved elsewhere is not counted as changed."""
    theirs, ours = split_sentences(representative), split_sentences(variant)
    matcher = difflib.SequenceMatcher(a=theirs, b=ours, autojunk=False)
    theirs_set, ours_set = set(theirs), set(ours)
    differing, left_out = [], 0
    for tag, their_start, their_end, our_start, our_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        added = [s for s in ours[our_start:our_end] if s not in theirs_set]
        removed = sum(1 for s in theirs[their_start:their_end] if s not in ours_set)
        differing += added
        left_out += max(0, removed - len(added))
    return VariantDiff(tuple(differing), left_out)
