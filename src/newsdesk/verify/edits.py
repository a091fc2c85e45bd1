"""An editor's change to a stored draft, judged by the same checker as the gate.

The desk edits a sentence (or the headline, or the dek) or removes one; this module
makes the changed draft and checks it, so the web layer decides nothing. An edited
sentence keeps the citations of the sentence it replaces: the editor changes the
words, the checker judges the new words against the same cited spans and the story's
articles, as of the story's date, exactly as the gate did (``check_draft_sentences``).
Every sentence is checked again, not only the edited one: a removal or an edit changes
what the page shows before the sentences after it (their context). Nothing is revised
or dropped here: the verdicts are the editor's to act on, and publishing renders only
sentences the checker supported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from newsdesk.config import VerifySettings
from newsdesk.errors import InputError
from newsdesk.language.support import check_support, combined_support
from newsdesk.records import Article, Draft, Verdict
from newsdesk.verify.gate import Support, check_draft_sentences, passed, renumber

MAX_SENTENCE = 2000
"""The longest sentence an editor may save, in characters."""


def edited(draft: Draft, position: int, text: str) -> Draft:
    """``draft`` with the sentence at ``position`` reading ``text`` (whitespace collapsed),
    its citations, kind and paragraph kept. ``InputError`` for an empty or overlong text
    or a position the draft does not have."""
    _sentence_at(draft, position)
    text = " ".join(text.split())
    if not text:
        raise InputError("a sentence cannot be empty: remove it instead")
    if len(text) > MAX_SENTENCE:
        raise InputError(f"a sentence is at most {MAX_SENTENCE} characters")
    sentences = list(draft.sentences)
    sentences[position] = replace(sentences[position], text=text)
    return replace(draft, sentences=tuple(sentences))


def removed(draft: Draft, position: int) -> Draft:
    """``draft`` without the sentence at ``position``, its paragraphs numbered again."""
    _sentence_at(draft, position)
    kept = [s for n, s in enumerate(draft.sentences) if n != position]
    return replace(draft, sentences=tuple(renumber(kept)))


def paragraphs(draft: Draft) -> list[list[int]]:
    """The positions of the draft's body sentences, grouped by paragraph, in reading
    order: ``paragraphs(draft)[0]`` is the lead paragraph."""
    groups: dict[int, list[int]] = {}
    for position, sentence in enumerate(draft.sentences):
        if sentence.kind == "body":
            groups.setdefault(sentence.paragraph, []).append(position)
    return list(groups.values())


def moved(draft: Draft, paragraph: int, offset: int) -> Draft:
    """``draft`` with its body paragraph ``paragraph`` (1 is the lead) swapped with the
    one ``offset`` places away (-1: the one above, 1: the one below), paragraphs
    numbered again. The other sentences (headline, dek, quotes, figures) keep their
    places; the body sentences fill the places body sentences held, in the new order.
    ``InputError`` for a paragraph the draft lacks or a move past either end."""
    groups = paragraphs(draft)
    if not 1 <= paragraph <= len(groups):
        raise InputError(f"the draft has no paragraph {paragraph}")
    target = paragraph + offset
    if not 1 <= target <= len(groups):
        end = "first" if target < 1 else "last"
        raise InputError(f"paragraph {paragraph} is the {end} already")
    order = list(range(len(groups)))
    order[paragraph - 1], order[target - 1] = order[target - 1], order[paragraph - 1]
    slots = [position for group in groups for position in group]
    body = [draft.sentences[p] for index in order for p in groups[index]]
    sentences = list(draft.sentences)
    for slot, sentence in zip(slots, body, strict=True):
        sentences[slot] = sentence
    return replace(draft, sentences=tuple(renumber(sentences)))


def recheck(
    draft: Draft,
    articles: Sequence[Article],
    settings: VerifySettings,
    support: Support | None = None,
) -> tuple[Verdict, ...]:
    """The checker's verdict on every sentence of ``draft``, with the reason of each
    failure and the checks each pass passed: what the story view shows and stores."""
    support = support or combined_support(check_support, settings.min_coverage)
    results = check_draft_sentences(draft, articles, settings, support)
    return tuple(
        Verdict(n, r.label, *(("", passed(r)) if r.label == "supported" else (r.reason, ())))
        for n, r in enumerate(results)
    )


def _sentence_at(draft: Draft, position: int) -> None:
    if not 0 <= position < len(draft.sentences):
        raise InputError(f"the draft has no sentence {position}")
