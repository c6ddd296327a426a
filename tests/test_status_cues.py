"""Status from the sentence's cue words, and how it corrects the model's status."""

from __future__ import annotations

import pytest

from extractor.status_cues import calibrate_status, cue_status, stated_status


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The sides discussed cooperation in energy.", "discussed"),
        ("Both sides emphasized their mutual interest in textiles.", "intended"),
        ("Tajikistan will open a trade house.", "intended"),
        ("The parties agreed to build a road.", "agreed"),
        ("They signed a memorandum on health.", "signed"),
        ("The plant was launched last week.", "implemented"),
    ],
)
def test_cue_status(sentence: str, expected: str) -> None:
    assert cue_status(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Continuing, signing or starting told in the future is the intention to.
        ("Norland and Kestria will continue to address irregular migration.", "intended"),
        ("Norland will also continue developing the port with Kestria.", "intended"),
        ("The ministries intend to sign a memorandum on trade.", "intended"),
        ("The Norland-Kestria dialogue will launch in 2024.", "intended"),
        ("They committed to continuing their support for the bridge.", "intended"),
        # The same verbs in the present or past still state the step.
        ("Norland continues to support Kestrian schools.", "implemented"),
        ("The agencies are signing a memorandum on ports.", "signed"),
        ("The ministers agreed to sign a memorandum next month.", "agreed"),
        ("Norland launched a fund for Kestrian farmers.", "implemented"),
        # A speech is delivered; no goods are.
        ("The envoy delivered opening remarks on the partnership.", None),
        ("The envoy delivered a speech and reaffirmed the commitment.", "intended"),
        ("Norland has delivered 40 tons of grain to Kestria.", "implemented"),
        # "Agreement" the noun is agreed only as the reference words it: reached.
        ("The two countries are discussing a possible labour mobility agreement.", "discussed"),
        ("They welcomed talks on a free trade agreement.", "intended"),
        ("The ministers reached an agreement on fishing quotas.", "agreed"),
        ("The sides came to an agreement on tariffs.", "agreed"),
        # Cooperation done or under way is implemented.
        ("Norland and Kestria have cooperated on flood control since 2015.", "implemented"),
        ("Norland and Kestria are collaborating on vaccine research.", "implemented"),
        # Concluding an agreement is signing it; concluding talks or a visit is not.
        ("The sides concluded an agreement on visa-free travel.", "signed"),
        ("Norland and Kestria concluded negotiations on a trade agreement.", "agreed"),
        ("The president concluded his visit to Velmar.", None),
    ],
)
def test_stated_status_reads_tense_and_object(sentence: str, expected: str | None) -> None:
    assert stated_status(sentence) == expected


def test_calibrate_status_lowers_unsupported_status() -> None:
    sentence = "The sides also discussed the potential for collaboration in pharmaceuticals."
    assert calibrate_status("agreed", sentence) == "discussed"
    assert calibrate_status("signed", sentence) == "discussed"
    assert calibrate_status("implemented", "Norland will open a credit line.") == "intended"


def test_calibrate_status_trusts_the_model_where_the_sentence_has_no_cue_words() -> None:
    # No cue words of any step: the cue lists do not know this wording, so they are
    # no evidence against the model's "implemented".
    sentence = "Two Norland advisors now work inside the Kestrian police."
    assert stated_status(sentence) is None
    assert cue_status(sentence) == "discussed"
    assert calibrate_status("implemented", sentence) == "implemented"
    assert calibrate_status("signed", sentence, raise_discussed=True) == "signed"
    # A stated step below the model's still lowers it: "discussed" words included.
    talk = "The ministers explored a joint plant and proposed a working group."
    assert stated_status(talk) == "discussed"
    assert calibrate_status("implemented", talk) == "discussed"


def test_calibrate_status_keeps_supported_status() -> None:
    assert calibrate_status("agreed", "The leaders agreed to build a terminal.") == "agreed"
    assert calibrate_status("signed", "They signed an agreement on transit.") == "signed"


@pytest.mark.parametrize("status", ["discussed", "intended", "agreed"])
def test_calibrate_status_never_raises(status: str) -> None:
    assert calibrate_status(status, "The plant was launched and a memorandum signed.") == status


def test_ongoing_cooperation_reads_as_implemented() -> None:
    assert cue_status("The United States is supporting Haiti's police.") == "implemented"
    assert cue_status("We are actively working on improving its defences.") == "implemented"
    assert cue_status("They welcomed our growing cooperation on climate.") == "implemented"
    assert cue_status("They reaffirmed their commitment to the treaty.") == "intended"
    assert cue_status("They directed their ministries to draft a plan.") == "agreed"


def test_intended_is_lifted_to_a_stated_signing_or_work_under_way() -> None:
    signed = "Kazakhstan and Uzbekistan signed an agreement to manage the river."
    assert calibrate_status("intended", signed, raise_discussed=True) == "signed"
    assert calibrate_status("intended", signed) == "intended"  # only when asked to lift
    going = "The European Commission is supporting UNEP in establishing an observatory."
    assert calibrate_status("intended", going, raise_discussed=True) == "implemented"
    plan = "The two sides will build a bridge."
    assert calibrate_status("intended", plan, raise_discussed=True) == "intended"
    assert cue_status("A Joint Declaration was adopted on the anniversary.") == "signed"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A decision to act (reference section 4: agreed, decided, approved) is agreed.
        ("Norland and Kestria agreed to deepen collaboration on health.", "agreed"),
        ("The leaders resolved to address together regional challenges.", "agreed"),
        ("The presidents instructed their teams to expand cooperation on customs.", "agreed"),
        ("The council approved 12 joint road projects.", "agreed"),
        # Not an intention that merely names an agreement, nor a decision "to be" made.
        ("Norland will work towards a new trade agreement with Kestria.", "intended"),
        ("They agreed to be guided by the charter and will build a port.", "intended"),
        # A stated signing or work under way stays the stronger status.
        ("They agreed to build a road, which is now under construction.", "implemented"),
        # A sum committed is a decision taken; "committed to" a goal is an intention.
        ("In May, the Norland Bank committed a $40 million loan to a Kestrian utility.",
         "agreed"),
        ("The fund reached a commitment on a $6 million guarantee for Kestrian farmers.",
         "agreed"),
        ("Norland is committed to strengthening its ties with Kestria.", "intended"),
        ("Norland committed to spend more on Kestria's schools.", "intended"),
    ],
)
def test_intended_is_lifted_to_a_decision_to_act(sentence: str, expected: str) -> None:
    assert calibrate_status("intended", sentence, raise_discussed=True) == expected
    assert calibrate_status("intended", sentence) == "intended"  # only when asked to lift


def test_partnering_and_construction_under_way_are_implemented() -> None:
    assert cue_status("Norland has partnered with Kestria to expand irrigation.") == "implemented"
    assert cue_status("The new crossing, currently under construction, will open in 2026.") == (
        "implemented")


def test_a_decision_to_act_is_stated_as_agreed_whatever_the_model_said() -> None:
    sentence = "The leaders resolved to address together regional challenges."
    assert stated_status(sentence) == "agreed"
    assert calibrate_status("agreed", sentence) == "agreed"  # not lowered to "resolve"'s intended
