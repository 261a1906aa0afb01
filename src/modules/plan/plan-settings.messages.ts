/** Messages of this part of the staff area, merged into the one catalogue (web/i18n/messages.ts). */
const ja = {
  // public pages: a measure's departments
  'owners.heading': '担当課',
  'owners.lead': '主担当課',
  'owners.supporting': '関係課',
  'owners.none': '担当課はまだ設定されていません。',
  'owners.leadLine': '主担当課：{name}',
  'owners.separator': '、',
  // staff: the list
  'planSettings.title': '施策の担当課と連携',
  'planSettings.intro':
    '公開中の版（{label}）の施策ごとに、担当課と、連携する横断的施策を示しています。担当課は計画の版が新しくなっても引き継がれます。',
  'planSettings.readOnly': 'この一覧は閲覧のみできます。設定を変えられるのは企画課（計画の運営）の職員です。',
  'planSettings.caption': '施策ごとの主担当課・関係課と、連携する横断的施策',
  'planSettings.col.measure': '施策',
  'planSettings.col.lead': '主担当課',
  'planSettings.col.supporting': '関係課',
  'planSettings.col.links': '連携する横断的施策',
  'planSettings.col.action': '操作',
  'planSettings.notSet': '未設定',
  'planSettings.disabled': '{name}（無効）',
  'planSettings.edit': '設定する',
  'planSettings.editContext': '（{measure}）',
  'planSettings.saved': '「{measure}」の担当課と連携を保存しました。',
  'planSettings.unchanged': '「{measure}」の設定に変更はありませんでした。',
  // staff: one measure's form
  'planSettings.form.title': '{measure}の担当課と連携',
  'planSettings.form.text': '施策の本文',
  'planSettings.form.lead': '主担当課',
  'planSettings.form.leadHint':
    '施策に責任を持つ課を1つ選びます。まだ決まっていなければ「設定しない」のままにします。',
  'planSettings.form.leadNone': '設定しない',
  'planSettings.form.supporting': '関係課',
  'planSettings.form.supportingHint':
    '施策に関わるほかの課を、いくつでも選べます。主担当課に選んだ課は、関係課には選べません。',
  'planSettings.form.noDepartments':
    '課がまだ登録されていません。システム管理者に課の登録を依頼してください。',
  'planSettings.form.links': '連携する横断的施策',
  'planSettings.form.linksHint':
    'この施策が取り組む横断的施策を選びます。施策の本文がその横断的施策に言及しているかどうかを、参考に示しています。',
  'planSettings.form.mentioned': '本文で言及（{words}）',
  'planSettings.form.notMentioned': '本文での言及なし',
  'planSettings.form.disabledWarning':
    '無効になった課が設定されています：{names}。保存すると、この施策から外れます。',
  'planSettings.form.submit': '保存する',
  'planSettings.form.cancel': '保存せずに一覧へ戻る',
  // staff: problems of the form (each names its field)
  'planSettings.error.leadUnknown': '主担当課は一覧から選んでください',
  'planSettings.error.leadDisabled':
    '{name}は無効になっているため、主担当課に選べません。一覧から選んでください',
  'planSettings.error.supportingUnknown': '関係課は一覧から選んでください',
  'planSettings.error.supportingDisabled': '{name}は無効になっているため、関係課に選べません',
  'planSettings.error.supportingIsLead':
    '{name}は主担当課に選んでいるため、関係課には選べません。どちらか一方にしてください',
  'planSettings.error.linksUnknown': '連携する横断的施策は一覧から選んでください',
  'planSettings.error.stale':
    '計画の新しい版が登録されたため、保存しませんでした。新しい版の内容を確かめて、もう一度保存してください',
} as const;

const en: Record<keyof typeof ja, string> = {
  'owners.heading': 'Responsible departments',
  'owners.lead': 'Lead department',
  'owners.supporting': 'Supporting departments',
  'owners.none': 'No department has been assigned yet.',
  'owners.leadLine': 'Lead department: {name}',
  'owners.separator': ', ',
  'planSettings.title': 'Departments and links of measures',
  'planSettings.intro':
    'For each measure of the version shown now ({label}): its departments and the cross-cutting measures it is linked to. Departments carry over to new versions of the plan.',
  'planSettings.readOnly': 'You can read this list. Only the planning division can change the settings.',
  'planSettings.caption':
    'Lead and supporting departments of each measure, and its linked cross-cutting measures',
  'planSettings.col.measure': 'Measure',
  'planSettings.col.lead': 'Lead department',
  'planSettings.col.supporting': 'Supporting departments',
  'planSettings.col.links': 'Linked cross-cutting measures',
  'planSettings.col.action': 'Action',
  'planSettings.notSet': 'Not set',
  'planSettings.disabled': '{name} (disabled)',
  'planSettings.edit': 'Change',
  'planSettings.editContext': ' ({measure})',
  'planSettings.saved': 'Saved the departments and links of "{measure}".',
  'planSettings.unchanged': 'Nothing changed for "{measure}".',
  'planSettings.form.title': 'Departments and links: {measure}',
  'planSettings.form.text': 'Text of the measure',
  'planSettings.form.lead': 'Lead department',
  'planSettings.form.leadHint':
    'The one department responsible for the measure. Leave "None" if it is not decided yet.',
  'planSettings.form.leadNone': 'None',
  'planSettings.form.supporting': 'Supporting departments',
  'planSettings.form.supportingHint':
    'Other departments involved in the measure; choose any number. The lead department cannot also be a supporting one.',
  'planSettings.form.noDepartments':
    'No department is registered yet. Ask a system administrator to add them.',
  'planSettings.form.links': 'Linked cross-cutting measures',
  'planSettings.form.linksHint':
    'The cross-cutting measures this measure works towards. Whether its text mentions each one is shown for reference.',
  'planSettings.form.mentioned': 'Mentioned in the text ({words})',
  'planSettings.form.notMentioned': 'Not mentioned in the text',
  'planSettings.form.disabledWarning':
    'Disabled departments are set: {names}. Saving removes them from this measure.',
  'planSettings.form.submit': 'Save',
  'planSettings.form.cancel': 'Back to the list without saving',
  'planSettings.error.leadUnknown': 'Choose the lead department from the list',
  'planSettings.error.leadDisabled':
    '{name} is disabled and cannot be the lead department. Choose from the list',
  'planSettings.error.supportingUnknown': 'Choose the supporting departments from the list',
  'planSettings.error.supportingDisabled': '{name} is disabled and cannot be a supporting department',
  'planSettings.error.supportingIsLead':
    '{name} is the lead department and cannot also be a supporting one. Choose one or the other',
  'planSettings.error.linksUnknown': 'Choose the linked cross-cutting measures from the list',
  'planSettings.error.stale':
    'A new version of the plan was registered, so nothing was saved. Check the new version and save again',
};

export const planSettingsMessages = { ja, en };
