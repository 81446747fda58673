// Checkout's custom fields (https://docs.stripe.com/payments/checkout/custom-fields),
// as the fake's hosted Checkout asks them: the limits of the API (three fields,
// alphanumeric unique keys, labels of 100 characters, text and digits up to 255,
// 200 options) are refused when the session is made, and the customer's answers
// are checked as Checkout checks them before it takes the payment. The wording of
// the refusals is the fake's own.

type Obj = Record<string, unknown>;
type Field = {
  key: string;
  label: { type: "custom"; custom: string };
  type: "text" | "numeric" | "dropdown";
  optional: boolean;
  text?: { value: string | null; minimum_length: number | null; maximum_length: number | null; default_value: string | null };
  numeric?: { value: string | null; minimum_length: number | null; maximum_length: number | null; default_value: string | null };
  dropdown?: { value: string | null; default_value: string | null; options: { label: string; value: string }[] };
};

const ALPHANUMERIC = /^[a-zA-Z0-9]+$/;
const MAX_INPUT = 255;

/** The session's custom_fields from the form-encoded request (an object of "0", "1"…), or Stripe's refusal of them. */
export function readCustomFields(param: unknown, mode: unknown): { fields: Field[] } | { refusal: string; param: string } {
  if (param === undefined || param === "") return { fields: [] };
  const entries = Object.values(param as Record<string, Obj>);
  if (mode === "setup") return { refusal: "Custom fields are not available in setup mode.", param: "custom_fields" };
  if (entries.length > 3) return { refusal: "You can specify at most 3 custom fields.", param: "custom_fields" };
  const fields: Field[] = [];
  for (const [i, raw] of entries.entries()) {
    const at = `custom_fields[${i}]`;
    const key = String(raw.key ?? "");
    if (!ALPHANUMERIC.test(key) || key.length > 200)
      return { refusal: "Custom field keys must be alphanumeric and at most 200 characters.", param: `${at}[key]` };
    if (fields.some((f) => f.key === key)) return { refusal: `Custom field keys must be unique; '${key}' is used twice.`, param: `${at}[key]` };
    const label = raw.label as { type?: string; custom?: string } | undefined;
    if (label?.type !== "custom" || !label.custom || label.custom.length > 100)
      return { refusal: "A custom field's label must be of type custom, with 1 to 100 characters.", param: `${at}[label]` };
    const optional = raw.optional === "true";
    const base = { key, label: { type: "custom" as const, custom: label.custom }, optional };
    if (raw.type === "text" || raw.type === "numeric") {
      const limits = (raw[raw.type] ?? {}) as { minimum_length?: string; maximum_length?: string };
      const min = limits.minimum_length === undefined ? null : Number(limits.minimum_length);
      const max = limits.maximum_length === undefined ? null : Number(limits.maximum_length);
      if ((max !== null && (max < 1 || max > MAX_INPUT)) || (min !== null && (min < 0 || min > (max ?? MAX_INPUT))))
        return { refusal: `Lengths must be between 0 and ${MAX_INPUT}, the minimum no more than the maximum.`, param: `${at}[${raw.type}]` };
      fields.push({ ...base, type: raw.type, [raw.type]: { value: null, minimum_length: min, maximum_length: max, default_value: null } });
      continue;
    }
    if (raw.type === "dropdown") {
      const options = Object.values(((raw.dropdown as Obj | undefined)?.options ?? {}) as Record<string, { label?: string; value?: string }>);
      if (options.length < 1 || options.length > 200) return { refusal: "A dropdown needs between 1 and 200 options.", param: `${at}[dropdown][options]` };
      for (const o of options) {
        if (!o.label || o.label.length > 100 || !o.value || !ALPHANUMERIC.test(o.value) || o.value.length > 100)
          return { refusal: "Each option needs a label of up to 100 characters and an alphanumeric value of up to 100.", param: `${at}[dropdown][options]` };
      }
      if (new Set(options.map((o) => o.value)).size !== options.length)
        return { refusal: "Dropdown option values must be unique.", param: `${at}[dropdown][options]` };
      fields.push({
        ...base,
        type: "dropdown",
        dropdown: { value: null, default_value: null, options: options.map((o) => ({ label: o.label!, value: o.value! })) },
      });
      continue;
    }
    return { refusal: `Invalid ${at}[type]: must be one of dropdown, numeric, or text`, param: `${at}[type]` };
  }
  return { fields };
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The fields as Checkout shows them, with what the customer typed (after a refusal) kept. */
export function customFieldsHtml(fields: Field[], typed?: URLSearchParams): string {
  return fields
    .map((f) => {
      const name = `custom_${f.key}`;
      const label = `<label for="${name}">${escape(f.label.custom)}${f.optional ? " (optional)" : ""}</label>`;
      const kept = escape(typed?.get(name) ?? "");
      const style = 'style="display:block;width:100%;box-sizing:border-box;padding:10px;margin:4px 0 12px;font-size:16px"';
      if (f.type === "dropdown") {
        const options = f.dropdown!.options.map((o) => `<option value="${escape(o.value)}"${o.value === kept ? " selected" : ""}>${escape(o.label)}</option>`);
        return `${label}<select id="${name}" name="${name}" ${style}><option value="">Select…</option>${options.join("")}</select>`;
      }
      const limits = f[f.type]!;
      const mode = f.type === "numeric" ? ' inputmode="numeric"' : "";
      return `${label}<input id="${name}" name="${name}" value="${kept}" maxlength="${limits.maximum_length ?? MAX_INPUT}"${mode} ${style}>`;
    })
    .join("");
}

/** Checks the customer's answers as Checkout does before paying; fills them in and returns null, or says what is wrong. */
export function answerCustomFields(fields: Field[], form: URLSearchParams): string | null {
  const answers = new Map<Field, string>();
  for (const f of fields) {
    const value = (form.get(`custom_${f.key}`) ?? "").trim();
    const name = f.label.custom;
    if (!value) {
      if (!f.optional) return `${name} is required.`;
      continue;
    }
    if (f.type === "dropdown") {
      if (!f.dropdown!.options.some((o) => o.value === value)) return `Pick one of the options for ${name}.`;
    } else {
      const { minimum_length: min, maximum_length: max } = f[f.type]!;
      if (f.type === "numeric" && !/^\d+$/.test(value)) return `${name} takes digits only.`;
      if (value.length > (max ?? MAX_INPUT)) return `${name} is at most ${max ?? MAX_INPUT} characters.`;
      if (min !== null && value.length < min) return `${name} needs at least ${min} characters.`;
    }
    answers.set(f, value);
  }
  for (const [f, value] of answers) f[f.type]!.value = value;
  return null;
}
