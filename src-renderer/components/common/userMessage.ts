/**
 * What a person reads when something fails: the engine's and the contract's messages are
 * written for developers ("invalid params of startJob: spec.settings.noiseLevel: Too big",
 * "ENOENT"), so the known ones are said again in the user's words. Unknown messages pass through.
 */

/** Names of request fields, as a radiologist would say them. */
const fieldNames: Record<string, string> = {
  noiseLevel: 'the noise level L',
  stride: 'the stride k',
  guidanceScale: 'the guidance scale s',
  encoding: 'the encoding',
  studyIds: 'the studies to reconstruct',
  paths: 'the paths to import',
  manifestPath: 'the dataset manifest',
  split: 'the split',
  calibrationSplit: 'the calibration split',
  steps: 'the number of training steps',
  batchSize: 'the batch size',
  learningRate: 'the learning rate',
  imageSize: 'the image size',
};

function fieldInWords(path: string): string {
  const last =
    path
      .split('.')
      .filter((part) => !/^\d+$/.test(part))
      .at(-1) ?? path;
  return fieldNames[last] ?? last.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** zod's "Too big: expected number to be <=999" as "is too large (at most 999)". */
function problemInWords(message: string): string {
  const bound = /([<>]=?)\s*(-?[\d.e+-]+)/.exec(message);
  if (/too big/i.test(message) && bound) return `is too large (at most ${bound[2]})`;
  if (/too small/i.test(message) && bound) return `is too small (at least ${bound[2]})`;
  if (/too big/i.test(message)) return 'is too large';
  if (/too small/i.test(message)) return 'is too small';
  if (/expected (number|int)/i.test(message)) return 'must be a number';
  if (/required|received undefined/i.test(message)) return 'is missing';
  return `is not accepted (${message})`;
}

const rules: { pattern: RegExp; say: (m: RegExpExecArray) => string }[] = [
  {
    pattern: /invalid params of \w+: ([\w.]+): (.+)$/s,
    say: (m) => {
      const sentence = `${fieldInWords(m[1])} ${problemInWords(m[2])}.`;
      return sentence[0].toUpperCase() + sentence.slice(1);
    },
  },
  {
    pattern: /ENOENT[^']*'([^']+)'/,
    say: (m) => `${m[1]} does not exist, or Anomap cannot see it. Check the path.`,
  },
  {
    pattern: /^(?:cannot open: )?(\/[^:]+): .*ENOENT/,
    say: (m) => `${m[1]} does not exist, or Anomap cannot see it. Check the path.`,
  },
  {
    // An import's reason for one path, beside that path: "cannot open: ENOENT".
    pattern: /^cannot open: ENOENT$/,
    say: () => 'It does not exist, or Anomap cannot see it. Check the path.',
  },
  {
    pattern: /no images in split "([^"]*)"/,
    say: (m) =>
      `The data has no images in a split called "${m[1]}". Pick one of the splits it has.`,
  },
  { pattern: /ENOENT/, say: () => 'A file or folder it needs does not exist. Check the path.' },
  {
    pattern: /EACCES[^']*'([^']+)'/,
    say: (m) => `Anomap is not allowed to read ${m[1]}. Check its permissions.`,
  },
  { pattern: /ENOSPC/, say: () => 'The disk is full. Free some space and try again.' },
  {
    pattern: /Cannot find (?:package|module) '(@tensorflow\/tfjs-node(?:-gpu)?)'/,
    say: (m) => `${m[1]} is not installed, so the native TensorFlow backend is not available.`,
  },
  {
    pattern: /no (?:trained )?model|models? (?:are|is) not installed/i,
    say: () =>
      'No trained model is installed yet. Train one in Train, or install the shipped ones.',
  },
];

/** A sentence for a person, from an error or an error message. */
export function userMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  for (const rule of rules) {
    const match = rule.pattern.exec(message);
    if (match) return rule.say(match);
  }
  return message;
}
