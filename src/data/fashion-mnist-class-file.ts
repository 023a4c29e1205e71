/** One class file of the package, parsed and checked. */
export interface FashionMnistClassFile {
  /** Path of the file. */
  readonly path: string;
  /** Entries of its `data` array, empty rows (`[]`) included. */
  readonly rows: number;
  /** The non-empty rows, 784 bytes each, in file order. */
  readonly images: Uint8Array;
  /** For each image, its index in `data`. */
  readonly rowOfImage: Int32Array;
  /** SHA-256 (hex) of the file's bytes. */
  readonly sha256: string;
}
