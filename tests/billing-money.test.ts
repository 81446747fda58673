import { describe, expect, it } from "vitest";
import { chargeableMinorUnits, fromMinorUnits, toMinorUnits } from "../lib/billing/money";
import { applicationFeeAmount, applicationFeePercent, planAllows, planOf } from "../lib/billing/plans";
import { platformPlansSchema } from "../lib/env";

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
    expect(() => toMinorUnits("500.50", "JPY")).toThrow(/whole units/);
    expect(fromMinorUnits(500, "JPY")).toBe("500.00");
  });

  it("counts three-decimal currencies in thousandths, as Stripe does (sent in hundredths, a member would pay a tenth)", () => {
    expect(toMinorUnits("9.99", "KWD")).toBe(9990);
    expect(toMinorUnits("18.6", "bhd")).toBe(18600);
    expect(toMinorUnits("0.05", "JOD")).toBe(50);
    expect(fromMinorUnits(9990, "KWD")).toBe("9.99");
    expect(fromMinorUnits(-18600, "BHD")).toBe("-18.60");
    for (const amount of ["0.01", "7.50", "120.00"]) expect(fromMinorUnits(toMinorUnits(amount, "OMR"), "OMR")).toBe(amount);
    // A thousandth Stripe computed itself goes, towards zero: a refund made from the record never exceeds the charge.
    expect(fromMinorUnits(1235, "TND")).toBe("1.23");
    expect(fromMinorUnits(-1235, "TND")).toBe("-1.23");
  });

  it("charges ISK in whole krónur, though Stripe counts it in hundredths", () => {
    expect(toMinorUnits("1500", "ISK")).toBe(150000);
    expect(() => toMinorUnits("1500.50", "ISK")).toThrow(/whole units/);
    expect(fromMinorUnits(150000, "ISK")).toBe("1500.00");
  });

  it("rounds to what Stripe takes in a charge", () => {
    expect(chargeableMinorUnits(1999, "USD")).toBe(1999);
    expect(chargeableMinorUnits(499, "KWD")).toBe(500);
    expect(chargeableMinorUnits(494, "KWD")).toBe(490);
    expect(chargeableMinorUnits(7549, "ISK")).toBe(7500);
    expect(chargeableMinorUnits(75, "JPY")).toBe(75);
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

describe("platform fees and plans", () => {
  const selfHosted = { free: { name: "Free", feePercent: 0 } };
  const offered = {
    free: { name: "Free", feePercent: 5 },
    pro: { name: "Pro", feePercent: 1, priceId: "price_pro", unlocks: ["analytics" as const] },
  };

  it("depend on the community's plan; Pro counts only while the operator offers it", () => {
    expect(applicationFeePercent("free", offered)).toBe(5);
    expect(applicationFeePercent("pro", offered)).toBe(1);
    expect(applicationFeePercent("unknown-plan", offered)).toBe(5);
    expect(applicationFeePercent("pro", selfHosted)).toBe(0);
    expect(planOf("pro", selfHosted)).toBe("free");
  });

  it("are computed in minor units, rounded", () => {
    expect(applicationFeeAmount(1999, "USD", "free", offered)).toBe(100); // 5% of 19.99 = 0.9995
    expect(applicationFeeAmount(1250, "EUR", "pro", offered)).toBe(13); // 1% of 12.50 = 0.125
    expect(applicationFeeAmount(1999, "USD", "free", selfHosted)).toBe(0);
    expect(applicationFeeAmount(1500, "JPY", "free", offered)).toBe(75); // 5% of ¥1,500
    expect(applicationFeeAmount(12340, "KWD", "free", offered)).toBe(620); // 5% of 12.340 KWD = 0.617, charged in tens
  });

  it("lock what Pro unlocks away from Free, and nothing on a self-hosted install", () => {
    expect(planAllows("free", "analytics", offered)).toBe(false);
    expect(planAllows("pro", "analytics", offered)).toBe(true);
    expect(planAllows("free", "analytics", selfHosted)).toBe(true);
    expect(planAllows("free", "analytics", { ...offered, pro: { ...offered.pro, unlocks: [] } })).toBe(true);
  });

  it("are read from PLATFORM_PLANS, checked like every setting", () => {
    expect(platformPlansSchema.parse({ free: { feePercent: 0 } })).toEqual({ free: { name: "Free", feePercent: 0 } });
    expect(platformPlansSchema.safeParse({ free: { feePercent: 0 }, pro: { feePercent: 1, priceId: "prod_x" } }).success).toBe(false);
    expect(platformPlansSchema.safeParse({ free: { feePercent: 80 } }).success).toBe(false);
    expect(platformPlansSchema.safeParse({ free: { feePercent: 0 }, enterprise: {} }).success).toBe(false);
  });
});
