-- A stopping worker (a deploy, a scale-down) hands its attempt back without spending the job's
-- (or shard's) attempts: max_attempts grows by one. At most 10 times, counted here, so that work
-- whose running makes its workers stop cannot go round for ever.
ALTER TABLE jobs ADD COLUMN given_back integer NOT NULL DEFAULT 0
    CONSTRAINT jobs_given_back_counts CHECK (given_back >= 0);
ALTER TABLE shards ADD COLUMN given_back integer NOT NULL DEFAULT 0
    CONSTRAINT shards_given_back_counts CHECK (given_back >= 0);
