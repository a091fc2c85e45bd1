-- PostgreSQL's 0011: the same migration as 0011_date_source.sql, said for PostgreSQL.
-- 0011: where each article's publication date came from (language/dating.py): `given` with
-- the article (feed entry, dump field), `page` (the page's metadata), `url` (a day in its
-- URL) or `text` (the latest full date its text states, an estimate). NULL: undated. The
-- dates stored before this migration came with their articles.
--
-- From now on an article placed in a story with no day (`story_articles.day` NULL) is
-- undated and gives its story no dates; rows placed before 0004 recorded no day, so they
-- take their article's date once, here.

ALTER TABLE articles ADD COLUMN date_source TEXT COLLATE "C";
UPDATE articles SET date_source = 'given' WHERE published IS NOT NULL;
UPDATE story_articles SET day = (SELECT published FROM articles WHERE id = article_id)
    WHERE day IS NULL;
