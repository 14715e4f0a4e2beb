/**
 * The saved PACS a panel works with (Import > From a PACS, Send to PACS): the list, the one
 * picked (the first until the reader picks another) and whether its secret is still missing.
 */
import type { ApiClient, PacsEndpointStatus } from '../../api/types.ts';
import { userMessage } from '../common/userMessage.ts';
import { missingSecret } from './pacsWords.ts';

export class EndpointChoice {
  endpoints = $state<PacsEndpointStatus[]>([]);
  endpointId = $state('');
  /** Why the list could not be read; null while it loads or once it has. */
  failure = $state<string | null>(null);

  readonly endpoint = $derived(this.endpoints.find((one) => one.id === this.endpointId) ?? null);
  /** What the reader must enter in Settings before this endpoint can be used; null when ready. */
  readonly notReady = $derived(this.endpoint ? missingSecret(this.endpoint) : null);

  constructor(api: Pick<ApiClient, 'listPacsEndpoints'>) {
    api.listPacsEndpoints().then(
      (list) => {
        this.endpoints = list;
        this.endpointId ||= list[0]?.id ?? '';
      },
      (e) => (this.failure = userMessage(e)),
    );
  }
}
