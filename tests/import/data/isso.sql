-- An Isso database (isso/db/threads.py, isso/db/comments.py, isso/db/preferences.py), as
-- `sqlite3 comments.db .dump` shows one; the test builds the database from this file.
CREATE TABLE IF NOT EXISTS preferences (key VARCHAR PRIMARY KEY, value VARCHAR);
INSERT INTO preferences VALUES ('session-key', '5f0c0e8b6a9d4c3e');
CREATE TABLE IF NOT EXISTS threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256));
CREATE TABLE IF NOT EXISTS comments (
    tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,
    created FLOAT NOT NULL, modified FLOAT, mode INTEGER, remote_addr VARCHAR,
    text VARCHAR, author VARCHAR, email VARCHAR, website VARCHAR,
    likes INTEGER DEFAULT 0, dislikes INTEGER DEFAULT 0, voters BLOB NOT NULL,
    notification INTEGER DEFAULT 0);
CREATE TRIGGER remove_stale_threads AFTER DELETE ON comments BEGIN
    DELETE FROM threads WHERE id NOT IN (SELECT tid FROM comments);
END;
INSERT INTO threads VALUES (1, '/posts/sourdough-starter/', 'Keeping a sourdough starter alive');
INSERT INTO threads VALUES (2, '/posts/rye-bread/', 'Rye bread, 100%');
-- mode: 1 accepted, 2 waiting for moderation, 4 deleted (kept because it has replies)
INSERT INTO comments VALUES (1, 1, NULL, 1580000000.25, NULL, 1, '192.0.2.0',
  'My starter smells of *acetone* after two days. Normal?', 'Hanna', NULL, NULL, 3, 0, X'', 0);
INSERT INTO comments VALUES (1, 2, 1, 1580003600.5, 1580007200.0, 1, '192.0.2.0',
  'Yes: feed it twice a day.

It is hungry, not dead. See https://bread.example/feeding', 'Olu', NULL, 'bread.example', 5, 1, X'', 0);
INSERT INTO comments VALUES (1, 3, NULL, 1580090000.0, NULL, 4, '192.0.2.0', '', NULL, NULL, NULL, 0, 0, X'', 0);
INSERT INTO comments VALUES (1, 4, 3, 1580093600.0, NULL, 1, '192.0.2.0',
  'Replying to a comment that was since deleted.', 'Kwame', NULL, 'https://kwame.example', 0, 0, X'', 0);
INSERT INTO comments VALUES (1, 5, NULL, 1580100000.0, NULL, 2, '192.0.2.0',
  'Awaiting moderation: is rye flour better for starters?', 'Lena', NULL, NULL, 0, 0, X'', 0);
INSERT INTO comments VALUES (2, 6, NULL, 1590000000.0, NULL, 1, '192.0.2.0',
  '<script>alert("isso")</script> [click](javascript:alert(1)) and <b>raw bold</b>', 'Mallory', NULL,
  'javascript:alert(2)', 0, 0, X'', 0);
INSERT INTO comments VALUES (2, 7, 42, 1590000100.0, NULL, 1, '192.0.2.0',
  'My parent is gone.', 'Orphan Annie', NULL, NULL, 0, 0, X'', 0);
