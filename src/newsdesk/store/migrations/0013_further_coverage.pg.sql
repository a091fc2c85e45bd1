-- PostgreSQL's 0013: the same migration as 0013_further_coverage.sql, said for PostgreSQL.
-- 0013: further coverage. An article in another language than the edition's ([publish]
-- language) joins a story only when its names, numbers and links match the story's
-- articles (stories/languages.py); one that matches none is never a story of its own but
-- is set aside here as further coverage of the nearest story, with its language and the
-- hash of the content it was judged on: a changed article is placed again. A story that
-- merges into another keeps its rows; they are read through story_redirects.

CREATE TABLE further_coverage (
    article_id    TEXT COLLATE "C" PRIMARY KEY REFERENCES articles(id),
    story_id      TEXT COLLATE "C" NOT NULL,
    language      TEXT COLLATE "C" NOT NULL,
    article_hash  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX further_coverage_story ON further_coverage(story_id);
