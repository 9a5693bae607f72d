/**
 * A setup file of the fast tier, whose test files share their worker (`isolate: false`): @effect/vitest
 * 0.30's `layer()` assigns its layer-bound `effect`, `scoped`, `layer`, … onto the `it` every file imports,
 * so after a file with a `layer(...)` block, the next file's `it.effect` would run in that layer's runtime
 * (no TestClock) instead of a fresh TestContext. Before each file, `it` gets its own methods back.
 */
import { effect, flakyTest, it, layer, live, prop, scoped, scopedLive } from "@effect/vitest"

Object.assign(it, { effect, scoped, live, scopedLive, layer, flakyTest, prop })
