import type { RiskLevel } from '../../db/schema/constants.ts';

/** SPEC §1: low 0–24, low_medium 25–49, medium 50–74, high 75–99, very_high 100. */
export function riskLevelOf(score: number): RiskLevel {
  if (score >= 100) return 'very_high';
  if (score >= 75) return 'high';
  if (score >= 50) return 'medium';
  if (score >= 25) return 'low_medium';
  return 'low';
}
