/** Messages of the public side of indicators, merged into the one catalogue (web/i18n/messages.ts). */
const ja = {
  'kpi.public.title': 'public',
};

const en: Record<keyof typeof ja, string> = {
  'kpi.public.title': 'public',
};

export const kpiPublicMessages = { ja, en };
