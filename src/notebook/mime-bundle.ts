/**
 * A Jupyter MIME bundle: MIME type -> content (strings; binary images as base64; JSON
 * types such as `application/vnd.plotly.v1+json` as objects). Front ends show the richest
 * type they can.
 */
export type MimeBundle = Record<string, unknown>;

/** Where a display helper sends its bundle; by default the running tslab kernel (`sendToKernel`). */
export type BundleSink = (bundle: MimeBundle) => void;

/** Base64 of bytes, as `image/png` content in a bundle. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
