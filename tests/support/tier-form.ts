/**
 * A tier form as the owner's browser sends it: every field a string, the optional
 * ones blank. A test names only the fields it is about.
 */
export function tierForm(fields: Record<string, string> = {}): Record<string, string> {
  return {
    name: "Gold",
    description: "",
    price: "10.00",
    currency: "USD",
    interval: "monthly",
    features: "",
    discordRoleId: "",
    extraRoleIds: "",
    maxMembers: "",
    trialDays: "0",
    ...fields,
  };
}
