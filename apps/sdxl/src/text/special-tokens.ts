/**
 * CLIP's special tokens (BOS, EOS, unknown, padding), read from a tokenizer folder's
 * special_tokens_map.json and tokenizer_config.json the way transformers resolves them.
 */
import { describe, isObject, type JsonFile } from './json-text';

/** An added token in the shape of tokenizer.json's `added_tokens`, which @huggingface/tokenizers reads. */
export interface AddedTokenSpec {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  /** Matched in the normalized (lowercased…) text rather than in the prompt as written. */
  normalized: boolean;
  special: boolean;
}

/** A token named by a settings file, before its id is looked up. */
export type TokenSpec = Omit<AddedTokenSpec, 'id'>;

/** A special token and the file that named it, so that errors can point there. */
export interface NamedToken {
  token: TokenSpec;
  /** A file name, or a note that CLIPTokenizer's default applied. */
  from: string;
}

/** The special-token roles a CLIP tokenizer needs, under the keys its settings files use. */
export const SPECIAL_ROLES = ['bos_token', 'eos_token', 'unk_token', 'pad_token'] as const;

/** One of {@link SPECIAL_ROLES}. */
export type SpecialRole = (typeof SPECIAL_ROLES)[number];

/** The resolved special tokens of one tokenizer folder. */
export interface SpecialTokens {
  roles: Record<SpecialRole, NamedToken>;
  /** `additional_special_tokens`, if a file lists any. */
  additional: NamedToken[];
}

// transformers' CLIPTokenizer constructor defaults; its pad default is <|endoftext|> ("hack to
// enable padding"). SDXL's tokenizer_2 overrides it with "!" in its files, which is why the pad
// token is read from the folder and never chosen per folder here.
const CLIP_DEFAULTS: Record<SpecialRole, string> = {
  bos_token: '<|startoftext|>',
  eos_token: '<|endoftext|>',
  unk_token: '<|endoftext|>',
  pad_token: '<|endoftext|>',
};

/**
 * Resolves the special tokens from settings files given in precedence order: pass
 * special_tokens_map.json before tokenizer_config.json, as transformers lets the map override the
 * config. A role no file names gets CLIPTokenizer's default; `null` counts as not named.
 */
export function resolveSpecialTokens(files: readonly JsonFile[]): SpecialTokens {
  const roles = {} as Record<SpecialRole, NamedToken>;
  for (const role of SPECIAL_ROLES) {
    // Every file's entry is checked, the overridden ones too: a malformed file is reported either way.
    const named = files
      .filter(({ json }) => json[role] !== undefined && json[role] !== null)
      .map(({ file, json }) => ({
        token: asSpecial(parseTokenSpec(json[role], `${file} ${role}`, true)),
        from: file,
      }));
    roles[role] = named[0] ?? {
      token: specialToken(CLIP_DEFAULTS[role]),
      from: `CLIPTokenizer's default ${role}`,
    };
  }
  const listing = files.find(({ json }) => Array.isArray(json['additional_special_tokens']));
  const additional = listing
    ? (listing.json['additional_special_tokens'] as unknown[]).map((value, index) => ({
        token: asSpecial(
          parseTokenSpec(value, `${listing.file} additional_special_tokens[${index}]`, true),
        ),
        from: listing.file,
      }))
    : [];
  return { roles, additional };
}

/**
 * Reads a token as settings files write it: a plain string, or an object with `content` and flags
 * (`{ "__type": "AddedToken", "content": "!", "normalized": false, … }`). Flags that are absent
 * take transformers' AddedToken defaults: not stripped, normalized only when not special.
 */
export function parseTokenSpec(value: unknown, where: string, special: boolean): TokenSpec {
  if (typeof value === 'string') return { ...specialToken(value), special, normalized: !special };
  if (!isObject(value) || typeof value['content'] !== 'string') {
    throw new Error(
      `${where}: expected a token string or an object with a string "content" but found ${describe(value)}`,
    );
  }
  const flag = (name: keyof TokenSpec, fallback: boolean): boolean => {
    const flagValue = value[name];
    if (flagValue === undefined) return fallback;
    if (typeof flagValue !== 'boolean') {
      throw new Error(
        `${where}: expected "${name}" to be true or false but found ${describe(flagValue)}`,
      );
    }
    return flagValue;
  };
  const isSpecial = flag('special', special);
  return {
    content: value['content'],
    single_word: flag('single_word', false),
    lstrip: flag('lstrip', false),
    rstrip: flag('rstrip', false),
    normalized: flag('normalized', !isSpecial),
    special: isSpecial,
  };
}

// transformers marks every token named for a special role as special, whatever its entry says.
function asSpecial(token: TokenSpec): TokenSpec {
  return { ...token, special: true };
}

function specialToken(content: string): TokenSpec {
  return {
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  };
}
