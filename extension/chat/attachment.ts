/**
 * Files attached to a chat question (@file): read into the chat history and
 * the prompt, so they are capped and must be text. Fixed limits, no setting:
 * a chat turn is not the place for a larger file, and the prompt budget would
 * cut it anyway.
 */

/** Largest file attached, bytes. */
export const MAX_ATTACHMENT_BYTES = 256 * 1024;

export type AttachmentCheck = { ok: true; text: string } | { ok: false; reason: string };

/** The size check alone, before reading (from a stat). */
export function attachmentSizeProblem(size: number): string | null {
  return size > MAX_ATTACHMENT_BYTES ? `it is ${Math.ceil(size / 1024)} KB, more than the ${MAX_ATTACHMENT_BYTES / 1024} KB a chat attachment may be` : null;
}

/** Text of an attachment, or why it was refused (too big, or binary: NUL bytes). */
export function checkAttachment(bytes: Uint8Array): AttachmentCheck {
  const big = attachmentSizeProblem(bytes.length);
  if (big) return { ok: false, reason: big };
  if (bytes.includes(0)) return { ok: false, reason: 'it looks like a binary file (it contains NUL bytes)' };
  return { ok: true, text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') };
}
