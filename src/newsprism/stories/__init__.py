"""Stories: near-duplicate origins and story clusters, in batch and one article at a time.

    >>> from newsprism.stories import cluster_stories
    >>> stories = cluster_stories(articles)          # doctest: +SKIP
    >>> [(s.title, len(s.articles), len(s.origins)) for s in stories]   # doctest: +SKIP
    [('Istanbul Talks 2.0 deemed good opportunity for Zelensky to absorb reality', 5, 5)]
"""

from newsprism.stories.cluster import ClusterResult, assign, cluster, cluster_stories
from newsprism.stories.embed import EncoderError, load_encoder
from newsprism.stories.features import featurize
from newsprism.stories.index import StoryIndex
from newsprism.stories.params import StoryParams, load_story_params
from newsprism.stories.records import ArticleStatus, Assignment, Story

__all__ = [
    "ArticleStatus", "Assignment", "ClusterResult", "EncoderError", "Story", "StoryIndex", "StoryParams",
    "assign", "cluster", "cluster_stories", "featurize", "load_encoder", "load_story_params",
]
