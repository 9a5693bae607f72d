import { Effect } from "effect"

/**
 * A stand-in for the cloud in runtime tests: resources keyed by the idempotency token that made them,
 * so a test can see duplicates (two creates with one token) and leaks (anything left at the end).
 */
export class World {
  readonly resources = new Map<string, string>()
  readonly calls = new Map<string, number>()
  readonly log: Array<string> = []
  private nextId = 0

  count(what: string): number {
    return this.calls.get(what) ?? 0
  }

  private called(what: string) {
    this.calls.set(what, this.count(what) + 1)
    this.log.push(what)
  }

  /** Creates a resource for `token`, or adopts the one that token already made. */
  create(what: string, token: string): Effect.Effect<string> {
    return Effect.sync(() => {
      this.called(what)
      const existing = this.resources.get(token)
      if (existing !== undefined) return existing
      this.nextId += 1
      const id = `${what}-${this.nextId}`
      this.resources.set(token, id)
      return id
    })
  }

  /** Deletes by id; deleting what is gone succeeds, as compensations require. */
  remove(what: string, id: string): Effect.Effect<void> {
    return Effect.sync(() => {
      this.called(`undo ${what}`)
      for (const [token, existing] of this.resources) if (existing === id) this.resources.delete(token)
    })
  }
}
