// The OpenAPI 3.1 document, generated from the endpoints' zod schemas (zod's
// own JSON Schema output, which is what OpenAPI 3.1 uses), so it cannot drift
// from what the handlers accept and return.
import { z } from "zod";
import { endpoints } from "./endpoints";
import { ApiError } from "./resources";

type Schema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Schema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Schema;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: "query" | "path") {
  if (!schema) return [];
  const shape = jsonSchema(schema, "input") as { properties?: Record<string, Schema>; required?: string[] };
  return Object.entries(shape.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === "path" || !!shape.required?.includes(name),
    schema: s,
  }));
}

const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: jsonSchema(ApiError, "output") } } });

export function openApiDocument(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [operationId, e] of Object.entries(endpoints)) {
    paths[e.path] ??= {};
    paths[e.path]![e.method.toLowerCase()] = {
      operationId,
      summary: e.summary,
      security: [{ apiKey: [] }],
      "x-required-scope": e.scope,
      parameters: [...parameters(e.params, "path"), ...parameters(e.query, "query")],
      ...(e.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(e.body, "input") } } } } : {}),
      responses: {
        [String(e.status ?? 200)]: { description: "OK", content: { "application/json": { schema: jsonSchema(e.response, "output") } } },
        "400": errorResponse("The input is invalid; details per field."),
        "401": errorResponse("No valid API key."),
        ...(e.scope === "write" ? { "403": errorResponse("The key is read-only.") } : {}),
        ...(e.params ? { "404": errorResponse("Not found in this community.") } : {}),
        ...(e.method !== "GET" ? { "422": errorResponse("Refused, with the reason (e.g. the member has left).") } : {}),
        "429": errorResponse("Rate limit reached; see Retry-After."),
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "CommunityOS API",
      version: "1",
      description:
        "One community's members, subscriptions, payments, tiers and comp access. Create a key in the dashboard (Developers); every call sees only that key's community.",
    },
    servers: [{ url: serverUrl }],
    components: { securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "cos_… key from the dashboard's Developers page." } } },
    paths,
  };
}
