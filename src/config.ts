import path from 'node:path';
import { fileURLToPath } from 'node:url';
import proxyAddr from '@fastify/proxy-addr';
import { z } from 'zod';

/** Repository root, so that `data/` resolves the same whatever the working directory. */
export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The database file used when DATABASE_URL is not set. */
export const DEFAULT_SQLITE_FILE = path.join(ROOT_DIR, 'data', 'kyoso.sqlite');

/** The bundled copy of the Sanyo-Onoda draft, imported on first start. */
export const BUNDLED_PLAN_FILE = path.join(ROOT_DIR, 'data', 'sanyo-onoda-chuki-juten-an.txt');

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().min(1).optional(),
  KYOSO_BASE_URL: z.string().url().optional(),
  KYOSO_MUNICIPALITY: z
    .string()
    .regex(/^\d{6}$/, 'KYOSO_MUNICIPALITY must be a 6-digit 全国地方公共団体コード')
    .default('352161'),
  KYOSO_SEED: z.enum(['on', 'off']).default('on'),
  KYOSO_SAMPLE_KPI: z.enum(['on', 'off']).default('on'),
  KYOSO_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  KYOSO_SUBMISSIONS_PER_HOUR: z.coerce.number().int().positive().default(20),
  /** smtp://user:pass@host:587 or smtps://…; empty: no delivery, mail stays in the outbox. */
  KYOSO_SMTP_URL: z
    .string()
    .regex(/^(smtps?:\/\/.+)?$/, 'KYOSO_SMTP_URL must be smtp://… or smtps://… (or empty)')
    .optional(),
  KYOSO_MAIL_FROM: z
    .string()
    .regex(/^[^\s@<>]+@[^\s@<>]+$/, 'KYOSO_MAIL_FROM must be an e-mail address')
    .optional(),
  /** Addresses/CIDRs of trusted reverse proxies, comma-separated (see trustedProxies). */
  KYOSO_TRUST_PROXY: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      try {
        proxyAddr.compile(trustedProxies(v));
      } catch (e) {
        ctx.addIssue({
          code: 'custom',
          message: `KYOSO_TRUST_PROXY must list addresses or CIDRs of proxies, comma-separated (${(e as Error).message})`,
        });
      }
    }),
  /** PostgreSQL: longest a statement may run before the server cancels it (ms; 0 = no limit). */
  KYOSO_DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Typed configuration, read once from the environment. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  baseUrl: string;
  municipality: string;
  /** Import the bundled Sanyo-Onoda plan when the database holds no plan. */
  seed: boolean;
  /** Load the labelled sample indicators (サンプル値) on first start, while the city has none of its own. */
  sampleKpi: boolean;
  logLevel: string;
  /** Requests per minute per client address before 429. */
  rateLimitPerMinute: number;
  /** Public-comment submissions (POST …/submit) per hour per client address before 429. */
  submissionLimitPerHour: number;
  /** SMTP server to deliver the mail outbox through (nodemailer URL); null: mail stays in the outbox. */
  smtpUrl: string | null;
  /** The From address of mail Kyoso sends. */
  mailFrom: string;
  /**
   * The reverse proxies whose X-Forwarded-For / X-Forwarded-Proto / X-Request-Id are believed (addresses,
   * CIDRs, or proxy-addr's names loopback/linklocal/uniquelocal); empty: none, the peer is the client.
   */
  trustProxy: string[];
  /** PostgreSQL statement timeout in ms (0: none). */
  dbStatementTimeoutMs: number;
}

/** The list in KYOSO_TRUST_PROXY: comma- or space-separated, empty items dropped. */
export function trustedProxies(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Reads the environment; throws a readable error naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const baseUrl = (e.KYOSO_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? DEFAULT_SQLITE_FILE,
    baseUrl,
    municipality: e.KYOSO_MUNICIPALITY,
    seed: e.KYOSO_SEED === 'on',
    sampleKpi: e.KYOSO_SAMPLE_KPI === 'on',
    logLevel: e.LOG_LEVEL,
    rateLimitPerMinute: e.KYOSO_RATE_LIMIT_PER_MINUTE,
    submissionLimitPerHour: e.KYOSO_SUBMISSIONS_PER_HOUR,
    smtpUrl: e.KYOSO_SMTP_URL ? e.KYOSO_SMTP_URL : null,
    mailFrom: e.KYOSO_MAIL_FROM ?? `no-reply@${new URL(baseUrl).hostname}`,
    trustProxy: trustedProxies(e.KYOSO_TRUST_PROXY),
    dbStatementTimeoutMs: e.KYOSO_DB_STATEMENT_TIMEOUT_MS,
  };
}
