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

  /** Whether sample data exists, as last read (see ensureFresh). */
  get sampleActive(): boolean {
    return this.sample?.active ?? false;
  }

  async refreshSample(): Promise<boolean> {
    const active = await hasSampleData(this.db, this.municipalityCode);
    this.sample = { active, at: Date.now() };
    return active;
  }

  /** Called before every request: re-reads the sample flag when it is older than the TTL. */
  async ensureFresh(): Promise<void> {
    if (!this.sample || Date.now() - this.sample.at >= this.ttlMs) await this.refreshSample();
  }
}
