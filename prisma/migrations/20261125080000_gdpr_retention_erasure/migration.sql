-- GDPR: retention policies the retention job enforces, and the marks an
-- erased account and a removed member leave behind.

-- One policy per table the retention job knows how to purge. Payments are not
-- among them: financial records are kept (anonymised when their member erases).
ALTER TABLE data_retention_policies
  ADD COLUMN last_deleted_rows BIGINT,
  ADD COLUMN updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
  ADD COLUMN updated_by UUID REFERENCES users(id) ON DELETE SET NULL,
  ADD CONSTRAINT data_retention_policies_table_name_key UNIQUE (table_name),
  ADD CONSTRAINT data_retention_policies_table_check CHECK (table_name IN (
    'analytics_events', 'stripe_events', 'discord_role_syncs', 'community_alerts',
    'audit_log', 'sessions', 'verification_tokens')),
  ADD CONSTRAINT data_retention_policies_days_max_check CHECK (retention_days <= 3650);

INSERT INTO data_retention_policies (table_name, retention_days, deletion_criteria) VALUES
  ('analytics_events', 395, NULL),
  ('stripe_events', 180, NULL),
  ('discord_role_syncs', 180, NULL),
  ('community_alerts', 365, '{"resolvedOnly": true}'),
  ('audit_log', 730, NULL),
  ('sessions', 30, NULL),
  ('verification_tokens', 1, NULL)
ON CONFLICT (table_name) DO NOTHING;

ALTER TABLE users ADD COLUMN erased_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE community_members
  ADD COLUMN removed_at TIMESTAMP WITH TIME ZONE,
  ADD COLUMN erased_at TIMESTAMP WITH TIME ZONE;

-- Drops the monthly analytics partitions that end on or before `cutoff`:
-- a whole month goes at once instead of row by row. SECURITY DEFINER because
-- only the owner may drop a table; it drops nothing but these partitions.
CREATE FUNCTION drop_analytics_partitions_before(cutoff timestamptz)
RETURNS SETOF text
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  part record;
  month_start date;
BEGIN
  FOR part IN
    SELECT c.relname FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'analytics_events'::regclass
       AND c.relname ~ '^analytics_events_y[0-9]{4}m[0-9]{2}$'
     ORDER BY c.relname
  LOOP
    month_start := to_date(substr(part.relname, 19, 4) || substr(part.relname, 24, 2), 'YYYYMM');
    IF (month_start + interval '1 month') <= cutoff THEN
      EXECUTE format('DROP TABLE %I', part.relname);
      RETURN NEXT part.relname;
    END IF;
  END LOOP;
END
$$;

-- The audit log is append-only for the application; only retention may delete
-- from it, a batch at a time, and only in the transaction's community scope.
CREATE FUNCTION purge_audit_log(before timestamptz, batch integer)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  scope uuid := nullif(current_setting('app.current_community_id', true), '')::uuid;
  deleted integer;
BEGIN
  IF scope IS NULL THEN
    RAISE EXCEPTION 'purge_audit_log needs a community scope';
  END IF;
  DELETE FROM audit_log WHERE id IN (
    SELECT id FROM audit_log WHERE community_id = scope AND created_at < before
     ORDER BY created_at LIMIT least(greatest(batch, 1), 10000));
  GET DIAGNOSTICS deleted = ROW_COUNT;
  RETURN deleted;
END
$$;

REVOKE ALL ON FUNCTION drop_analytics_partitions_before(timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION purge_audit_log(timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION drop_analytics_partitions_before(timestamptz) TO communityos_app;
GRANT EXECUTE ON FUNCTION purge_audit_log(timestamptz, integer) TO communityos_app;
