// The sample service of the README: describes an uploaded image; `nx serve describe` runs it.
import { api, Image, service, type ApiInput } from '@bento/core';
import { z } from 'zod';

const Params = z.object({
  prompt: z.string().min(1),
  num_inference_steps: z.number().int().min(1).max(100).default(25),
});

const DescribeInput = z.object({ image: Image(), params: Params });

@service({ name: 'Describe', resources: { cpu: '1' }, traffic: { timeout: 30, max_concurrency: 8 } })
export class Describe {
  @api({ input: DescribeInput, doc: 'Size of the image and the prompt it came with' })
  async describe({ image, params }: ApiInput<typeof DescribeInput>) {
    return { width: image.width, height: image.height, channels: image.channels, prompt: params.prompt, steps: params.num_inference_steps };
  }

  @api({ input: z.object({ image: Image({ channels: 1 }) }), doc: 'The image in grayscale, as PNG' })
  async grayscale({ image }: { image: Image }): Promise<Image> {
    return image;
  }
}
