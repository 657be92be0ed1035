/**
 * Construct ids built at run time (`AccessControl${api.node.id}`, `${api.node.id}-${stage}`).
 *
 * The constructs library uses a construct's id as a property key of its parent's children, so V8
 * internalizes it: an id built at run time is then turned into a "thin" string pointing to the
 * internalized copy. cdktf joins the ids of a resource's path into its logical id with
 * `Array.prototype.join`, and V8 (Node 20) makes the result a two-byte string when an element is
 * thin, even for ASCII text. One two-byte string among the values of a stack (a reference to such
 * a resource) makes `JSON.stringify` render the whole stack as two-byte text: twice the memory of
 * the largest strings of a synth (at 1,000 protected APIs, 9.5 instead of 4.8 MB for the stack's
 * text and again for each copy while cdktf writes it). An id that is internalized before the
 * construct is created is never made thin.
 */

/**
 * `id` as V8's internalized copy of that text (the same characters): use it for construct ids
 * built at run time, so that the logical ids and references cdktf derives from them stay one-byte
 * strings.
 */
export function builtId(id: string): string {
  // Property keys are internalized; reading one back returns the internalized string.
  return Object.keys({ [id]: true })[0];
}
