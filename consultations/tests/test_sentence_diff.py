"""What a campaign variant changes in its group's representative text, sentence by sentence."""

from consultations.sentence_diff import VariantDiff, diff_sentences, split_sentences

REPRESENTATIVE = (
    "We call on States to open regular pathways. Detention of children must end!\n\n"
    "Access to justice is a right. Firewalls protect it."
)


def test_sentences_keep_their_punctuation_and_a_line_is_a_sentence():
    assert split_sentences("One  two. Three?\n- four\n\nSigned: Ana") == [
        "One two.",
        "Three?",
        "- four",
        "Signed: Ana",
    ]
    assert split_sentences("") == []


def test_the_same_text_differs_in_nothing_even_spaced_otherwise():
    variant = REPRESENTATIVE.replace(". ", ".   ").replace("\n\n", "\n")
    diff = diff_sentences(REPRESENTATIVE, variant)
    assert diff == VariantDiff(differing=(), left_out=0)
    assert diff.same_sentences


def test_an_added_comma_shows_the_one_sentence_it_changes():
    variant = REPRESENTATIVE.replace("We call on", "We call, on")
    assert diff_sentences(REPRESENTATIVE, variant) == VariantDiff(
        differing=("We call, on States to open regular pathways.",), left_out=0
    )


def test_a_signature_is_the_only_difference():
    variant = REPRESENTATIVE + "\n\nSigned: María Quispe, Lima"
    assert diff_sentences(REPRESENTATIVE, variant) == VariantDiff(
        differing=("Signed: María Quispe, Lima",), left_out=0
    )


def test_reordered_sentences_are_no_difference():
    variant = "Access to justice is a right. Firewalls protect it.\n\n" + REPRESENTATIVE.split(
        "\n\n"
    )[0].replace("pathways. Detention", "pathways.\nDetention")
    assert diff_sentences(REPRESENTATIVE, variant).same_sentences


def test_a_changed_paragraph_shows_its_sentences_and_counts_those_left_out():
    variant = REPRESENTATIVE.split("\n\n")[0] + "\n\nWomen migrants need protection. Now."
    assert diff_sentences(REPRESENTATIVE, variant) == VariantDiff(
        differing=("Women migrants need protection.", "Now."), left_out=0
    )


def test_dropped_sentences_are_counted():
    variant = REPRESENTATIVE.replace(" Detention of children must end!", "").replace(
        " Firewalls protect it.", ""
    )
    diff = diff_sentences(REPRESENTATIVE, variant)
    assert diff == VariantDiff(differing=(), left_out=2)
    assert not diff.same_sentences


def test_the_differing_sentences_come_in_the_variant_order():
    variant = "Please read first. " + REPRESENTATIVE + " And last."
    assert diff_sentences(REPRESENTATIVE, variant).differing == ("Please read first.", "And last.")
