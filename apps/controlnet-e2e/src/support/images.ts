/** Pictures to upload: shapes with clear outlines, so the edge detector finds something. */
import sharp from 'sharp';

/** A PNG of `width` × `height`: a sky, a house and a sun. */
export function housePng(width: number, height: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#bfe3ff"/>
    <circle cx="${width * 0.8}" cy="${height * 0.2}" r="${Math.min(width, height) * 0.1}" fill="#ffd84d"/>
    <rect x="${width * 0.3}" y="${height * 0.45}" width="${width * 0.35}" height="${height * 0.45}" fill="#b0413e"/>
    <polygon points="${width * 0.25},${height * 0.45} ${width * 0.475},${height * 0.15} ${width * 0.7},${height * 0.45}" fill="#6b4226"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
