"""Code-side clean-up of what the model wrote: sector synonyms, amounts, dates, and
merging of duplicates (status cue words: ``extractor.status_cues``).

Small models file pharmaceuticals under industry and medical donations under health
(eval/README.md); these rules follow docs/REFERENCE.md section 3 and eval/GUIDELINES.md,
are measured by the evaluation, and are never tuned on held-out articles.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from extractor.schemas.records import Amount, Commitment, Evidence
from extractor.schemas.taxonomy import SECTORS, Sector, status_rank

# Words a model uses for a sector, mapped onto the taxonomy; the word becomes the subsector.
SECTOR_SYNONYMS: Final[dict[str, str]] = {
    "textile": "industry",
    "textiles": "industry",
    "manufacturing": "industry",
    "machine engineering": "industry",
    "automotive": "industry",
    "chemicals": "industry",
    "metallurgy": "industry",
    "furniture": "industry",
    "pharmaceutical": "health",
    "pharmaceuticals": "health",
    "medicine": "health",
    "healthcare": "health",
    "medical": "health",
    "food": "agriculture",
    "farming": "agriculture",
    "fisheries": "agriculture",
    "hydropower": "energy",
    "oil": "energy",
    "gas": "energy",
    "nuclear": "energy",
    "electricity": "energy",
    "tourism": "culture",
    "sport": "culture",
    "sports": "culture",
    "youth": "culture",
    "media": "culture",
    "humanitarian": "culture",
    "investment": "finance",
    "banking": "finance",
    "economy": "trade",
    "economic": "trade",
    "commerce": "trade",
    "logistics": "transport",
    "infrastructure": "transport",
    "ict": "digital",
    "telecommunications": "digital",
    "technology": "science",
    "research": "science",
    "space": "science",
    "defence": "security",
    "defense": "security",
    "military": "security",
    "migration": "governance",
    "diplomacy": "governance",
    "legal": "governance",
    "climate": "environment",
    "ecology": "environment",
    "humanitarian aid": "aid",
    "assistance": "aid",
    "development": "aid",
}

# Strong words in subsector or action that decide the sector whatever the model chose.
_SECTOR_KEYWORDS: Final[list[tuple[re.Pattern[str], str]]] = [
    (
        re.compile(
            r"\b(pharma\w*|medic(al|ine|ines)|health\w*|hospital\w*|vaccin\w*|"
            r"epidemic\w*|pandemic\w*)\b",
            re.I,
        ),
        "health",
    ),
    (
        re.compile(
            r"\b(scholarship\w*|universit\w*|student\w*|school\w*|vocational|"
            r"education\w*|teach\w*)\b",
            re.I,
        ),
        "education",
    ),
    (re.compile(r"\b(touris\w*|cultur\w*|sport\w*|heritage|people-to-people)\b", re.I), "culture"),
    (
        re.compile(
            r"\b(food|grain|wheat|agricultur\w*|farm\w*|livestock|fisher\w*|"
            r"irrigation)\b",
            re.I,
        ),
        "agriculture",
    ),
    (
        re.compile(
            r"\b(hydropower|electricity|energy|oil|gas|nuclear power|renewable\w*|"
            r"solar|wind power)\b",
            re.I,
        ),
        "energy",
    ),
]
_GENERIC_SECTORS: Final = frozenset({"industry", "other"})

# Investment and its forms: a finance word, and alone in a trade item it makes it finance.
_INVESTMENT_WORD: Final = r"invest(?:ment|ments|ing|ors?|ed|s)?"

# Words of docs/REFERENCE.md section 3's "covers" column, for an item the model filed under "other":
# small models use "other" as "not sure", then a sector word in the action or the
# evidence sentence is a better guess than dropping the item. Most specific first.
_OTHER_KEYWORDS: Final[list[tuple[re.Pattern[str], str]]] = [
    *_SECTOR_KEYWORDS,
    (re.compile(r"\b(humanitarian (aid|assistance)|disaster relief|grants?|aid)\b", re.I), "aid"),
    (re.compile(r"\b(min(e|es|ing)|minerals?|metals?|geolog\w*|deposits?)\b", re.I), "mining"),
    (
        re.compile(
            r"\b(rail\w*|road\w*|aviation|flights?|air (links?|services?)|shipping|ports?|"
            r"logistics|transit|corridors?|transport\w*)\b",
            re.I,
        ),
        "transport",
    ),
    (
        re.compile(
            r"\b(trade|turnover|exports?|imports?|market access|customs|commerc\w*|"
            r"economic)\b",
            re.I,
        ),
        "trade",
    ),
    (
        re.compile(
            r"\b(" + _INVESTMENT_WORD + r"|bank\w*|loans?|credit|financ\w*|"
            r"currenc\w*|payments?)\b",
            re.I,
        ),
        "finance",
    ),
    (
        re.compile(
            r"\b(digital|ICT|telecom\w*|internet|cyber\w*|artificial intelligence|AI)\b", re.I
        ),
        "digital",
    ),
    (re.compile(r"\b(research\w*|scien\w*|space|innovat\w*|technolog\w*)\b", re.I), "science"),
    (re.compile(r"\b(climate|ecolog\w*|environment\w*|glacier\w*|water)\b", re.I), "environment"),
    (
        re.compile(
            r"\b(defen[cs]e|military|police|terror\w*|counterterror\w*|border security|"
            r"drugs?|narcotics?|security|weapons?|arms)\b",
            re.I,
        ),
        "security",
    ),
    (
        re.compile(
            r"\b(diplomat\w*|consul\w*|migra\w*|justice|legal|parliament\w*|"
            r"corruption|democra\w*|governance|visa\w*)\b",
            re.I,
        ),
        "governance",
    ),
    (
        re.compile(r"\b(construction(?! of)|housing|urban development|building materials)\b", re.I),
        "construction",
    ),
    (re.compile(r"\b(industr\w*|manufactur\w*|factor(y|ies)|plants?)\b", re.I), "industry"),
]

_AMOUNT = re.compile(
    r"(?P<sym>[$€£¥₽])\s?(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>trillion|billion|million|"
    r"thousand|bn|mln|m|k)?\b|\b(?P<num2>\d[\d,]*(?:\.\d+)?)\s*(?P<scale2>trillion|billion|"
    r"million|thousand)?\s*(?P<cur>dollars|euros?|rubles|roubles|yuan|pounds|yen|USD|EUR|RUB|CNY)\b",
    re.I,
)
_SCALES: Final = {
    "trillion": 1e12,
    "billion": 1e9,
    "bn": 1e9,
    "million": 1e6,
    "mln": 1e6,
    "m": 1e6,
    "thousand": 1e3,
    "k": 1e3,
}
_CURRENCIES: Final = {
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₽": "RUB",
    "dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "rubles": "RUB",
    "roubles": "RUB",
    "yuan": "CNY",
    "pounds": "GBP",
    "yen": "JPY",
    "usd": "USD",
    "eur": "EUR",
    "rub": "RUB",
    "cny": "CNY",
}
_MONTHS: Final = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_DATE = re.compile(
    r"\b(?:(?P<day>\d{1,2})\s+)?(?P<month>"
    + "|".join(m.capitalize() for m in _MONTHS)
    + r")\s+(?:(?P<day2>\d{1,2}),?\s+)?(?P<year>(19|20)\d{2})\b"
)
_STOPWORDS: Final = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "by",
        "from",
        "into",
        "between",
        "among",
        "its",
        "their",
        "this",
        "that",
        "these",
        "those",
        "as",
        "be",
        "is",
        "are",
        "was",
        "were",
        "will",
        "would",
        "should",
        "can",
        "could",
        "further",
        "more",
        "new",
        "both",
        "two",
        "sides",
        "side",
        "cooperation",
        "cooperate",
        "joint",
        "jointly",
        "develop",
        "development",
        "expand",
        "strengthen",
        "promote",
        "enhance",
        "continue",
        "work",
    ]
)


def normalize_sector(value: str) -> tuple[str, str | None]:
    """A model's sector word as (taxonomy key, subsector to keep or None)."""
    key = value.strip().lower()
    if key in SECTORS:
        return key, None
    if key in SECTOR_SYNONYMS:
        return SECTOR_SYNONYMS[key], key
    singular = key.rstrip("s")
    for candidate in (singular, key.split()[0] if key.split() else key):
        if candidate in SECTORS:
            return candidate, None
        if candidate in SECTOR_SYNONYMS:
            return SECTOR_SYNONYMS[candidate], key
    return "other", key or None


# Words that name a sector but mostly qualify something else ("security environment",
# "democratic values", "diplomatic relations"): not enough to add a commitment.
_QUALIFIER_WORDS: Final = frozenset({"environment", "democratic", "diplomatic", "economic"})


def sector_mentions(sentence: str) -> list[tuple[str, str]]:
    """(word as written, sector) for each sector the reference's words name in the sentence, in
    order of first mention, one word per sector."""
    found: dict[str, tuple[int, str]] = {}
    for pattern, sector in _OTHER_KEYWORDS:
        for match in pattern.finditer(sentence):
            if match.group(0).lower() in _QUALIFIER_WORDS:
                continue
            if sector not in found or match.start() < found[sector][0]:
                found[sector] = (match.start(), match.group(0))
            break
    return [(word, sector) for sector, (_, word) in sorted(found.items(), key=lambda i: i[1][0])]


def without_area_words(text: str) -> str:
    """``text`` with every word of the reference's sector vocabulary blanked, qualifiers
    ("economic", "democratic") included: what it says beyond naming its area."""
    for pattern, _ in _OTHER_KEYWORDS:
        text = pattern.sub(" ", text)
    return text


# Medical goods one side hands another (GUIDELINES section 5: "donated goods, relief and
# humanitarian packages are aid, even medical supplies"): a giving verb, then the goods.
# Not "supply": that is also a sale.
_DONATED_GOODS: Final = re.compile(
    r"^\s*(deliver(ed|s|ing)?|donat(e|ed|es|ing)|sen[dt]s?|ship(ped|s)?|gift(ed|s)?|"
    r"hand(ed|s)? over|provid(e|ed|es|ing))\b(?:\W+\w+){0,6}?\W+"
    r"(doses|vaccines?|masks|respirators|ventilators|oxygen|concentrators|cylinders|"
    r"tests|test kits|kits|medicines|drugs|treatment courses|medical supplies|supplies|"
    r"protective equipment|PPE|beds|ambulances)\b",
    re.I,
)


# Security qualified by another area is that area's concern (docs/REFERENCE.md section 3:
# cybersecurity is digital, nuclear power is energy, food goes to agriculture): "energy
# security", "food security", "civil nuclear cooperation" are no defence, police or
# border work. A small model files them under security for the word.
_QUALIFIED_SECURITY: Final[list[tuple[re.Pattern[str], str]]] = [
    (re.compile(r"\bcyber[- ]?security\b", re.I), "digital"),
    (
        re.compile(r"\benergy security\b|\bcivil(ian)? nuclear\b|\bnuclear (energy|power)\b", re.I),
        "energy",
    ),
    (re.compile(r"\bfood security\b", re.I), "agriculture"),
    (re.compile(r"\bhealth security\b", re.I), "health"),
]
# The security sector's own words (reference section 3: defence, military, police,
# counter-terrorism, border security, drug trafficking), "security" itself unqualified.
_SECURITY_WORDS: Final = re.compile(
    r"\b(security|defen[cs]e|militar\w*|armed|army|nav(y|al)|troops?|weapons?|police|policing|"
    r"terror\w*|border|drugs?|traffick\w*|smuggl\w*|peace(keeping)?|crime|criminal)\b",
    re.I,
)


def qualified_security(text: str) -> str | None:
    """The area whose security the text is about ("energy security" -> energy), or None
    when it names none or also names security work of its own ("energy security and
    border protection")."""
    areas = [sector for pattern, sector in _QUALIFIED_SECURITY if pattern.search(text)]
    if not areas:
        return None
    rest = text
    for pattern, _ in _QUALIFIED_SECURITY:
        rest = pattern.sub(" ", rest)
    return None if _SECURITY_WORDS.search(rest) else areas[0]


# Culture in the reference's own words: "tourism" and "humanitarian ties in the
# diplomatic sense of people-to-people links" (docs/REFERENCE.md section 3), which a small
# model files under transport or aid for the words "travel" and "humanitarian".
_CULTURE_TIES: Final = re.compile(
    r"\btourism\b|\bhumanitarian (ties|contacts|links|exchanges?|relations)\b", re.I
)
# What keeps an item in the model's sector beside those words: assistance given, or
# transport itself ("air links for tourism").
_NOT_ONLY_TIES: Final = re.compile(
    r"\b(assistance|aid|relief|supplies|donat\w*|grants?|rail\w*|roads?|flights?|air|"
    r"aviation|airports?|ports?|shipping|transport\w*|logistics|visas?)\b",
    re.I,
)


def culture_ties(text: str) -> bool:
    """Whether the text is about tourism or people-to-people ties and nothing the model's
    other sector covers ("expand humanitarian ties", "develop tourism")."""
    return bool(_CULTURE_TIES.search(text)) and not _NOT_ONLY_TIES.search(text)


def _in_qualified_security(sentence: str, start: int) -> bool:
    """Whether the word at ``start`` is the "security" of "energy security" and the like."""
    return any(
        m.start() <= start < m.end()
        for pattern, _ in _QUALIFIED_SECURITY
        for m in pattern.finditer(sentence)
    )


_INVESTMENT: Final = re.compile(rf"\b{_INVESTMENT_WORD}\b", re.I)
# Words that make an investment action also about trade, or about a named area's project
# (infrastructure with no detail is construction): left as the model filed them.
_NOT_ONLY_INVESTMENT: Final = re.compile(
    r"\b(trade|trading|exports?|imports?|markets?|tariffs?|customs|commerce|commercial|"
    r"business|economic|economy|infrastructure|projects?)\b", re.I)


# Migration, visas and consular matters are governance (docs/REFERENCE.md section 3),
# which a small model files under trade ("visa-free travel"), security or health.
_MIGRATION: Final = re.compile(
    r"\b(migra\w*|immigra\w*|emigra\w*|visas?|visa-free|consul\w*|passports?|"
    r"asylum|refugee status)\b",
    re.I,
)


def migration_only(text: str) -> bool:
    """Whether the text is about migration, visas or consular matters and names no
    other area ("expand legal pathways for migration"; not "border security and
    immigration laws")."""
    if not _MIGRATION.search(text):
        return False
    return {s for _, s in sector_mentions(_MIGRATION.sub(" ", text))} <= {"governance"}


def refine_sector(sector: str, subsector: str | None, action: str, sentence: str = "") -> str:
    """the reference's explicit routing (pharmaceuticals -> health, food -> agriculture, ...)
    applied when the model chose a catch-all sector; the model's own words decide first,
    the evidence sentence only when they name no sector. Goods given are aid whatever
    the model filed them under (a small model files masks and vaccines under health);
    security qualified by another area ("energy security") is that area, tourism or
    people-to-people ties filed under aid or transport are culture, and investment
    alone filed under trade is finance."""
    if sector == "health" and _DONATED_GOODS.search(action):
        return "aid"
    own = f"{subsector or ''} {action}"
    if sector not in ("governance", "other") and migration_only(own):
        return "governance"
    if sector == "security":
        return qualified_security(own) or sector
    if sector in ("aid", "transport") and culture_ties(own):
        return "culture"
    if (sector == "trade" and _INVESTMENT.search(own) and not _NOT_ONLY_INVESTMENT.search(own)
            and {s for _, s in sector_mentions(own)} <= {"trade", "finance"}):
        return "finance"  # investment alone is finance (GUIDELINES 5, reference section 3)
    if sector not in _GENERIC_SECTORS:
        return sector
    if re.search(rf"\b{sector}", own, re.I):
        return sector  # "cooperate in industry" stays industry whatever the sentence lists
    keywords = _OTHER_KEYWORDS if sector == "other" else _SECTOR_KEYWORDS
    for probe in (own, sentence):
        for pattern, target in keywords:
            if pattern.search(probe):
                return target
    return sector


# Sector names as they appear in lists of priority areas ("industry, energy, transport").
_LISTED_SECTORS: Final[list[tuple[str, str]]] = [
    ("machine engineering", "industry"),
    ("machine building", "industry"),
    ("mechanical engineering", "industry"),
    ("industry", "industry"),
    ("manufacturing", "industry"),
    ("textiles", "industry"),
    ("energy", "energy"),
    ("hydropower", "energy"),
    ("oil and gas", "energy"),
    ("mining", "mining"),
    ("transport", "transport"),
    ("logistics", "transport"),
    ("construction", "construction"),
    ("agriculture", "agriculture"),
    ("agro-industry", "agriculture"),
    ("trade", "trade"),
    ("investment", "finance"),
    ("investments", "finance"),
    ("banking", "finance"),
    ("finance", "finance"),
    ("digital", "digital"),
    ("information technology", "digital"),
    ("telecommunications", "digital"),
    ("science", "science"),
    ("innovation", "science"),
    ("healthcare", "health"),
    ("health care", "health"),
    ("health", "health"),
    ("pharmaceuticals", "health"),
    ("education", "education"),
    ("culture", "culture"),
    ("tourism", "culture"),
    ("sport", "culture"),
    ("sports", "culture"),
    ("humanitarian", "culture"),
    ("environment", "environment"),
    ("climate", "environment"),
    ("security", "security"),
    ("defence", "security"),
    ("defense", "security"),
]
_LIST_PATTERN: Final = re.compile(
    r"\b(" + "|".join(re.escape(k) for k, _ in _LISTED_SECTORS) + r")\b", re.I
)
MIN_LISTED_SECTORS: Final = 3


def listed_sectors(sentence: str, minimum: int = MIN_LISTED_SECTORS) -> list[tuple[str, str]]:
    """(area as written, sector) for a sentence that enumerates several areas, else [].

    docs/REFERENCE.md section 1: sectors listed in one breath are one commitment each; a small model
    tends to return the list as one vague item.
    """
    seen: dict[str, tuple[str, str]] = {}
    lookup = {k: v for k, v in _LISTED_SECTORS}
    for match in _LIST_PATTERN.finditer(sentence):
        word = match.group(1).lower()
        if lookup[word] == "security" and _in_qualified_security(sentence, match.start()):
            continue  # "Energy Security Dialogue" lists energy, not security
        seen.setdefault(word, (match.group(1), lookup[word]))
    if len(seen) < minimum or ("," not in sentence and minimum > 2):
        return []
    return list(seen.values())


# Between two area words of one list: a comma, "and", "or" or "as well as", after a
# generic head the areas share ("trade cooperation and investment ...") and before an
# adjective of the next area ("digital and clean energy projects").
_COORDINATOR: Final = re.compile(
    r"(\s+(cooperation|partnerships?|ties|relations|sectors?|projects|programmes|programs|"
    r"issues|matters|fields|areas))?"
    r"\s*(,\s*(and\s+|or\s+|as well as\s+)?|and\s+|or\s+|and/or\s+|&\s*|as well as\s+)"
    r"((clean|green|renewable|sustainable|public|higher|civil)\s+)?",
    re.I,
)


class Area(NamedTuple):
    """One area of a list in an action: where it starts, where its first word ends (what
    follows is shared with the list's other areas), where it ends, its sector."""

    start: int
    word_end: int
    end: int
    sector: str


def coordinated_areas(action: str) -> list[Area]:
    """The areas of the longest list of areas the action coordinates, when the list spans
    two sectors or more, else [].

    Lower-case words only, so "the Food and Drug Administration" lists nothing; two area
    words in a row are one area, the first's ("food security" is agriculture).
    """
    words: list[tuple[int, int, str]] = []
    for pattern, sector in _OTHER_KEYWORDS:
        for match in pattern.finditer(action):
            taken = any(s < match.end() and match.start() < e for s, e, _ in words)
            if not taken and match.group(0)[0].islower():
                words.append((match.start(), match.end(), sector))
    areas: list[Area] = []
    for start, end, sector in sorted(words):
        if areas and re.fullmatch(r"[\s-]+", action[areas[-1].end : start]):
            areas[-1] = areas[-1]._replace(end=end)
        else:
            areas.append(Area(start, end, end, sector))
    best: list[Area] = []
    chain: list[Area] = []
    for area in areas:
        joined = chain and _COORDINATOR.fullmatch(action[chain[-1].end : area.start])
        chain = [*chain, area] if joined else [area]
        if len({a.sector for a in chain}) > len({a.sector for a in best}):
            best = chain
    return best if len({a.sector for a in best}) >= 2 else []


def split_coordinated(action: str, sector: str) -> tuple[str, list[tuple[str, str]]]:
    """The action narrowed to its own sector's area, and (sector, action) for each other
    area it lists: "expand efforts on food and energy security" filed under agriculture
    gives "... on food security" and (energy, "... on energy security").

    docs/REFERENCE.md section 1: areas listed in one breath are one commitment each; the
    model writes the list as one item as often for two areas as for five.
    """
    areas = coordinated_areas(action)
    if not areas:
        return action, []
    last = areas[-1]

    def narrowed(area: Area) -> str:
        # The last area's words after its first ("security") belong to every area.
        own_words = action[area.start : area.word_end if area is last else area.end]
        return action[: areas[0].start] + own_words + action[last.word_end :]

    own = next((narrowed(a) for a in areas if a.sector == sector), action)
    others: dict[str, str] = {}
    for area in areas:
        if area.sector != sector:
            others.setdefault(area.sector, narrowed(area))
    return own, list(others.items())


def find_amount(text: str) -> Amount | None:
    match = _AMOUNT.search(text)
    if match is None:
        return None
    number = match.group("num") or match.group("num2")
    scale = (match.group("scale") or match.group("scale2") or "").lower()
    currency_word = (match.group("sym") or match.group("cur") or "").lower()
    currency = _CURRENCIES.get(currency_word)
    if currency is None:
        return None
    try:
        value = float(number.replace(",", "")) * _SCALES.get(scale, 1.0)
    except ValueError:
        return None
    return Amount(value=value, currency=currency)


def find_date(text: str) -> str | None:
    match = _DATE.search(text)
    if match is None:
        return None
    month = _MONTHS.index(match.group("month").lower()) + 1
    day = match.group("day") or match.group("day2")
    year = match.group("year")
    return f"{year}-{month:02d}-{int(day):02d}" if day else f"{year}-{month:02d}"


def content_words(text: str) -> frozenset[str]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return frozenset(w.rstrip("s") for w in words if w not in _STOPWORDS and len(w) > 1)


# Words any cooperative action may use: sharing only these with a sentence does not tie
# an action to it ("review cooperation on migration" on a heading about COVID-19).
_GENERIC_ACTION_TEXT: Final = """
    cooperate cooperation collaborate collaboration partner partnership partnerships
    joint jointly together bilateral multilateral mutual relations relationship ties
    work working efforts effort strengthen enhance deepen expand advance promote support
    increase improve develop development continue further new two countries sides both
    """
_GENERIC_ACTION: Final = content_words(_GENERIC_ACTION_TEXT)


def action_supported(action: str, sentence: str) -> bool:
    """Whether the sentence says anything of the action beyond words of cooperation.

    A model asked about one sentence, with the one before as context, sometimes labels
    the context instead: an item whose specific words are all absent from its evidence
    sentence is not evidenced by it (docs/REFERENCE.md section 2). An action of generic
    words only is judged by those."""
    own = content_words(action)
    specific = own - _GENERIC_ACTION
    words = content_words(sentence)
    return bool((specific or own) & words) if own else True


_NAME: Final = re.compile(r"\b[A-Z][\w'’-]{3,}")


def names_attested(action: str, text: str) -> bool:
    """Whether every name the action gives (a capitalized word after its first) occurs in
    the article, at least by its first five letters ("Angolan" for "Angola").

    A small model copies names from the prompt's invented examples into its answers
    ("launch the Norland-Kestria Energy Dialogue" over "Thank you for the warm
    welcome"): an action that names what the article never does is not evidenced."""
    folded = text.casefold()
    for match in _NAME.finditer(action):
        if match.start() == 0:
            continue  # the verb that starts the action
        for part in re.split(r"[-'’]", match.group(0)):
            if len(part) >= 4 and part[:5].casefold() not in folded:
                return False
    return True


def action_similarity(a: str, b: str) -> float:
    """Jaccard similarity of content words; 1.0 for two actions with the same content."""
    wa, wb = content_words(a), content_words(b)
    if not wa and not wb:
        return 1.0
    return len(wa & wb) / len(wa | wb) if wa | wb else 0.0


MERGE_SIMILARITY: Final = 0.6


# docs/REFERENCE.md section 1's non-commitments, as the first word of the action a model writes for
# them: the meeting itself, thanks, greetings, condolences, criticism, speech.
_NON_COMMITMENT_VERBS: Final = frozenset(
    {
        "meet", "met", "hold", "held", "host", "hosted", "had", "have", "has",
        "thank", "thanked", "thanks", "congratulate", "congratulated", "greet", "greeted",
        "send", "sent", "wish", "wished", "condole", "condemn", "condemned", "criticize",
        "criticized", "say", "said", "spoke", "speak", "talk", "talked", "exchange",
        "exchanged", "express", "expressed", "view", "viewed", "inform", "informed",
    }
)  # fmt: skip


# "expressed their commitment to work toward ...": an intention stated (reference section
# 4, intended: "expressed interest"), not the thanks or condolences "expressed" names.
_EXPRESSED_INTENTION: Final = re.compile(
    r"^express(?:ed|es)?\s+(?:(?:their|our|its|his|her|the|a|an|shared|joint|mutual|"
    r"strong|firm|full|unwavering|continued|steadfast|common|deep|sincere)\s+){0,3}"
    r"(?:commitment|readiness|willingness|interest|intention|desire|determination)\s+(?:to|in)\b",
    re.I,
)


# The same verbs in another sense: "meet" a goal is to reach it, not a meeting; "send"
# experts, aid or equipment is support given, not greetings or condolences sent.
_OTHER_SENSE: Final = re.compile(
    r"^(?:meet|meets|met)\s+(?!with\b)(?:\S+\s+){0,3}?(?:goals?|targets?|needs?|demands?|"
    r"requirements?|obligations?|standards?|criteria|deadlines?|expectations?)\b"
    r"|^(?:send|sends|sent)\s+(?:\S+\s+){0,4}?(?:experts?|specialists?|advis[eo]rs?|"
    r"doctors?|teachers?|instructors?|trainers?|engineers?|troops|personnel|teams?|aid|"
    r"assistance|equipment|supplies|vaccines?|doses|food|fuel|weapons|arms)\b"
    # "exchange" students, experts or information is cooperation, not views or greetings.
    r"|^(?:exchange|exchanges|exchanged)\s+(?:\S+\s+){0,4}?(?:students?|scholars?|"
    r"researchers?|scientists?|teachers?|experts?|specialists?|cadets?|officers?|"
    r"personnel|delegations?|visits|information|data|intelligence|experience|expertise|"
    r"know-how|knowledge|best practices|technolog\w*)\b",
    re.I,
)


def is_non_commitment(action: str) -> bool:
    """True for an action that names a non-commitment (docs/REFERENCE.md section 1) by its verb."""
    words = action.split()
    if not words or words[0].lower().strip(".,;:") not in _NON_COMMITMENT_VERBS:
        return False
    return _EXPRESSED_INTENTION.match(action) is None and _OTHER_SENSE.match(action) is None


def _same_evidence(a: Commitment, b: Commitment) -> bool:
    spans = {(e.start, e.end) for e in a.evidence if e.start is not None}
    return any((e.start, e.end) in spans for e in b.evidence)


def merge_duplicates(
    commitments: list[Commitment], *, same_sentence: bool = False
) -> list[Commitment]:
    """One commitment per (sector, action): evidence and parties joined, strongest status.

    With ``same_sentence``, two items of one sector quoting the same sentence are one
    too, whatever their wording: a sentence labelled on its own yields the list split's
    "cooperate in energy" beside the model's own item for the same sector."""
    merged: list[Commitment] = []
    for item in commitments:
        twin = next(
            (
                m
                for m in merged
                if m.sector == item.sector
                and (
                    action_similarity(m.action, item.action) >= MERGE_SIMILARITY
                    or (same_sentence and _same_evidence(m, item))
                )
            ),
            None,
        )
        if twin is None:
            merged.append(item.model_copy(deep=True))
            continue
        spans = {(e.start, e.end) for e in twin.evidence}
        twin.evidence.extend(e for e in item.evidence if (e.start, e.end) not in spans)
        keys = {p.key for p in twin.parties}
        twin.parties.extend(p for p in item.parties if p.key not in keys)
        if status_rank(item.status) > status_rank(twin.status):
            twin.status = item.status
        twin.subsector = twin.subsector or item.subsector
        twin.amount = twin.amount or item.amount
        twin.date = twin.date or item.date
    return merged


def sort_evidence(evidence: list[Evidence]) -> list[Evidence]:
    return sorted(evidence, key=lambda e: e.start if e.start is not None else 1 << 62)


__all__ = [
    "MERGE_SIMILARITY",
    "SECTOR_SYNONYMS",
    "Sector",
    "action_similarity",
    "action_supported",
    "content_words",
    "coordinated_areas",
    "culture_ties",
    "find_amount",
    "find_date",
    "listed_sectors",
    "merge_duplicates",
    "names_attested",
    "normalize_sector",
    "qualified_security",
    "refine_sector",
    "split_coordinated",
]
