/**
 * A tier form as the owner's browser sends it: every field a string, the optional
 * ones blank (a field sent several times, e.g. one role picker per linked server,
 * as a list). A test names only the fields it is about.
 */
export function tierForm<F extends Record<string, string | string[]>>(fields: F = {} as F): Record<string, string> & F {
  return <Record<string, string> & F>{
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
