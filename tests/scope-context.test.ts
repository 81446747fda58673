import { describe, expect, it } from "vitest";
import { scopedBegin } from "../lib/db/scope-context";
import { parseId } from "../lib/db/ids";

const A = "6f1c2a5e-1b7d-4c1a-9a53-2f7b8d7e9c10";

describe("the scoped BEGIN", () => {
  it("sets both settings transaction-locally, clearing the one not in scope", () => {
    expect(scopedBegin({ communityId: A })).toBe(
      `BEGIN; SELECT set_config('app.current_community_id', '${A}', true), set_config('app.current_user_id', '', true)`,
    );
  });

  it("runs the user scope as the self-read role", () => {
    expect(scopedBegin({ userId: A })).toBe(
      `BEGIN; SET LOCAL ROLE communityos_member_self; SELECT set_config('app.current_community_id', '', true), set_config('app.current_user_id', '${A}', true)`,
    );
  });

  it("refuses anything but a bare lower-case UUID", () => {
    expect(() => scopedBegin({ communityId: `${A}', false) --` })).toThrow(/UUID/);
    expect(() => scopedBegin({ userId: A.toUpperCase() })).toThrow(/UUID/);
  });

  it("ids are validated and normalised before they reach it", () => {
    expect(parseId(A.toUpperCase())).toBe(A);
    expect(() => parseId("")).toThrow(/UUID/);
    expect(() => parseId(undefined, "communityId")).toThrow(/communityId must be a UUID/);
  });
});
