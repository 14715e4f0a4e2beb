/**
 * Which backend the engine computes with, asked once per connection when the app opens (the
 * engine loads TensorFlow.js to answer, a few seconds), so Settings has the answer at hand
 * instead of greeting the reader with "Asking the engine…".
 */
import type { ApiClient, BackendInfo } from '../api/types.ts';

const asked = new WeakMap<ApiClient, Promise<BackendInfo>>();

export function backendInfoOnce(api: ApiClient): Promise<BackendInfo> {
  let answer = asked.get(api);
  if (!answer) {
    answer = api.backendInfo();
    // A failed answer is not kept: the next view asks again.
    answer.catch(() => asked.delete(api));
    asked.set(api, answer);
  }
  return answer;
}
