import { describe, expect, it } from "vitest";
import { z } from "zod";
import { checkbox } from "../lib/utils/checkbox";

describe("a form checkbox", () => {
  const form = z.object({ box: checkbox });
  it("is off when the browser leaves it out, on when it sends 'on'", () => {
    expect(form.parse({})).toEqual({ box: false });
    expect(form.parse({ box: "on" })).toEqual({ box: true });
    expect(form.parse({ box: true })).toEqual({ box: true });
    expect(form.parse({ box: "" })).toEqual({ box: false });
  });
  it("refuses what no checkbox sends", () => {
    for (const junk of ["yes", "A".repeat(1000), ["on", "on"], 1]) expect(form.safeParse({ box: junk }).success).toBe(false);
  });
});
