"""Stories: group articles about the same event."""

from newsdesk.stories.clustering import OnlineClusterer, cluster, story_id_for
from newsdesk.stories.evaluation import bcubed
from newsdesk.stories.stage import StoriesStage

__all__ = ["OnlineClusterer", "StoriesStage", "bcubed", "cluster", "story_id_for"]
