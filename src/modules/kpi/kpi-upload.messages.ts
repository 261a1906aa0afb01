/** Messages of the upload side of indicators, merged into the one catalogue (web/i18n/messages.ts). */
const ja = {
  'kpi.upload.title': 'upload',
};

const en: Record<keyof typeof ja, string> = {
  'kpi.upload.title': 'upload',
};

export const kpiUploadMessages = { ja, en };
