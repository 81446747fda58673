-- Which job workers are alive: each worker process beats for its graphile-worker
-- workers; jobs locked by a worker that stopped beating are freed for the others
-- (graphile-worker 0.16 itself frees them only after four hours). Not tenant data:
-- no community_id, no RLS, like the job queue's own tables.
CREATE TABLE job_worker_heartbeats (
  worker_id text PRIMARY KEY,
  process text NOT NULL,
  seen_at timestamptz NOT NULL DEFAULT now()
);

GRANT SELECT, INSERT, UPDATE, DELETE ON job_worker_heartbeats TO communityos_app;
