/** Messages of the staff side of indicators, merged into the one catalogue (web/i18n/messages.ts). */
const ja = {
  'kpi.staff.title': 'staff',
};

const en: Record<keyof typeof ja, string> = {
  'kpi.staff.title': 'staff',
};

export const kpiStaffMessages = { ja, en };
