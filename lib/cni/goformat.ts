// Go's %q and %s renderings of strings and string slices, for error messages that must read
// exactly like the reference's (users grep for them).

/** Go's strconv.Quote for printable text: JSON escaping is the same for everything we print. */
export const goQuote = (s: string): string => JSON.stringify(s);

/** fmt's %q of a []string: ["a" "b"]. */
export const goQuoteList = (items: readonly string[]): string => `[${items.map(goQuote).join(' ')}]`;

/** fmt's %s or %v of a []string: [a b]. */
export const goList = (items: readonly string[]): string => `[${items.join(' ')}]`;
