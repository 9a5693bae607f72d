import { describe, expect, it } from "@effect/vitest"
import type { Snapshot } from "@enamel/openstack-clients"
import { groupBackupSets } from "../../../src/flows/cloud/backupSets.js"

/** A snapshot as Cinder lists it: its time to the second only, as the dev cloud's Cinder gives it. */
const snapshot = (
  id: string,
  backupId: string | undefined,
  createdAt: string,
  takenAt?: string
): Snapshot => ({
  id,
  name: "nightly",
  status: "available",
  size: 1,
  volumeId: `volume-of-${id}`,
  metadata: {
    ...(backupId === undefined ? {} : { enamel_backup_id: backupId }),
    ...(takenAt === undefined ? {} : { enamel_backup_at: takenAt })
  },
  createdAt
})

describe("a server's backup sets, from its snapshots", () => {
  it("groups them by backup id, newest first by Enamel's time to the millisecond", () => {
    const second = "2026-12-06T12:53:59.000000"
    const sets = groupBackupSets([
      snapshot("a1", "a", second, "2026-12-06T12:53:59.100Z"),
      snapshot("b1", "b", second, "2026-12-06T12:53:59.900Z"),
      snapshot("a2", "a", second, "2026-12-06T12:53:59.101Z"),
      snapshot("loose", undefined, second)
    ])
    expect(sets.map((set) => [set.backupId, set.snapshots.map((s) => s.id)])).toEqual([
      ["b", ["b1"]],
      ["a", ["a1", "a2"]]
    ])
    expect(sets[1]).toMatchObject({ name: "nightly", createdAt: second, takenAt: "2026-12-06T12:53:59.100Z" })
  })

  it("orders a set without Enamel's time by Cinder's", () => {
    const sets = groupBackupSets([
      snapshot("old", "old", "2026-12-05T10:00:00.000000"),
      snapshot("new", "new", "2026-12-06T10:00:00.000000", "2026-12-06T10:00:00.250Z")
    ])
    expect(sets.map((set) => set.backupId)).toEqual(["new", "old"])
    expect(sets[1]?.takenAt).toBe("2026-12-05T10:00:00.000Z")
  })
})
