"""Model items -> grounded, normalized records: locate each quote, resolve parties,
split listed sectors, drop non-commitments, calibrate status, merge duplicates.
Pure functions of the article and the items."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extractor.articles import Article
from extractor.config import ExtractConfig
from extractor.counterparts import (
    complete_counterparts,
    drop_unplaced,
    is_one_sided,
    resolve_collective,
)
from extractor.gazetteer import Gazetteer
from extractor.grounding import locate, mask_instructions
from extractor.normalize import (
    MIN_LISTED_SECTORS,
    action_supported,
    find_amount,
    find_date,
    is_non_commitment,
    listed_sectors,
    merge_duplicates,
    names_attested,
    refine_sector,
    sector_mentions,
    sort_evidence,
    split_coordinated,
)
from extractor.parties import PartyResolver
from extractor.provisions import provided_status, provision_sentences
from extractor.schemas.answer import ModelCommitment
from extractor.schemas.records import Alignment, Commitment, Evidence, Party
from extractor.sentences import enclosing_sentence, sentence_spans
from extractor.status_cues import calibrate_status

MAX_ACTION_WORDS = 25


@dataclass(frozen=True)
class Found:
    """A valid model item, where its unit starts in the article (so a quote that occurs
    twice grounds to the occurrence the unit saw), and whether a second look gave it."""

    item: ModelCommitment
    hint: int
    second_look: bool = False


def to_records(
    article: Article,
    found: list[Found],
    gazetteer: Gazetteer,
    config: ExtractConfig,
) -> tuple[list[Commitment], dict[str, Any]]:
    text = article.text
    spans = sentence_spans(text)
    # Quotes and parties are checked against the article without injected instructions
    # ("ignore previous instructions", fake JSON): a model that obeyed them is not
    # grounded by them. Same length as ``text``, so offsets are unchanged.
    checked, masked = mask_instructions(text)
    resolver = PartyResolver(gazetteer, checked)
    provisions: set[int] = set()
    if config.signed_provisions and found:  # an article with no item needs no pass
        numbered = provision_sentences([checked[start:end] for start, end in spans])
        provisions = {spans[n][0] for n in numbered}
    records: list[Commitment] = []
    ungrounded = 0
    dropped_parties: list[str] = []
    no_party = 0
    alignments: dict[str, int] = {}
    split = dropped_other = non_commitments = unsupported = unnamed = 0
    # Only where the evidence is the labelled sentence: a passage's quote often stands
    # for several items of nearby sentences (on the passages recording F1 0.468 -> 0.439).
    unsupported_check = config.drop_unsupported and config.strategy == "sentences"
    for each in found:
        item = each.item
        located = locate(item.quote, checked, hint=each.hint)
        if located is None:
            ungrounded += 1
            if not config.keep_ungrounded:
                continue
            evidence = Evidence(quote=item.quote, alignment=Alignment.UNALIGNED)
            sentence = item.quote
        else:
            start, end = enclosing_sentence(spans, located.start, located.end)
            evidence = Evidence(
                quote=text[start:end], start=start, end=end, alignment=located.alignment
            )
            sentence = text[start:end]
        key = str(evidence.alignment)
        alignments[key] = alignments.get(key, 0) + 1
        if unsupported_check and not action_supported(item.action, sentence):
            unsupported += 1  # the model labelled the context, not this sentence
            continue
        if config.drop_unsupported and not names_attested(item.action, checked):
            unsupported += 1  # names the article never gives (copied from the prompt)
            continue
        report = resolver.resolve(item.parties)
        dropped_parties.extend(report.dropped)
        if not report.kept:
            no_party += 1
            continue
        provision = evidence.start in provisions
        record = _record(item, report.kept, evidence, sentence, config, provision=provision)
        # A vague "other" item over a sentence naming two areas is the pair of them.
        minimum = 2 if str(item.sector) == "other" else MIN_LISTED_SECTORS
        listed = listed_sectors(sentence, minimum) if config.split_sector_lists else []
        if listed:
            split += 1
            records.extend(
                retargeted(record, sector, f"cooperate in {area}") for area, sector in listed
            )
            if str(item.sector) == "other":  # the model's vague item for the whole list
                continue
        copies: list[Commitment] = []
        if config.split_sector_lists and not listed:
            # The list in its own action ("food and energy security"): one record an area.
            action, others = split_coordinated(record.action, record.sector)
            if others:
                split += 1
                record = record.model_copy(update={"action": action})
                copies = [retargeted(record, sector, text) for sector, text in others]
        if config.drop_non_commitments and is_non_commitment(record.action):
            non_commitments += 1  # the meeting itself, thanks, criticism
            continue
        records.extend(copies)  # each names its area, so kept whatever befalls the item
        if record.sector == "other" and config.drop_other:
            dropped_other += 1
            continue
        if each.second_look and not names_its_sector(record, sentence):
            unnamed += 1  # the model's guess for a sentence it leaned to call empty
            continue
        records.append(record)
    modelled = len(records)
    if config.collapse_spread:
        records = collapse_spread(records)
    stats: dict[str, Any] = {
        "ungrounded": ungrounded,
        "alignment": alignments,
        "dropped_parties": sorted(set(dropped_parties))[:20],
        "no_party": no_party,
        "split_lists": split,
        "dropped_other": dropped_other,
        "non_commitments": non_commitments,
        "masked_instructions": masked,
        "spread": modelled - len(records),
        "unsupported": unsupported,
    }
    if any(each.second_look for each in found):
        stats["second_look_unnamed"] = unnamed
    # Passages by default (dev F1 0.436 -> 0.476); for sentences four copies in five
    # matched no gold, on dev and the ledger articles alike: eval/README.md, "Sentence
    # sectors off, decisions to act".
    if config.expands_sentence_sectors:
        stats["sentence_sectors_added"] = expand_sentence_sectors(records)
    mentioned = resolver.mentioned_parties()
    # Before unplaced names go: "the Participants" is a name code cannot place, but it
    # stands for the article's sides (eval/README.md, "Collective names and regional
    # organizations": dev F1 0.634 -> 0.639, the other sets level).
    if config.complete_counterparts:
        stats["collective_parties"] = resolve_collective(records, mentioned)
    # Before counterparts, so that a state's own bodies and places do not count as its
    # partner: on the invented domestic articles of eval/domestic/ 23 of 24 stay empty
    # (10 before), party F1 on dev 0.849 -> 0.896 for F1 0.572 -> 0.568 (ledger 0.492
    # -> 0.498): eval/README.md, "Domestic articles".
    if config.drop_unplaced_parties:
        stats["unplaced_parties"] = drop_unplaced(records)
    if config.complete_counterparts:
        stats["counterparts_added"] = complete_counterparts(records, mentioned)
    if config.drop_one_sided:
        # The gazetteer reads English names: in an article where it places no country
        # ("Таджикистан и Узбекистан ...") unplaced names are all code has, so they count.
        count_unplaced = not config.drop_unplaced_parties or not mentioned
        kept = [r for r in records if not is_one_sided(r.parties, count_unplaced=count_unplaced)]
        stats["one_sided"] = len(records) - len(kept)
        records = kept
    # Measured on the passages recording it cost F1 (0.465 -> 0.463): passages quote a
    # sentence for each of its distinct actions, so only labelled sentences merge so.
    same_sentence = config.merge_same_sentence and config.strategy == "sentences"
    merged = merge_duplicates(records, same_sentence=same_sentence)
    return sort_records(merged), stats


def _record(
    item: ModelCommitment,
    parties: list[Party],
    evidence: Evidence,
    sentence: str,
    config: ExtractConfig,
    *,
    provision: bool = False,
) -> Commitment:
    """``provision``: the sentence states what a signed document provides for."""
    sector = str(item.sector)
    if config.refine_sectors:
        sector = refine_sector(sector, item.subsector, item.action, sentence)
    status = str(item.status)
    if config.calibrate_status:
        status = calibrate_status(status, sentence, raise_discussed=config.raise_discussed)
    if provision:
        status = provided_status(status)
    action = " ".join(item.action.split()[:MAX_ACTION_WORDS])
    return Commitment(
        sector=sector,  # type: ignore[arg-type]
        subsector=(item.subsector or None),
        parties=parties,
        action=action,
        status=status,  # type: ignore[arg-type]
        evidence=[evidence],
        date=find_date(sentence),
        amount=find_amount(action),
        grounded=evidence.alignment != Alignment.UNALIGNED,
    )


def names_its_sector(record: Commitment, sentence: str) -> bool:
    """Whether the sentence or the action names the record's area in the reference's
    words: cooperation "in a sector" (docs/REFERENCE.md section 1), where goodwill with
    no named area is none. Asked of a second look's items, which the model gave for a
    sentence it leaned to call empty: on the full-dev recording three in five named no
    area ("strengthen cooperation with the United States", "address opportunities to
    deepen our relationship")."""
    named = {sector for _, sector in sector_mentions(sentence)}
    named.update(sector for _, sector in sector_mentions(record.action))
    return record.sector in named


def retargeted(record: Commitment, sector: str, action: str) -> Commitment:
    """A copy of ``record`` (parties, status, evidence) about another sector."""
    return record.model_copy(
        update={"sector": sector, "subsector": None, "action": action}, deep=True
    )


def expand_sentence_sectors(records: list[Commitment]) -> int:
    """One more commitment for each other sector a record's sentence names.

    A small model writes one item for "enhance security, address humanitarian concerns
    and increase vaccinations"; the reference counts one per sector. The added item
    copies the parties and status of the model's item from that sentence.
    """
    added: list[Commitment] = []
    by_sentence: dict[tuple[int | None, int | None], list[Commitment]] = {}
    for record in records:
        if record.grounded:
            ev = record.evidence[0]
            by_sentence.setdefault((ev.start, ev.end), []).append(record)
    for group in by_sentence.values():
        covered: set[str] = {str(r.sector) for r in group}
        sentence = group[0].evidence[0].quote
        for word, sector in sector_mentions(sentence):
            if sector in covered:
                continue
            covered.add(sector)
            added.append(retargeted(group[0], sector, f"cooperate on {word}"))
    records.extend(added)
    return len(added)


def collapse_spread(records: list[Commitment]) -> list[Commitment]:
    """One action of one sentence in several sectors -> the sectors its words name.

    A small model files "upgrade critical infrastructure" or "increase partnership" under
    five or eight sectors at once; the reference gives a commitment one sector, so the
    copies are one commitment told many times. Kept: the copies whose sector the action's
    own words name, else those the sentence names, else the model's first one. Items
    with different actions (a listed "cooperate in energy, transport") are untouched.
    """
    groups: dict[tuple[int | None, int | None, str], list[int]] = {}
    for n, record in enumerate(records):
        ev = record.evidence[0]
        key = (ev.start, ev.end, " ".join(record.action.lower().split()))
        groups.setdefault(key, []).append(n)
    dropped: set[int] = set()
    for members in groups.values():
        sectors = {str(records[n].sector) for n in members}
        if len(sectors) < 2:
            continue
        first = records[members[0]]
        named = {s for _, s in sector_mentions(first.action)} & sectors
        if not named:
            named = {s for _, s in sector_mentions(first.evidence[0].quote)} & sectors
        if not named:
            named = {str(first.sector)}
        dropped.update(n for n in members if str(records[n].sector) not in named)
    return [r for n, r in enumerate(records) if n not in dropped]


def sort_records(records: list[Commitment]) -> list[Commitment]:
    for record in records:
        record.evidence = sort_evidence(record.evidence)
    return sorted(
        records,
        key=lambda r: r.evidence[0].start if r.evidence[0].start is not None else 1 << 62,
    )
