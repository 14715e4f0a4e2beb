export { ParamStore } from './params.ts';
export * from './unet.ts';
