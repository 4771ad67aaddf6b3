/**
 * A table looked up by a key someone else chose: a request field, a model name, a MIME type, an error name
 * from upstream. An object literal also answers `constructor`, `toString` or `__proto__` (from
 * Object.prototype): a model named `constructor` once reached the translators as a function, a 500. A table
 * made here has no prototype and answers only its own keys. Pure.
 */
export function lookupTable<V>(entries: Readonly<Record<string, V>>): Readonly<Record<string, V>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, V>, entries));
}
