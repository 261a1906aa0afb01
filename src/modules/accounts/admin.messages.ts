/** Messages of this part of the staff area, merged into the one catalogue (web/i18n/messages.ts). */
const ja = {} as const;

const en: Record<keyof typeof ja, string> = {};

export const adminMessages = { ja, en };
