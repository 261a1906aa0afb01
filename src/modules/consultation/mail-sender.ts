import { randomUUID } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Db } from '../../db/database.ts';

/**
 * Delivers the mail outbox (mail.service.ts) through SMTP when KYOSO_SMTP_URL is set.
 *
 * Each run reads a small batch of unsent rows (sent_at null, not waiting for a retry) in id order. A row
 * is claimed before it is sent, by a conditional UPDATE (still unsent, not claimed or its claim stale):
 * of several processes, exactly one wins each row, so no mail is sent twice by two processes. On success
 * sent_at is set; on failure last_error (with any address masked) and a retry time growing with each
 * attempt (1 min, 2, 4 … up to 1 h). A process that dies between sending and recording leaves a claim
 * that goes stale after `staleMs`; the mail is then sent again (at least once, the SMTP norm).
 * Logs name the mail by its id only: never its address, subject or body.
 */

export interface MailSenderLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface MailSenderOptions {
  db: Db;
  /** nodemailer SMTP URL: smtp://user:pass@host:587, smtps://host:465. */
  smtpUrl: string;
  from: string;
  clock?: () => Date;
  log?: MailSenderLog;
  /** Rows claimed per run (default 10). */
  batchSize?: number;
  /** A claim older than this is taken over (default 10 minutes). */
  staleMs?: number;
  /** SMTP timeouts in ms (default 30 s). */
  timeoutMs?: number;
}

export interface DeliveryResult {
  sent: number;
  failed: number;
}

const MINUTE = 60_000;

/** Delay before the next attempt after `attempts` failures: 1, 2, 4, … minutes, at most an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(MINUTE * 2 ** Math.max(0, attempts - 1), 60 * MINUTE);
}

const EMAIL = /[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+/g;

/** The error as stored and logged: addresses masked, one line, bounded. */
export function describeError(err: unknown, address: string): string {
  const raw =
    err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err);
  return raw.split(address).join('<address>').replace(EMAIL, '<address>').replace(/\s+/g, ' ').slice(0, 500);
}

export class MailSender {
  readonly #db: Db;
  readonly #from: string;
  readonly #clock: () => Date;
  readonly #log: MailSenderLog | undefined;
  readonly #batchSize: number;
  readonly #staleMs: number;
  readonly #transport: Transporter;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<DeliveryResult> | null = null;
  #again = false;
  #stopped = false;

  constructor(options: MailSenderOptions) {
    this.#db = options.db;
    this.#from = options.from;
    this.#clock = options.clock ?? (() => new Date());
    this.#log = options.log;
    this.#batchSize = options.batchSize ?? 10;
    this.#staleMs = options.staleMs ?? 10 * MINUTE;
    const timeout = options.timeoutMs ?? 30_000;
    // nodemailer reads host, port, secure (smtps:), auth and query options from the URL.
    this.#transport = nodemailer.createTransport({
      url: options.smtpUrl,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
  }

  /** Sends the due mail, batch after batch, until none is left; one run at a time per sender. */
  deliverDue(): Promise<DeliveryResult> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    const run = (async () => {
      const total = { sent: 0, failed: 0 };
      try {
        do {
          this.#again = false;
          for (;;) {
            const r = await this.#deliverBatch();
            total.sent += r.sent;
            total.failed += r.failed;
            if (this.#stopped || r.sent + r.failed === 0) break;
          }
        } while (this.#again && !this.#stopped);
      } finally {
        this.#running = null;
      }
      return total;
    })();
    this.#running = run;
    return run;
  }

  /** Runs deliverDue every `intervalMs` (errors are logged, never thrown). */
  start(intervalMs = 5_000): void {
    if (this.#timer || this.#stopped) return;
    this.#timer = setInterval(() => this.nudge(), intervalMs);
    this.#timer.unref();
    this.nudge();
  }

  /** Delivers soon (e.g. right after a mail was queued) without waiting for the interval. */
  nudge(): void {
    if (this.#stopped) return;
    this.deliverDue().catch((err: unknown) =>
      this.#log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'mail delivery run failed'),
    );
  }

  /** Stops the interval, waits for the run in flight, closes the SMTP connections. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => undefined);
    this.#transport.close();
  }

  async #deliverBatch(): Promise<DeliveryResult> {
    const db = this.#db.kysely;
    const now = this.#clock();
    const nowIso = now.toISOString();
    const staleIso = new Date(now.getTime() - this.#staleMs).toISOString();
    const candidates = await db
      .selectFrom('mail_outbox')
      .select('id')
      .where('sent_at', 'is', null)
      .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', nowIso)]))
      .where((eb) => eb.or([eb('claimed_at', 'is', null), eb('claimed_at', '<', staleIso)]))
      .orderBy('id')
      .limit(this.#batchSize)
      .execute();
    const result = { sent: 0, failed: 0 };
    for (const { id } of candidates) {
      if (this.#stopped) break;
      const token = randomUUID();
      const claimed = await db
        .updateTable('mail_outbox')
        .set({ claimed_at: nowIso, claim_token: token })
        .where('id', '=', id)
        .where('sent_at', 'is', null)
        .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', nowIso)]))
        .where((eb) => eb.or([eb('claimed_at', 'is', null), eb('claimed_at', '<', staleIso)]))
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) continue; // another process has it
      const mail = await db
        .selectFrom('mail_outbox')
        .select(['to_address', 'subject', 'body', 'attempts'])
        .where('id', '=', id)
        .where('claim_token', '=', token)
        .executeTakeFirst();
      if (!mail) continue;
      try {
        const info = await this.#transport.sendMail({
          from: this.#from,
          to: mail.to_address,
          subject: mail.subject,
          text: mail.body,
          textEncoding: 'base64',
          headers: { 'Auto-Submitted': 'auto-generated' },
        });
        const sentAt = this.#clock().toISOString();
        await db
          .updateTable('mail_outbox')
          .set({
            sent_at: sentAt,
            last_error: null,
            claimed_at: null,
            claim_token: null,
            next_attempt_at: null,
          })
          .where('id', '=', id)
          .where('claim_token', '=', token)
          .execute();
        result.sent += 1;
        this.#log?.info({ mailId: id, messageId: info.messageId }, 'mail sent');
      } catch (err) {
        const attempts = Number(mail.attempts) + 1;
        const message = describeError(err, mail.to_address);
        const retryAt = new Date(this.#clock().getTime() + retryDelayMs(attempts));
        await db
          .updateTable('mail_outbox')
          .set({
            last_error: message,
            attempts,
            next_attempt_at: retryAt.toISOString(),
            claimed_at: null,
            claim_token: null,
          })
          .where('id', '=', id)
          .where('claim_token', '=', token)
          .execute();
        result.failed += 1;
        this.#log?.warn(
          { mailId: id, attempts, retryAt: retryAt.toISOString(), error: message },
          'mail not sent; will retry',
        );
      }
    }
    return result;
  }
}

/**
 * Starts delivering the outbox every `intervalMs` when SMTP is configured; returns null (and sends
 * nothing) when it is not. The caller stops the sender when the app closes.
 */
export function startMailDelivery(
  config: { smtpUrl: string | null; mailFrom: string },
  db: Db,
  log?: MailSenderLog,
  intervalMs = 5_000,
): MailSender | null {
  if (!config.smtpUrl) return null;
  const sender = new MailSender({
    db,
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    ...(log ? { log } : {}),
  });
  sender.start(intervalMs);
  return sender;
}
