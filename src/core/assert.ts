/**
 * Invariant check for states that can only come from a bug in dsfabric (not from user input, which gets a
 * typed `DsfabricError` instead). The message is built lazily so that hot paths pay nothing for it.
 */
export function assert(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new Error(`dsfabric internal error: ${message()}`);
}
