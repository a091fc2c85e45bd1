"""A headline of the newsroom's own, written from the article's lead sentence.

An outlet's title carries that outlet's angle ("Progressives slam Democrats…")
and its day: a story that grew for three days kept the first day's title. The
headline is instead the lead cut down to who did what, in headline style:

* the main clause only: its subject (without appositions or relative clauses),
  its verb and what the verb takes; time phrases, subordinate clauses, asides
  and credits go;
* present tense for what happened ("Trump ordered" -> "Trump orders"), "to" for
  what will ("The Senate will vote" -> "Senate to vote"), the passive without
  its auxiliary ("Spencer was detained" -> "Spencer detained");
* no leading article, no full stop, at most ``MAX_WORDS`` words: trailing
  prepositional phrases are dropped until it fits.

Every word left is the lead's, so the headline passes the checker on the lead's
citation like any sentence. A lead whose main clause is a quotation or a
question, or that cannot be cut short enough, gives ``None``: the caller tries the
next sentence, and falls back to a title only when no sentence will do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from newsdesk.language.attribution import split_attribution
from newsdesk.language.dates import MONTH_WORDS, WEEKDAY_WORDS
from newsdesk.language.syntax import parse

_QUOTED = re.compile(r"[“\"]([^”\"]*)[”\"]")
MAX_WORDS = 14
MIN_WORDS = 4
_KEPT = frozenset(
    "dobj attr acomp prt xcomp dative oprd prep agent neg ccomp pobj advmod npadvmod".split()
)
"""Dependents of the main verb that belong in a headline (the advmods are filtered)."""
_TIME_WORDS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    tonight morning afternoon evening night week weekend month year earlier later""".split()
)
_KEPT_ADVERBS = frozenset(
    "not never no again back down up out off forward away ahead aside together apart".split()
)
_PRESENT_BE = {"was": "is", "were": "are", "has been": "is", "have been": "are"}
_SIBILANT = re.compile(r"(?:s|sh|ch|x|z|o)$")
_CONSONANT_Y = re.compile(r"[^aeiou]y$")


@dataclass(frozen=True)
class Headline:
    """A headline and whether its subject stands on its own: a name ("Iraqi lawmakers",
    "Trump") or something new ("A man"), not a description that leans on the story
    ("The resolution", "The agency")."""

    text: str
    named: bool


def headline(sentence: str) -> str | None:
    """The headline the sentence makes, or None when it makes none."""
    made = cut(sentence)
    return None if made is None else made.text


def cut(sentence: str) -> Headline | None:
    """The sentence cut down to a ``Headline``, or None when it makes none."""
    bare = split_attribution(sentence.strip()).claim.strip()
    if not bare or "?" in bare or any(len(q.split()) > 3 for q in _QUOTED.findall(bare)):
        return None  # a question, or a quotation: the speaker's words, not a headline
    doc = parse(bare)
    roots = [t for t in doc if t.dep_ == "ROOT"]
    if len(roots) != 1 or roots[0].pos_ not in ("VERB", "AUX"):
        return None
    root = roots[0]
    if root.lemma_.lower() in _REPORTING:
        # "X was stopped…, he said Friday": the news is the clause said.
        said = [c for c in root.children if c.dep_ == "ccomp" and c.i < root.i]
        if len(said) != 1:
            return None
        root = said[0]
    subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
    stand_in = None
    if root.lemma_.lower() in _ANNOUNCING and len(subjects) == 1:
        # "The department announced that it would cancel…": the department to cancel…
        clause = [c for c in root.children if c.dep_ == "ccomp" and c.i > root.i]
        inner = [t for c in clause for t in c.children if t.dep_ in ("nsubj", "nsubjpass")]
        if len(clause) == 1 and len(inner) == 1 and inner[0].lower_ in ("it", "they"):
            stand_in, root = subjects[0], clause[0]
            subjects = inner
    if len(subjects) != 1 or subjects[0].i > root.i:
        return None
    if subjects[0].lower_ in _PRONOUNS and stand_in is None:
        return None
    subject = subjects[0]
    if root.lemma_.lower() in _REPORTING:
        return None  # "McConnell said that…": a headline of who said, not of what
    if stand_in is not None:
        subject = stand_in
    keep = _subject_tokens(subject)
    verb, dropped = _verb(root, subject, "would" if stand_in is not None else "will")
    if verb is None:
        return None
    objects = [c for c in root.children if c.i > root.i and _kept_dependent(c)]
    for child in objects:
        keep.update(_without_asides(child))
    # What goes first when the headline is too long: the verb's prepositional phrases,
    # last first, then those inside what the verb takes, then clauses and lists there.
    optional = [{t.i for t in c.subtree} for c in reversed(objects) if c.dep_ in ("prep",)]
    inner = [
        token
        for child in objects
        if child.dep_ != "prep"
        for token in child.subtree
        if token.dep_ == "prep"
        and token != child
        and token.i in keep
        and token.head.pos_ in ("VERB", "AUX")
    ]
    optional.extend({t.i for t in token.subtree} for token in reversed(inner))
    for child in objects:
        for token in child.subtree:
            if token.dep_ not in ("acl", "conj") or token.i not in keep or token.pos_ == "PROPN":
                continue
            if token.dep_ == "acl" and len(list(token.subtree)) == 1:
                continue  # "left 150 people wounded": the object's state, not an aside
            group = {t.i for t in token.subtree}
            cc = [t.i for t in token.head.children if t.dep_ == "cc" and t.i < token.i]
            optional.append(group | set(cc))
    # Last of all, the subject's own prepositional phrases ("Ten governors in the Northeast").
    optional.extend(
        {t.i for t in c.subtree} for c in reversed(list(subject.children)) if c.dep_ == "prep"
    )
    words = _assemble(doc, keep - dropped, root, verb)
    while len(words.split()) > MAX_WORDS and optional:
        keep -= optional.pop(0)
        words = _assemble(doc, keep - dropped, root, verb)
    while (last := max(keep - dropped, default=-1)) > root.i and _dangles(doc[last]):
        keep.discard(last)  # "… from Democrats and Republicans including": a cut left it
        words = _assemble(doc, keep - dropped, root, verb)
    count = len(words.split())
    if not MIN_WORDS <= count <= MAX_WORDS or not objects or _dated_past(root, keep):
        return None
    if any(_emptied(doc[i], keep) for i in keep):
        return None  # "…mark the first time": what the time was went with the clause
    proper = any(
        doc[i].pos_ == "PROPN" or (doc[i].pos_ == "ADJ" and doc[i].text[:1].isupper())
        for i in keep
        if i < root.i
    )
    definite = any(
        c.dep_ == "det" and c.lower_ in ("the", "this", "that", "these", "those")
        for c in subject.children
    )
    return Headline(words[0].upper() + words[1:], proper or not definite)


_LIGHT_NOUNS = frozenset("time way thing one kind part reason fact".split())
"""Nouns that say little without the clause that follows them ("the first time …")."""


def _emptied(token: Any, keep: set[int]) -> bool:
    """A light noun whose clause the cut dropped."""
    return token.lemma_.lower() in _LIGHT_NOUNS and any(
        c.dep_ in ("relcl", "acl") and c.i not in keep for c in token.children
    )


_DANGLING = frozenset({"ADP", "CCONJ", "SCONJ", "DET", "PART", "PUNCT"})
"""Parts of speech a headline cannot end on."""


def _dangles(token: Any) -> bool:
    """A word a headline cannot end on: a preposition ("including"), a conjunction, an
    article, a particle or punctuation that a cut left without what followed it."""
    if token.dep_ == "prt":
        return False  # "wrapping up"
    return token.pos_ in _DANGLING or token.dep_ in ("prep", "cc", "det", "mark", "aux")


_REPORTING = frozenset("say tell add report write note claim insist argue".split())
_ANNOUNCING = frozenset("announce confirm disclose reveal decide".split())


def _dated_past(root: Any, keep: set[int]) -> bool:
    """Whether the main clause is dated by a year or a month that the cut drops ("The ACLU
    in 2017 challenged…", "last March"): without it an old event would read as today's
    news. A date elsewhere ("a law that took effect in 2017", "meddling in the 2016
    election") dates that clause or thing, not the event."""
    return any(
        t.i not in keep
        and (_YEAR.fullmatch(t.text) or (t.lower_ in MONTH_WORDS and not _weekday_date(t)))
        and _dates(t, root)
        for t in root.doc
    )


def _dates(token: Any, verb: Any) -> bool:
    """Whether ``token`` sits in a time phrase of ``verb`` ("in 2014", "last March")."""
    while token.head != token and token.dep_ not in ("prep", "npadvmod"):
        if token.dep_ in _CLAUSES:
            return False
        token = token.head
    if token.dep_ == "prep" and token.lower_ not in _WHEN:
        return False
    head = token.head
    # "The ACLU in 2017 challenged…": the parser hangs the date on the subject.
    return bool(head == verb or (head.dep_ in ("nsubj", "nsubjpass") and head.head == verb))


def dates_the_event(sentence: str, start: int, end: int) -> bool:
    """Whether ``sentence[start:end]`` (a date) says when the sentence's main event happened:
    a time phrase of the main verb ("In 2014, a bill failed", "said in 2017 that…"), not a
    date inside a clause or a comparison ("since the 2008 crisis", "a rule adopted in 1987")."""
    doc = parse(sentence)
    tokens = [t for t in doc if start <= t.idx < end]
    roots = [t for t in doc if t.dep_ == "ROOT"]
    if not tokens or not roots:
        return False
    root = roots[0]
    verbs = [root, *(c for c in root.children if c.dep_ in ("ccomp", "xcomp"))]
    return any(_dates(tokens[0], verb) for verb in verbs)


_WHEN = frozenset({"in", "on", "during", "at", "by"})


def _weekday_date(month: Any) -> bool:
    """A month in a day's date after its weekday ("Monday, April 13"): a day of the week
    the report was written, as ``pin_dates`` writes "on Monday", not an older event."""
    doc = month.doc
    return (
        month.i >= 2 and doc[month.i - 1].text == "," and doc[month.i - 2].lower_ in WEEKDAY_WORDS
    )


_CLAUSES = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis", "pcomp"})


_YEAR = re.compile(r"(?:1[89]|20)\d\d")


def _without_asides(phrase: Any) -> set[int]:
    """The phrase's words without the clauses, asides and time phrases hung on it."""
    cut: set[int] = set()
    for token in phrase.subtree:
        if token == phrase or _inside_word(token) or _in_list(token):
            continue
        if token.dep_ in _ASIDES or (token.dep_ == "prep" and _is_time(token)):
            cut.update(t.i for t in token.subtree)
    return {t.i for t in phrase.subtree} - cut


def _in_list(token: Any) -> bool:
    """A comma between the items of a list ("Apple, Facebook and Spotify")."""
    doc = token.doc
    return bool(token.text == "," and token.i + 1 < len(doc) and doc[token.i + 1].dep_ == "conj")


def _inside_word(token: Any) -> bool:
    """A piece of a hyphenated word ("Ocasio-Cortez", "all-expenses-paid"): the hyphen
    and the words it joins stay or go together."""
    doc = token.doc
    before = doc[token.i - 1] if token.i > 0 else None
    after = doc[token.i + 1] if token.i + 1 < len(doc) else None
    if token.is_punct:
        return (
            before is not None
            and after is not None
            and not (token.whitespace_ or before.whitespace_)
        )
    joined_before = before is not None and before.text == "-" and not before.whitespace_
    joined_after = after is not None and after.text == "-" and not token.whitespace_
    return joined_before or joined_after


_ASIDES = frozenset({"punct", "relcl", "appos", "advcl", "parataxis", "npadvmod"})


_PRONOUNS = frozenset("he she it they we i you this that these those who which there".split())


def _subject_tokens(subject: Any) -> set[int]:
    """The subject's words without appositions, relative clauses and asides; the name
    itself where a description stands in apposition to it ("leader Richard Spencer")."""
    names = [c for c in subject.children if c.dep_ == "appos" and c.pos_ == "PROPN"]
    if subject.pos_ != "PROPN" and len(names) == 1:
        subject = names[0]
    kept = _without_asides(subject) - {
        t.i for c in subject.children if c.dep_ == "acl" for t in c.subtree
    }
    for name in names:  # "Former Vice President Joe Biden": a name set beside its title
        if abs(name.i - subject.i) == 1:
            kept |= _without_asides(name)
    first = min(kept)
    if subject.doc[first].lower_ in ("the", "a", "an"):
        kept.discard(first)
    return kept


def _kept_dependent(child: Any) -> bool:
    if child.dep_ not in _KEPT:
        return False
    if child.dep_ == "advmod":
        return child.lower_ in _KEPT_ADVERBS
    if child.dep_ == "npadvmod":  # a tally ("voted 52-48") stays; a day ("Sunday") goes
        return any(c.isdigit() for c in child.text) and child.lower_ not in _TIME_WORDS
    return not (child.dep_ == "prep" and _is_time(child))


def _is_time(prep: Any) -> bool:
    """A prepositional phrase that only says when: "on Tuesday", "in 2019", "after the vote"."""
    objects = [t for t in prep.subtree if t.dep_ == "pobj"]
    if not objects:
        return False
    head = objects[0]
    return (
        head.lower_ in _TIME_WORDS
        or head.ent_type_ in ("DATE", "TIME")
        or (head.like_num and len(head.text) == 4)
    )


def _verb(root: Any, subject: Any, reported: str = "will") -> tuple[str | None, set[int]]:
    """The main verb in headline tense, and the auxiliaries it replaces; ``reported``
    is "would" in reported speech ("announced that it would cancel": "to cancel")."""
    auxes = [c for c in root.children if c.dep_ in ("aux", "auxpass") and c.i < root.i]
    dropped = {a.i for a in auxes}
    lemma = root.lemma_.lower()
    plural = (
        subject.tag_ in ("NNS", "NNPS")
        or subject.lower_ in _PLURAL_PRONOUNS
        or any(_another(c) for c in subject.children)
    )
    forms = [a.lower_ for a in auxes]
    if any(f in ("will", "would", "could", "should", "may", "might") for f in forms):
        if forms[0] not in ("will", reported) or root.tag_ != "VB":
            return None, dropped
        return f"to {root.text}", dropped
    if any(a.dep_ == "auxpass" for a in auxes):
        return root.text, dropped  # "Spencer was detained" -> "Spencer detained"
    if (
        forms
        and forms[-1] in ("did", "does", "do")
        and not any(c.dep_ == "neg" for c in root.children)
    ):
        dropped -= {auxes[-1].i}
        return None, dropped
    if any(c.dep_ == "neg" or _negation(c.lower_) for c in root.children) or _negation(root.lower_):
        return None, dropped  # "did not approve": too easy to turn around; try another lead
    if root.tag_ in ("VBD", "VBN") or forms in (["has"], ["have"], ["had"]):
        if lemma == "be":
            return ("are" if plural else "is"), dropped
        return (lemma if plural else _third_person(lemma)), dropped
    if root.tag_ in ("VBZ", "VBP") and not forms:
        return root.text, dropped
    if root.tag_ == "VBG" and forms and forms[-1] in ("is", "are", "was", "were"):
        return root.text, dropped - {auxes[-1].i} if forms[-1] in ("is", "are") else dropped
    return None, dropped


_PLURAL_PRONOUNS = frozenset("some many most several both few all".split())
"""Subjects that take a plural verb ("Some of the prosecutors move")."""


def _another(child: Any) -> bool:
    """A conjunct that names a second party ("Planned Parenthood and the ACLU"), not a
    second description of the same one ("the billionaire and former mayor")."""
    if child.dep_ != "conj":
        return False
    return child.pos_ == "PROPN" or any(c.dep_ == "det" for c in child.children)


def _negation(word: str) -> bool:
    return word in ("not", "never", "no", "n't", "n’t") or word.endswith(("n't", "n’t"))


def _third_person(lemma: str) -> str:
    if lemma == "have":
        return "has"
    if _CONSONANT_Y.search(lemma):
        return lemma[:-1] + "ies"
    if _SIBILANT.search(lemma):
        return lemma + "es"
    return lemma + "s"


def _assemble(doc: Any, keep: set[int], root: Any, verb: str) -> str:
    """The kept words in their order, spaced as in the sentence; a space where a cut
    joined two words that stood apart."""
    parts: list[str] = []
    previous = None
    for token in doc:
        if token.i != root.i and token.i not in keep:
            continue
        if previous is not None and (previous.whitespace_ or previous.i != token.i - 1):
            parts.append(" ")
        parts.append(verb if token.i == root.i else token.text)
        previous = token
    text = "".join(parts).strip()
    text = re.sub(r"\s+([,.;:’'])(?=\s|$)", r"\1", text)
    text = re.sub(r"\s{2,}", " ", text)
    if text.count("“") != text.count("”") or text.count('"') % 2:
        text = re.sub(r"[“”\"]", "", text)
    return text.rstrip(" ,;:.—–-")
