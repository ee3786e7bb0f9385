// swagger-ui-dist ships no types; we use one function of it.
declare module 'swagger-ui-dist' {
  /** Absolute path of the folder holding swagger-ui's bundle and CSS. */
  export function getAbsoluteFSPath(): string;
}
