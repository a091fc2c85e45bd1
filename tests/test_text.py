from newsdesk.language.quoting import quotation_speaker
from newsdesk.language.text import (
    content_words,
    inside_quotation,
    numbers,
    paragraphs,
    quotation_at,
    quotation_spans,
    quotations,
    sentences,
)


def test_sentence_spans_are_exact_substrings(sample_records: list[dict[str, object]]) -> None:
    for record in sample_records:
        text = str(record["text"])
        spans = list(sentences(text))
        assert spans
        for span in spans:
            assert text[span.start : span.end] == span.text
            assert span.text == span.text.strip()


def test_abbreviations_and_initials_do_not_end_sentences() -> None:
    text = (
        "Sen. Mitch McConnell met John F. Kennedy Jr. in Washington. Then he left. "
        "Barr served under President George H.W. Bush in 1991. It ended."
    )
    assert [s.text for s in sentences(text)] == [
        "Sen. Mitch McConnell met John F. Kennedy Jr. in Washington.",
        "Then he left.",
        "Barr served under President George H.W. Bush in 1991.",
        "It ended.",
    ]


def test_sentence_ends_after_closing_quote() -> None:
    text = 'He said "we are sorry." The paper agreed.'
    assert [s.text for s in sentences(text)] == ['He said "we are sorry."', "The paper agreed."]


def test_paragraphs_keep_offsets() -> None:
    text = "  First one.\n\n\nSecond one.  "
    assert [(p.start, p.text) for p in paragraphs(text)] == [(2, "First one."), (15, "Second one.")]


def test_numbers_quotations_content_words() -> None:
    assert numbers("It cost $1,200 or 15% more, up 3.5 points in 2019.") == [
        "1200",
        "15",
        "3.5",
        "2019",
    ]
    assert quotations('She said “we will win this” and "no more" today.') == [
        "we will win this",
        "no more",
    ]
    assert content_words("The Senate's vote was delayed") == ["senate", "vote", "delayed"]


def _record(sample_records: list[dict[str, object]], article_id: str) -> str:
    return next(str(r["text"]) for r in sample_records if r["id"] == article_id)


def _inside(text: str, sentence: str) -> bool:
    start = text.index(sentence)
    return inside_quotation(text, start, start + len(sentence))


def test_a_quotation_runs_over_sentences_and_ap_style_paragraphs(
    sample_records: list[dict[str, object]],
) -> None:
    """NPR: Mattis … strategy. "Donald Trump is … pretend to try.¶"Instead he tries to divide
    us. We are witnessing … effort. We are witnessing … leadership," he said. The first
    paragraph never closes its mark: the next one opens another, so the quotation goes on."""
    text = _record(sample_records, "baly-qnP93U7T3qLkR70k")
    middle = "We are witnessing the consequences of three years of this deliberate effort."
    quotation = quotation_at(text, text.index(middle))
    assert quotation is not None and quotation.opener is not None
    assert text[quotation.opener + 1 :].startswith("Donald Trump is the first president")
    assert text[quotation.end - 11 : quotation.end] == "leadership,"
    assert _inside(text, middle)
    assert _inside(text, '"Instead he tries to divide us.')
    assert not _inside(text, "Mattis accused the president of pursuing a divisive strategy.")
    assert quotation_speaker(text, quotation) == "Mattis"


def test_a_sentence_holding_its_whole_quotation_is_not_inside_one(
    sample_records: list[dict[str, object]],
) -> None:
    text = _record(sample_records, "baly-GBoluTq88qC6MrIG")
    opening = "“He was in Congress for years."
    assert _inside(text, opening) and _inside(text, "He had one senator support him.")
    assert _inside(text, "He got nothing done,” Clinton said in the four-part series “Hillary,”")
    whole = next(s.text for s in sentences(text) if s.text.startswith("Clinton argued that"))
    assert "“" in whole and not _inside(text, whole)


def test_marks_turned_the_wrong_way_and_lost_openers() -> None:
    """Scraped text from AP and Reuters: a tweet quoted with an opening mark at its end, and
    a paragraph whose opening mark is lost (only its closing one is left)."""
    tweet = (
        "Trump, meanwhile, doubled down on testing claims, tweeting Tuesday:\n\n"
        "“Cases are going up in the U.S. because we are testing far more than any other "
        "country, and ever expanding. With smaller testing we would show fewer cases! “\n\n"
        "Full Coverage: Virus Outbreak"
    )
    [quotation] = quotation_spans(tweet)
    assert tweet[quotation.start :].startswith("Cases are going up")
    assert quotation.closer is None and tweet[quotation.end - 1] == "“"
    assert not _inside(tweet, "Full Coverage: Virus Outbreak")
    lost = (
        "DeBernardo added: People do not choose their gender, as the Vatican claims: they "
        "discover it through their lived experiences. The Church should respect and encourage "
        "this process of discovery.”\n\nThe document was issued on Monday."
    )
    [quotation] = quotation_spans(lost)
    assert quotation.opener is None and quotation.start == 0
    assert _inside(lost, "The Church should respect and encourage this process of discovery.”")
    assert not _inside(lost, "The document was issued on Monday.")
