"""Whether a sentence reports conflict rather than cooperation.

docs/REFERENCE.md section 1 excludes conflict, sanctions, protests and criticism, and a
small model asked about such a sentence labels it a commitment anyway, so the screen
must not send it. The words are grouped by PLOVER's conflictual event types (ACCUSE,
REJECT, THREATEN, PROTEST, SANCTION, MOBILIZE, COERCE, ASSAULT: the event ontology the
export maps to, docs/PLOVER.md), not taken from sentences of the dev set, and three
rules of scope decide:

- an act against the other side (rejecting, refusing, threatening, vetoing, expelling,
  accusing a named party) is conflict whatever cooperative words stand beside it:
  "rejected the proposal to cooperate", "suspended budget support";
- a step that reduces relations (suspend, freeze, revoke, withdraw from, halt, cut off,
  block, ban, impose tariffs) is conflict unless the sentence says the sides agreed,
  decided or pledged to take it, take it towards each other, or undo it ("agreed to
  suspend tariffs on each other's steel", "lifted the ban");
- violence, force and hostility (attacks, shelling, troop deployments, clashes,
  sanctions, protests, condemnation) are conflict unless the sentence names joint action
  against them ("agreed to fight terrorism jointly", "pledged aid to those displaced",
  a ceasefire that is not said to be broken).
"""

from __future__ import annotations

import re
from typing import Final

# REJECT, THREATEN, COERCE and ACCUSE aimed at a party: never cooperation.
_AGAINST_THE_OTHER: Final = re.compile(
    r"\b(reject(s|ed|ing)?|rebuff(s|ed|ing)?|refus(e|es|ed|ing|al)|"
    r"threaten(s|ed|ing)?|ultimatums?|coerc\w*|blackmail\w*|intimidat\w*|"
    r"declin(e|ed|es|ing) to|turn(s|ed)? down|walk(s|ed)? out|broke off|break(s)? off|"
    r"expel(s|led|ling)?|expulsions?|persona non grata|dismiss(es|ed|ing) ([\w'’-]+ ){0,2}"
    r"(proposal|offer|request|call|plan|demand)s?|(was|were|been|is|are) accused by|"
    r"warn(s|ed|ing)? ([\w'’-]+ ){0,3}(that )?([\w'’-]+ ){0,2}(would|will|could|might) "
    r"(face|pay|suffer|respond|retaliate|strike|use|take|act)|"
    r"veto(es|ed|ing)?|"
    r"summon(s|ed|ing)? (the |its |their )?(\w+ )?(ambassador|envoy|charg\w*|diplomat)\w*|"
    r"recall(s|ed|ing)? (its |their |the )?(\w+ )?(ambassador|envoy)s?|"
    r"accus(e|es|ed|ing) (the |its |their )?(?-i:[A-Z])\w*|blam(e|es|ed|ing) (?-i:[A-Z])\w*|"
    r"order(s|ed|ing)? (\w+ ){0,3}(troops|forces|soldiers|diplomats|ambassador|envoy|staff|"
    r"personnel|mission) to leave)\b",
    re.I,
)

# SANCTION as a step back from relations (and COERCE by closing or seizing).
_REDUCING: Final = re.compile(
    r"\b(suspen(d|ds|ded|ding|sion)|freez(e|es|ing)|froze|frozen|revok\w*|revocation|"
    r"cancel\w*|terminat\w*|annul\w*|withdr(aw|aws|awing|awn|ew) from|"
    r"pull(s|ed|ing)? out of|quit(s|ting)? the|cut(s|ting)? off|"
    r"cut(s|ting)? (\w+ )?(ties|relations|supplies|deliveries|funding|aid)|sever(s|ed|ing|ance)?|"
    r"end(s|ed|ing)? (\w+ )?(ties|relations|participation|mission|membership)|"
    r"halt(s|ed|ing)?|stopp(ed|ing)|shut (down|off)|blocked|blocking|blockade\w*|"
    r"barr(ed|ing)|ban(s|ned|ning)?|embargo\w*|boycott\w*|downgrad\w*|"
    r"clos(e|es|ed|ing) (\w+ ){0,3}(border|borders|airspace|embassy|consulate|crossings?|"
    r"ports?|waters)|"
    r"impos(e|es|ed|ing) (\w+ ){0,4}(tariffs?|sanctions?|duties|duty|restrictions?|bans?|"
    r"embargo\w*|levies|penalt\w*))\b",
    re.I,
)
# What turns a reducing step into cooperation: the sides agree on it or take it towards
# each other, or the step is being undone.
_CONSENTED: Final = re.compile(
    r"\b(agree\w*|decid\w*|decision|pledg\w*|commit(s|ted)?|sign\w*|jointly|together|"
    r"mutual\w*|reciprocal\w*|each other|one another|"
    r"lift\w*|eas(e|es|ed|ing)|remov\w*|resum\w*|restor\w*|reopen\w*|unfreez\w*|"
    r"unblock\w*)\b",
    re.I,
)

# ASSAULT, MOBILIZE, PROTEST, ACCUSE in general, SANCTION as a noun: hostility.
_HOSTILITY: Final = re.compile(
    r"\b(attack\w*|strik(e|es|ing)|struck|air ?strikes?|airstrikes?|bomb\w*|shell(s|ed|ing)|"
    r"missiles?|rockets?|drones? (strikes?|attacks?)|artillery|gunfire|(open|opened|exchanged) "
    r"fire|fired|invad\w*|invasion|offensive|incursion\w*|raid(s|ed|ing)?|ambush\w*|"
    r"kill\w*|wound\w*|massacre\w*|clash\w*|skirmish\w*|fight\w*|war|warfare|"
    r"hostilit\w*|hostile|shoot\w*|shot|seiz\w*|occup\w*|hostages?|"
    r"arrest\w*|detain\w*|detention|coup|deploy\w* (\w+ ){0,2}(troops|forces|warships|missiles|"
    r"soldiers|tanks)|troops? (build-?up|massed|massing)|mobiliz(e|es|ed|ing|ation) (\w+ ){0,2}"
    r"(troops|forces|army|reservists|soldiers|military)|(military|general|partial) "
    r"mobili[sz]ation|drills?|standoff|"
    r"sanction\w*|countermeasures?|accus\w*|condemn\w*|denounc\w*|protest\w*|"
    r"criticiz\w*|criticis\w*|lawsuit|sued|warn\w*|pressur\w*|provocat\w*|"
    r"retaliat\w*|intercept\w*|tensions?|dispute\w*|violat\w*|breach\w*|aggress\w*|"
    r"escalat\w*|demanded|demanding|demands? that|"
    r"water cannons?|(militants?|rebels?|insurgents?|guerrillas?|terrorists?)|"
    r"(military )?operations? against)\b",
    re.I,
)
# Joint action against what the sentence reports: verbs of working together or of
# giving help, not the bare nouns ("a plant built with Japanese assistance" is no
# action of this sentence).
_JOINT_ACTION: Final = re.compile(
    r"\b(cooperat\w*|co-operat\w*|collaborat\w*|jointly|joint|together|partner\w*|"
    r"demin\w*|de-min\w*|clear(s|ed|ing)? (\w+ ){0,2}(land)?mines|agree(s|d)?|agreed|"
    r"sign(s|ed|ing)?|pledg\w*|commit\w*|mutual\w*|"
    r"provid(e|es|ed|ing)|deliver(s|ed|ing)?|donat\w*|allocat\w*|"
    r"(?-i:support(s|ed|ing)?)|to support|(?-i:assist(s|ed|ing)?)|(?-i:help(s|ed|ing)?)|"
    r"discuss\w*|negotiat\w*|talks|mediat\w*|broker\w*|coordinat\w*|to combat|"
    r"combat(t)?(s|ed|ing)|lift(s|ed|ing)?|eas(e|es|ed|ing)|"
    r"counter-?terror\w*|to counter|countering|prevent\w*|avoid\w*|de-escalat\w*|"
    r"resolv\w*|settle\w*|approv\w*)\b",
    re.I,
)
# A step back from a barrier is a step towards the other side ("suspended visa
# requirements for Kestrian citizens", "cancelled Norland's debt").
_BARRIER: Final = re.compile(
    r"\b(debts?|visas?|visa-free|tariffs?|duties|barriers?|restrictions?|quotas?|fees?|"
    r"red tape|double taxation)\b",
    re.I,
)
_IMPOSING: Final = re.compile(r"(impos|ban|embargo|boycott|block|clos|barr)", re.I)
_TOWARDS_EACH_OTHER: Final = re.compile(
    r"\b(each other|one another|mutual\w*|reciprocal\w*)\b", re.I
)
_PEACE: Final = re.compile(r"\b(ceasefire|cease-fire|truce|peace\w*|armistice)\b", re.I)
_BROKEN: Final = re.compile(r"\b(violat|breach|broke)", re.I)


def is_conflict(sentence: str) -> bool:
    """An act against the other side, a step back from relations the sides did not
    agree on, or hostility with no joint action against it."""
    if _AGAINST_THE_OTHER.search(sentence):
        return True
    reducing = _REDUCING.search(sentence)
    if reducing:
        before = sentence[: reducing.start()]
        consented = _CONSENTED.search(before) or _TOWARDS_EACH_OTHER.search(sentence)
        eases_barrier = not _IMPOSING.match(reducing.group(0)) and _BARRIER.search(
            sentence[reducing.end() : reducing.end() + 60]
        )
        if not consented and not eases_barrier:
            return True
    if not _HOSTILITY.search(sentence):
        return False
    if _JOINT_ACTION.search(sentence):
        return False
    return not _PEACE.search(sentence) or bool(_BROKEN.search(sentence))


__all__ = ["is_conflict"]
