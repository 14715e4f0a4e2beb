/**
 * DICOMweb failures (issue 22): a wrong password, a server that is down, one that answers 500
 * or garbage, a 10,000-study search, an instance that fails, a cancel. Each ends with a clear
 * error or a report, nothing half-written in the library, and a resume where one makes sense.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../src-main/library/index.ts';
import { pullStudies } from '../../src-main/library/import/dicomweb/pull.ts';
import { searchStudies } from '../../src-main/library/import/dicomweb/search.ts';
import { checkConnection } from '../../src-main/library/import/dicomweb/checkConnection.ts';
import { dicomwebRequest } from '../../src-main/library/import/dicomweb/http.ts';
import {
  serviceRoot,
  type DicomwebEndpoint,
} from '../../src-main/library/import/dicomweb/endpoint.ts';
import { tempDir } from '../library/fixtures/rasters.ts';
import { fakeDicomweb, type FakeDicomweb } from '../fixtures/fakeDicomweb.ts';
import { mrStudy } from '../fixtures/mrStudy.ts';
import {
  freePort,
  orthancUser,
  secretsIn,
  startOrthanc,
  uploadToOrthanc,
  type RunningOrthanc,
} from '../fixtures/orthanc.ts';
import { anomapInProcess } from './pacsCli.ts';

const savedEnv = { ...process.env };
afterEach(() => {
  process.env = { ...savedEnv };
});

function studiesIn(libraryDir: string): number {
  const library = Library.open(libraryDir);
  try {
    return library.listStudies({ offset: 0, limit: 10 }).total;
  } finally {
    library.close();
  }
}

// Orthanc comes from Debian (README, .ci/run); without it these tests fail with the
// install command (startOrthanc), like the browser tests without chromium: never skipped.

describe('with Orthanc', () => {
  let orthanc: RunningOrthanc;
  const study = mrStudy({ patientId: 'PAT-F', patientName: 'Fail^Fay' });
  beforeAll(async () => {
    orthanc = await startOrthanc();
    for (const file of study.files) await uploadToOrthanc(orthanc, file);
  });
  afterAll(async () => orthanc?.stop());

  it('refuses a wrong password with a clear error, writes nothing and leaks nothing', async () => {
    const libraryDir = join(tempDir(), 'library');
    process.env.ANOMAP_DICOMWEB_USER = orthancUser.user;
    process.env.ANOMAP_DICOMWEB_PASSWORD = 'not-the-password-31';
    const pulled = await anomapInProcess(
      'import',
      '--library',
      libraryDir,
      '--dicomweb',
      orthanc.dicomweb,
    );
    expect(pulled.error).toMatch(/refused the credentials .*\(HTTP 401\)/);
    expect(pulled.code).toBe(1);
    expect(`${pulled.error}${pulled.stdout}${pulled.stderr}`).not.toContain('not-the-password-31');
    expect(studiesIn(libraryDir)).toBe(0);
    expect(secretsIn(libraryDir, { user: 'anomap', password: 'not-the-password-31' })).toEqual([]);
  });

  it('checks a connection in plain words: working, wrong password, nothing listening', async () => {
    const good = await checkConnection({
      url: orthanc.dicomweb,
      auth: { kind: 'basic', ...orthancUser },
    });
    expect(good).toEqual({
      ok: true,
      message: `connected to ${orthanc.dicomweb} with basic credentials: it answers study searches`,
    });
    const wrong = await checkConnection({
      url: orthanc.dicomweb,
      auth: { kind: 'basic', user: orthancUser.user, password: 'wrong-77' },
    });
    expect(wrong.ok).toBe(false);
    expect(wrong.message).toMatch(/refused the credentials/);
    expect(wrong.message).not.toContain('wrong-77');
    const down = await checkConnection({
      url: `http://127.0.0.1:${await freePort()}/dicom-web`,
      auth: { kind: 'none' },
    });
    expect(down.message).toMatch(/connection refused/);
    const notDicomweb = await checkConnection({
      url: `${orthanc.url}/app`,
      auth: { kind: 'basic', ...orthancUser },
    });
    expect(notDicomweb.ok).toBe(false);
  });

  it('refuses credentials in the URL', async () => {
    const withUser = orthanc.dicomweb.replace(
      'http://',
      `http://${orthancUser.user}:${orthancUser.password}@`,
    );
    const pulled = await anomapInProcess(
      'import',
      '--library',
      join(tempDir(), 'l'),
      '--dicomweb',
      withUser,
    );
    expect(pulled.error).toMatch(/holds a user or password/);
    expect(pulled.error).not.toContain(orthancUser.password);
  });

  it('says a stopped server cannot be reached', async () => {
    const port = await freePort();
    const pulled = await anomapInProcess(
      'import',
      '--library',
      join(tempDir(), 'library'),
      '--dicomweb',
      `http://127.0.0.1:${port}/dicom-web`,
    );
    expect(pulled.error).toMatch(/cannot reach the DICOMweb server at .*: connection refused/);
    expect(pulled.code).toBe(1);
  });
});

describe('with a misbehaving server', () => {
  const studies = [
    mrStudy({ patientId: 'P1', patientName: 'One^Ann' }),
    mrStudy({ patientId: 'P2', patientName: 'Two^Ben', slices: 4 }),
  ];
  let fake: FakeDicomweb;
  let endpoint: DicomwebEndpoint;
  beforeAll(async () => {
    fake = await fakeDicomweb(studies);
    endpoint = { url: fake.url, auth: { kind: 'none' }, timeoutSeconds: 5 };
  });
  afterAll(async () => fake?.close());
  afterEach(() => {
    fake.intercept = null;
    fake.requests.length = 0;
  });

  it('reports a 500 on the search with the server words, and writes nothing', async () => {
    fake.intercept = (_, response) => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end('database is locked');
      return true;
    };
    const libraryDir = join(tempDir(), 'library');
    const pulled = await anomapInProcess('import', '--library', libraryDir, '--dicomweb', fake.url);
    expect(pulled.error).toMatch(
      /GET .*\/studies.*: HTTP 500 Internal Server Error \(HTTP 500\): database is locked/,
    );
    expect(studiesIn(libraryDir)).toBe(0);
  });

  it('refuses an answer that is not DICOM JSON', async () => {
    fake.intercept = (_, response) => {
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<html><body>Login</body></html>');
      return true;
    };
    const library = Library.open(join(tempDir(), 'library'));
    try {
      await expect(pullStudies(library, endpoint, {})).rejects.toThrow(
        /the answer is not DICOM JSON \(it starts "<html><body>Login/,
      );
      expect(library.listStudies({ offset: 0, limit: 1 }).total).toBe(0);
    } finally {
      library.close();
    }
  });

  it('refuses an answer larger than its bound before reading it', async () => {
    fake.intercept = (_, response) => {
      response.writeHead(200, {
        'content-type': 'application/dicom+json',
        'content-length': 1 << 20,
      });
      response.end(Buffer.alloc(1 << 20, 0x20));
      return true;
    };
    await expect(
      dicomwebRequest(endpoint, {
        path: '/studies',
        accept: 'application/dicom+json',
        maxBytes: 1000,
      }),
    ).rejects.toThrow(/the answer is 1048576 bytes, over the limit of 1000/);
  });

  it('times out a server that never answers', async () => {
    fake.intercept = () => true; // never answers
    await expect(
      dicomwebRequest(
        { ...endpoint, timeoutSeconds: 1 },
        { path: '/studies', accept: 'application/dicom+json', maxBytes: 1000 },
      ),
    ).rejects.toThrow(/no complete answer within 1 s/);
  });

  it('sends a bearer token or basic credentials from the environment, and refuses both', async () => {
    const seen: string[] = [];
    fake.intercept = (request) => {
      seen.push(request.headers.authorization ?? '');
      return false;
    };
    process.env.ANOMAP_DICOMWEB_TOKEN = 'tok-123';
    let pulled = await anomapInProcess(
      'import',
      '--library',
      join(tempDir(), 'a'),
      '--dicomweb',
      fake.url,
      '--study',
      studies[0].studyUid,
    );
    expect(pulled.code).toBe(0);
    expect(new Set(seen)).toEqual(new Set(['Bearer tok-123']));
    expect(pulled.stdout + pulled.stderr).not.toContain('tok-123');

    delete process.env.ANOMAP_DICOMWEB_TOKEN;
    seen.length = 0;
    process.env.ANOMAP_DICOMWEB_PASSWORD = 'pw-456';
    pulled = await anomapInProcess(
      'import',
      '--library',
      join(tempDir(), 'b'),
      '--dicomweb',
      fake.url,
      '--user',
      'reader',
      '--study',
      studies[0].studyUid,
    );
    expect(pulled.code).toBe(0);
    expect(new Set(seen)).toEqual(
      new Set([`Basic ${Buffer.from('reader:pw-456').toString('base64')}`]),
    );

    process.env.ANOMAP_DICOMWEB_TOKEN = 'tok-123';
    pulled = await anomapInProcess(
      'import',
      '--library',
      join(tempDir(), 'c'),
      '--dicomweb',
      fake.url,
      '--user',
      'reader',
    );
    expect(pulled.error).toMatch(/either a bearer token .* or a user, not both/);
  });

  it('checks the URL it is given', () => {
    expect(() => serviceRoot('ftp://host/x')).toThrow(/http or https/);
    expect(() => serviceRoot('http://host/dicom-web?token=abc')).toThrow(/query/);
    expect(serviceRoot('http://host:8042/dicom-web/')).toBe('http://host:8042/dicom-web');
  });

  it('fails a study whose instance fails, keeps what it retrieved, and resumes', async () => {
    const [, second] = studies;
    const failing = second.sopInstanceUids[2];
    fake.intercept = (request, response) => {
      if (!request.url?.endsWith(failing)) return false;
      response.writeHead(503).end('busy');
      return true;
    };
    const libraryDir = join(tempDir(), 'library');
    const library = Library.open(libraryDir);
    try {
      const first = await pullStudies(library, endpoint, {}, { parallel: 1 });
      expect(first.studies.map((s) => s.status)).toEqual(['imported', 'failed']);
      expect(first.studies[1].failed[0].reason).toMatch(/HTTP 503/);
      // Nothing of the failed study is in the library; its retrieved instances wait staged.
      expect(library.listStudies({ offset: 0, limit: 10 }).studies.map((s) => s.uid)).toEqual([
        `dicom:${studies[0].studyUid}`,
      ]);
      const staging = join(libraryDir, 'dicomweb-pull');
      const staged = readdirSync(staging, { recursive: true }).filter((name) =>
        String(name).endsWith('.dcm'),
      );
      expect(staged.length).toBeGreaterThanOrEqual(2);

      // The server is well again: only the missing instances are retrieved.
      fake.intercept = null;
      fake.requests.length = 0;
      const second_ = await pullStudies(library, endpoint, {}, { parallel: 1 });
      expect(second_.studies.map((s) => s.status)).toEqual(['in-library', 'imported']);
      const retrieved = fake.requests.filter((line) => /\/instances\/[0-9.]+$/.test(line));
      expect(retrieved.length).toBe(4 - staged.length);
      expect(second_.studies[1].images).toBe(4);
      expect(existsSync(staging) && readdirSync(staging).length).toBeFalsy();
    } finally {
      library.close();
    }
  });

  it('refuses an instance of another study sent in place of the one asked for', async () => {
    const [first, second] = studies;
    fake.intercept = (request, response) => {
      if (!request.url?.endsWith(second.sopInstanceUids[0])) return false;
      response.writeHead(200, { 'content-type': 'multipart/related; boundary=b' });
      response.end(
        Buffer.concat([Buffer.from('--b\r\n\r\n'), first.files[0], Buffer.from('\r\n--b--')]),
      );
      return true;
    };
    const library = Library.open(join(tempDir(), 'library'));
    try {
      const pulled = await pullStudies(library, endpoint, { studyUids: [second.studyUid] });
      expect(pulled.studies[0].status).toBe('failed');
      expect(pulled.studies[0].failed[0].reason).toContain(
        `of study ${first.studyUid}, not the one asked for`,
      );
      expect(library.listStudies({ offset: 0, limit: 10 }).total).toBe(0);
    } finally {
      library.close();
    }
  });

  it('stops on cancel between instances, writes no half study, and resumes', async () => {
    const controller = new AbortController();
    fake.intercept = (request) => {
      if (/\/instances\/[0-9.]+$/.test(request.url ?? '')) controller.abort();
      return false;
    };
    const libraryDir = join(tempDir(), 'library');
    const library = Library.open(libraryDir);
    try {
      const cancelled = await pullStudies(
        library,
        endpoint,
        {},
        { parallel: 1, signal: controller.signal },
      );
      expect(cancelled.cancelled).toBe(true);
      expect(library.listStudies({ offset: 0, limit: 10 }).total).toBe(0);
      fake.intercept = null;
      const resumed = await pullStudies(library, endpoint, {});
      expect(resumed.studies.map((s) => s.status)).toEqual(['imported', 'imported']);
      expect(library.listStudies({ offset: 0, limit: 10 }).total).toBe(2);
    } finally {
      library.close();
    }
  });
});

describe('a 10,000-study search', () => {
  let fake: FakeDicomweb;
  beforeAll(async () => {
    fake = await fakeDicomweb([], 10_000);
  });
  afterAll(async () => fake?.close());

  it('is read a page at a time, and a pull of it is refused before anything is retrieved', async () => {
    const endpoint: DicomwebEndpoint = { url: fake.url, auth: { kind: 'none' } };
    const found = await searchStudies(endpoint, {}, { pageSize: 1000 });
    expect(found).toHaveLength(10_000);
    expect(new Set(found.map((study) => study.studyUid)).size).toBe(10_000);
    const pages = fake.requests.filter((line) => line.includes('/studies?'));
    expect(pages).toHaveLength(11); // ten full pages and an empty one
    expect(pages[3]).toMatch(/limit=1000&offset=3000/);

    fake.requests.length = 0;
    const libraryDir = join(tempDir(), 'library');
    const pulled = await anomapInProcess('import', '--library', libraryDir, '--dicomweb', fake.url);
    expect(pulled.error).toMatch(
      /the search matches 10000 studies, more than the 100 a pull takes at once/,
    );
    expect(fake.requests.some((line) => line.includes('/series'))).toBe(false);
    expect(studiesIn(libraryDir)).toBe(0);
  });
});
