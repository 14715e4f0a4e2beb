import { fireEvent, render, within } from '@testing-library/svelte';
import { tick, type Component } from 'svelte';
import type { Job } from '../../../../src-renderer/api/types.ts';
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

function mount(endpoints = [orthancEndpoint], jobs: Job[] = []) {
  const fake = fakeConnection({
    listPacsEndpoints: () => endpoints,
    listJobs: () => jobs,
    startPacsSend: () => job(sendSpec),
    cancelJob: () => job(sendSpec, { status: 'cancelled' }),
  });
  const { container, rerender } = render(ViewHarness, {
    connection: fake.connection,
    view: SendToPacs as Component<Record<string, unknown>>,
    viewProps: { runId: 3, studyId: 7 },
  });
  const showCase = (studyId: number) =>
    rerender({
      connection: fake.connection,
      view: SendToPacs as Component<Record<string, unknown>>,
      viewProps: { runId: 3, studyId },
    });
  return { fake, view: within(container), showCase };
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

  it('shows a case sent before (while away from Review) as sent, and not the send of another case', async () => {
    const stored = {
      stored: 8,
      studies: [{ studyId: 7, studyUid: '1.2.3.4' }],
      notes: [],
      failed: [],
    };
    const older = job(sendSpec, {
      id: 'job-old',
      status: 'failed',
      error: 'the server refused the credentials',
      createdAt: '2025-01-01T00:00:00Z',
    });
    const sent = job(sendSpec, {
      id: 'job-sent',
      status: 'finished',
      result: stored,
      createdAt: '2025-01-01T00:01:00Z',
    });
    const cancelled = job(sendSpec, {
      id: 'job-cancelled',
      status: 'cancelled',
      createdAt: '2025-01-01T00:02:00Z',
    });
    const otherCase = job(
      { ...sendSpec, studyIds: [8] },
      { id: 'job-other', status: 'running', createdAt: '2025-01-01T00:03:00Z' },
    );
    const { view, showCase } = mount([orthancEndpoint], [older, sent, cancelled, otherCase]);
    const sentWords =
      'Stored 8 objects (Secondary Capture, Segmentation, Parametric Map) into study 1.2.3.4.';
    expect((await view.findByRole('status')).textContent).toBe(sentWords);
    expect(view.queryByRole('button', { name: 'Cancel' })).toBeNull();
    // Review moves to case 8 (being sent) and back: each shows its own.
    await showCase(8);
    expect(await view.findByRole('button', { name: 'Cancel' })).toBeTruthy();
    expect(view.queryByRole('status')).toBeNull();
    await showCase(7);
    expect((await view.findByRole('status')).textContent).toBe(sentWords);

    // A send of this case still running when Review comes back to it: its Cancel, its button off.
    const running = job(sendSpec, {
      id: 'job-running',
      status: 'running',
      createdAt: '2025-01-01T00:04:00Z',
    });
    const again = mount([orthancEndpoint], [sent, running]).view;
    expect(await again.findByRole('button', { name: 'Cancel' })).toBeTruthy();
    expect(
      (again.getByRole('button', { name: 'Send to PACS (Orthanc)' }) as HTMLButtonElement).disabled,
    ).toBe(true);

    // Another case's send says nothing here.
    const quiet = mount([orthancEndpoint], [otherCase]).view;
    await quiet.findByRole('button', { name: 'Send to PACS (Orthanc)' });
    await tick();
    expect(quiet.queryByRole('status')).toBeNull();
    expect(quiet.queryByRole('button', { name: 'Cancel' })).toBeNull();
  });

  it('says when a finished case was sent and asks before storing a second copy', async () => {
    const finishedAt = new Date(2025, 0, 2, 14, 5).toISOString();
    const sent = job(sendSpec, {
      id: 'job-sent',
      status: 'finished',
      finishedAt,
      result: { stored: 8, studies: [{ studyId: 7, studyUid: '1.2.3.4' }], notes: [], failed: [] },
    });
    const { fake, view } = mount([orthancEndpoint], [sent]);
    const sends = () => fake.calls.filter((call) => call.method === 'startPacsSend').length;
    const again = await view.findByRole('button', { name: 'Sent 2025-01-02 14:05 · Send again' });
    await fireEvent.click(again);
    const confirm = view.getByRole('group', { name: 'Send again?' });
    expect(confirm.textContent).toContain('second copy of every object');
    expect(sends()).toBe(0);
    await fireEvent.click(view.getByRole('button', { name: 'Keep the one sent' }));
    expect(view.queryByRole('group', { name: 'Send again?' })).toBeNull();
    expect(sends()).toBe(0);

    await fireEvent.click(again);
    await fireEvent.click(view.getByRole('button', { name: 'Store a second copy' }));
    expect(sends()).toBe(1);
    expect(view.queryByRole('group', { name: 'Send again?' })).toBeNull();
  });
});
