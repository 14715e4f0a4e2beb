export { ParamStore, mulberry32, gaussian } from './params.ts';
export * from './unet.ts';
