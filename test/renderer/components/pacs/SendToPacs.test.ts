import { fireEvent, render, within } from '@testing-library/svelte';
import { tick, type Component } from 'svelte';
import { describe, expect, it } from 'vitest';
import SendToPacs from '../../../../src-renderer/components/pacs/SendToPacs.svelte';
import ViewHarness from '../../views/ViewHarness.svelte';
import { fakeConnection, job, orthancEndpoint } from './fakePacsApi.ts';

const sendSpec = {
  kind: 'pacs-send' as const,
  endpointId: 'e1',
  endpointName: 'Orthanc',
  runId: 3,
  studyIds: [7],
};

function mount(endpoints = [orthancEndpoint]) {
  const fake = fakeConnection({
    listPacsEndpoints: () => endpoints,
    startPacsSend: () => job(sendSpec),
    cancelJob: () => job(sendSpec, { status: 'cancelled' }),
  });
  const { container } = render(ViewHarness, {
    connection: fake.connection,
    view: SendToPacs as Component<Record<string, unknown>>,
    viewProps: { runId: 3, studyId: 7 },
  });
  return { fake, view: within(container) };
}

describe('Send to PACS', () => {
  it("sends this case's results of the run as a job, with Cancel while it runs and what was stored after", async () => {
    const { fake, view } = mount();
    await fireEvent.click(await view.findByRole('button', { name: 'Send to PACS (Orthanc)' }));
    expect(fake.calls.find((call) => call.method === 'startPacsSend')?.params).toEqual({
      endpointId: 'e1',
      runId: 3,
      studyIds: [7],
    });
    expect(
      (view.getByRole('button', { name: 'Send to PACS (Orthanc)' }) as HTMLButtonElement).disabled,
    ).toBe(true);
    await fireEvent.click(view.getByRole('button', { name: 'Cancel' }));
    expect(fake.calls.some((call) => call.method === 'cancelJob')).toBe(true);

    fake.emit('job.finished', {
      job: job(sendSpec, {
        status: 'finished',
        result: {
          stored: 8,
          studies: [{ studyId: 7, studyUid: '1.2.3.4' }],
          notes: [],
          failed: [],
        },
      }),
    });
    await tick();
    expect(view.getByRole('status').textContent).toBe(
      'Stored 8 objects (Secondary Capture, Segmentation, Parametric Map) into study 1.2.3.4.',
    );
  });

  it('says where to add a PACS when none is saved, and asks for the token when the session has none', async () => {
    expect(
      await mount([]).view.findByText('Send to PACS: add a PACS in Settings first.'),
    ).toBeTruthy();
    const { view } = mount([
      { ...orthancEndpoint, authKind: 'bearer', user: null, hasSessionSecret: false },
    ]);
    const button = (await view.findByRole('button', {
      name: 'Send to PACS (Orthanc)',
    })) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(view.getByText(/Enter the token of Orthanc in Settings first/)).toBeTruthy();
  });
});
