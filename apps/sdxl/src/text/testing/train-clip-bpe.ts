/**
 * TEST ONLY: learns CLIP-format merges from a small corpus by plain BPE training (the most frequent
 * adjacent pair becomes the next merge), so that the cross-check also runs on merges that overlap
 * and compete the way CLIP's do, not only on words joined left to right.
 */
import { byteLevelVocab, finishVocabulary, type ClipVocabulary } from './clip-folders';
import { BYTE_TO_SYMBOL, REFERENCE_WORD_PATTERN } from './reference-clip-bpe';

/** Trains `mergeCount` merges on the corpus; merged tokens take ids 512, 513, … as in CLIP. */
export function trainClipVocabulary(corpus: string, mergeCount: number): ClipVocabulary {
  const words = (corpus.toLowerCase().match(REFERENCE_WORD_PATTERN) ?? []).map((word) => {
    const symbols = [...new TextEncoder().encode(word)].map((byte) => BYTE_TO_SYMBOL[byte]!);
    symbols[symbols.length - 1] += '</w>';
    return symbols;
  });
  const vocab = byteLevelVocab();
  const merges: string[] = [];
  while (merges.length < mergeCount) {
    const counts = new Map<string, number>();
    for (const symbols of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const pair = `${symbols[i]} ${symbols[i + 1]}`;
        counts.set(pair, (counts.get(pair) ?? 0) + 1);
      }
    }
    let best: string | undefined;
    for (const [pair, count] of counts)
      if (best === undefined || count > counts.get(best)!) best = pair;
    if (best === undefined) break;
    const [left, right] = best.split(' ') as [string, string];
    merges.push(best);
    vocab[left + right] ??= 512 + merges.length - 1;
    for (const symbols of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        if (symbols[i] === left && symbols[i + 1] === right) symbols.splice(i, 2, left + right);
      }
    }
  }
  return finishVocabulary(vocab, merges);
}
