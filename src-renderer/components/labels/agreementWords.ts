/**
 * Cohen's kappa in words, on the scale of Landis and Koch (Biometrics 1977), the one readers
 * of reader studies know: below 0 poor, up to 0.20 slight, 0.40 fair, 0.60 moderate,
 * 0.80 substantial, above almost perfect.
 */
export function kappaInWords(kappa: number): string {
  if (kappa < 0) return 'poor';
  if (kappa <= 0.2) return 'slight';
  if (kappa <= 0.4) return 'fair';
  if (kappa <= 0.6) return 'moderate';
  if (kappa <= 0.8) return 'substantial';
  return 'almost perfect';
}
