import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readBentofile } from '../config/bentofile';
import { ConfigError } from '../errors';
import { isServiceClass, type ServiceClass } from '../sdk/definition';

const EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/** A parsed serve target: the module file and the export to serve (undefined: its only service). */
export interface ServiceTarget {
  file: string;
  exportName?: string;
}

/** Splits `./service.ts:Describe` / `service:Describe` / `./service.ts` and finds the module file. */
export function resolveTarget(target: string, cwd = process.cwd()): ServiceTarget {
  const colon = target.lastIndexOf(':');
  // A Windows drive letter ("C:\...") is not a separator.
  const hasExport = colon > 1 && /^[A-Za-z_$][\w$]*$/.test(target.slice(colon + 1));
  const modulePart = hasExport ? target.slice(0, colon) : target;
  const exportName = hasExport ? target.slice(colon + 1) : undefined;
  const base = path.resolve(cwd, modulePart);
  const candidates = path.extname(base) && EXTENSIONS.includes(path.extname(base))
    ? [base]
    : [base, ...EXTENSIONS.map((ext) => base + ext), ...EXTENSIONS.map((ext) => path.join(base, 'index' + ext))];
  const file = candidates.find((candidate) => existsSync(candidate) && !candidate.endsWith(path.sep));
  if (!file || !EXTENSIONS.includes(path.extname(file))) {
    throw new ConfigError(
      `Cannot find the service module "${modulePart}" (looked for ${candidates.map((c) => path.relative(cwd, c) || c).join(', ')})`,
    );
  }
  return { file, exportName };
}

let typescriptRegistered = false;

/**
 * Loads a module with TypeScript support: tsx compiles `.ts` files on the fly (standard decorators
 * included), so users serve their source without a build step. tsx's CommonJS hook is registered
 * globally, not namespaced, so the user's module and this package share one module cache.
 */
async function importModule(file: string): Promise<Record<string, unknown>> {
  if (!typescriptRegistered) {
    // `require` rather than `import()`: this package is CommonJS, and tsx ships CommonJS APIs.
    /* eslint-disable @typescript-eslint/no-require-imports */
    (require('tsx/cjs/api') as typeof import('tsx/cjs/api')).register();
    /* eslint-enable @typescript-eslint/no-require-imports */
    typescriptRegistered = true;
  }
  const ext = path.extname(file);
  if (ext === '.mts' || ext === '.mjs') return esmImport(file);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as Record<string, unknown>;
  } catch (error) {
    // A file written as an ES module with top-level await cannot be required.
    const code = (error as { code?: string }).code;
    if (code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE') return esmImport(file);
    throw error;
  }
}

let esmHooksRegistered = false;

/** ES modules: tsx's loader hooks registered once, then a plain import(). */
async function esmImport(file: string): Promise<Record<string, unknown>> {
  if (!esmHooksRegistered) {
    // The ES-module build of tsx's API: its CommonJS build cannot register ESM hooks (tsx 4.23).
    const tsxEsm = (await import('tsx/esm/api')) as typeof import('tsx/esm/api');
    tsxEsm.register();
    esmHooksRegistered = true;
  }
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

/**
 * Loads the service class a serve target names. Without a target, reads `service:` from
 * `bentofile.yaml` in `cwd`. Every failure is a `ConfigError` saying what was wrong.
 */
export async function loadServiceTarget(target?: string, cwd = process.cwd()): Promise<ServiceClass> {
  if (!target) {
    const bentofile = path.join(cwd, 'bentofile.yaml');
    if (!existsSync(bentofile)) {
      throw new ConfigError(`No service given and no bentofile.yaml in ${cwd}; run "bento serve ./service.ts:MyService"`);
    }
    target = (await readBentofile(bentofile)).service;
  }
  const { file, exportName } = resolveTarget(target, cwd);
  const shown = path.relative(cwd, file) || file;
  let exports: Record<string, unknown>;
  try {
    exports = await importModule(file);
  } catch (cause) {
    throw new ConfigError(`Cannot load the service module ${shown}: ${(cause as Error).message}`);
  }
  if (exportName) {
    if (!(exportName in exports)) {
      const names = Object.keys(exports).filter((k) => k !== '__esModule');
      throw new ConfigError(`Module ${shown} has no export named ${exportName} (its exports: ${names.join(', ') || 'none'})`);
    }
    const value = exports[exportName];
    if (!isServiceClass(value)) {
      throw new ConfigError(`Export ${exportName} of ${shown} is not a service: decorate the class with @service()`);
    }
    return value;
  }
  const services = Object.entries(exports).filter(([, value]) => isServiceClass(value));
  if (services.length === 1) return services[0]![1] as ServiceClass;
  if (services.length === 0) throw new ConfigError(`Module ${shown} exports no service class (a class decorated with @service())`);
  throw new ConfigError(`Module ${shown} exports several services (${services.map(([n]) => n).join(', ')}); name one: ${shown}:${services[0]![0]}`);
}
