-- v1 -> v2: Record when an answer was first sent, so a restart looks for it before answering again
ALTER TABLE processed_event ADD COLUMN answering_at BIGINT;
