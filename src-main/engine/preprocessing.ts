/** Names the one preprocessing (anomaly/preprocess.ts) recorded in every model's manifest. */
export const PREPROCESSING = {
  method: 'pad-square-antialiased-linear-background-median-p99.5-v2',
  imageSize: 64,
} as const;
