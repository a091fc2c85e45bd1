"""Mark the page furniture of stored articles (``language/furniture.py``), once per marker.

Runs at the end of every ingest, over every article the current marker has not
marked: new articles, new versions of a page (the store drops their old marks)
and, after the rules or the classifier change, every article. Each batch is one
transaction, so a killed run keeps what it marked and the next run goes on from
there.
"""

from __future__ import annotations

from newsdesk.language.furniture import mark, marker_version
from newsdesk.store import ArticleStore

BATCH = 200
"""Articles marked per transaction."""


def mark_furniture(store: ArticleStore) -> int:
    """Mark every article the current marker has not marked; return how many were."""
    marker = marker_version()
    marked = 0
    while batch := store.unmarked_articles(marker, BATCH):
        with store.transaction():
            for article in batch:
                store.save_furniture(article.id, mark(article.text, article.title), marker)
        marked += len(batch)
    return marked
