const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor as Function;
const AsyncGeneratorFunction = Object.getPrototypeOf(async function* () {}).constructor as Function;

/** `function*` and `async function*` methods: they return an iterator, and their APIs stream. */
export function isGeneratorFunction(fn: Function): boolean {
  return fn instanceof GeneratorFunction || fn instanceof AsyncGeneratorFunction;
}
