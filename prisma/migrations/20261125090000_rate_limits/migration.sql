-- Rate-limit counters shared by every web process (rate-limiter-flexible's
-- PostgreSQL store, whose layout this is). Platform-wide, like sessions: keys
-- are a limit's name and a client address or user id, never a community's data.
CREATE TABLE rate_limits (
    key VARCHAR(255) PRIMARY KEY,
    points INTEGER NOT NULL DEFAULT 0,
    expire BIGINT
);
CREATE INDEX idx_rate_limits_expire ON rate_limits(expire);
GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limits TO communityos_app;
