-- Fixes from the security review (issue 15). The SECURITY DEFINER functions the
-- runtime role may call are bounded inside the database, so a compromised web
-- process cannot use them beyond what retention itself would do.

-- The audit log's purge deletes only what its retention policy has put past
-- retention, whatever cutoff the caller asks for. No policy: nothing is purged.
CREATE OR REPLACE FUNCTION purge_audit_log(before timestamptz, batch integer)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  scope uuid := nullif(current_setting('app.current_community_id', true), '')::uuid;
  keep_days integer;
  cutoff timestamptz;
  deleted integer;
BEGIN
  IF scope IS NULL THEN
    RAISE EXCEPTION 'purge_audit_log needs a community scope';
  END IF;
  SELECT retention_days INTO keep_days FROM data_retention_policies WHERE table_name = 'audit_log';
  IF keep_days IS NULL THEN
    RETURN 0;
  END IF;
  cutoff := least(before, now() - make_interval(days => keep_days));
  DELETE FROM audit_log WHERE id IN (
    SELECT id FROM audit_log WHERE community_id = scope AND created_at < cutoff
     ORDER BY created_at LIMIT least(greatest(batch, 1), 10000));
  GET DIAGNOSTICS deleted = ROW_COUNT;
  RETURN deleted;
END
$$;

-- Whole analytics months go only once the analytics policy has put them past
-- retention, and never when the policy keeps some event types (criteria): a
-- dropped month would take those rows with it.
CREATE OR REPLACE FUNCTION drop_analytics_partitions_before(cutoff timestamptz)
RETURNS SETOF text
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  policy record;
  effective timestamptz;
  part record;
  month_start date;
BEGIN
  SELECT retention_days, deletion_criteria INTO policy FROM data_retention_policies WHERE table_name = 'analytics_events';
  IF NOT FOUND OR policy.deletion_criteria IS NOT NULL THEN
    RETURN;
  END IF;
  effective := least(cutoff, now() - make_interval(days => policy.retention_days));
  FOR part IN
    SELECT c.relname FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'analytics_events'::regclass
       AND c.relname ~ '^analytics_events_y[0-9]{4}m[0-9]{2}$'
     ORDER BY c.relname
  LOOP
    month_start := to_date(substr(part.relname, 19, 4) || substr(part.relname, 24, 2), 'YYYYMM');
    IF (month_start + interval '1 month') <= effective THEN
      EXECUTE format('DROP TABLE %I', part.relname);
      RETURN NEXT part.relname;
    END IF;
  END LOOP;
END
$$;

-- Partitions are made for the months analytics may still hold (back to the
-- retention cutoff) and at most a year ahead: a caller cannot make hundreds.
CREATE OR REPLACE FUNCTION ensure_analytics_partitions(from_month date, months_ahead integer)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  keep_days integer;
  earliest date;
  month_start date;
  last_month date;
  partition_name text;
  created integer := 0;
BEGIN
  IF months_ahead IS NULL OR months_ahead < 0 OR months_ahead > 12 THEN
    RAISE EXCEPTION 'months_ahead must be between 0 and 12, got %', months_ahead;
  END IF;
  SELECT retention_days INTO keep_days FROM data_retention_policies WHERE table_name = 'analytics_events';
  earliest := date_trunc('month', now() - make_interval(days => coalesce(keep_days, 395)))::date;
  month_start := greatest(date_trunc('month', coalesce(from_month, now()::date))::date, earliest);
  last_month := (date_trunc('month', now()) + make_interval(months => months_ahead))::date;
  WHILE month_start <= last_month LOOP
    partition_name := format('analytics_events_y%sm%s', to_char(month_start, 'YYYY'), to_char(month_start, 'MM'));
    IF to_regclass(partition_name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I (LIKE analytics_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', partition_name);
      -- FORCE would hide the default partition's rows from a non-superuser owner.
      ALTER TABLE analytics_events_default NO FORCE ROW LEVEL SECURITY;
      EXECUTE format(
        'WITH moved AS (DELETE FROM analytics_events_default WHERE "timestamp" >= %L AND "timestamp" < %L RETURNING *)
         INSERT INTO %I SELECT * FROM moved',
        month_start, (month_start + interval '1 month')::date, partition_name);
      ALTER TABLE analytics_events_default FORCE ROW LEVEL SECURITY;
      EXECUTE format('ALTER TABLE analytics_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
        partition_name, month_start, (month_start + interval '1 month')::date);
      PERFORM enable_tenant_rls(partition_name::regclass);
      created := created + 1;
    END IF;
    month_start := (month_start + interval '1 month')::date;
  END LOOP;
  RETURN created;
END
$$;

-- Erasure scrubs the person from the audit entries about their membership
-- (e.g. the username a removal recorded). Bound to the erasure: it works only
-- in the community's scope and only on a member already marked erased, so the
-- log stays append-only for everything else.
CREATE FUNCTION scrub_audit_log_for_erased_member(member uuid)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  scope uuid := nullif(current_setting('app.current_community_id', true), '')::uuid;
  scrubbed integer;
BEGIN
  IF scope IS NULL THEN
    RAISE EXCEPTION 'scrub_audit_log_for_erased_member needs a community scope';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM community_members WHERE id = member AND community_id = scope AND erased_at IS NOT NULL) THEN
    RAISE EXCEPTION 'member % is not an erased member of this community', member;
  END IF;
  UPDATE audit_log
     SET details = (details - ARRAY['username', 'name', 'globalName', 'displayName', 'nickname', 'email', 'discordUserId'])
                   || jsonb_build_object('personalDataErased', true)
   WHERE community_id = scope AND object_id = member::text;
  GET DIAGNOSTICS scrubbed = ROW_COUNT;
  RETURN scrubbed;
END
$$;
REVOKE ALL ON FUNCTION scrub_audit_log_for_erased_member(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION scrub_audit_log_for_erased_member(uuid) TO communityos_app;

-- A signed-in visitor's page views name them in communities they never joined:
-- the user scope reads them for their export and finds them for their erasure.
GRANT SELECT ON analytics_events TO communityos_member_self;
CREATE POLICY member_self_read ON analytics_events FOR SELECT TO communityos_member_self
  USING (user_id = (SELECT nullif(current_setting('app.current_user_id', true), '')::uuid));
