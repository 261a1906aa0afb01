/** Messages of this part of the staff area, merged into the one catalogue (web/i18n/messages.ts). */
const ja = {
  // The administration menu (also the link texts for a 「管理」 section of the staff start page).
  'admin.nav.label': '管理メニュー',
  'admin.nav.heading': '管理',
  'admin.nav.users': '職員アカウント',
  'admin.nav.departments': '部署',

  'admin.status.active': '有効',
  'admin.status.disabled': '停止中',
  'admin.status.invited': '招待中',

  'admin.roleHint.admin': '職員のアカウントと部署を管理します。',
  'admin.roleHint.planner': '計画全体を運営します。すべての施策を編集できます。',
  'admin.roleHint.editor': '所属する部署が担当する施策だけを編集できます。',
  'admin.roleHint.committee': '計画を読み、意見を述べます。編集はできません。',

  // Departments
  'admin.dept.title': '部署',
  'admin.dept.intro':
    '市の部・課の一覧です。職員は複数の部署に所属できます。担当課の職員は、所属する部署が担当する施策を編集します。',
  'admin.dept.none': 'まだ部署が登録されていません。',
  'admin.dept.caption': '部署の一覧（表示順）',
  'admin.dept.colName': '部署名',
  'admin.dept.colPosition': '表示順',
  'admin.dept.colStatus': '状態',
  'admin.dept.createH': '部署を追加する',
  'admin.dept.name': '部署名',
  'admin.dept.nameHint': '例：総合政策部 企画課。100文字以内で、ほかの部署と違う名前にしてください。',
  'admin.dept.createSubmit': '部署を追加する',
  'admin.dept.notice.created': '部署を追加しました。',
  'admin.dept.notice.updated': '部署を変更しました。',
  'admin.dept.notice.unchanged': '変更はありませんでした。',
  'admin.dept.notice.disabled': '部署を停止しました。',
  'admin.dept.notice.enabled': '部署を再開しました。',
  'admin.dept.editTitle': '部署の変更：{name}',
  'admin.dept.editCrumb': '部署の変更',
  'admin.dept.position': '表示順',
  'admin.dept.positionHint': '0から9999までの数字。小さいものほど一覧の上に表示します。',
  'admin.dept.save': '変更を保存する',
  'admin.dept.disableH': '部署の停止',
  'admin.dept.disableBody':
    '停止した部署は、職員を招待するときや所属を変えるときに選べなくなります。いま所属している職員はそのまま所属し、記録も残ります。',
  'admin.dept.disable': 'この部署を停止する',
  'admin.dept.enableBody': 'この部署は停止中です。再開すると、また選べるようになります。',
  'admin.dept.enable': 'この部署を再開する',

  // Staff accounts
  'admin.users.title': '職員アカウント',
  'admin.users.intro':
    '職員のアカウントと、まだ受け入れられていない招待の一覧です。職員のアカウントは、管理者の招待からだけ作成できます。',
  'admin.users.invite': '職員を招待する',
  'admin.users.caption': '職員の一覧',
  'admin.users.none': 'まだ職員が登録されていません。',
  'admin.users.colName': '氏名',
  'admin.users.colEmail': 'メールアドレス',
  'admin.users.colRole': '役割',
  'admin.users.colDepartments': '所属部署',
  'admin.users.colStatus': '状態',
  'admin.users.colExpires': '有効期限',
  'admin.users.colActions': '操作',
  'admin.users.noDepartments': 'なし',
  'admin.users.totpPending': '（2段階認証の設定前）',
  'admin.list.separator': '、',
  'admin.users.invitesH': '招待中',
  'admin.users.invitesCaption': '受け入れを待っている招待',
  'admin.users.invitesNone': '受け入れを待っている招待はありません。',
  'admin.users.cancelInvite': '招待を取り消す',
  'admin.users.cancelInviteFor': '（{email}）',
  'admin.users.notice.invite-cancelled': '招待を取り消しました。そのリンクはもう使えません。',
  'admin.users.notice.updated': '職員の役割と所属部署を変更しました。',
  'admin.users.notice.unchanged': '変更はありませんでした。',
  'admin.users.notice.disabled': 'アカウントを停止しました。この職員のサインインはすべて終了しました。',
  'admin.users.notice.enabled': 'アカウントを再開しました。',

  'admin.user.title': '職員アカウントの変更：{name}',
  'admin.user.crumb': '職員アカウントの変更',
  'admin.user.self': 'これはあなた自身のアカウントです。',
  'admin.user.email': 'メールアドレス',
  'admin.user.status': '状態',
  'admin.user.role': '役割',
  'admin.user.roleHint': 'できることは役割で決まります。変更は、この職員の次の操作から反映されます。',
  'admin.user.departments': '所属部署',
  'admin.user.departmentsHint':
    '複数選べます。担当課の職員は、所属する部署が担当する施策を編集できます。担当課の職員には1つ以上必要です。',
  'admin.user.departmentDisabled': '{name}（停止中）',
  'admin.user.save': '変更を保存する',
  'admin.user.disableH': 'アカウントの停止',
  'admin.user.disableBody':
    '停止すると、この職員はサインインできなくなり、いまサインインしている端末もすべてサインアウトされます。これまでの記録は残ります。',
  'admin.user.disable': 'このアカウントを停止する',
  'admin.user.enableBody': 'このアカウントは停止中です。再開すると、またサインインできるようになります。',
  'admin.user.enable': 'このアカウントを再開する',

  // Invitations
  'admin.invite.title': '職員を招待する',
  'admin.invite.intro':
    '招待のリンクを作成します。招待された職員は、リンクを開いて氏名とパスワードを決めて登録し、サインインして2段階認証を設定します。リンクは7日間、一度だけ使えます。',
  'admin.invite.email': 'メールアドレス',
  'admin.invite.emailHint': '職員が仕事で使うメールアドレス。サインインに使います。',
  'admin.invite.noDepartments':
    '部署がまだ登録されていません。担当課の職員を招待する前に、部署を登録してください。',
  'admin.invite.submit': '招待のリンクを作成する',
  'admin.invite.createdTitle': '招待のリンクを作成しました',
  'admin.invite.mailNotice':
    'メールの送信機能はまだありません。このリンクを招待する職員に伝えてください（職員本人だけに届く方法で）。',
  'admin.invite.linkLabel': '招待のリンク',
  'admin.invite.once':
    'このリンクは、この画面でしか表示されません。{date}まで、一度だけ使えます。リンクがわからなくなったときは、招待を取り消して、もう一度招待してください。',
  'admin.invite.summary': '招待の内容',
  'admin.invite.back': '職員アカウントの一覧へ戻る',

  'admin.accept.title': '職員アカウントの登録',
  'admin.accept.intro':
    '{municipality}の総合計画ポータルに、職員として招待されています。氏名とパスワードを決めて登録してください。登録のあと、サインインして2段階認証を設定します。',
  'admin.accept.summary': '招待の内容',
  'admin.accept.nameHint': '職員用の画面と操作の記録に表示されます。100文字以内。',
  'admin.accept.submit': '登録する',
  'admin.signIn.invited': 'アカウントを登録しました。サインインして、2段階認証を設定してください。',

  // Validation
  'admin.v.deptNameRequired': '部署名を入力してください',
  'admin.v.deptNameTooLong': '部署名は{max}文字以内で入力してください（現在{count}文字）',
  'admin.v.deptNameTaken': '「{name}」という名前の部署はすでにあります。別の名前にしてください',
  'admin.v.positionRequired': '表示順を入力してください',
  'admin.v.positionInvalid': '表示順は0から{max}までの数字で入力してください',
  'admin.v.emailRequired': 'メールアドレスを入力してください',
  'admin.v.emailInvalid': 'メールアドレスを name@example.jp の形で入力してください',
  'admin.v.emailTaken':
    'このメールアドレスの職員はすでに登録されています。停止中のときは、その職員のアカウントを再開してください',
  'admin.v.emailInvited':
    'このメールアドレスには、受け入れを待っている招待がすでにあります。新しいリンクが必要なときは、その招待を取り消してから、もう一度招待してください',
  'admin.v.roleRequired': '役割を選んでください',
  'admin.v.departmentsInvalid': '選べない部署が含まれています。所属部署を選び直してください',
  'admin.v.editorNeedsDepartment': '担当課の職員には、所属部署を1つ以上選んでください',
  'admin.v.lastAdminRole':
    '有効なシステム管理者がほかにいないため、役割を変えられません。先にほかの職員をシステム管理者にしてください',
  'admin.v.lastAdminDisable':
    '有効なシステム管理者がほかにいないため、このアカウントは停止できません。先にほかの職員をシステム管理者にしてください',
} as const;

const en: Record<keyof typeof ja, string> = {
  'admin.nav.label': 'Administration menu',
  'admin.nav.heading': 'Administration',
  'admin.nav.users': 'Staff accounts',
  'admin.nav.departments': 'Departments',

  'admin.status.active': 'Active',
  'admin.status.disabled': 'Disabled',
  'admin.status.invited': 'Invited',

  'admin.roleHint.admin': 'Manages staff accounts and departments.',
  'admin.roleHint.planner': 'Runs the whole plan. Can edit every measure.',
  'admin.roleHint.editor': 'Can edit only the measures their departments are responsible for.',
  'admin.roleHint.committee': 'Reads the plan and gives opinions. Cannot edit.',

  'admin.dept.title': 'Departments',
  'admin.dept.intro':
    'The departments and divisions of the city. Staff can belong to several. Department staff edit the measures their departments are responsible for.',
  'admin.dept.none': 'No department has been registered yet.',
  'admin.dept.caption': 'Departments (in display order)',
  'admin.dept.colName': 'Name',
  'admin.dept.colPosition': 'Order',
  'admin.dept.colStatus': 'Status',
  'admin.dept.createH': 'Add a department',
  'admin.dept.name': 'Department name',
  'admin.dept.nameHint':
    'For example 総合政策部 企画課. At most 100 characters, different from every other department.',
  'admin.dept.createSubmit': 'Add department',
  'admin.dept.notice.created': 'The department was added.',
  'admin.dept.notice.updated': 'The department was changed.',
  'admin.dept.notice.unchanged': 'Nothing was changed.',
  'admin.dept.notice.disabled': 'The department was disabled.',
  'admin.dept.notice.enabled': 'The department was enabled again.',
  'admin.dept.editTitle': 'Change department: {name}',
  'admin.dept.editCrumb': 'Change department',
  'admin.dept.position': 'Display order',
  'admin.dept.positionHint': 'A number from 0 to 9999. Smaller numbers come first in the list.',
  'admin.dept.save': 'Save changes',
  'admin.dept.disableH': 'Disable the department',
  'admin.dept.disableBody':
    'A disabled department can no longer be chosen when inviting staff or changing their departments. Its current members stay, and its records are kept.',
  'admin.dept.disable': 'Disable this department',
  'admin.dept.enableBody': 'This department is disabled. Enable it to make it selectable again.',
  'admin.dept.enable': 'Enable this department',

  'admin.users.title': 'Staff accounts',
  'admin.users.intro':
    'Staff accounts and the invitations not yet accepted. Staff accounts can only be created from an administrator’s invitation.',
  'admin.users.invite': 'Invite a member of staff',
  'admin.users.caption': 'Staff',
  'admin.users.none': 'No staff has been registered yet.',
  'admin.users.colName': 'Name',
  'admin.users.colEmail': 'Email address',
  'admin.users.colRole': 'Role',
  'admin.users.colDepartments': 'Departments',
  'admin.users.colStatus': 'Status',
  'admin.users.colExpires': 'Expires',
  'admin.users.colActions': 'Actions',
  'admin.users.noDepartments': 'None',
  'admin.users.totpPending': ' (two-step verification not set up yet)',
  'admin.list.separator': ', ',
  'admin.users.invitesH': 'Invited',
  'admin.users.invitesCaption': 'Invitations waiting to be accepted',
  'admin.users.invitesNone': 'No invitation is waiting to be accepted.',
  'admin.users.cancelInvite': 'Withdraw the invitation',
  'admin.users.cancelInviteFor': ' ({email})',
  'admin.users.notice.invite-cancelled': 'The invitation was withdrawn. Its link no longer works.',
  'admin.users.notice.updated': 'The role and departments were changed.',
  'admin.users.notice.unchanged': 'Nothing was changed.',
  'admin.users.notice.disabled': 'The account was disabled and all of its sessions were ended.',
  'admin.users.notice.enabled': 'The account was enabled again.',

  'admin.user.title': 'Change staff account: {name}',
  'admin.user.crumb': 'Change staff account',
  'admin.user.self': 'This is your own account.',
  'admin.user.email': 'Email address',
  'admin.user.status': 'Status',
  'admin.user.role': 'Role',
  'admin.user.roleHint': 'The role decides what the person can do. A change applies from their next request.',
  'admin.user.departments': 'Departments',
  'admin.user.departmentsHint':
    'Choose any number. Department staff can edit the measures their departments are responsible for, and need at least one.',
  'admin.user.departmentDisabled': '{name} (disabled)',
  'admin.user.save': 'Save changes',
  'admin.user.disableH': 'Disable the account',
  'admin.user.disableBody':
    'A disabled account cannot sign in, and every device signed in with it is signed out. Its records are kept.',
  'admin.user.disable': 'Disable this account',
  'admin.user.enableBody': 'This account is disabled. Enable it to let the person sign in again.',
  'admin.user.enable': 'Enable this account',

  'admin.invite.title': 'Invite a member of staff',
  'admin.invite.intro':
    'This creates an invitation link. The person opens it, chooses a name and password, then signs in and sets up two-step verification. The link works once, for 7 days.',
  'admin.invite.email': 'Email address',
  'admin.invite.emailHint': 'The work email address of the person. They sign in with it.',
  'admin.invite.noDepartments':
    'No department has been registered yet. Register departments before inviting department staff.',
  'admin.invite.submit': 'Create the invitation link',
  'admin.invite.createdTitle': 'The invitation link was created',
  'admin.invite.mailNotice':
    'Sending email is not available yet. Give this link to the person you are inviting (in a way only they receive).',
  'admin.invite.linkLabel': 'Invitation link',
  'admin.invite.once':
    'This link is shown on this page only. It works once, until {date}. If it is lost, withdraw the invitation and invite the person again.',
  'admin.invite.summary': 'The invitation',
  'admin.invite.back': 'Back to staff accounts',

  'admin.accept.title': 'Register your staff account',
  'admin.accept.intro':
    'You have been invited as staff of the comprehensive plan portal of {municipality}. Choose your name and a password to register. Then sign in and set up two-step verification.',
  'admin.accept.summary': 'Your invitation',
  'admin.accept.nameHint': 'Shown on staff pages and in the record of changes. At most 100 characters.',
  'admin.accept.submit': 'Register',
  'admin.signIn.invited': 'Your account was registered. Sign in and set up two-step verification.',

  'admin.v.deptNameRequired': 'Enter the department name',
  'admin.v.deptNameTooLong': 'Enter at most {max} characters for the department name (you entered {count})',
  'admin.v.deptNameTaken': 'A department named "{name}" already exists. Choose another name',
  'admin.v.positionRequired': 'Enter the display order',
  'admin.v.positionInvalid': 'Enter the display order as a number from 0 to {max}',
  'admin.v.emailRequired': 'Enter an email address',
  'admin.v.emailInvalid': 'Enter an email address in the form name@example.jp',
  'admin.v.emailTaken':
    'A member of staff with this email address is already registered. If the account is disabled, enable it instead',
  'admin.v.emailInvited':
    'This email address already has an invitation waiting to be accepted. To send a new link, withdraw that invitation first, then invite again',
  'admin.v.roleRequired': 'Choose a role',
  'admin.v.departmentsInvalid':
    'Some of the chosen departments cannot be chosen. Choose the departments again',
  'admin.v.editorNeedsDepartment': 'Choose at least one department for department staff',
  'admin.v.lastAdminRole':
    'There is no other active system administrator, so the role cannot be changed. Make another member of staff a system administrator first',
  'admin.v.lastAdminDisable':
    'There is no other active system administrator, so this account cannot be disabled. Make another member of staff a system administrator first',
};

export const adminMessages = { ja, en };
