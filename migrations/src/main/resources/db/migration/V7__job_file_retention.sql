-- Retention: a finished job's files are deleted PFGM_RETENTION_DAYS after it finished (a model's
-- file stays while the model exists). The job row stays, marked with when its files went.
ALTER TABLE jobs ADD COLUMN files_expired_at timestamptz;

-- what the sweeper looks for: finished jobs whose files are still there, oldest first
CREATE INDEX jobs_files_to_expire ON jobs (finished_at) WHERE files_expired_at IS NULL AND finished_at IS NOT NULL;
