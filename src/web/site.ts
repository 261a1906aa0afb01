import type { Db } from '../db/database.ts';
import { hasSampleData } from '../modules/kpi/kpi.repository.ts';
import { municipalityName } from '../modules/plan/plan.service.ts';

/**
 * Site-wide facts every page header needs, cached: the municipality's name (pages that load the plan
 * refresh it for free, others read it at most once a minute) and whether any sample indicator data
 * (サンプル値) exists, which puts a banner on every page. The sample flag is refreshed at once by whoever
 * loads or removes sample data (`refreshSample`) and at most a minute late elsewhere (other processes).
 */
export class SiteInfo {
  private cached: { name: string; at: number } | null = null;
  private sample: { active: boolean; at: number } | null = null;
  constructor(
    private readonly db: Db,
    private readonly municipalityCode: string,
    private readonly ttlMs = 60_000,
  ) {}

  remember(name: string) {
    this.cached = { name, at: Date.now() };
  }

  async name(): Promise<string> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.name;
    const name = (await municipalityName(this.db, this.municipalityCode)) ?? '';
    this.remember(name);
    return name;
  }

  /** The name as last read, without asking the database (error pages, which may be about the database). */
  get lastName(): string {
    return this.cached?.name ?? '';
  }

  /** Whether sample data exists, as last read (see ensureFresh). */
  get sampleActive(): boolean {
    return this.sample?.active ?? false;
  }

  async refreshSample(): Promise<boolean> {
    const active = await hasSampleData(this.db, this.municipalityCode);
    this.sample = { active, at: Date.now() };
    return active;
  }

  /**
   * Called before every page: the first time, reads the sample flag; afterwards, when it is older than
   * the TTL, re-reads it in the background and goes on with the last value (a minute late at worst, as
   * documented), so that no page waits on it and a database fault is the page's own to report.
   */
  async ensureFresh(log?: { warn(obj: object, msg: string): void }): Promise<void> {
    if (!this.sample) {
      await this.refreshSample();
      return;
    }
    if (this.refreshing || Date.now() - this.sample.at < this.ttlMs) return;
    this.refreshing = this.refreshSample()
      .catch((err: unknown) => {
        // Try again after another TTL; meanwhile the banner shows as it last did.
        if (this.sample) this.sample.at = Date.now();
        log?.warn({ err }, 'could not refresh the sample-data flag');
      })
      .finally(() => {
        this.refreshing = null;
      });
  }
  private refreshing: Promise<unknown> | null = null;
}
