// The package ships no type declarations; this is the part of its API used here.
interface WasmFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}

interface WasmFrameDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): WasmFrameInfo;
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}

interface WasmFrameEncoder {
  getDecodedBuffer(info: WasmFrameInfo & { isUsingColorTransform?: boolean }): Uint8Array;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  delete(): void;
}

type WasmCodecFactory<Codec> = (options?: {
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}) => Promise<Codec>;

declare module '@cornerstonejs/codec-openjpeg/wasmjs' {
  export interface OpenJpegModule {
    J2KDecoder: new () => WasmFrameDecoder;
    J2KEncoder: new () => WasmFrameEncoder & {
      setQuality(lossless: boolean, quality: number): void;
      setDecompositions(count: number): void;
    };
  }
  const factory: WasmCodecFactory<OpenJpegModule>;
  export default factory;
}
