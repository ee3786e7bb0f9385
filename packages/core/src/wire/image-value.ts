/**
 * A decoded image: packed rows of `channels` bytes per pixel. The same shape `@bento/native`
 * takes, so an image goes from the request to a kernel without conversion.
 */
export interface Image {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/** True for a value that already has the decoded-image shape. */
export function isImage(value: unknown): value is Image {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Image>;
  return (
    v.data instanceof Uint8Array &&
    Number.isInteger(v.width) &&
    Number.isInteger(v.height) &&
    Number.isInteger(v.channels) &&
    v.width! > 0 &&
    v.height! > 0 &&
    [1, 2, 3, 4].includes(v.channels!) &&
    v.data.length === v.width! * v.height! * v.channels!
  );
}
