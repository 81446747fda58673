// Owner-written messages with placeholders; shared by the preview in the
// browser and the bot, so what the owner sees is what members get.
export const PLACEHOLDERS = ["{user}", "{tier}", "{community}"] as const;

export type MessageValues = { user: string; tier: string; community: string };

export function renderMessage(template: string, values: MessageValues): string {
  return template.replace(/\{(user|tier|community)\}/g, (_, key: keyof MessageValues) => values[key]).slice(0, 2000);
}
