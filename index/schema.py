"""The tables of a library's SQLite database (created on first open; all `IF NOT EXISTS`)."""

from __future__ import annotations

LIBRARY_TABLES = ("meta", "roots", "files", "articles", "passages", "sentences")
"""Tables every library has had since its first format: a database without them is not one."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS roots (path TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS exclusions (path TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    articles INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    date TEXT NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    page_starts TEXT NOT NULL,
    indexed_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_path ON articles (path);
CREATE INDEX IF NOT EXISTS articles_text ON articles (text_hash);
-- Date and source filters (qa ask --since/--source) read this, not the rows that hold the text.
CREATE INDEX IF NOT EXISTS articles_filter ON articles (date, source);
CREATE TABLE IF NOT EXISTS unreadable (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS aliases (
    article_id INTEGER NOT NULL REFERENCES articles (id),
    key TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    source TEXT NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS aliases_path ON aliases (path);
CREATE TABLE IF NOT EXISTS passages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL REFERENCES articles (id),
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    vector BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_article ON passages (article_id);
CREATE TABLE IF NOT EXISTS sentences (
    article_id INTEGER NOT NULL REFERENCES articles (id),
    start INTEGER NOT NULL,
    end INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sentences_article ON sentences (article_id, start);
"""
FTS_TABLE = """CREATE VIRTUAL TABLE IF NOT EXISTS passages_fts
    USING fts5 (title, body, tokenize = 'porter unicode61');
"""
SCHEMA += FTS_TABLE
