import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors';
import { readBentofile } from './bentofile';

describe('readBentofile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'bentofile-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('reads a valid file', async () => {
    const file = write('ok.yaml', 'service: service:Describe\nname: describe\nlabels:\n  team: ml\nenvs:\n  - name: TOKEN\n');
    expect(await readBentofile(file)).toEqual({ service: 'service:Describe', name: 'describe', labels: { team: 'ml' }, envs: [{ name: 'TOKEN' }] });
  });

  it.each([
    ['a target without an export', 'service: service.ts\n', 'service: ', 'a target like "service:MyService" (module:ExportName)'],
    ['a missing service', 'name: x\n', 'service: ', 'expected string'],
    ['labels that are not strings', 'service: s:S\nlabels:\n  a: [1]\n', 'labels.a: ', 'expected string'],
    ['an env without a name', 'service: s:S\nenvs:\n  - value: x\n', 'envs.0.name: ', 'expected string'],
    ['an unknown top-level key', 'service: s:S\nexclud:\n  - x\n', '(root): ', 'unknown key "exclud" (expected one of: service, name, description, labels, include, exclude, envs, docker)'],
    ['an unknown docker key', 'service: s:S\ndocker:\n  baseimage: x\n', 'docker: ', 'unknown key "baseimage" (expected one of: base_image, system_packages, env, build_args, dockerfile)'],
    ['system packages that are not a list', 'service: s:S\ndocker:\n  system_packages: curl\n', 'docker.system_packages: ', 'expected array'],
    ['a system package with a space', 'service: s:S\ndocker:\n  system_packages: ["curl wget"]\n', 'docker.system_packages.0: ', 'a package name like "libgomp1"'],
    ['a docker env that is not a string', 'service: s:S\ndocker:\n  env:\n    A: 1\n', 'docker.env.A: ', 'expected string'],
    ['a build arg with a bad name', 'service: s:S\ndocker:\n  build_args:\n    "1A": x\n', 'docker.build_args.1A: ', 'an argument name like "MY_ARG"'],
  ])('refuses %s, naming the file, the path and what was expected', async (_what, text, pathText, expected) => {
    const file = write('bad.yaml', text);
    const error = await readBentofile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`${file} is invalid: `);
    expect((error as Error).message).toContain(pathText);
    expect((error as Error).message).toContain(expected);
  });

  it('reads a docker section', async () => {
    const file = write('docker.yaml', [
      'service: service:Describe',
      'docker:',
      '  base_image: node:20-bookworm',
      '  system_packages: [libgomp1, ffmpeg]',
      '  env: { OMP_NUM_THREADS: "4" }',
      '  build_args: { NPM_REGISTRY: "https://registry.example" }',
      '  dockerfile: Dockerfile.bento',
      '',
    ].join('\n'));
    expect((await readBentofile(file)).docker).toEqual({
      base_image: 'node:20-bookworm',
      system_packages: ['libgomp1', 'ffmpeg'],
      env: { OMP_NUM_THREADS: '4' },
      build_args: { NPM_REGISTRY: 'https://registry.example' },
      dockerfile: 'Dockerfile.bento',
    });
  });

  it('refuses YAML that does not parse, naming the file', async () => {
    const file = write('broken.yaml', 'service: [unclosed\n');
    await expect(readBentofile(file)).rejects.toThrow(`${file} is not valid YAML: `);
  });

  it('refuses a file that does not exist, naming it', async () => {
    const file = path.join(dir, 'missing.yaml');
    await expect(readBentofile(file)).rejects.toThrow(`Cannot read ${file}: `);
  });

  it('reads an empty file as missing the service', async () => {
    const file = write('empty.yaml', '');
    await expect(readBentofile(file)).rejects.toThrow(/is invalid: service: /);
  });
});
