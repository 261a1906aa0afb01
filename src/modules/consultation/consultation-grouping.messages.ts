/** Messages of the grouping side of public comment, merged into the one catalogue (web/i18n/messages.ts). */
const ja = {};

const en: Record<keyof typeof ja, string> = {};

export const consultationGroupingMessages = { ja, en };
