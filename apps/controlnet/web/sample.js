// A sample picture drawn here rather than shipped as a file: a house with a sun and hills, shapes
// with clear outlines for the edge detector to find.

/** Width and height of the sample, multiples of 8 as the model wants. */
export const SAMPLE_SIZE = { width: 512, height: 384 };

/** The sample as a PNG file, ready to upload. */
export function drawSample() {
  const { width, height } = SAMPLE_SIZE;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d');

  g.fillStyle = '#bfe3ff';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#ffd84d';
  g.beginPath();
  g.arc(width * 0.82, height * 0.2, 36, 0, 2 * Math.PI);
  g.fill();

  g.fillStyle = '#6bbf59';
  g.beginPath();
  g.moveTo(0, height * 0.75);
  g.quadraticCurveTo(width * 0.25, height * 0.55, width * 0.5, height * 0.72);
  g.quadraticCurveTo(width * 0.75, height * 0.6, width, height * 0.7);
  g.lineTo(width, height);
  g.lineTo(0, height);
  g.fill();

  const house = { x: width * 0.3, y: height * 0.45, w: width * 0.34, h: height * 0.35 };
  g.fillStyle = '#f4efe6';
  g.fillRect(house.x, house.y, house.w, house.h);
  g.fillStyle = '#b0413e';
  g.beginPath();
  g.moveTo(house.x - 16, house.y);
  g.lineTo(house.x + house.w / 2, house.y - house.h * 0.7);
  g.lineTo(house.x + house.w + 16, house.y);
  g.fill();
  g.fillStyle = '#6b4226';
  g.fillRect(house.x + house.w * 0.42, house.y + house.h * 0.45, house.w * 0.16, house.h * 0.55);
  g.fillStyle = '#4a90c2';
  g.fillRect(house.x + house.w * 0.1, house.y + house.h * 0.2, house.w * 0.2, house.h * 0.25);
  g.fillRect(house.x + house.w * 0.7, house.y + house.h * 0.2, house.w * 0.2, house.h * 0.25);

  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (blob) resolve(new File([blob], 'sample.png', { type: 'image/png' }));
      else reject(new Error('The browser could not draw the sample image.'));
    }, 'image/png');
  });
}
