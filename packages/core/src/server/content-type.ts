/** The media types an API route reads. */
export const ACCEPTED_MEDIA_TYPES = ['application/json', 'multipart/form-data'] as const;

/** The bare media type of a Content-Type header, lower-cased, without parameters. */
export function mediaTypeOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const semi = header.indexOf(';');
  return (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
}

export function isJsonMediaType(mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}
