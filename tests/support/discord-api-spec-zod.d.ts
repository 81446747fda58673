// discord-api-spec ships its zod schemas as untyped JavaScript; the tests read them by name.
declare module "discord-api-spec/zod" {
  type Schema = { safeParse: (value: unknown) => { success: boolean; error?: { issues: unknown[] } } };
  const schemas: Record<string, Schema>;
  export = schemas;
}
