import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../errors';

/** The programs that build images, in the order they are preferred. */
export type ImageBuilder = 'docker' | 'buildah';

/** What one image build needs. */
export interface ImageBuild {
  dockerfile: string;
  context: string;
  tag: string;
  labels: Record<string, string>;
  buildArgs: Record<string, string>;
}

/** The executable `program` is on a PATH, or undefined. */
export function whichOnPath(program: string, pathEnv: string): string | undefined {
  for (const dir of pathEnv.split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, program);
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      // not here; the next folder
    }
  }
  return undefined;
}

/** Docker when it is on PATH, else buildah, else undefined. */
export function findImageBuilder(pathEnv = process.env.PATH ?? ''): ImageBuilder | undefined {
  return (['docker', 'buildah'] as const).find((program) => whichOnPath(program, pathEnv) !== undefined);
}

/** The error for a machine with neither: what to install, and how to get the Dockerfiles anyway. */
export function noImageBuilderError(): ConfigError {
  return new ConfigError(
    'Neither docker nor buildah is on PATH, and bento containerize needs one to build images: install Docker ' +
      '(https://docs.docker.com/engine/install/) or buildah (apt-get install buildah, dnf install buildah, brew has none: use Docker there); ' +
      'or run bento containerize --dry-run to write the Dockerfiles and print the build commands',
  );
}

/**
 * The command line that builds one image. buildah builds in Docker's image format: the OCI format
 * has no HEALTHCHECK, and the generated Dockerfiles rely on it.
 */
export function buildCommand(builder: ImageBuilder, build: ImageBuild): string[] {
  return [
    ...(builder === 'docker' ? ['docker', 'build'] : ['buildah', 'bud', '--format', 'docker']),
    '-f', build.dockerfile,
    '-t', build.tag,
    ...Object.entries(build.labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    ...Object.entries(build.buildArgs).flatMap(([key, value]) => ['--build-arg', `${key}=${value}`]),
    build.context,
  ];
}

/** A command line as a POSIX shell reads it, for printing. */
export function shellLine(argv: readonly string[]): string {
  return argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}
