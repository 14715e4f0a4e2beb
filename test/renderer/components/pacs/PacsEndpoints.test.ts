import { fireEvent, render, waitFor, within } from '@testing-library/svelte';
import type { Component } from 'svelte';
import { describe, expect, it } from 'vitest';
import PacsEndpoints from '../../../../src-renderer/components/pacs/PacsEndpoints.svelte';
import type { PacsEndpointStatus } from '../../../../src-renderer/api/types.ts';
import ViewHarness from '../../views/ViewHarness.svelte';
import { fakeConnection, orthancEndpoint } from './fakePacsApi.ts';

describe('Settings: PACS endpoints', () => {
  it('saves an endpoint without a password, then gives the password for the session and checks the connection', async () => {
    let saved: PacsEndpointStatus[] = [];
    const fake = fakeConnection({
      listPacsEndpoints: () => saved,
      savePacsEndpoint: () => {
        saved = [{ ...orthancEndpoint, hasSessionSecret: false }];
        return saved[0];
      },
      setPacsSecret: () => {
        saved = [{ ...orthancEndpoint, hasSessionSecret: true }];
        return saved[0];
      },
      checkPacsConnection: () => ({
        ok: false,
        message:
          'the server refused the credentials (wrong user, password or token, or none given)',
      }),
    });
    const { container } = render(ViewHarness, {
      connection: fake.connection,
      view: PacsEndpoints as Component<Record<string, unknown>>,
    });
    const view = within(container);
    const form = within(await view.findByRole('form', { name: 'Add a PACS' }));
    await fireEvent.input(form.getByLabelText('Name'), { target: { value: 'Orthanc' } });
    await fireEvent.input(form.getByLabelText('DICOMweb URL'), {
      target: { value: 'http://127.0.0.1:8042/dicom-web' },
    });
    await fireEvent.change(form.getByLabelText('Authentication'), { target: { value: 'basic' } });
    await fireEvent.input(await form.findByLabelText('User'), { target: { value: 'reader' } });
    await fireEvent.click(form.getByRole('button', { name: 'Save PACS' }));
    expect(fake.calls.find((call) => call.method === 'savePacsEndpoint')?.params).toEqual({
      name: 'Orthanc',
      url: 'http://127.0.0.1:8042/dicom-web',
      authKind: 'basic',
      user: 'reader',
    });

    const password = (await view.findByLabelText('Password for Orthanc')) as HTMLInputElement;
    expect(password.type).toBe('password');
    await fireEvent.input(password, { target: { value: 'hunter2' } });
    await fireEvent.click(view.getByRole('button', { name: 'Check connection' }));
    expect(await view.findByRole('status')).toHaveProperty(
      'textContent',
      'the server refused the credentials (wrong user, password or token, or none given)',
    );
    expect(fake.calls.map((call) => call.method).slice(-3)).toEqual([
      'setPacsSecret',
      'listPacsEndpoints',
      'checkPacsConnection',
    ]);
    expect(fake.calls.find((call) => call.method === 'setPacsSecret')?.params).toEqual({
      endpointId: 'e1',
      secret: 'hunter2',
    });
    // The typed password does not stay in the field once given.
    expect(password.value).toBe('');
  });

  it('gives the password and checks when the reader presses Enter in the field, and Forget checks nothing', async () => {
    let endpoint: PacsEndpointStatus = { ...orthancEndpoint, hasSessionSecret: false };
    const fake = fakeConnection({
      listPacsEndpoints: () => [endpoint],
      setPacsSecret: (params: { secret: string | null }) =>
        (endpoint = { ...endpoint, hasSessionSecret: params.secret !== null }),
      checkPacsConnection: () => ({ ok: true, message: 'connected' }),
    });
    const { container } = render(ViewHarness, {
      connection: fake.connection,
      view: PacsEndpoints as Component<Record<string, unknown>>,
    });
    const view = within(container);
    const password = await view.findByLabelText('Password for Orthanc');
    await fireEvent.input(password, { target: { value: 'hunter2' } });
    // Enter in a field submits its form (the browser does it; jsdom is told to).
    await fireEvent.submit(view.getByRole('form', { name: 'Connection to Orthanc' }));
    expect(await view.findByRole('status')).toHaveProperty('textContent', 'connected');
    expect(fake.calls.map((call) => call.method).slice(-3)).toEqual([
      'setPacsSecret',
      'listPacsEndpoints',
      'checkPacsConnection',
    ]);

    await fireEvent.click(await view.findByRole('button', { name: 'Forget' }));
    await waitFor(() => expect(view.queryByRole('button', { name: 'Forget' })).toBeNull());
    expect(fake.calls.map((call) => call.method).slice(-2)).toEqual([
      'setPacsSecret',
      'listPacsEndpoints',
    ]);
    expect(fake.calls.at(-2)?.params).toEqual({ endpointId: 'e1', secret: null });
  });
});
