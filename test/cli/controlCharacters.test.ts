/**
 * The CLI's top-level errors never write a raw control character to the terminal (issue 19,
 * row 8): `anomap reconstruct "$(printf 'x\e[2J\a.png')"` printed ESC and BEL, which clear the
 * screen and ring the bell. They are written as \x1b and \x07, in its errors and commander's.
 */
import { describe, expect, it } from 'vitest';
import { anomap } from './anomapProcess.ts';

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const HOSTILE = 'x\u001b[2J\u0007';

describe('control characters in the CLI errors', () => {
  it('escapes them in an error of a command', async () => {
    const run = await anomap(
      'reconstruct',
      `${HOSTILE}.png`,
      '--out',
      '/nonexistent/out',
      '--models',
      `/nonexistent/${HOSTILE}`,
    );
    expect(run.code).toBe(1);
    const error = run.stderr.slice(run.stderr.indexOf('anomap: '));
    expect(error).toContain('x\\x1b[2J\\x07');
    expect(error).not.toMatch(RAW_CONTROL);
  }, 60_000);

  it("escapes them in commander's own errors", async () => {
    const run = await anomap(HOSTILE);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("unknown command 'x\\x1b[2J\\x07'");
    expect(run.stderr).not.toMatch(RAW_CONTROL);
  }, 60_000);
});
