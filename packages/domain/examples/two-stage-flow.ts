/**
 * A library user's two-stage flow, run with the in-memory checkpoints: no server, no database.
 * `pnpm demo` runs it. The second stage fails on the first run when FAIL=1, to show the undo.
 */
import { Checkpoints, CheckpointsMemory, Flow, runFlow, Stage } from "@enamel/domain"
import { Console, Effect, Schema } from "effect"

class OutOfDisks extends Schema.TaggedError<OutOfDisks>()("OutOfDisks", {}) {
  readonly code = "example.out_of_disks"
  override get message() {
    return "no disk left"
  }
}

// Stage 1 makes a disk (and says how to undo it); stage 2 attaches it.
const createDisk = Stage.make({
  name: "createDisk",
  result: Schema.Struct({ diskId: Schema.String }),
  run: (sizeGb: number, ctx) =>
    Effect.as(Console.log(`  creating a ${sizeGb} GB disk, tagged ${ctx.idempotencyToken}`), {
      diskId: `disk-${ctx.taskId.slice(0, 8)}`
    }),
  compensate: (disk) => Console.log(`  deleting ${disk.diskId}`)
})

const attachDisk = Stage.make({
  name: "attachDisk",
  result: Schema.String,
  run: (disk: { diskId: string }) =>
    process.env.FAIL === "1" ? Effect.fail(new OutOfDisks()) : Effect.succeed(`${disk.diskId} attached`)
})

const diskFlow = Flow.make({
  type: "example.disk",
  params: Schema.Struct({ sizeGb: Schema.Number }),
  result: Schema.String,
  // The checklist: every stage path the program may run (the runner refuses any other).
  stages: { createDisk, attachDisk },
  program: ({ sizeGb }) =>
    Effect.gen(function* () {
      const disk = yield* Flow.stage(createDisk, sizeGb)
      return yield* Flow.stage(attachDisk, disk)
    })
})

const main = Effect.gen(function* () {
  const taskId = crypto.randomUUID()
  yield* Console.log(`running task ${taskId}`)
  const outcome = yield* runFlow(diskFlow, { taskId, params: { sizeGb: 1 } })
  yield* Console.log(`outcome: ${JSON.stringify(outcome)}`)
  const timeline = yield* Effect.flatMap(Checkpoints.Checkpoints, (store) => store.timeline(taskId))
  yield* Console.table(
    timeline.map((e) => ({
      stage: e.path,
      phase: e.phase,
      attempt: e.attempt,
      state: e.state,
      ms: e.durationMs
    }))
  )
})

Effect.runPromise(Effect.provide(main, CheckpointsMemory.layer)).catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
