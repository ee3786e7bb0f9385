import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { ComposeFile } from './compose/render-compose';
import type { KubeObject } from './kubernetes/object';

/** YAML as kubectl writes it; no line folding, so a service map's JSON stays on one line. */
export function toYaml(value: unknown): string {
  // No anchors: objects share label maps, and `&a1`/`*a1` aliases are legal but unreadable.
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** Objects as one multi-document YAML stream (what `--dry-run` prints). */
export function toYamlDocuments(objects: readonly KubeObject[]): string {
  return objects.map((object) => `---\n${toYaml(object)}`).join('');
}

/** The file an object is written to: its service's, or one named after its kind. */
function fileOf(object: KubeObject): string {
  const service = object.metadata.labels?.['app.kubernetes.io/name'];
  return `${service ?? object.kind.toLowerCase()}.yaml`;
}

/**
 * Writes a directory `kubectl apply -k` takes: one file per service (its Deployment, Service,
 * autoscaler and disruption budget), one per other object, and a kustomization.yaml listing them.
 * Returns the files written, relative to `dir`.
 */
export async function writeKubernetesDirectory(dir: string, objects: readonly KubeObject[]): Promise<string[]> {
  const files = new Map<string, KubeObject[]>();
  for (const object of objects) {
    const file = fileOf(object);
    files.set(file, [...(files.get(file) ?? []), object]);
  }
  await mkdir(dir, { recursive: true });
  for (const [file, contents] of files) await writeFile(path.join(dir, file), toYamlDocuments(contents));
  const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...files.keys()] };
  await writeFile(path.join(dir, 'kustomization.yaml'), toYaml(kustomization));
  return [...files.keys(), 'kustomization.yaml'];
}

/**
 * Writes compose.yaml and, when a token is given, a `.env` beside it holding it (readable by its
 * owner only): compose reads `.env` from the project directory, so the secret never sits in
 * compose.yaml itself.
 */
export async function writeComposeDirectory(dir: string, compose: ComposeFile, token: string | undefined): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'compose.yaml'), toYaml(compose));
  if (token === undefined) return ['compose.yaml'];
  await writeFile(path.join(dir, '.env'), `BENTO_INTERNAL_TOKEN=${token}\n`, { mode: 0o600 });
  return ['compose.yaml', '.env'];
}
