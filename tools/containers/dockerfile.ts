/**
 * A small Dockerfile reader for the image tests: instructions with their line numbers, line
 * continuations and comments as Docker reads them, stages with their names and base images
 * (global ARGs expanded), ENV, HEALTHCHECK and exec-form commands. Not a full parser: no
 * heredocs, no escape directive (the project's Dockerfiles use neither).
 */
import { readFileSync } from 'node:fs';

export interface Instruction {
  /** Upper-cased: FROM, RUN, COPY, … */
  keyword: string;
  /** Everything after the keyword, continuation lines joined with a space. */
  args: string;
  /** 1-based line where the instruction starts. */
  line: number;
}

export interface Stage {
  /** The `AS` name, if any. */
  name?: string;
  /** The base image with the global ARGs' defaults substituted. */
  from: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string | undefined>;
  stages: Stage[];
}

export function readDockerfile(file: string): Dockerfile {
  return parseDockerfile(readFileSync(file, 'utf8'));
}

export function parseDockerfile(text: string): Dockerfile {
  const instructions = splitInstructions(text);
  const globalArgs: Record<string, string | undefined> = {};
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const [image, as, name] = words;
      if (!image || (as !== undefined && (as.toUpperCase() !== 'AS' || !name))) {
        throw new Error(`line ${instruction.line}: cannot read FROM ${instruction.args}`);
      }
      stages.push({ name, from: expand(image, globalArgs), instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG')
        throw new Error(`line ${instruction.line}: ${instruction.keyword} before the first FROM`);
      const [key, value] = splitOnce(instruction.args, '=');
      globalArgs[key] = value;
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  if (stages.length === 0) throw new Error('no FROM');
  return { globalArgs, stages };
}

/** Joins continuation lines and drops comments and blank lines, as Docker's parser does. */
function splitInstructions(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  const out: Instruction[] = [];
  let current: { parts: string[]; line: number } | undefined;
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    // Comment and blank lines are dropped, even in the middle of a continued instruction.
    if (trimmed.startsWith('#') || trimmed === '') return;
    const continues = trimmed.endsWith('\\');
    const part = continues ? trimmed.slice(0, -1).trim() : trimmed;
    if (current === undefined) current = { parts: [], line: index + 1 };
    current.parts.push(part);
    if (!continues) {
      out.push(toInstruction(current.parts.join(' '), current.line));
      current = undefined;
    }
  });
  if (current !== undefined) out.push(toInstruction(current.parts.join(' '), current.line));
  return out;
}

function toInstruction(text: string, line: number): Instruction {
  const match = /^(\S+)\s*(.*)$/s.exec(text)!;
  return { keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text.trim(), undefined] : [text.slice(0, at).trim(), text.slice(at + 1).trim()];
}

/** `${NAME}` and `$NAME` replaced by the ARG defaults (unknown names are left as they are). */
function expand(text: string, args: Record<string, string | undefined>): string {
  return text.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (whole, braced: string | undefined, bare: string | undefined) => args[braced ?? bare!] ?? whole,
  );
}

/** The instructions of a stage with this keyword. */
export function instructionsOf(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/** The last value of each variable the stage's ENV instructions set (`KEY=value` pairs). */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of instructionsOf(stage, 'ENV')) {
    for (const pair of args.match(/\w+=("[^"]*"|\S*)/g) ?? []) {
      const [key, value] = splitOnce(pair, '=');
      env[key] = (value ?? '').replace(/^"(.*)"$/, '$1');
    }
  }
  return env;
}

/** An exec-form (JSON array) command, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string')) return undefined;
  return parsed as string[];
}

/** A stage's HEALTHCHECK: its `--name=value` options and its exec-form command. */
export function healthcheckOf(
  stage: Stage,
): { options: Record<string, string>; command?: string[] } | undefined {
  const found = instructionsOf(stage, 'HEALTHCHECK').at(-1);
  if (!found) return undefined;
  const options: Record<string, string> = {};
  let rest = found.args;
  for (
    let match = /^--(\w[\w-]*)=(\S+)\s+/.exec(rest);
    match;
    match = /^--(\w[\w-]*)=(\S+)\s+/.exec(rest)
  ) {
    options[match[1]!] = match[2]!;
    rest = rest.slice(match[0].length);
  }
  const cmd = /^CMD\s+(.*)$/is.exec(rest);
  return { options, command: cmd ? execForm(cmd[1]!.trim()) : undefined };
}
