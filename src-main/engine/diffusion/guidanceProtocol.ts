/**
 * The messages between the engine and its guidance process (guidanceWorker.ts): the parent
 * (remoteGuidance.ts) and the worker both import these, never each other.
 */
export type GuidanceRequest =
  | { type: 'load'; classifierDir: string }
  | {
      type: 'gradient';
      id: number;
      x: Float32Array;
      shape: [number, number, number, number];
      t: number;
    };

export type GuidanceReply =
  | { type: 'loaded'; backend: string }
  | { type: 'gradient'; id: number; gradient: Float32Array }
  | { type: 'error'; id?: number; message: string };
