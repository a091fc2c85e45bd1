-- PostgreSQL's 0012: the same migration as 0012_threads.sql, said for PostgreSQL.
-- 0012: threads, the stories of one developing topic (stories/threads.py). A thread keeps
-- the id its first story gave it, a name (the names its stories share) and the days of its
-- first and latest story; each story belongs to at most one thread. A story merged into
-- another leaves its thread with its id.

CREATE TABLE threads (
    id          TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT COLLATE "C" NOT NULL,
    first_seen  TEXT COLLATE "C",
    last_seen   TEXT COLLATE "C"
);
CREATE INDEX threads_last_seen ON threads(last_seen);

CREATE TABLE thread_stories (
    story_id    TEXT COLLATE "C" PRIMARY KEY,
    thread_id   TEXT COLLATE "C" NOT NULL REFERENCES threads(id),
    day         TEXT COLLATE "C"
);
CREATE INDEX thread_stories_thread ON thread_stories(thread_id);
