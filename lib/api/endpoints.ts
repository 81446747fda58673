// The REST API, version 1: every endpoint, its contract and its handler.
// app/api/v1/** routes serve these; lib/api/openapi.ts documents them.
import { z } from "zod";
import { recordAudit } from "../audit/record";
import { grantComp, revokeComp } from "../members/comp-access";
import { endpoint, InvalidInput, NotFound } from "./endpoint";
import * as r from "./resources";

import { rowKey } from "../db/scopes";
const memberParams = z.object({ id: z.uuid() });
const compParams = z.object({ id: z.uuid() });

export const endpoints = {
  listMembers: endpoint({
    method: "GET",
    path: "/members",
    summary: "List members",
    scope: "read",
    query: r.memberListQuery,
    response: r.page(r.Member),
    handler: async ({ tx, query }) => (await r.listMembers(tx, query)) ?? badCursor(),
  }),
  getMember: endpoint({
    method: "GET",
    path: "/members/{id}",
    summary: "Get a member",
    scope: "read",
    params: memberParams,
    response: r.Member,
    handler: async ({ tx, params }) => {
      const member = await r.getMember(tx, params.id.toLowerCase());
      if (!member) throw new NotFound("member");
      return member;
    },
  }),
  listSubscriptions: endpoint({
    method: "GET",
    path: "/subscriptions",
    summary: "List subscriptions",
    scope: "read",
    query: r.listQuery,
    response: r.page(r.Subscription),
    handler: async ({ tx, query }) => (await r.listSubscriptions(tx, query)) ?? badCursor(),
  }),
  listPayments: endpoint({
    method: "GET",
    path: "/payments",
    summary: "List payments",
    scope: "read",
    query: r.listQuery,
    response: r.page(r.Payment),
    handler: async ({ tx, query }) => (await r.listPayments(tx, query)) ?? badCursor(),
  }),
  listTiers: endpoint({
    method: "GET",
    path: "/tiers",
    summary: "List tiers",
    scope: "read",
    response: z.object({ data: z.array(r.Tier) }),
    handler: async ({ tx }) => ({ data: await r.listTiers(tx) }),
  }),
  listCompAccess: endpoint({
    method: "GET",
    path: "/comp-access",
    summary: "List comp access",
    scope: "read",
    query: r.listQuery,
    response: r.page(r.CompAccess),
    handler: async ({ tx, query }) => (await r.listCompAccess(tx, query)) ?? badCursor(),
  }),
  grantCompAccess: endpoint({
    method: "POST",
    path: "/comp-access",
    summary: "Give a member a tier for free",
    scope: "write",
    body: r.compAccessInput,
    response: r.CompAccess,
    status: 201,
    handler: async ({ tx, caller, body }) => {
      const by = caller.createdBy ? { id: caller.createdBy } : null;
      const until = body.until ? new Date(`${body.until}T23:59:59.999Z`) : null;
      const granted = await grantComp(tx, caller.communityId, by, { memberId: body.member_id, tierId: body.tier_id, until, note: body.note || null });
      await recordAudit(tx, caller.communityId, caller.createdBy, {
        action: "comp.granted",
        objectType: "member",
        objectId: body.member_id,
        details: { tier: granted.tier, until: granted.until, via: "api", apiKeyId: caller.keyId },
      });
      return r.compOut(await tx.accessGrant.findUniqueOrThrow({ where: rowKey(granted.grantId) }));
    },
  }),
  revokeCompAccess: endpoint({
    method: "DELETE",
    path: "/comp-access/{id}",
    summary: "Revoke comp access",
    scope: "write",
    params: compParams,
    response: r.CompAccess,
    handler: async ({ tx, caller, params }) => {
      const grant = await tx.accessGrant.findFirst({ where: { id: params.id.toLowerCase(), kind: "comp" }, select: { memberId: true } });
      if (!grant) throw new NotFound("comp access");
      const by = caller.createdBy ? { id: caller.createdBy } : null;
      await revokeComp(tx, caller.communityId, by, { memberId: grant.memberId, grantId: params.id });
      await recordAudit(tx, caller.communityId, caller.createdBy, {
        action: "comp.revoked",
        objectType: "member",
        objectId: grant.memberId,
        details: { grantId: params.id, via: "api", apiKeyId: caller.keyId },
      });
      return r.compOut(await tx.accessGrant.findUniqueOrThrow({ where: rowKey(params.id.toLowerCase()) }));
    },
  }),
};

function badCursor(): never {
  throw new InvalidInput("starting_after", "is not an id from this list");
}
