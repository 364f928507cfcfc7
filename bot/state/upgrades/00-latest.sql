-- v0 -> v3: Latest revision

-- Settings the bot needs across restarts (device ID, access token, first start).
CREATE TABLE setting (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- mautrix.SyncStore: where /sync resumes and which filter it uses, per user.
CREATE TABLE sync_store (
	user_id    TEXT PRIMARY KEY,
	next_batch TEXT NOT NULL DEFAULT '',
	filter_id  TEXT NOT NULL DEFAULT ''
);

-- The exactly-once guard: a row is inserted before a command is handled and
-- finished once it has been answered. Times are Unix milliseconds.
CREATE TABLE processed_event (
	event_id    TEXT PRIMARY KEY,
	room_id     TEXT NOT NULL,
	sender      TEXT NOT NULL,
	body        TEXT NOT NULL,
	thread      TEXT NOT NULL,
	timestamp   BIGINT,
	claimed_at  BIGINT NOT NULL,
	finished_at BIGINT,
	reply_id    TEXT,
	-- When the bot first tried to send the answer: after a crash, a command
	-- with this set may have been answered already, so the bot looks for
	-- that answer before it sends one.
	answering_at BIGINT
);

CREATE INDEX processed_event_unfinished_idx ON processed_event (timestamp, claimed_at) WHERE finished_at IS NULL;
CREATE INDEX processed_event_finished_idx ON processed_event (finished_at) WHERE finished_at IS NOT NULL;

-- An encrypted command whose room key had not arrived yet: kept until it is
-- decrypted or its sender is told to send it again, so that a restart while
-- the bot waits for the key does not lose it. Times are Unix milliseconds.
CREATE TABLE undecrypted_event (
	event_id    TEXT PRIMARY KEY,
	room_id     TEXT NOT NULL,
	sender      TEXT NOT NULL,
	raw         TEXT NOT NULL,
	received_at BIGINT NOT NULL
);
