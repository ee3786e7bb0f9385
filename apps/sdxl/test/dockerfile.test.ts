/**
 * apps/sdxl/Dockerfile, read and checked (not built: its bases are NVIDIA's CUDA images and its
 * build downloads onnxruntime's CUDA provider from NuGet, neither reachable here). The ControlNet
 * image, built the same way, is built and run by apps/controlnet/test/docker-image.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  envOf,
  execForm,
  healthcheckOf,
  instructionsOf,
  readDockerfile,
} from '../../../tools/containers/dockerfile';

const ROOT = path.resolve(__dirname, '../../..');
const dockerfile = readDockerfile(path.join(ROOT, 'apps/sdxl/Dockerfile'));
const [node, build, runtime] = dockerfile.stages;

describe('apps/sdxl/Dockerfile', () => {
  it('builds on the CUDA devel image and runs on the cuDNN runtime image of the same version', () => {
    expect(dockerfile.stages.map((s) => s.name)).toEqual(['node', 'build', undefined]);
    expect(node!.from).toBe('node:20-bookworm-slim');
    const version = dockerfile.globalArgs.CUDA_VERSION!;
    expect(build!.from).toBe(`nvidia/cuda:${version}-devel-ubuntu22.04`);
    expect(runtime!.from).toBe(`nvidia/cuda:${version}-cudnn-runtime-ubuntu22.04`);
    // Every COPY --from names a stage of this file.
    for (const stage of dockerfile.stages) {
      for (const copy of instructionsOf(stage, 'COPY')) {
        const from = /--from=(\S+)/.exec(copy.args)?.[1];
        if (from) expect(['node', 'build']).toContain(from);
      }
    }
  });

  it("installs onnxruntime-node's CUDA provider for the CUDA major version of the images", () => {
    const version = dockerfile.globalArgs.CUDA_VERSION!;
    const run = instructionsOf(build!, 'RUN')
      .map((r) => r.args)
      .join('\n');
    const flag = /ONNXRUNTIME_NODE_INSTALL=(\w+)/.exec(run)?.[1];
    expect(flag).toBe(`cuda${version.split('.')[0]}`);
    // What onnxruntime-node's install script offers on this platform.
    const metadata = require(require.resolve('onnxruntime-node/script/install-metadata.js')) as {
      requirements: Record<string, string[]>;
    };
    expect(metadata.requirements['linux/x64']).toContain(flag);
    // @bento/native with its CUDA kernels.
    expect(envOf(build!).BENTO_NATIVE_CUDA).toBe('ON');
  });

  it('serves SDXLControlNetService alone, as a non-root user, on $PORT, with the models in /models', () => {
    const user = instructionsOf(runtime!, 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(
      instructionsOf(runtime!, 'RUN')
        .map((r) => r.args)
        .join('\n'),
    ).toMatch(new RegExp(`useradd .*\\b${user}$`, 'm'));
    const env = envOf(runtime!);
    expect(env.PORT).toBe('3000');
    expect(env.SDXL_MODEL_DIR).toBe('/models');
    expect(instructionsOf(runtime!, 'VOLUME').map((v) => v.args)).toEqual(['/models']);
    expect(instructionsOf(runtime!, 'EXPOSE').map((e) => e.args)).toEqual(['3000']);

    const cmd = execForm(instructionsOf(runtime!, 'CMD').at(-1)!.args)!;
    expect(cmd).toEqual([
      'bento',
      'serve',
      'apps/sdxl/src/service.ts:SDXLControlNetService',
      '--standalone',
      '--expose-internal',
    ]);
    // The target, relative to the WORKDIR /app where the build stage's workspace is copied.
    expect(instructionsOf(runtime!, 'WORKDIR').at(-1)?.args).toBe('/app');
    const [file, name] = cmd[2]!.split(':');
    expect(existsSync(path.join(ROOT, file!))).toBe(true);
    expect(readFileSync(path.join(ROOT, file!), 'utf8')).toMatch(
      new RegExp(`export class ${name}\\b`),
    );

    const health = healthcheckOf(runtime!)!;
    expect(health.command?.[0]).toBe('node');
    expect(health.command?.join(' ')).toMatch(/path: '\/livez'/);
  });
});
