/**
 * Newest first, as Nova, Cinder and Glance list by default (`created_at` descending); among things made
 * in the same millisecond, the one made later first. Give the items latest-made first
 * (`[...made].reverse()`): the sort keeps that order among equals.
 */
export const newestFirst = <A extends { readonly createdAt: number }>(a: A, b: A): number =>
  b.createdAt - a.createdAt
