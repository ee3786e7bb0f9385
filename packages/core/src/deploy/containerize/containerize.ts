import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BentoError } from '../../errors';
import { SOURCE_DIR } from '../bento/bento-manifest';
import { BentoStore, bentoHome, type BentoInfo } from '../bento/bento-store';
import { findWorkspace, readPackageJson } from '../bento/workspace';
import { dnsName } from '../service-plan';
import { generateDockerfile, imageLabels, type InstallStep } from './generate-dockerfile';
import { buildCommand, findImageBuilder, noImageBuilderError, whichOnPath, type ImageBuilder } from './image-builder';

/** One image of a bento: the service it runs, its tag, its Dockerfile and the command that builds it. */
export interface ImagePlan {
  service: string;
  tag: string;
  dockerfile: string;
  command: string[];
}

/** What `containerize` takes. */
export interface ContainerizeOptions {
  /** The store's folder (default: `BENTO_HOME`, else `~/.bento`). */
  home?: string;
  /** Write the Dockerfiles and return the commands without running them. */
  dryRun?: boolean;
  /** Where to look for docker and buildah (default: `PATH`). */
  pathEnv?: string;
}

/**
 * The image of one service: `<bento>-<service as a DNS name>:<version>` — the name `bento deploy`
 * renders for it (service-plan.ts), so images built here are the ones a deployment runs.
 */
export function imageTag(bento: BentoInfo, service: string): string {
  return `${bento.name}-${dnsName(service)}:${bento.version}`;
}

/** The bento's workspace packages with an `install` script: native addons, compiled in the image. */
async function installSteps(src: string): Promise<InstallStep[]> {
  const workspace = await findWorkspace(src);
  // A bento without workspaces must not pick up a workspace its store happens to sit in.
  if (path.resolve(workspace.root) !== path.resolve(src)) return [];
  const steps: InstallStep[] = [];
  for (const [name, dir] of [...workspace.packages].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if ((await readPackageJson(dir)).scripts?.install) steps.push({ name });
  }
  return steps;
}

/**
 * Writes each service's Dockerfile into the bento (env/docker/<Service>.Dockerfile; a Dockerfile of
 * the bentofile's own, env/docker/Dockerfile, serves every service instead) and plans its build.
 */
export async function planImages(bento: BentoInfo, builder: ImageBuilder): Promise<ImagePlan[]> {
  const { manifest } = bento;
  const src = path.join(bento.path, SOURCE_DIR);
  const dockerDir = path.join(bento.path, 'env', 'docker');
  const own = path.join(dockerDir, 'Dockerfile');
  const hasOwn = existsSync(own) && manifest.docker.dockerfile !== undefined;
  const installs = hasOwn ? [] : await installSteps(src);
  await mkdir(dockerDir, { recursive: true });
  const plans: ImagePlan[] = [];
  for (const service of manifest.services) {
    let dockerfile = own;
    if (!hasOwn) {
      dockerfile = path.join(dockerDir, `${service.name}.Dockerfile`);
      await writeFile(dockerfile, generateDockerfile(manifest, service, installs));
    }
    // A Dockerfile of one's own learns which service to run from build arguments.
    const buildArgs = {
      ...manifest.docker.build_args,
      ...(hasOwn ? { BENTO_SERVICE: service.name, BENTO_TARGET: manifest.entry.target, BENTO_ENTRY_DIR: manifest.entry.dir } : {}),
    };
    const tag = imageTag(bento, service.name);
    const command = buildCommand(builder, { dockerfile, context: src, tag, labels: imageLabels(manifest, service.name), buildArgs });
    plans.push({ service: service.name, tag, dockerfile, command });
  }
  return plans;
}

function run(program: string, command: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, command.slice(1), { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/**
 * Builds one image per service of a bento with docker (else buildah): each runs exactly one service.
 * With `dryRun`, only writes the Dockerfiles and returns the commands (docker's when neither exists).
 */
export async function containerize(tag: string, options: ContainerizeOptions = {}, onImage: (plan: ImagePlan) => void = () => {}): Promise<{ builder: ImageBuilder; images: ImagePlan[] }> {
  const bento = await new BentoStore(options.home ?? bentoHome()).get(tag);
  const pathEnv = options.pathEnv ?? process.env.PATH ?? '';
  const found = findImageBuilder(pathEnv);
  if (!found && !options.dryRun) throw noImageBuilderError();
  const builder = found ?? 'docker';
  const images = await planImages(bento, builder);
  for (const image of images) {
    onImage(image);
    if (options.dryRun) continue;
    // The program found on the PATH searched, which may not be the process's own.
    const code = await run(whichOnPath(builder, pathEnv)!, image.command);
    if (code !== 0) throw new BentoError(`Building the image of ${image.service} (${image.tag}) failed: ${builder} exited with ${code}`, { status: 500, code: 'build_failed' });
  }
  return { builder, images };
}
