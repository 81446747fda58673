// Payloads of the attack classes the security review found, shared by the unit
// tests and the fuzz suite so each class stays covered.

/** Return addresses a browser would resolve to another site, or run as script. */
export const OPEN_REDIRECTS = [
  "https://evil.example.com",
  "//evil.example.com",
  "/\\evil.example.com",
  "\\\\evil.example.com",
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r/evil.example",
  "/\u0000/evil.example",
  "/\u007f/evil.example",
  " //evil.example.com",
  "javascript:alert(1)",
  "https:evil.example.com",
  "/.\\evil.example.com",
];

/** Cells a spreadsheet would run as formulas. */
export const FORMULA_CELLS = ['=HYPERLINK("https://evil.example","click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"];
