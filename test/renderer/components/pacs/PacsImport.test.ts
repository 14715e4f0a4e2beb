import { fireEvent, render, within } from '@testing-library/svelte';
import { tick, type Component } from 'svelte';
import { describe, expect, it } from 'vitest';
import PacsImport from '../../../../src-renderer/components/pacs/PacsImport.svelte';
import ViewHarness from '../../views/ViewHarness.svelte';
import { fakeConnection, job, orthancEndpoint } from './fakePacsApi.ts';

const found = [
  {
    studyUid: '1.2.3.4',
    patientId: 'PAT-1',
    patientName: 'Roe^Rita',
    studyDate: '20240301',
    description: 'MR head',
    modalities: ['MR'],
    instances: 24,
  },
  {
    studyUid: '1.2.3.5',
    patientId: 'PAT-1',
    patientName: 'Roe^Rita',
    studyDate: '20240402',
    description: '',
    modalities: ['MR'],
    instances: null,
  },
];

function mount(endpoint = orthancEndpoint) {
  const fake = fakeConnection({
    listPacsEndpoints: () => [endpoint],
    listJobs: () => [],
    searchPacs: () => found,
    startPacsPull: (params: { studyUids: string[] }) =>
      job({
        kind: 'pacs-pull',
        endpointId: 'e1',
        endpointName: 'Orthanc',
        studyUids: params.studyUids,
        modality: 'MR',
      }),
  });
  const { container } = render(ViewHarness, {
    connection: fake.connection,
    view: PacsImport as Component<Record<string, unknown>>,
  });
  return { fake, view: within(container) };
}

describe('Import > From a PACS', () => {
  it('searches with the filled-in fields, lists the studies and pulls only the picked one', async () => {
    const { fake, view } = mount();
    await fireEvent.input(await view.findByRole('textbox', { name: 'Patient ID' }), {
      target: { value: ' PAT-1 ' },
    });
    const since = view.getByLabelText('Since') as HTMLInputElement;
    await fireEvent.input(since, { target: { value: '2024-01-01' } });
    await fireEvent.click(view.getByRole('button', { name: 'Search' }));
    const list = await view.findByRole('list', { name: 'Studies found' });
    expect(fake.calls.find((call) => call.method === 'searchPacs')?.params).toEqual({
      endpointId: 'e1',
      search: { patientId: 'PAT-1', modality: 'MR', since: '2024-01-01' },
    });
    const rows = within(list).getAllByRole('listitem');
    expect(rows.map((row) => row.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'Roe, Rita (PAT-1), 2024-03-01, MR head · 24 images 1.2.3.4',
      'Roe, Rita (PAT-1), 2024-04-02, MR 1.2.3.5',
    ]);
    const importButton = view.getByRole('button', { name: 'Import selected (0)' });
    expect((importButton as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(within(rows[1]).getByRole('checkbox'));
    await fireEvent.click(view.getByRole('button', { name: 'Import selected (1)' }));
    expect(fake.calls.find((call) => call.method === 'startPacsPull')?.params).toEqual({
      endpointId: 'e1',
      studyUids: ['1.2.3.5'],
      modality: 'MR',
    });
    // The job's end is reported in words.
    fake.emit('job.finished', {
      job: job(
        {
          kind: 'pacs-pull',
          endpointId: 'e1',
          endpointName: 'Orthanc',
          studyUids: ['1.2.3.5'],
        },
        {
          status: 'finished',
          result: { found: 1, imported: 1, inLibrary: 0, images: 12, failed: [] },
        },
      ),
    });
    await tick();
    expect(view.getByText('1 study imported (12 slices).')).toBeTruthy();
  });

  it('asks for the password in Settings before searching an endpoint that needs one', async () => {
    const { view } = mount({ ...orthancEndpoint, hasSessionSecret: false });
    expect(
      await view.findByText(
        'Enter the password of Orthanc in Settings first (asked once per session, never saved).',
      ),
    ).toBeTruthy();
    expect((view.getByRole('button', { name: 'Search' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
