"""Stories: group articles about the same event, incrementally and measurably."""

from newsdesk.records import Article
from newsdesk.stories.clusterer import Clusterer, Decision, Params, story_id_for_article
from newsdesk.stories.evaluation import Evaluation, bcubed, evaluate, read_labelled
from newsdesk.stories.stage import StoriesStage
from newsdesk.stories.stream import cluster_stream
from newsdesk.stories.tfidf import TfidfClusterer, cluster


def story_id_for(article: Article) -> str:
    """A story is named after the article that started it, so ids are stable across runs."""
    return story_id_for_article(article.id)


__all__ = [
    "Clusterer",
    "Decision",
    "Evaluation",
    "Params",
    "StoriesStage",
    "TfidfClusterer",
    "bcubed",
    "cluster",
    "cluster_stream",
    "evaluate",
    "read_labelled",
    "story_id_for",
]
