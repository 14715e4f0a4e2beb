// The package ships no type declarations; this is the part of its API used here.
declare module '@cornerstonejs/codec-openjpeg/wasmjs' {
  export interface FrameInfo {
    width: number;
    height: number;
    bitsPerSample: number;
    componentCount: number;
    isSigned: boolean;
  }
  export interface J2KDecoder {
    getEncodedBuffer(length: number): Uint8Array;
    decode(): void;
    getFrameInfo(): FrameInfo;
    getDecodedBuffer(): Uint8Array;
    delete(): void;
  }
  export interface J2KEncoder {
    getDecodedBuffer(info: FrameInfo & { isUsingColorTransform: boolean }): Uint8Array;
    setQuality(lossless: boolean, quality: number): void;
    setDecompositions(count: number): void;
    encode(): void;
    getEncodedBuffer(): Uint8Array;
    delete(): void;
  }
  export interface OpenJpegModule {
    J2KDecoder: new () => J2KDecoder;
    J2KEncoder: new () => J2KEncoder;
  }
  const factory: (options?: {
    print?: (text: string) => void;
    printErr?: (text: string) => void;
  }) => Promise<OpenJpegModule>;
  export default factory;
}
