// The package ships no type declarations; this is the part of its API used here.
declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    constructor(buffer?: ArrayBuffer | null, numBytes?: number);
    decompress(buffer: ArrayBuffer, offset: number, length: number): ArrayBuffer;
  }
}
