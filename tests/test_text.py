from newsdesk.language.text import content_words, numbers, paragraphs, quotations, sentences


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
