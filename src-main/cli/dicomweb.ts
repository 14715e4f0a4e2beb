import type { Command } from 'commander';
import { serviceRoot, type DicomwebAuth, type DicomwebEndpoint } from '../library/index.ts';

/**
 * The DICOMweb options shared by `import --dicomweb` and `export --stow`. Credentials come from
 * the environment (ANOMAP_DICOMWEB_TOKEN for a bearer token; ANOMAP_DICOMWEB_USER and
 * ANOMAP_DICOMWEB_PASSWORD for basic) or a prompt on a terminal; never from an argument (it
 * would sit in the shell history and the process list), never written anywhere.
 */
export function addDicomwebAuthOptions(command: Command): Command {
  return command
    .option(
      '--user <name>',
      'DICOMweb basic auth user (password: ANOMAP_DICOMWEB_PASSWORD or a prompt)',
    )
    .option('--timeout <seconds>', 'DICOMweb request timeout in seconds', Number, 60);
}

/** Reads a line from the terminal without echoing it. */
async function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  let text = '';
  try {
    return await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        for (const char of chunk.toString('utf8')) {
          if (char === '\r' || char === '\n') {
            stdin.off('data', onData);
            resolve(text);
            return;
          }
          if (char === '\u0003') {
            stdin.off('data', onData);
            reject(new Error('cancelled at the password prompt'));
            return;
          }
          if (char === '\u007f') text = text.slice(0, -1);
          else text += char;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}

export async function dicomwebAuth(
  options: { user?: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<DicomwebAuth> {
  const token = env.ANOMAP_DICOMWEB_TOKEN;
  const user = options.user ?? env.ANOMAP_DICOMWEB_USER;
  if (token && user)
    throw new Error('give either a bearer token (ANOMAP_DICOMWEB_TOKEN) or a user, not both');
  if (token) return { kind: 'bearer', token };
  if (!user) return { kind: 'none' };
  let password = env.ANOMAP_DICOMWEB_PASSWORD;
  if (password === undefined) {
    if (!process.stdin.isTTY)
      throw new Error(
        `no password for DICOMweb user ${user}: set ANOMAP_DICOMWEB_PASSWORD (or run on a terminal to be asked)`,
      );
    password = await promptHidden(`DICOMweb password for ${user}: `);
  }
  return { kind: 'basic', user, password };
}

export async function dicomwebEndpoint(
  url: string,
  options: { user?: string; timeout?: number },
): Promise<DicomwebEndpoint> {
  const timeout = options.timeout ?? 60;
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 3600)
    throw new Error('--timeout is seconds, from 1 to 3600');
  return { url: serviceRoot(url), auth: await dicomwebAuth(options), timeoutSeconds: timeout };
}
