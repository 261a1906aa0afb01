/** Messages of the sample side of indicators, merged into the one catalogue (web/i18n/messages.ts). */
const ja = {
  'kpi.sample.title': 'サンプルデータ',
  'kpi.sample.page.about':
    'サンプルデータは、目標指標と実績値の画面や書き出しを試すために用意した架空の値です。市の公式な数値ではありません。サンプルデータがある間は、すべてのページの上部にお知らせが表示され、値には「サンプル値」と表示されます。',
  'kpi.sample.page.current': '現在のサンプルデータ',
  'kpi.sample.page.caption': 'サンプルデータの件数',
  'kpi.sample.page.col.what': '種類',
  'kpi.sample.page.col.count': '件数',
  'kpi.sample.page.indicators': 'サンプルの目標指標',
  'kpi.sample.page.actuals': 'サンプルの実績値',
  'kpi.sample.page.count': '{n}件',
  'kpi.sample.page.removeHeading': 'サンプルデータの削除',
  'kpi.sample.page.removeText':
    'サンプルの目標指標（年度目標値・実績値・変更履歴を含む）と、市の目標指標に入力されたサンプルの実績値を、まとめて削除します。市が登録した目標指標と実績値は削除しません。',
  'kpi.sample.page.removeWarning': '削除したサンプルデータは、この画面からは元に戻せません。',
  'kpi.sample.page.confirm': 'サンプルデータをすべて削除することを確認しました',
  'kpi.sample.page.submit': 'サンプルデータをすべて削除する',
  'kpi.sample.page.error.confirm':
    '削除する場合は「サンプルデータをすべて削除することを確認しました」にチェックを入れてください',
  'kpi.sample.page.none':
    'サンプルデータはありません。表示している目標指標と実績値は、すべて市が登録したものです。',
  'kpi.sample.page.noneLoad':
    'サンプルデータを改めて読み込む必要がある場合は、システム管理者がサーバーで kyoso sample-kpi load を実行します（計画に市の目標指標がある場合は、混同を避けるため読み込まないでください）。',
  'kpi.sample.page.removed': 'サンプルデータを削除しました（目標指標 {indicators}件、実績値 {actuals}件）。',
  'kpi.sample.page.nothingRemoved': '削除するサンプルデータはありませんでした。',
  'kpi.sample.page.dashboardLink': '指標ダッシュボードを見る',
  'kpi.sample.page.backToList': '目標指標の一覧に戻る',
};

const en: Record<keyof typeof ja, string> = {
  'kpi.sample.title': 'Sample data',
  'kpi.sample.page.about':
    "Sample data are invented figures for trying out the indicator pages and exports. They are not the city's figures. While any sample data exists, every page shows a notice at the top and each such value is marked “Sample value”.",
  'kpi.sample.page.current': 'Sample data now',
  'kpi.sample.page.caption': 'How much sample data there is',
  'kpi.sample.page.col.what': 'Kind',
  'kpi.sample.page.col.count': 'Count',
  'kpi.sample.page.indicators': 'Sample indicators',
  'kpi.sample.page.actuals': 'Sample actuals',
  'kpi.sample.page.count': '{n}',
  'kpi.sample.page.removeHeading': 'Remove the sample data',
  'kpi.sample.page.removeText':
    "Removes the sample indicators (with their yearly targets, actuals and history) and any sample actuals entered on the city's own indicators, all at once. The city's own indicators and actuals are kept.",
  'kpi.sample.page.removeWarning': 'Removed sample data cannot be restored from this page.',
  'kpi.sample.page.confirm': 'I confirm that all sample data is to be removed',
  'kpi.sample.page.submit': 'Remove all sample data',
  'kpi.sample.page.error.confirm':
    'To remove the sample data, tick “I confirm that all sample data is to be removed”',
  'kpi.sample.page.none': "There is no sample data. Every indicator and actual shown is the city's own.",
  'kpi.sample.page.noneLoad':
    'Should the sample data be needed again, a system administrator runs kyoso sample-kpi load on the server (not while the plan has indicators of its own, so as not to mix them).',
  'kpi.sample.page.removed': 'The sample data has been removed ({indicators} indicators, {actuals} actuals).',
  'kpi.sample.page.nothingRemoved': 'There was no sample data to remove.',
  'kpi.sample.page.dashboardLink': 'See the indicators dashboard',
  'kpi.sample.page.backToList': 'Back to the list of indicators',
};

export const kpiSampleMessages = { ja, en };
