/**
 * How often the image verdict is right at the shipped operating point, as the lead measures it
 * (models/preset.json `verdictPerformance`): each rate with its 95 % interval, the number of
 * images it was counted on and which images those were. Optional: absent, the verdict's
 * sensitivity and specificity have not been measured, and the app says so.
 */
import { z } from 'zod';

const unitInterval = z.number().min(0).max(1);

export const MeasuredRateSchema = z.object({
  value: unitInterval,
  low: unitInterval,
  high: unitInterval,
  n: z.number().int().positive(),
  /** The images it was counted on, e.g. "test split pathological". */
  set: z.string(),
});

export const VerdictPerformanceSchema = z.object({
  sensitivity: MeasuredRateSchema,
  specificity: MeasuredRateSchema,
});

export type MeasuredRate = z.infer<typeof MeasuredRateSchema>;
export type VerdictPerformance = z.infer<typeof VerdictPerformanceSchema>;

/** The preset's verdict performance when it has a valid one, else null (never throws). */
export function verdictPerformanceOf(preset: unknown): VerdictPerformance | null {
  if (typeof preset !== 'object' || preset === null) return null;
  const parsed = VerdictPerformanceSchema.safeParse(
    (preset as Record<string, unknown>).verdictPerformance,
  );
  return parsed.success ? parsed.data : null;
}
