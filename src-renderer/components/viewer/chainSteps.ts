/** Words for the steps of a kept chain; the steps themselves come from the contract. */
import { chainSteps, type ChainStep } from '../../../src-main/contract/index.ts';

export { chainSteps, type ChainStep };

const phaseWords: Record<ChainStep['phase'], string> = {
  noising: 'noising',
  denoising: 'guided denoising',
  final: 'final reconstruction x̂',
};

/** "guided denoising, t = 40" */
export function describeStep(step: ChainStep): string {
  return step.phase === 'final' ? phaseWords.final : `${phaseWords[step.phase]}, t = ${step.t}`;
}
