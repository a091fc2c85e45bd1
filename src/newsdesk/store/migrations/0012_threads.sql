-- 0012: threads, the stories of one developing topic (stories/threads.py). A thread keeps
-- the id its first story gave it, a name (the names its stories share) and the days of its
-- first and latest story; each story belongs to at most one thread. A story merged into
-- another leaves its thread with its id.

CREATE TABLE threads (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    first_seen  TEXT,
    last_seen   TEXT
);
CREATE INDEX threads_last_seen ON threads(last_seen);

CREATE TABLE thread_stories (
    story_id    TEXT PRIMARY KEY,
    thread_id   TEXT NOT NULL REFERENCES threads(id),
    day         TEXT
);
CREATE INDEX thread_stories_thread ON thread_stories(thread_id);
