import type { Db } from '../db/database.ts';
import { municipalityName } from '../modules/plan/plan.service.ts';

/**
 * The municipality's name for the page header, cached: pages that load the plan refresh it for free,
 * others read it at most once a minute.
 */
export class SiteInfo {
  private cached: { name: string; at: number } | null = null;
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
}
