package library

import (
	"database/sql"
	"fmt"
	"net/url"
)

// migrations are applied in order; the index of the last applied one is
// kept in PRAGMA user_version. Never edit an applied migration: append.
var migrations = []string{
	// 1: files (tracks, skipped and ignored files), FTS index, playlists, history.
	`CREATE TABLE files (
		id           INTEGER PRIMARY KEY,
		path         TEXT NOT NULL UNIQUE,
		dir          TEXT NOT NULL,
		size         INTEGER NOT NULL,
		mtime        INTEGER NOT NULL,
		status       INTEGER NOT NULL, -- 0 track, 1 skipped, 2 not audio
		reason       TEXT NOT NULL DEFAULT '',
		format       TEXT NOT NULL DEFAULT '',
		title        TEXT NOT NULL DEFAULT '',
		artist       TEXT NOT NULL DEFAULT '',
		album        TEXT NOT NULL DEFAULT '',
		album_artist TEXT NOT NULL DEFAULT '',
		genre        TEXT NOT NULL DEFAULT '',
		track_no     INTEGER NOT NULL DEFAULT 0,
		disc_no      INTEGER NOT NULL DEFAULT 0,
		year         INTEGER NOT NULL DEFAULT 0,
		duration_ms  INTEGER NOT NULL DEFAULT 0,
		has_cover    INTEGER NOT NULL DEFAULT 0
	);
	CREATE INDEX files_dir ON files(dir);
	CREATE INDEX files_album ON files(status, album_artist, album, disc_no, track_no);
	CREATE INDEX files_artist ON files(status, artist);
	CREATE VIRTUAL TABLE files_fts USING fts5(title, artist, album, content='files', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
	CREATE TRIGGER files_ai AFTER INSERT ON files WHEN new.status = 0 BEGIN
		INSERT INTO files_fts(rowid, title, artist, album) VALUES (new.id, new.title, new.artist, new.album);
	END;
	CREATE TRIGGER files_ad AFTER DELETE ON files WHEN old.status = 0 BEGIN
		INSERT INTO files_fts(files_fts, rowid, title, artist, album) VALUES ('delete', old.id, old.title, old.artist, old.album);
	END;
	CREATE TRIGGER files_au_old AFTER UPDATE ON files WHEN old.status = 0 BEGIN
		INSERT INTO files_fts(files_fts, rowid, title, artist, album) VALUES ('delete', old.id, old.title, old.artist, old.album);
	END;
	CREATE TRIGGER files_au_new AFTER UPDATE ON files WHEN new.status = 0 BEGIN
		INSERT INTO files_fts(rowid, title, artist, album) VALUES (new.id, new.title, new.artist, new.album);
	END;
	CREATE TABLE playlists (
		path    TEXT PRIMARY KEY,
		name    TEXT NOT NULL,
		size    INTEGER NOT NULL,
		mtime   INTEGER NOT NULL,
		entries TEXT NOT NULL,  -- resolved paths, one a line
		problem TEXT NOT NULL DEFAULT ''
	);
	CREATE TABLE played (
		kind   TEXT NOT NULL,   -- 'album' or 'playlist'
		key    TEXT NOT NULL,   -- album_artist + "\x00" + album, or playlist path
		at     INTEGER NOT NULL,
		PRIMARY KEY (kind, key)
	);`,
}

func openDB(path string) (*sql.DB, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)"
	if path == ":memory:" {
		dsn = "file::memory:?_pragma=busy_timeout(5000)"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("library: open %s: %w", path, err)
	}
	if path == ":memory:" {
		db.SetMaxOpenConns(1)
	}
	if err := migrate(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("library: %s: %w", path, err)
	}
	return db, nil
}

func migrate(db *sql.DB) error {
	var v int
	if err := db.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		return err
	}
	if v > len(migrations) {
		return fmt.Errorf("index schema version %d is newer than this program (%d)", v, len(migrations))
	}
	for i := v; i < len(migrations); i++ {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		if _, err := tx.Exec(migrations[i]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if _, err := tx.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, i+1)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}
