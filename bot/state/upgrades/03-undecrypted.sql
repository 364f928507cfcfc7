-- v2 -> v3: Keep encrypted commands whose room key has not arrived yet, so a restart does not lose them
CREATE TABLE undecrypted_event (
	event_id    TEXT PRIMARY KEY,
	room_id     TEXT NOT NULL,
	sender      TEXT NOT NULL,
	raw         TEXT NOT NULL,
	received_at BIGINT NOT NULL
);
