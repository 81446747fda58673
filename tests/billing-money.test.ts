import { describe, expect, it } from "vitest";
import { fromMinorUnits, toMinorUnits } from "../lib/billing/money";
import { applicationFeeAmount, applicationFeePercent, PLATFORM_PLANS } from "../lib/billing/plans";

describe("money at the Stripe boundary", () => {
  it("converts DECIMAL strings to minor units without floating point", () => {
    expect(toMinorUnits("12.34", "usd")).toBe(1234);
    expect(toMinorUnits("0.1", "EUR")).toBe(10);
    expect(toMinorUnits("19.99", "USD")).toBe(1999); // 19.99 * 100 is 1998.9999… in floating point
    expect(toMinorUnits("99999999.99", "USD")).toBe(9_999_999_999);
    expect(toMinorUnits({ toString: () => "7.00" }, "GBP")).toBe(700);
  });

  it("knows zero-decimal currencies", () => {
    expect(toMinorUnits("500", "JPY")).toBe(500);
    expect(toMinorUnits("500.00", "jpy")).toBe(500);
    expect(() => toMinorUnits("500.50", "JPY")).toThrow(/no minor units/);
    expect(fromMinorUnits(500, "JPY")).toBe("500.00");
  });

  it("refuses what is not an amount", () => {
    for (const bad of ["", "-1.00", "1.234", "1e3", "abc", "123456789.00"]) expect(() => toMinorUnits(bad, "USD")).toThrow(RangeError);
  });

  it("converts back to the database form", () => {
    expect(fromMinorUnits(1234, "USD")).toBe("12.34");
    expect(fromMinorUnits(5, "USD")).toBe("0.05");
    expect(fromMinorUnits(-250, "USD")).toBe("-2.50");
    expect(() => fromMinorUnits(1.5, "USD")).toThrow(RangeError);
  });

  it("round-trips", () => {
    for (const amount of ["0.01", "1.00", "12.30", "4999.99"]) expect(fromMinorUnits(toMinorUnits(amount, "USD"), "USD")).toBe(amount);
  });
});

describe("platform fees", () => {
  it("depend on the community's plan", () => {
    expect(applicationFeePercent("free")).toBe(PLATFORM_PLANS.free.applicationFeePercent);
    expect(applicationFeePercent("scale")).toBe(1);
    expect(applicationFeePercent("unknown-plan")).toBe(PLATFORM_PLANS.free.applicationFeePercent);
  });

  it("are computed in minor units, rounded", () => {
    expect(applicationFeeAmount(1999, "free")).toBe(100); // 5% of 19.99 = 0.9995
    expect(applicationFeeAmount(1200, "growth")).toBe(30);
    expect(applicationFeeAmount(0, "scale")).toBe(0);
  });
});
