// The package ships no type declarations; this is the part of its API used here (the frame
// decoder and encoder interfaces are those of codec-openjpeg.d.ts).
declare module '@cornerstonejs/codec-charls/wasmjs' {
  export interface CharlsModule {
    JpegLSDecoder: new () => WasmFrameDecoder;
    JpegLSEncoder: new () => WasmFrameEncoder & { setNearLossless(error: number): void };
  }
  const factory: WasmCodecFactory<CharlsModule>;
  export default factory;
}
