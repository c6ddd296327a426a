"""Write docs/REFERENCE.md: the record, the sector taxonomy, the status scale with its
cues, and how a run is scored. The tables come from schemas/taxonomy.py, their one
definition, so the page cannot drift from the prompts and the schema;
tests/test_reference_doc.py fails when the committed page is stale.

    python docs/build_reference.py          # rewrite docs/REFERENCE.md
"""

from __future__ import annotations

from pathlib import Path

from extractor.evaluate.similarity import ACTION_THRESHOLD, QUOTE_OVERLAP_THRESHOLD
from extractor.schemas.taxonomy import SECTORS, STATUS_CUES, STATUSES

PAGE = Path(__file__).resolve().parent / "REFERENCE.md"

HEAD = """# Reference: what extractor extracts and how a run is scored

This page is the project's own statement of the task. The code cites it by section
(`docs/REFERENCE.md` section N). The tables of sections 3 and 4 are generated from
`schemas/taxonomy.py` by `python docs/build_reference.py`; do not edit them by hand.

## 1. What counts as a commitment

A cooperation commitment is something an article says two or more parties, or one
party towards another it names, discussed, intend, agreed, signed or carried out
together: a specific joint action, or cooperation in a sector.

- One commitment is one action in one sector. A list of priority sectors named in one
  breath ("industry, energy, transport and agriculture") is one commitment per sector.
- Two different actions in one sector are two commitments; one action said twice is one
  commitment with two quotes.
- Not commitments: background facts and statistics (an aim to change them is one);
  praise or the mood of relations; conflict, threats, attacks, rejections, sanctions,
  protests, criticism, lawsuits; one party's domestic plans with no counterpart; the
  meeting or call itself; thanks, greetings, condolences.
- An article may hold none; the right answer is then an empty list.

## 2. The record

Each output line is one article: `{"id", "date", "commitments": [...], "meta": {...},
"error": null}`. A failed article has no commitments and an `error` object
(`type`, `message`); every input yields exactly one line.

| field | what |
|---|---|
| `sector` | one key of section 3 |
| `subsector` | short free text, optional ("textiles", "hydropower") |
| `parties` | the cooperating sides, at least one: `name` as written, `type` (country, region, city, organization, company, other), `country` (ISO 3166-1 alpha-2, none for international organizations), `code` (alpha-2 for a country, ISO 3166-2 for a region, else none). A person is never a party: a president acts for the state. Parties compare by `code`, else by lower-cased name |
| `action` | what is to be done, in English, verb first, at most 25 words |
| `status` | one step of section 4 |
| `evidence` | verbatim quotes: `quote`, and `start`/`end`, code-point offsets into the article computed by code, end exclusive; `alignment` says how the quote was found |
| `date` | the date or year of the commitment when the article states it |
| `amount` | `{value, currency}` (ISO 4217) when a sum is committed |

A commitment whose quote cannot be found in the article is never written as if it were:
it is dropped, or kept with `grounded: false` under `--keep-ungrounded`, and counted in
`meta.ungrounded`.
"""

SCORING = f"""
## 5. How a run is scored

Per article, predictions and gold commitments are paired one to one by maximum-weight
matching. A pair may match only when the sectors are equal and either the actions are
similar (content-word similarity at least {ACTION_THRESHOLD}, or sentence-embedding
cosine with `--similarity embeddings`) or the evidence quotes overlap for at least
{QUOTE_OVERLAP_THRESHOLD:.0%} of the shorter one. Summed over all articles:

- **commitment precision, recall, F1**: of the matched pairs (the headline);
- **party F1**: over party keys within matched pairs;
- **status accuracy**: the share of matched pairs with the gold status;
- **strict F1**: a pair counts only when sector, the set of party keys and status agree;
- **grounding rate**: the share of predicted quotes found verbatim in the article; and,
  since code widens quotes to their sentence, **model quotes verbatim**: the share of the
  model's own quotes found exactly before widening (none in the sentences strategy,
  where the evidence is the labelled sentence);
- **empty-article accuracy**: of the articles with no gold commitment, the share with
  none predicted.

Gold files are JSON Lines, one article a line: `{{"id", "title", "text", "source",
"commitments": [...]}}`, commitments without offsets. 95 % intervals come from
bootstrap resamples of articles.
"""


def render() -> str:
    sectors = "\n".join(f"| `{key}` | {covers} |" for key, covers in SECTORS.items())
    statuses = "\n".join(
        f"| {rank} | `{key}` | {meaning} | {STATUS_CUES[key]} |"
        for rank, (key, meaning) in enumerate(STATUSES.items(), start=1)
    )
    return (
        HEAD
        + "\n## 3. Sectors\n\n| key | covers |\n|---|---|\n"
        + sectors
        + "\n\nAn investment in a named sector's project takes that sector; pharmaceuticals"
        " go to health and food processing to agriculture. Security qualified by another"
        " area is that area: energy security and civil nuclear power go to energy, food"
        " security to agriculture, cybersecurity to digital.\n"
        + "\n## 4. Status: how far a commitment has gone\n\nFrom weakest to strongest; a"
        " record takes the strongest step the article supports.\n\n"
        "| rank | status | the article says that | cue words |\n|---|---|---|---|\n"
        + statuses
        + "\n"
        + SCORING
    )


def main() -> None:
    PAGE.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main()
