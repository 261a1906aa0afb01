import type { FieldErrors, Validated } from '../../shared/validation.ts';
import { checkPasswordPolicy, PASSWORD_MAX, PASSWORD_MIN } from './credentials/passwords.ts';

/**
 * Validation of staff forms, with messages in Japanese that name the field (GOV.UK style). Each function
 * returns the cleaned values or the list of problems in field order.
 */

const EMAIL_RE = /^[^\s@<>()"',;:\\[\]]+@[^\s@<>()"',;:\\[\]]+\.[^\s@<>()"',;:\\[\]]+$/;

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Removes control characters (keeps tab and line breaks out of one-line fields too). */
function oneLine(s: string): string {
  return s
    .replace(/\p{Cc}/gu, '')
    .normalize('NFC')
    .trim();
}

function emailProblem(email: string): string | null {
  if (email === '') return 'メールアドレスを入力してください';
  if (email.length > 254 || !EMAIL_RE.test(email))
    return 'メールアドレスを name@example.jp の形で入力してください';
  return null;
}

function nameProblem(name: string): string | null {
  if (name === '') return '氏名を入力してください';
  if ([...name].length > 100) return `氏名は100文字以内で入力してください（現在${[...name].length}文字）`;
  return null;
}

/** A new password and its confirmation, checked against the policy. */
export function passwordProblems(
  password: string,
  confirm: string,
  context: { email?: string; displayName?: string },
): FieldErrors {
  const errors: FieldErrors = [];
  const r = checkPasswordPolicy(password, context);
  if (password === '') errors.push({ field: 'password', message: 'パスワードを入力してください' });
  else if (!r.ok) {
    const message =
      r.reason === 'too_short'
        ? `パスワードは${PASSWORD_MIN}文字以上にしてください（現在${r.length}文字）`
        : r.reason === 'too_long'
          ? `パスワードは${PASSWORD_MAX}文字以内にしてください（現在${r.length}文字）`
          : r.reason === 'common'
            ? 'このパスワードはよく使われていて推測されやすいため使えません。別のパスワードにしてください'
            : 'パスワードにメールアドレスや氏名、サービス名を含めないでください';
    errors.push({ field: 'password', message });
  }
  if (password !== '' && confirm !== password) {
    errors.push({ field: 'confirm', message: '確認のため、同じパスワードをもう一度入力してください' });
  }
  return errors;
}

export interface AccountInput {
  email: string;
  displayName: string;
  password: string;
}

/** The first administrator's form: e-mail, name, password twice. */
export function validateNewAccount(body: unknown, withEmail = true): Validated<AccountInput> {
  const b = (body ?? {}) as Record<string, unknown>;
  const email = oneLine(str(b.email)).toLowerCase();
  const displayName = oneLine(str(b.displayName));
  const password = str(b.password);
  const errors: FieldErrors = [];
  if (withEmail) {
    const e = emailProblem(email);
    if (e) errors.push({ field: 'email', message: e });
  }
  const n = nameProblem(displayName);
  if (n) errors.push({ field: 'displayName', message: n });
  errors.push(...passwordProblems(password, str(b.confirm), { email, displayName }));
  return errors.length ? { ok: false, errors } : { ok: true, value: { email, displayName, password } };
}

/** The sign-in form: both fields present (the check itself is the service's). */
export function validateSignIn(body: unknown): Validated<{ email: string; password: string }> {
  const b = (body ?? {}) as Record<string, unknown>;
  const email = oneLine(str(b.email));
  const password = str(b.password);
  const errors: FieldErrors = [];
  if (email === '') errors.push({ field: 'email', message: 'メールアドレスを入力してください' });
  if (password === '') errors.push({ field: 'password', message: 'パスワードを入力してください' });
  if (password.length > 1024) errors.push({ field: 'password', message: 'パスワードが長すぎます' });
  return errors.length ? { ok: false, errors } : { ok: true, value: { email, password } };
}

/** A six-digit code or a recovery code. */
export function validateCode(body: unknown): Validated<string> {
  const code = oneLine(str((body as Record<string, unknown> | undefined)?.code));
  if (code === '') return { ok: false, errors: [{ field: 'code', message: '確認コードを入力してください' }] };
  if (code.length > 64) return { ok: false, errors: [{ field: 'code', message: '確認コードが長すぎます' }] };
  return { ok: true, value: code };
}
