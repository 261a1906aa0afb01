/** Messages of the public side of public comment, merged into the one catalogue (web/i18n/messages.ts). */
const ja = {
  'pc.public.list.title': '意見募集（パブリックコメント）',
  'pc.public.list.intro':
    '市の計画の案について、市民の皆さまのご意見を募集しています。寄せられたご意見と市の考え方は、募集の終了後に公表します。',
  'pc.public.list.none': '意見募集はまだありません。',
  'pc.public.list.open': '募集中',
  'pc.public.list.scheduled': 'これから始まる意見募集',
  'pc.public.list.past': '終了した意見募集',
  'pc.public.period': '募集期間',
  'pc.public.periodValue': '{from}から{to}まで',
  'pc.public.counts': '意見数 {opinions}件（提出者 {submitters}人）',
  'pc.public.countsLabel': 'これまでに寄せられた意見',
  'pc.public.phase': '状況',
  'pc.public.resultLink': '結果を見る',

  'pc.public.c.eligibility': '意見を提出できる方',
  'pc.public.c.shortReason': '募集期間が30日未満の理由',
  'pc.public.c.howTo': '意見の提出方法',
  'pc.public.c.web':
    'ウェブフォーム：下の案の各項目にある「この項目に意見を書く」、または次のリンクから提出できます。',
  'pc.public.c.formLink': '意見提出フォームへ進む',
  'pc.public.c.readingPlaces': '案の閲覧場所',
  'pc.public.c.contact': 'お問い合わせ',
  'pc.public.c.noOral':
    '電話や口頭によるご意見は受け付けていません。氏名と住所の記載のないご意見は、公表の対象になりません。',
  'pc.public.c.draft': '案の内容',
  'pc.public.c.writeHere': 'この項目に意見を書く',
  'pc.public.c.writeHereOf': '（{name}）',
  'pc.public.c.open': '{date}まで受け付けています。',
  'pc.public.c.scheduled': 'この意見募集は{date}から始まります。それまではご意見を受け付けていません。',
  'pc.public.c.closed': 'この意見募集は{date}に締め切りました。ご意見の受け付けは終了しています。',
  'pc.public.c.published': 'この意見募集の結果（寄せられたご意見と市の考え方）を公表しています。',
  'pc.public.c.crossCuttingNote': '横断的施策へのご意見は、対象に「計画全体」を選んでお書きください。',

  'pc.public.form.title': 'ご意見の入力',
  'pc.public.form.intro':
    '「必須」の項目を入力し、ご意見を書いてください。次の画面で内容を確認してから送信します。',
  'pc.public.form.aboutYou': 'あなたについて',
  'pc.public.form.opinions': 'ご意見',
  'pc.public.form.opinionsHint':
    '1つの欄に1つの項目についてのご意見を書いてください。1回に{max}件まで送れます。',
  'pc.public.form.opinionHint': '{max}文字以内',
  'pc.public.form.sectionHint': '案のどの項目についてのご意見かを選んでください。',
  'pc.public.form.addSlot': '意見欄を増やす',
  'pc.public.form.next': '入力内容を確認する',
  'pc.public.form.categoryNoteHint':
    '「その他」を選んだ場合に、その理由を入力してください（例：市内の団体の活動に参加している）。',
  'pc.public.form.emailHint': '入力すると、受付番号をメールでお知らせします。',
  'pc.public.form.phoneHint': 'ご意見の内容を確認させていただく場合に使います。',
  'pc.public.form.honeypot': 'この欄には何も入力しないでください',
  'pc.public.form.closedTitle': 'ご意見を受け付けていません',

  'pc.public.short.name': '氏名',
  'pc.public.short.address': '住所',
  'pc.public.short.categoryNote': 'その他の理由',
  'pc.public.short.email': 'メールアドレス',
  'pc.public.short.phone': '電話番号',

  'pc.public.error.required': '{field}を入力してください',
  'pc.public.error.tooLong': '{field}は{max}文字以内で入力してください（現在{count}文字）',
  'pc.public.error.control':
    '{field}に使えない文字（制御文字）が含まれています。その文字を削除して入力し直してください',
  'pc.public.error.category': '区分を選んでください',
  'pc.public.error.categoryNote': '区分で「その他」を選んだ場合は、その理由を入力してください',
  'pc.public.error.email': 'メールアドレスは「name@example.jp」のような形で入力してください',
  'pc.public.error.phone': '電話番号は数字とハイフンで入力してください（例：0836-82-1111）',
  'pc.public.error.section': '{field}は一覧から選んでください',
  'pc.public.error.noOpinion': 'ご意見を1件以上入力してください',
  'pc.public.error.tooMany': 'ご意見は1回に{max}件まで送れます。残りは分けて送信してください',

  'pc.public.confirm.title': '入力内容の確認',
  'pc.public.confirm.intro': 'まだ送信していません。内容を確認して「送信する」を押してください。',
  'pc.public.confirm.send': '送信する',
  'pc.public.confirm.edit': '修正する',
  'pc.public.confirm.chars': '（{count}文字）',
  'pc.public.confirm.none': '（なし）',
  'pc.public.section': '対象の項目',

  'pc.public.receipt.title': 'ご意見を受け付けました',
  'pc.public.receipt.number': '受付番号',
  'pc.public.receipt.receivedAt': '受付日時',
  'pc.public.receipt.consultation': '意見募集',
  'pc.public.receipt.keep':
    'お問い合わせの際は受付番号をお知らせください。このページを印刷するか、受付番号を控えてください。',
  'pc.public.receipt.noPersonal': '氏名・住所などは公表しません。このページにも表示していません。',
  'pc.public.receipt.mail': '入力されたメールアドレスに、受付のお知らせをお送りします。',
  'pc.public.receipt.opinions': '受け付けたご意見',
  'pc.public.receipt.next':
    '寄せられたご意見と市の考え方は、募集の終了後にこのサイトで公表します。個別の回答はいたしません。',
  'pc.public.receipt.back': '意見募集のページに戻る',

  'pc.public.refused.closedTitle': '意見募集は終了しています',
  'pc.public.refused.closed':
    'この意見募集は{date}に締め切りました。お送りいただいたご意見は受け付けられませんでした。',
  'pc.public.refused.scheduledTitle': '意見募集はまだ始まっていません',
  'pc.public.refused.scheduled': 'この意見募集は{date}から受け付けます。',
  'pc.public.unavailable.title': '送信できませんでした（ご意見は保存されていません）',
  'pc.public.unavailable.lead':
    'システムが一時的にデータベースに接続できないため、ご意見を受け付けられませんでした。ご意見はまだ保存されていません。',
  'pc.public.unavailable.retry':
    '入力した内容はこの画面に残っています。30秒ほど待ってから「もう一度送信する」を押してください。同じ内容を二度送っても、受付は一度だけです。',
  'pc.public.unavailable.send': 'もう一度送信する',
  'pc.public.unavailable.yours': '送ろうとしたご意見（控えとしてお使いください）',
  'pc.public.refused.duplicateTitle': '同じ内容のご意見を受け付けています',
  'pc.public.refused.duplicate':
    '同じ内容の意見をすでに受け付けています（受付番号 {number}）。もう一度送信していただく必要はありません。',

  'pc.public.mail.subject': '【{municipality}】ご意見を受け付けました（受付番号 {number}）',
  'pc.public.mail.body':
    '「{title}」へのご意見を受け付けました。\n\n受付番号：{number}\n受付日時：{at}\n\n{opinions}\n\n寄せられたご意見と市の考え方は、募集の終了後に公表します。個別の回答はいたしません。\nお問い合わせ：{contact}\n\nこのメールは送信専用です。',
  'pc.public.mail.opinion': '■ 意見{n}（{section}）\n{body}',

  'pc.public.outbox.personal': '宛先は個人情報です。このページの閲覧は監査ログに記録されます。',
  'pc.public.outbox.none': 'メールはありません。',
  'pc.public.outbox.caption': 'メール（未送信を先に、新しい順に最大{max}件）',
  'pc.public.outbox.createdAt': '作成日時',
  'pc.public.outbox.to': '宛先',
  'pc.public.outbox.subject': '件名',
  'pc.public.outbox.state': '状態',
  'pc.public.outbox.sent': '送信済み（{at}）',
  'pc.public.outbox.smtpOff': 'SMTPが設定されていないため、メールは送信されずここに保管されます。',
  'pc.public.outbox.smtpOn': 'SMTPで送信します。送信できなかったメールは、時間をおいて再試行します。',
  'pc.public.outbox.pending': '送信待ち',
  'pc.public.outbox.error': '送信エラー（再試行します）',
};

const en: Record<keyof typeof ja, string> = {
  'pc.public.list.title': 'Public comment',
  'pc.public.list.intro':
    'The city asks for your opinions on its draft plans. The opinions received and the city’s answers are published after each consultation closes.',
  'pc.public.list.none': 'There are no consultations yet.',
  'pc.public.list.open': 'Open now',
  'pc.public.list.scheduled': 'Coming consultations',
  'pc.public.list.past': 'Closed consultations',
  'pc.public.period': 'Period',
  'pc.public.periodValue': 'From {from} to {to}',
  'pc.public.counts': '{opinions} opinions ({submitters} people)',
  'pc.public.countsLabel': 'Opinions received so far',
  'pc.public.phase': 'Status',
  'pc.public.resultLink': 'See the result',

  'pc.public.c.eligibility': 'Who may comment',
  'pc.public.c.shortReason': 'Why the period is shorter than 30 days',
  'pc.public.c.howTo': 'How to comment',
  'pc.public.c.web':
    'Web form: use “Comment on this section” next to each part of the draft below, or the following link.',
  'pc.public.c.formLink': 'Go to the comment form',
  'pc.public.c.readingPlaces': 'Where to read the draft',
  'pc.public.c.contact': 'Contact',
  'pc.public.c.noOral':
    'Opinions by telephone or in conversation are not accepted. Opinions without a name and address are not published.',
  'pc.public.c.draft': 'The draft',
  'pc.public.c.writeHere': 'Comment on this section',
  'pc.public.c.writeHereOf': ' ({name})',
  'pc.public.c.open': 'Open until {date}.',
  'pc.public.c.scheduled': 'This consultation opens on {date}. Opinions are not accepted before then.',
  'pc.public.c.closed': 'This consultation closed on {date}. Opinions are no longer accepted.',
  'pc.public.c.published':
    'The result of this consultation (the opinions and the city’s answers) is published.',
  'pc.public.c.crossCuttingNote': 'For an opinion on a cross-cutting measure, choose “The plan as a whole”.',

  'pc.public.form.title': 'Your opinion',
  'pc.public.form.intro':
    'Fill in the required fields and write your opinions. You can check everything on the next page before sending.',
  'pc.public.form.aboutYou': 'About you',
  'pc.public.form.opinions': 'Your opinions',
  'pc.public.form.opinionsHint':
    'Write about one section per box. You can send up to {max} opinions at once.',
  'pc.public.form.opinionHint': 'Up to {max} characters',
  'pc.public.form.sectionHint': 'Choose the part of the draft your opinion is about.',
  'pc.public.form.addSlot': 'Add another opinion box',
  'pc.public.form.next': 'Check what you wrote',
  'pc.public.form.categoryNoteHint':
    'If you chose “Other”, say why (for example: active in a group in the city).',
  'pc.public.form.emailHint': 'If you give one, we send you the receipt number by e-mail.',
  'pc.public.form.phoneHint': 'Used only if we need to ask you about your opinion.',
  'pc.public.form.honeypot': 'Leave this field empty',
  'pc.public.form.closedTitle': 'Opinions are not being accepted',

  'pc.public.short.name': 'your name',
  'pc.public.short.address': 'your address',
  'pc.public.short.categoryNote': 'the reason for “Other”',
  'pc.public.short.email': 'your e-mail address',
  'pc.public.short.phone': 'your phone number',

  'pc.public.error.required': 'Enter your {field}',
  'pc.public.error.tooLong': 'Use {max} characters or fewer for {field} (now {count})',
  'pc.public.error.control': 'Remove the character that cannot be used (a control character) from {field}',
  'pc.public.error.category': 'Choose who you are',
  'pc.public.error.categoryNote': 'You chose “Other”: say why',
  'pc.public.error.email': 'Enter an e-mail address like name@example.jp',
  'pc.public.error.phone': 'Enter the phone number with digits and hyphens (for example 0836-82-1111)',
  'pc.public.error.section': 'Choose {field} from the list',
  'pc.public.error.noOpinion': 'Write at least one opinion',
  'pc.public.error.tooMany': 'You can send up to {max} opinions at once. Send the rest separately',

  'pc.public.confirm.title': 'Check your opinion',
  'pc.public.confirm.intro': 'Nothing has been sent yet. Check everything, then press “Send”.',
  'pc.public.confirm.send': 'Send',
  'pc.public.confirm.edit': 'Change',
  'pc.public.confirm.chars': ' ({count} characters)',
  'pc.public.confirm.none': '(none)',
  'pc.public.section': 'Section',

  'pc.public.receipt.title': 'Your opinion has been received',
  'pc.public.receipt.number': 'Receipt number',
  'pc.public.receipt.receivedAt': 'Received',
  'pc.public.receipt.consultation': 'Consultation',
  'pc.public.receipt.keep': 'Quote the receipt number if you contact us. Print this page or note the number.',
  'pc.public.receipt.noPersonal':
    'Your name and address are never published, and are not shown on this page.',
  'pc.public.receipt.mail': 'We will send a receipt to the e-mail address you gave.',
  'pc.public.receipt.opinions': 'The opinions received',
  'pc.public.receipt.next':
    'The opinions received and the city’s answers are published on this site after the consultation closes. There are no individual replies.',
  'pc.public.receipt.back': 'Back to the consultation',

  'pc.public.refused.closedTitle': 'The consultation is closed',
  'pc.public.refused.closed': 'This consultation closed on {date}. Your opinion could not be accepted.',
  'pc.public.refused.scheduledTitle': 'The consultation has not opened yet',
  'pc.public.refused.scheduled': 'This consultation accepts opinions from {date}.',
  'pc.public.unavailable.title': 'Not sent: your opinion has NOT been saved',
  'pc.public.unavailable.lead':
    'The system cannot reach its database for the moment, so your opinion could not be received. It has not been saved.',
  'pc.public.unavailable.retry':
    'What you wrote is kept on this page. Wait about 30 seconds, then press “Send again”. Sending the same opinion twice counts once.',
  'pc.public.unavailable.send': 'Send again',
  'pc.public.unavailable.yours': 'The opinions you were sending (keep them as your copy)',
  'pc.public.refused.duplicateTitle': 'We already have this opinion',
  'pc.public.refused.duplicate':
    'We have already received the same opinion (receipt number {number}). There is no need to send it again.',

  'pc.public.mail.subject': '[{municipality}] Your opinion has been received (receipt number {number})',
  'pc.public.mail.body':
    'We have received your opinion on “{title}”.\n\nReceipt number: {number}\nReceived: {at}\n\n{opinions}\n\nThe opinions received and the city’s answers are published after the consultation closes. There are no individual replies.\nContact: {contact}\n\nPlease do not reply to this e-mail.',
  'pc.public.mail.opinion': '■ Opinion {n} ({section})\n{body}',

  'pc.public.outbox.personal':
    'The addresses are personal data. Viewing this page is recorded in the audit log.',
  'pc.public.outbox.none': 'There is no mail.',
  'pc.public.outbox.caption': 'Mail (unsent first, newest first, up to {max})',
  'pc.public.outbox.createdAt': 'Created',
  'pc.public.outbox.to': 'To',
  'pc.public.outbox.subject': 'Subject',
  'pc.public.outbox.state': 'Status',
  'pc.public.outbox.sent': 'Sent ({at})',
  'pc.public.outbox.smtpOff': 'SMTP is not configured, so mail is not sent: it is kept here.',
  'pc.public.outbox.smtpOn': 'Mail is sent through SMTP. Mail that could not be sent is retried later.',
  'pc.public.outbox.pending': 'Waiting to be sent',
  'pc.public.outbox.error': 'Sending failed (will retry)',
};

export const consultationPublicMessages = { ja, en };
