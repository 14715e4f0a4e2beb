/** The part of dcmjs (no bundled types) that the SEG and Parametric Map writers use. */
declare module 'dcmjs' {
  /** A data set in dcmjs's naturalized form: keywords to values, sequences as arrays. */
  export type NaturalDataset = Record<string, unknown>;
  const dcmjs: {
    data: {
      datasetToBuffer(dataset: NaturalDataset): Buffer;
      BitArray: { pack(bits: Uint8Array): Uint8Array; unpack(packed: Uint8Array): Uint8Array };
      DicomMessage: {
        readFile(
          buffer: ArrayBuffer,
          options?: Record<string, unknown>,
        ): { dict: unknown; meta: unknown };
      };
      DicomMetaDictionary: {
        naturalizeDataset(dict: unknown): NaturalDataset;
        uid(): string;
      };
    };
  };
  export default dcmjs;
}
