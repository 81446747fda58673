-- A member's own subscriptions and payments, found by (community_id, member_id): the
-- indexes those tables have lead with community_id, and their primary keys are now
-- (community_id, id), so a lookup by the member id alone could use neither. Same rows
-- as before; the join is also the one a distributed database keeps on one shard.
DROP POLICY member_self_read ON subscriptions;
CREATE POLICY member_self_read ON subscriptions FOR SELECT TO communityos_member_self
  USING ((community_id, member_id) IN (SELECT community_id, id FROM community_members
                                        WHERE user_id = (SELECT nullif(current_setting('app.current_user_id', true), '')::uuid)));
DROP POLICY member_self_read ON payments;
CREATE POLICY member_self_read ON payments FOR SELECT TO communityos_member_self
  USING ((community_id, member_id) IN (SELECT community_id, id FROM community_members
                                        WHERE user_id = (SELECT nullif(current_setting('app.current_user_id', true), '')::uuid)));
