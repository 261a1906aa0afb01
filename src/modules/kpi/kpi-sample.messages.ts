/** Messages of the sample side of indicators, merged into the one catalogue (web/i18n/messages.ts). */
const ja = {
  'kpi.sample.title': 'sample',
};

const en: Record<keyof typeof ja, string> = {
  'kpi.sample.title': 'sample',
};

export const kpiSampleMessages = { ja, en };
