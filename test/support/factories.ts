import fs from 'node:fs';
import path from 'node:path';
import { BUNDLED_PLAN_FILE, ROOT_DIR } from '../../src/config.ts';

/** The seed plan's text, exactly as the city wrote it. */
export function seedText(): string {
  return fs.readFileSync(BUNDLED_PLAN_FILE, 'utf8');
}

/** A test plan from test/fixtures/plans/. */
export function fixturePath(name: string): string {
  return path.join(ROOT_DIR, 'test', 'fixtures', 'plans', name);
}

/**
 * A plan in the seed's shape with `policies` × `measuresPerPolicy` measures, for tests that must show that
 * something does not grow with the size of the plan.
 */
export function buildPlanText({ policies = 3, measuresPerPolicy = 3 } = {}): string {
  const lines = [
    'テスト市総合計画 重点プロジェクト（案）',
    '',
    '【テストの柱】',
    '',
    '将来都市像である「テストのまち」の実現に向けて取り組みます。',
    '',
  ];
  for (let p = 1; p <= policies; p++) {
    lines.push(`●重点施策${p} 柱${p}を創る`, '', `柱${p}の説明です。`, '');
    for (let m = 1; m <= measuresPerPolicy; m++) {
      lines.push(`${m} 施策${p}-${m}\t施策${p}-${m}の説明です。デジタル技術を活用します。`);
    }
    lines.push('');
  }
  lines.push('3つの横断的施策', '', '横断的施策を念頭に置きます。', '');
  lines.push(
    'デジタル化の推進\tデジタルの説明。',
    '大学との連携\t大学の説明。',
    '健康づくりの推進\t健康の説明。',
    '',
  );
  return lines.join('\n');
}
